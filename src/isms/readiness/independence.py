"""Auditor independence (9.2.2), judged once for the whole ISMS: who an auditor is on an internal
audit, and every conflict between an auditor and an audit's scope (departments, processes,
documents, and the ISMS manager's own processes).

An auditor must not audit their own work. Working in or heading an audited department, owning an
audited process, owning, writing or approving a document of the scope, and, for the ISMS
manager, auditing the processes the ISMS manager runs (risk assessment and treatment, 6.1;
the internal audit programme, 9.2; nonconformity and corrective action, 10.2) are their own
work. Owning an asset of an audited department is not: the asset owner is accountable for one
record, not for the process under audit.

Two callers need the same judgement: the mock-audit rule AUD006 (:mod:`isms.readiness.rules.
internal_audit`) reports audits of the programme that have a conflict, and ``isms audit assign``
(:func:`isms.loop.audit_programme.assign_auditor`) refuses an assignment that has one. It reads
several registers, and the rule cannot import :mod:`isms.loop` (which sits above readiness), so it
lives here.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, prefetch_related_objects

from isms.audits.models import InternalAudit
from isms.audits.programme import matching_clauses
from isms.documents.models import Document, DocumentVersion
from isms.leadership.models import RoleAssignment
from isms.people.models import Person

#: The clauses of the processes the ISMS manager runs: an ISMS manager auditing them reviews
#: their own work.
ISMS_MANAGER_CLAUSES = ("6.1", "9.2", "10.2")


@dataclass(frozen=True)
class Conflict:
    """Why ``person`` is not independent of ``audit``: ``what`` completes the sentence
    "<person> ..." (e.g. "heads the Finance department, which the audit covers")."""

    audit: InternalAudit
    person: Person
    subject: str  # "Department Finance", "Process Order to cash", "Document POL-002",
    # "ISMS manager"
    what: str
    department: str | None = None
    process: str | None = None

    @property
    def reason(self) -> str:
        return f"{self.person.name} ({self.person.email}) {self.what}"


def auditors(audit: InternalAudit) -> list[Person]:
    """The lead auditor, then the team (the lead counted once)."""
    people = [audit.lead_auditor] if audit.lead_auditor_id else []
    people += [p for p in audit.team.all() if p.pk != audit.lead_auditor_id]
    return people


def independence_conflicts(
    organisation, pairs: Iterable[tuple[InternalAudit, Person]], as_of: dt.date
) -> list[Conflict]:
    """Every independence conflict of each (audit, auditor) pair at ``as_of``: the auditor

    - works in or heads a department in the audit's scope;
    - owns a process in scope;
    - owns a document, or wrote or approved a version of it (approved or in effect by
      ``as_of``, or undated), that documents a control in scope or a clause in scope (a
      document for 9.2.2 conflicts with an audit of 9.2 and the other way round);
    - holds the ISMS manager role (on the audit's planned start, or on ``as_of`` for an audit
      still to come) and the scope has a clause of the processes the ISMS manager runs:
      6.1, 9.2 or 10.2 (a parent such as 9 or a sub-clause such as 9.2.2 counts).

    Owning an asset of an audited department or process is not a conflict. One conflict per
    department, process and document, and one for the ISMS manager's processes. A few queries
    for any number of pairs.
    """
    pairs = list(pairs)
    if not pairs:
        return []
    audits = list({audit.pk: audit for audit, _ in pairs}.values())
    prefetch_related_objects(
        audits, "departments__manager", "processes__department", "controls", "clauses"
    )
    person_ids = {person.pk for _, person in pairs}
    documents = _documents_of(organisation, person_ids, as_of)
    managers = _isms_managers(organisation, person_ids)
    by_pk = {audit.pk: audit for audit in audits}
    conflicts = []
    for given, person in pairs:
        audit = by_pk[given.pk]
        departments = list(audit.departments.all())
        processes = list(audit.processes.all())
        for department in departments:
            roles = []
            if person.department_id == department.pk:
                roles.append("works in")
            if department.manager_id == person.pk:
                roles.append("heads")
            if roles:
                conflicts.append(
                    Conflict(
                        audit,
                        person,
                        f"Department {department.name}",
                        f"{' and '.join(roles)} the {department.name} department, which the "
                        "audit covers",
                        department=department.name,
                    )
                )
        for process in processes:
            if process.owner_id == person.pk:
                conflicts.append(
                    Conflict(
                        audit,
                        person,
                        f"Process {process.name}",
                        f"owns the process {process.name}, which the audit covers",
                        department=process.department.name if process.department else None,
                        process=process.name,
                    )
                )
        controls = {c.ref for c in audit.controls.all()}
        clauses = {c.ref for c in audit.clauses.all()}
        for document, roles, doc_controls, doc_clauses in documents.get(person.pk, []):
            shared = sorted(doc_controls & controls) + [
                ref for ref in sorted(doc_clauses) if matching_clauses(ref, clauses)
            ]
            if shared:
                conflicts.append(
                    Conflict(
                        audit,
                        person,
                        f"Document {document.ref}",
                        f"{' and '.join(roles)} document {document.ref} ({document.title}), "
                        f"which covers {', '.join(shared)} in the audit's scope",
                    )
                )
        day = min(audit.planned_on, as_of)
        if any(_in_effect(start, end, day) for start, end in managers.get(person.pk, [])):
            own = [ref for ref in ISMS_MANAGER_CLAUSES if matching_clauses(ref, clauses)]
            if own:
                conflicts.append(
                    Conflict(
                        audit,
                        person,
                        "ISMS manager",
                        f"holds the ISMS manager role and so runs the processes of "
                        f"{', '.join(own)}, which the audit covers",
                    )
                )
    return conflicts


def _in_effect(start, end, day) -> bool:
    return (start is None or start <= day) and (end is None or end > day)


def _isms_managers(organisation, person_ids: set[int]) -> dict[int, list[tuple]]:
    """For each person, the (assigned_on, ended_on) of their ISMS manager role assignments."""
    rows = RoleAssignment.objects.filter(
        organisation=organisation,
        role=RoleAssignment.Role.ISMS_MANAGER,
        person__in=person_ids,
    ).values_list("person_id", "assigned_on", "ended_on")
    result: dict[int, list[tuple]] = {}
    for person_id, start, end in rows:
        result.setdefault(person_id, []).append((start, end))
    return result


def _documents_of(organisation, person_ids: set[int], as_of: dt.date) -> dict[int, list]:
    """For each person, the documents they own, or wrote or approved a version of (a version
    counts when approved or in effect by ``as_of``, or undated), with the controls and
    clauses they cover."""
    current = Q(approved_on__lte=as_of) | Q(effective_on__lte=as_of)
    current |= Q(approved_on=None, effective_on=None)
    versions = (
        DocumentVersion.objects.filter(organisation=organisation)
        .filter(current)
        .filter(Q(author__in=person_ids) | Q(approver__in=person_ids))
        .values_list("document_id", "author_id", "approver_id")
    )
    roles: dict[tuple[int, int], set[str]] = {}
    for document_id, author_id, approver_id in versions:
        if author_id in person_ids:
            roles.setdefault((author_id, document_id), set()).add("wrote a version of")
        if approver_id in person_ids:
            roles.setdefault((approver_id, document_id), set()).add("approved a version of")
    owned = Document.objects.filter(organisation=organisation, owner__in=person_ids)
    for owner_id, document_id in owned.values_list("owner_id", "pk"):
        roles.setdefault((owner_id, document_id), set()).add("owns")
    if not roles:
        return {}
    by_id = {
        document.pk: document
        for document in Document.objects.filter(
            organisation=organisation, pk__in={document_id for _, document_id in roles}
        ).prefetch_related("controls", "clauses")
    }
    order = {"owns": 0, "wrote a version of": 1, "approved a version of": 2}
    result: dict[int, list] = {}
    for (person_id, document_id), how in sorted(roles.items()):
        document = by_id[document_id]
        result.setdefault(person_id, []).append(
            (
                document,
                sorted(how, key=order.get),
                {c.ref for c in document.controls.all()},
                {c.ref for c in document.clauses.all()},
            )
        )
    return result
