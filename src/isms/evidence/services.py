"""Storing evidence files. Uploaded files are never trusted: size-limited, stored under a random
name through Django's storage API, hashed, and served back only as attachments."""

import hashlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from isms.evidence.models import Evidence

MAX_EVIDENCE_BYTES = 100 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_file_name(name: str) -> str:
    """The user's file name reduced to a harmless display name (no path, no control chars)."""
    name = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    return name[:200] or "evidence"


@transaction.atomic
def attach_file(evidence: Evidence, upload) -> Evidence:
    """Store ``upload`` as the evidence's file, replacing any previous file, and hash it."""
    size = upload.size
    if size is None or size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"the file is larger than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB")
    if size == 0:
        raise ValidationError("the file is empty")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    old = evidence.file.name if evidence.file else None
    evidence.file.save("upload", File(upload), save=False)
    evidence.file_name = safe_file_name(getattr(upload, "name", ""))
    evidence.file_size = size
    evidence.sha256 = digest.hexdigest()
    evidence.kind = Evidence.Kind.FILE
    evidence.save()
    if old and old != evidence.file.name:
        transaction.on_commit(lambda: evidence.file.storage.delete(old))
    return evidence


def verify_file(evidence: Evidence) -> bool:
    """True when the stored file still has the hash recorded at upload (tamper check)."""
    if not evidence.file:
        return False
    digest = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest() == evidence.sha256
