"""Control of documented information (7.5.3): superseded versions withdrawn, external documents
identified, distribution and access defined."""

from django.db.models import Exists, OuterRef, Q

from isms.documents.models import Document, DocumentVersion
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules._shared import department_of


def _owner(document) -> str | None:
    return document.owner.email if document.owner_id else None


@rule(
    code="DCC001",
    name="superseded-version-still-published",
    reference="7.5.3",
    stage=2,
    grade=Grade.MINOR,
    title="Superseded document version still published",
    statement=(
        "The organisation has not prevented the unintended use of obsolete documented "
        "information: a superseded version is still available where staff read it."
    ),
)
def superseded_version_still_published(ctx):
    """
    What it checks: document versions marked as still published (on the intranet, a shared
    drive, a notice board) although a later version of the same document had taken effect on or
    before the audit date. Versions with no effective date are not judged.

    Why an auditor cares: 7.5.3 asks for documented information to be available where it is
    needed and for its distribution and versions to be controlled, so that nobody works to an
    obsolete copy. Auditors open the intranet and compare what they find with the register; an
    old policy still on display is a classic sample failure.

    How to fix: withdraw the superseded version from where staff read it (or mark it clearly as
    superseded in an archive), record that it is no longer published, and make withdrawal a step
    of the publication procedure.

    Grade: minor for each superseded version; never major by effect. Counted among the
    published versions.
    """
    later = ctx.q(DocumentVersion).filter(
        document=OuterRef("document"),
        effective_on__gt=OuterRef("effective_on"),
        effective_on__lte=ctx.as_of,
    )
    published = ctx.q(DocumentVersion).filter(published=True)
    versions = (
        published.filter(effective_on__isnull=False)
        .filter(Exists(later))
        .select_related("document__owner__department")
    )
    for version in versions:
        document = version.document
        yield ctx.observe(
            Subject("Document versions", f"{document.ref} / {version.version}"),
            f"{document.ref} {document.title} version {version.version} (in effect from "
            f"{version.effective_on}) is still published on {ctx.as_of}, although a later "
            "version has replaced it.",
            population=ctx.population("published document versions", published),
            related=[Subject("Documents", document.ref)],
            department=department_of(document.owner),
            owner=_owner(document),
        )


@rule(
    code="DCC002",
    name="external-document-not-identified",
    reference="7.5.3",
    stage=1,
    grade=Grade.MINOR,
    title="External document with no source or owner",
    statement=(
        "The organisation has not identified and controlled documented information of external "
        "origin that it determined to be necessary for the ISMS."
    ),
)
def external_document_not_identified(ctx):
    """
    What it checks: documents marked as of external origin (laws, standards, customers'
    requirements) that record no source (where they come from and how updates are obtained) or
    no owner. Their review date is DOC001's concern and is not judged here.

    Why an auditor cares: 7.5.3 requires external documents the ISMS depends on to be
    identified and controlled. Without a source nobody can tell whether the copy held is the
    current one; without an owner nobody watches for changes (a new edition of a standard, an
    amended regulation, a customer's revised security schedule).

    How to fix: record for each external document where it is obtained from (publisher,
    subscription, customer portal) and who is responsible for tracking its updates.

    Grade: minor for each document (a lapse in controlling one external document); never major
    by effect. Counted among the external documents.
    """
    external = ctx.q(Document).filter(external=True)
    documents = external.filter(Q(source__regex=r"^\s*$") | Q(owner__isnull=True)).select_related(
        "owner__department"
    )
    for document in documents:
        missing = [
            what
            for what, absent in (
                ("no source", not document.source.strip()),
                ("no owner", document.owner_id is None),
            )
            if absent
        ]
        yield ctx.observe(
            Subject("Documents", document.ref),
            f"{document.ref} {document.title} is of external origin but has "
            f"{' and '.join(missing)}: nobody can show the copy held is current.",
            population=ctx.population("external documents", external),
            department=department_of(document.owner),
            owner=_owner(document),
        )


@rule(
    code="DCC003",
    name="document-access-undefined",
    reference="7.5.3",
    stage=1,
    grade=Grade.OFI,
    title="Document with no defined distribution or access",
    statement=(
        "The organisation could define, for each controlled document, who may read it and where "
        "it is made available."
    ),
)
def document_access_undefined(ctx):
    """
    What it checks: documents of the register that do not say who may read them or where they
    are published. The rule judges only an organisation that records access for at least one
    document: when the column is empty throughout, the register simply does not keep it and the
    rule stays silent.

    Why an auditor cares: 7.5.3 asks for distribution, access and retrieval of documented
    information to be addressed, and for it to be protected from loss of confidentiality. A
    document with no defined audience may be too widely shared (a restricted procedure on the
    public intranet) or unavailable to those who need it.

    How to fix: record for each document its audience and place of publication, e.g. "all staff,
    intranet" or "IT and Security only, ISMS SharePoint".

    Grade: opportunity for improvement; never major. Counted among the documents.
    """
    documents = ctx.q(Document)
    blank = Q(access__regex=r"^\s*$")
    if not documents.exclude(blank).exists():
        return
    for document in documents.filter(blank).select_related("owner__department"):
        yield ctx.observe(
            Subject("Documents", document.ref),
            f"{document.ref} {document.title} does not say who may read it or where it is "
            "published.",
            population=ctx.population("documents", documents),
            department=department_of(document.owner),
            owner=_owner(document),
        )
