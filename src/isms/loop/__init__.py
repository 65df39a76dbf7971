"""Closing the loop: the work of the ISMS's own audit cycle that reads several registers and the
mock audit's runs. The management review pack and sign-off (:mod:`isms.loop.review_pack`), the
internal audit programme's coverage matrix, auditor assignment and sampling
(:mod:`isms.loop.audit_programme`), and raising nonconformities from a mock-audit run
(:mod:`isms.loop.nonconformities`).

It sits on top of :mod:`isms.readiness` (it reads its stored runs) and under the CLI and API;
register apps never import it, and it never imports ``cli`` or ``api``."""
