"""Uploading and downloading evidence files."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.evidence.models import Evidence
from isms.evidence.services import attach_file, attachment, file_state, stored_file

router = Router(tags=["Evidence"])


class EvidenceFile(Schema):
    ref: str
    file_name: str
    file_size: int
    sha256: str
    version: int


class EvidenceVersion(Schema):
    number: int
    file_name: str
    file_size: int
    sha256: str
    created_at: str


def _evidence(organisation, evidence_id: int) -> Evidence:
    evidence = Evidence.objects.filter(organisation=organisation, pk=evidence_id).first()
    if evidence is None:
        raise Http404(f"no evidence with id {evidence_id}")
    return evidence


@router.post(
    "/orgs/{org}/evidence/{int:evidence_id}/file",
    response={200: EvidenceFile, 403: Message, 404: Message, 422: Message},
    summary="Upload the file of an evidence item",
    operation_id="evidence_file_upload",
)
def upload(request, org: str, evidence_id: int, file: File[UploadedFile]):
    """A new upload is a new version; earlier versions stay, with their hashes."""
    organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
    evidence = _evidence(organisation, evidence_id)
    try:
        with acting_as(request.user):
            version = attach_file(evidence, file)
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    return Status(
        200,
        {
            "ref": evidence.ref,
            "file_name": version.file_name,
            "file_size": version.file_size,
            "sha256": version.sha256,
            "version": version.number,
        },
    )


@router.get(
    "/orgs/{org}/evidence/{int:evidence_id}/versions",
    response={200: list[EvidenceVersion], 403: Message, 404: Message},
    summary="The file versions of an evidence item",
    operation_id="evidence_file_versions",
)
def versions(request, org: str, evidence_id: int):
    organisation = organisation_for(request, org, Action.VIEW)
    evidence = _evidence(organisation, evidence_id)
    return Status(
        200,
        [
            {
                "number": v.number,
                "file_name": v.file_name,
                "file_size": v.file_size,
                "sha256": v.sha256,
                "created_at": v.created_at.isoformat(timespec="seconds"),
            }
            for v in evidence.versions.all()
        ],
    )


@router.get(
    "/orgs/{org}/evidence/{int:evidence_id}/file",
    response={403: Message, 404: Message, 409: Message, 410: Message},
    summary="Download the file of an evidence item (the latest version, or ?version=N)",
    operation_id="evidence_file_download",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file's bytes, as an attachment; X-Evidence-SHA256 is its hash",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download(request, org: str, evidence_id: int, version: int | None = None):
    organisation = organisation_for(request, org, Action.VIEW)
    evidence = _evidence(organisation, evidence_id)
    stored = stored_file(evidence, version)
    if stored is None:
        raise Http404("this evidence item has no such file" if version else "no file uploaded")
    state = file_state(stored)
    if state == "missing":
        return Status(410, {"detail": "the stored file is missing; run isms verify"})
    if state == "changed":
        return Status(409, {"detail": "the stored file no longer matches its SHA-256"})
    return attachment(stored)
