"""Backing up the whole database and the evidence files into one archive (``isms backup``).

The archive is a zip file (see docs/operations.md):

- ``records/<app>.<model>.jsonl``: every row of one model, one JSON object per line, as
  Django's serializers write it (``{"model", "pk", "fields"}``), primary keys kept;
- ``files/<storage name>``: the bytes of every stored file (every evidence file version);
- ``manifest.json``, written last: the SHA-256 and size of every other member, the isms
  version, the migration state, the rows per model and what was left out.

Which models: every model of every ``isms`` app (registers, their history, the catalogue,
stored assessment runs...) plus users and groups, found by iterating over the app registry,
so a field or model added later is backed up with no change here. Left out: API tokens
(their hashes would make the old tokens work again), the hashes of awareness links (the
same), sessions, and content types and permissions (``migrate`` recreates them; references to
them are written as natural keys, so generic relations survive a move to a database where
content type ids differ).
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Serializer as PythonSerializer
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.loader import MigrationLoader

import isms

ARCHIVE_FORMAT = "isms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records/"
FILES = "files/"
CHUNK = 1024 * 1024

#: Models of other apps that are backed up (the isms apps are backed up whole).
EXTRA_MODELS = ("auth.group", "auth.user")
#: Models never backed up, with the reason (shown in the manifest and by the commands).
EXCLUDED_MODELS = {
    "core.apitoken": "API tokens: their hashes would make the old tokens work again; "
    "re-issue them after a restore (isms token create)",
}
#: Fields written as null, with the reason: hashes of bearer secrets.
SECRET_FIELDS = {
    "people.awarenessinvitation": {
        "token_hash": "awareness links: the hashes of the personal links are left out, so "
        "links sent before stop working; re-issue them (isms awareness links)",
    },
}
#: Apps of third parties whose rows are not backed up, with the reason.
OTHER_APPS_NOT_INCLUDED = {
    "axes": "sign-in lockouts and attempt logs (django-axes): they start afresh",
    "otp_totp": "two-factor devices: their keys are secrets; users enrol again after a restore "
    "(an organisation that requires two-factor sends them to enrolment)",
    "django_tasks_database": "the background task queue: a mock audit queued or running when "
    "the backup was taken is not resumed; start it again",
}
NOT_INCLUDED = [
    *EXCLUDED_MODELS.values(),
    *OTHER_APPS_NOT_INCLUDED.values(),
    *(reason for fields in SECRET_FIELDS.values() for reason in fields.values()),
    "sessions: everyone logs in again",
    "content types and permissions: migrate recreates them; references to them are stored "
    "by natural key",
]
#: References written as natural keys, because their ids differ between databases.
NATURAL_KEY_MODELS = (ContentType, Permission)


class BackupError(Exception):
    """The backup could not be written; ``problems`` names each cause."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def base_model(model: type[models.Model]) -> type[models.Model]:
    """The tracked model of a django-simple-history model, else the model itself."""
    return getattr(model, "instance_type", None) or model


def archived_models() -> list[type[models.Model]]:
    """Every model the archive holds, in load order (users first, then the isms apps in
    dependency order as installed)."""
    chosen = [apps.get_model(label) for label in EXTRA_MODELS]
    for config in apps.get_app_configs():
        if config.name.startswith("isms."):
            chosen.extend(config.get_models())
    return [
        model
        for model in chosen
        if not model._meta.proxy
        and model._meta.managed
        and not model._meta.swapped
        and base_model(model)._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.label_lower not in EXCLUDED_MODELS
    ]


def secret_fields(model: type[models.Model]) -> set[str]:
    """The fields of ``model`` (or of the model it keeps the history of) written as null."""
    return set(SECRET_FIELDS.get(base_model(model)._meta.label_lower, {}))


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.local_fields if isinstance(f, models.FileField)]


def hashed_file_models() -> list[type[models.Model]]:
    """Models whose rows record a stored file and its SHA-256 (``file`` and ``sha256``):
    what ``isms verify`` checks."""
    return [
        model
        for model in archived_models()
        if any(f.name == "file" for f in file_fields(model))
        and any(f.name == "sha256" for f in model._meta.local_fields)
    ]


