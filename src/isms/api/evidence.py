"""Uploading and downloading evidence files."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from isms.api.auth import organisation_for
from isms.api.schemas import Message
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.evidence.models import Evidence
from isms.evidence.services import attach_file, verify_file

router = Router(tags=["Evidence"])


class EvidenceFile(Schema):
    ref: str
    file_name: str
    file_size: int
    sha256: str


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
    organisation = organisation_for(request, org, Action.EDIT_REGISTERS)
    evidence = _evidence(organisation, evidence_id)
    try:
        with acting_as(request.user):
            attach_file(evidence, file)
    except ValidationError as error:
        return Status(422, {"detail": "; ".join(error.messages)})
    return Status(200, evidence)


@router.get(
    "/orgs/{org}/evidence/{int:evidence_id}/file",
    response={403: Message, 404: Message, 409: Message},
    summary="Download the file of an evidence item",
    operation_id="evidence_file_download",
)
def download(request, org: str, evidence_id: int):
    organisation = organisation_for(request, org, Action.VIEW)
    evidence = _evidence(organisation, evidence_id)
    if not evidence.file:
        raise Http404("this evidence item has no file")
    if not verify_file(evidence):
        return Status(409, {"detail": "the stored file no longer matches its SHA-256"})
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.file_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Evidence-SHA256"] = evidence.sha256
    return response
