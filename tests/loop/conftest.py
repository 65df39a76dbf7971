"""The rule-test fixtures (load a YAML ISMS, run one rule) for the audit-loop tests."""

from tests.readiness.conftest import findings, load  # noqa: F401  (pytest fixtures)