def migration_state(connection=None) -> dict[str, str]:
    """The latest applied migration of every app, e.g. {"core": "0004_..."}."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    latest: dict[str, str] = {}
    for app_label, name in sorted(applied):
        key = (app_label, name)
        if key not in loader.graph.nodes:
            continue
        children = loader.graph.node_map[key].children
        if not any(child.key in applied and child.key[0] == app_label for child in children):
            latest[app_label] = name
    return latest


def member_for(model: type[models.Model]) -> str:
    return f"{RECORDS}{model._meta.label_lower}.jsonl"


class ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps only milliseconds of a time; a backup keeps them all."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def dumps(data) -> str:
    return json.dumps(data, cls=ExactEncoder, ensure_ascii=False, separators=(",", ":"))


class RecordSerializer(PythonSerializer):
    """Django's serializer, one object at a time to ``write``, with natural keys only for
    content types and permissions (whose ids differ between databases) and secret fields
    written as null."""

    def __init__(self, writer: "HashingWriter"):
        super().__init__()
        self.writer = writer
        self.count = 0
        self._secret: set[str] = set()

    def start_serialization(self):
        self._current = None

    def end_object(self, obj):
        data = self.get_dump_object(obj)
        for name in self._secret & data["fields"].keys():
            data["fields"][name] = None
        self.writer.write((dumps(data) + "\n").encode("utf-8"))
        self.count += 1
        self._current = None

    def getvalue(self):
        return None

    def serialize_model(self, queryset, secret: set[str]) -> None:
        self._secret = secret
        self.serialize(queryset, use_natural_foreign_keys=False, use_natural_primary_keys=False)

    def handle_fk_field(self, obj, field):
        related = field.remote_field.model
        if related is ContentType:
            value = getattr(obj, field.attname)
            if value is not None:
                try:
                    value = list(ContentType.objects.get_for_id(value).natural_key())
                except ContentType.DoesNotExist:
                    raise BackupError(
                        f"{obj._meta.label_lower} {obj.pk}: {field.name} names content type "
                        f"{value}, which does not exist"
                    ) from None
            self._current[field.name] = value
        elif related in NATURAL_KEY_MODELS:
            self.use_natural_foreign_keys = True
            try:
                super().handle_fk_field(obj, field)
            finally:
                self.use_natural_foreign_keys = False
        else:
            self._current[field.name] = self._value_from_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = field.remote_field.model in NATURAL_KEY_MODELS
        try:
            super().handle_m2m_field(obj, field)
        finally:
            self.use_natural_foreign_keys = False


class HashingWriter:
    """Forwards bytes to ``target`` and counts their size and SHA-256."""

    def __init__(self, target):
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)

    def entry(self) -> dict:
        return {"sha256": self.digest.hexdigest(), "size": self.size}


@dataclass
class BackupSummary:
    path: Path
    models: list[tuple[str, int]] = field(default_factory=list)
    files: int = 0
    file_bytes: int = 0
    archive_bytes: int = 0
    #: Evidence files that were already missing or changed (``isms verify``) at backup time.
    file_problems: list[dict] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(count for _, count in self.models)

    def count(self, label: str) -> int:
        return dict(self.models).get(label, 0)


def _rows(model: type[models.Model]) -> Iterator[models.Model]:
    queryset = model._base_manager.order_by("pk")
    m2m = [f.name for f in model._meta.local_many_to_many]
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    return queryset.iterator(chunk_size=2000)


def _stored_files(models_: list[type[models.Model]]) -> list[dict]:
    """Every stored file the live rows name, once each: storage name, model and field."""
    seen: set[tuple[int, str]] = set()
    files = []
    for model in models_:
        if hasattr(model, "instance_type"):  # history rows name files the live rows keep
            continue
        for file_field in file_fields(model):
            names = (
                model._base_manager.exclude(**{file_field.attname: ""})
                .exclude(**{f"{file_field.attname}__isnull": True})
                .values_list(file_field.attname, flat=True)
                .distinct()
                .order_by(file_field.attname)
            )
            for name in names:
                key = (id(file_field.storage), name)
                if key in seen:
                    continue
                seen.add(key)
                files.append(
                    {
                        "member": FILES + name,
                        "name": name,
                        "model": model._meta.label_lower,
                        "field": file_field.name,
                    }
                )
    return files


def _entry(member: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(member, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # unzipped, the members are private too
    return info


def _open_private(path: Path):
    """A new file only its owner may read (mode 0600), whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(descriptor, 0o600)
    return os.fdopen(descriptor, "wb")


