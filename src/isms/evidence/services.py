"""Storing evidence files. Uploaded files are never trusted: size-limited, stored under a random
name through Django's storage API, hashed, and served back only as attachments.

Evidence is write-once: every upload is a new version and no version's bytes are ever replaced.
An evidence item is deleted (with its files) only while nothing final refers to it: a signed
management review, a closed nonconformity or a completed internal audit it is linked to keeps it.
"""

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max, ProtectedError
from django.http import FileResponse

from isms.evidence.models import Evidence, EvidenceFileVersion

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_file_name(name: str) -> str:
    """The user's file name reduced to a harmless display name (no path, no control chars)."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:200] or "evidence"


@transaction.atomic
def attach_file(evidence: Evidence, upload) -> EvidenceFileVersion:
    """Store ``upload`` as a new version of the evidence's file (earlier versions stay)."""
    check_upload(upload)
    size = upload.size
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    Evidence.objects.select_for_update().filter(pk=evidence.pk).first()  # one upload at a time
    number = (evidence.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = EvidenceFileVersion(
        organisation_id=evidence.organisation_id,
        evidence=evidence,
        number=number,
        file_name=safe_file_name(getattr(upload, "name", "")),
        file_size=size,
        sha256=digest.hexdigest(),
    )
    version.file.save("upload", File(upload), save=False)
    version.save()
    evidence.file.name = version.file.name
    evidence.file_name, evidence.file_size = version.file_name, size
    evidence.sha256 = version.sha256
    evidence.kind = Evidence.Kind.FILE
    evidence.save()
    return version


def file_state(stored) -> str:
    """ok, changed or missing: a stored file (an evidence item or a version) against its hash."""
    if not stored.file:
        return "missing"
    digest = hashlib.sha256()
    try:
        with stored.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return "missing"
    return "ok" if digest.hexdigest() == stored.sha256 else "changed"


def stored_file(evidence: Evidence, version: int | None = None):
    """The stored file to serve: version ``version``, or the latest version (an item with a
    file but no version rows, from before versions existed: the item itself); None when there
    is no such file."""
    if version is not None:
        return EvidenceFileVersion.objects.filter(evidence=evidence, number=version).first()
    latest = evidence.versions.order_by("-number").first()
    return latest or (evidence if evidence.file else None)


#: What every download carries, whoever asks (API or browser): the bytes are the uploader's
#: and never trusted, so they are always an attachment of no declared type (the file name's
#: extension tells the user's system what opens it), never sniffed, and sandboxed should a
#: browser display them anyway. No type is taken from the upload (it is the uploader's claim)
#: and none is guessed from the bytes: a download gains nothing from it.
DOWNLOAD_CONTENT_TYPE = "application/octet-stream"
DOWNLOAD_POLICY = "sandbox; default-src 'none'"


def attachment(stored) -> FileResponse:
    """The response serving ``stored`` (an evidence item or a version, checked with
    :func:`file_state` first) as a download, with its SHA-256 in ``X-Evidence-SHA256``."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.file_name,
        content_type=DOWNLOAD_CONTENT_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["X-Evidence-SHA256"] = stored.sha256
    return response


def check_upload(upload) -> None:
    """Refuse an upload that is empty or over ``settings.MAX_UPLOAD_MB`` (ValidationError),
    before anything is stored."""
    size = upload.size
    if size is None or size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(f"the file is larger than {settings.MAX_UPLOAD_MB} MB")
    if size == 0:
        raise ValidationError("the file is empty")


def verify_file(evidence: Evidence) -> bool:
    """True when the stored file still has the hash recorded at upload (tamper check)."""
    return file_state(evidence) == "ok"


#: Records that are final, by (app, model): evidence they rely on is kept. Named, not imported,
#: because a register app does not import another (the layers contract).
FINAL = {
    ("audits", "managementreview"): lambda record: bool(record.signed_on),
    ("audits", "internalaudit"): lambda record: record.status == "completed",
    ("audits", "nonconformity"): lambda record: record.status == "closed",
}


def final_records(evidence: Evidence) -> list:
    """The signed reviews, closed NCs and completed audits ``evidence`` is linked to."""
    final = []
    for link in evidence.links.select_related("content_type"):
        is_final = FINAL.get((link.content_type.app_label, link.content_type.model))
        if is_final is None:
            continue
        record = link.content_type.model_class().objects.filter(pk=link.object_id).first()
        if record is not None and is_final(record):
            final.append(record)
    return final


@transaction.atomic
def delete_evidence(evidence: Evidence) -> None:
    """Delete the item, its links and the bytes of every version, unless something final
    refers to it (then ProtectedError names the records)."""
    final = final_records(evidence)
    if final:
        names = ", ".join(str(record) for record in final)
        raise ProtectedError(f"{evidence.ref} is evidence for {names}", final)
    stored = [v.file.name for v in evidence.versions.all()] + (
        [evidence.file.name] if evidence.file else []
    )
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in set(stored)])