def write_backup(
    path: Path,
    *,
    overwrite: bool = False,
    on_model: Callable[[str, int], None] = lambda label, count: None,
    on_step: Callable[[str], None] = lambda message: None,
) -> BackupSummary:
    """Write the archive to ``path`` (mode 0600). It appears only when complete: it is written
    beside ``path`` under a temporary name and renamed at the end."""
    path = Path(path)
    if path.exists() and (path.is_dir() or not overwrite):
        raise BackupError(
            f"{path} already exists"
            + ("" if path.is_dir() else " (choose a new name, or --force to replace it)")
        )
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    summary = BackupSummary(path=path)
    try:
        with _open_private(partial) as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                manifest = _write_members(archive, summary, on_model, on_step)
                archive.writestr(
                    _entry(MANIFEST), json.dumps(manifest, indent=1, ensure_ascii=False)
                )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
        path.chmod(0o600)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    summary.archive_bytes = path.stat().st_size
    return summary


@contextlib.contextmanager
def _snapshot(connection):
    """One consistent view of every table for the whole backup, without blocking writers.

    PostgreSQL: a read-only repeatable-read transaction. SQLite: a deferred transaction, which
    in WAL mode reads one snapshot and holds no write lock (an atomic block would: settings use
    IMMEDIATE transactions, and the backup would stop every writer while it runs)."""
    if connection.in_atomic_block:  # inside the caller's transaction (tests): read in it
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _write_members(archive, summary, on_model, on_step) -> dict:
    connection = connections[DEFAULT_DB_ALIAS]
    members: dict[str, dict] = {}
    model_entries = []
    chosen = archived_models()
    with _snapshot(connection):
        migrations = migration_state(connection)
        for model in chosen:
            label, member = model._meta.label_lower, member_for(model)
            with archive.open(_entry(member), "w", force_zip64=True) as target:
                serializer = RecordSerializer(HashingWriter(target))
                serializer.serialize_model(_rows(model), secret_fields(model))
            members[member] = serializer.writer.entry()
            count = serializer.count
            model_entries.append({"model": label, "member": member, "count": count})
            summary.models.append((label, count))
            on_model(label, count)
        files = _stored_files(chosen)
        on_step(f"Copying {len(files)} stored file(s)...")
        hashes: dict[str, str] = {}
        copied = []
        for entry in files:
            storage = apps.get_model(entry["model"])._meta.get_field(entry["field"]).storage
            try:
                source = storage.open(entry["name"], "rb")
            except (FileNotFoundError, IsADirectoryError, PermissionError):
                continue  # reported below, as isms verify would
            with source, archive.open(_entry(entry["member"]), "w", force_zip64=True) as target:
                writer = HashingWriter(target)
                for chunk in iter(lambda source=source: source.read(CHUNK), b""):
                    writer.write(chunk)
            members[entry["member"]] = writer.entry()
            hashes[entry["name"]] = writer.digest.hexdigest()
            summary.files += 1
            summary.file_bytes += writer.size
            copied.append(entry)
        summary.file_problems = _file_problems(hashes)
    return {
        "format": ARCHIVE_FORMAT,
        "format_version": FORMAT_VERSION,
        "isms_version": isms.__version__,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "migrations": migrations,
        "models": model_entries,
        "files": copied,
        "file_problems": summary.file_problems,
        "not_included": NOT_INCLUDED,
        "members": members,
    }


def _file_problems(hashes: dict[str, str]) -> list[dict]:
    """Rows whose file was missing or whose bytes differed from the recorded SHA-256."""
    problems = []
    for model in hashed_file_models():
        rows = model._base_manager.exclude(file="").order_by("pk")
        for pk, name, sha256 in rows.values_list("pk", "file", "sha256").iterator():
            state = (
                "missing" if name not in hashes else "ok" if hashes[name] == sha256 else "changed"
            )
            if state != "ok":
                problems.append(
                    {"model": model._meta.label_lower, "pk": pk, "file": name, "state": state}
                )
    return problems
