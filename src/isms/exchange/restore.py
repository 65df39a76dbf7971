"""Restoring an ``isms backup`` archive into an empty database (``isms restore``).

In this order, and nothing is written before the checks pass: the manifest is read, every
member's SHA-256 and size are checked against it (a damaged, truncated or altered archive is
refused naming the member), the migration state is compared with the code's (an archive from
a newer isms is refused), and the database must hold no organisation, user or record (the
catalogue aside). Then, in one transaction: the catalogue the migration loaded is replaced by
the archive's, every record is loaded with its primary key (and no history row for the load
itself), the stored files are written, the foreign keys are checked, every evidence file is
re-hashed as ``isms verify`` does, and the PostgreSQL sequences are moved past the loaded ids.
Any failure rolls the database back and removes the files already written.
"""

import contextlib
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, SuspiciousFileOperation
from django.core.files.base import File
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader

from isms.evidence.services import file_state
from isms.exchange.backup import (
    ARCHIVE_FORMAT,
    CHUNK,
    EXCLUDED_MODELS,
    FILES,
    FORMAT_VERSION,
    MANIFEST,
    RECORDS,
    archived_models,
    hashed_file_models,
)

CATALOG_APP = "catalog"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$")


class RestoreRefused(Exception):
    """Nothing was restored; ``problems`` names each cause (member, model, line...)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


@dataclass
class Archive:
    path: Path
    zip: zipfile.ZipFile
    manifest: dict
    #: Warnings to show (an archive from an older schema).
    warnings: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.zip.close()

    @property
    def total_bytes(self) -> int:
        return sum(entry["size"] for entry in self.manifest["members"].values())


@dataclass
class RestoreSummary:
    models: list[tuple[str, int]] = field(default_factory=list)
    files: int = 0
    file_bytes: int = 0
    files_checked: int = 0
    #: Files already missing or changed when the archive was made (carried over as they were).
    known_problems: list[dict] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(count for _, count in self.models)


# -- reading and checking the archive ---------------------------------------------------------


def open_archive(path: Path) -> Archive:
    """Open ``path`` and read its manifest (nothing is checked against it yet)."""
    path = Path(path)
    if not path.exists():
        raise RestoreRefused(f"{path} does not exist")
    if path.is_dir():
        raise RestoreRefused(f"{path} is a folder, not a backup archive")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise RestoreRefused(
            f"{path} is not an isms backup: not a zip archive, or truncated"
        ) from None
    except OSError as error:
        raise RestoreRefused(f"{path} cannot be read: {error.strerror or error}") from None
    try:
        raw = archive.read(MANIFEST)
    except KeyError:
        archive.close()
        raise RestoreRefused(f"{path} is not an isms backup: it has no {MANIFEST}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        archive.close()
        raise RestoreRefused(f"{path}: the member {MANIFEST} is damaged ({error})") from None
    try:
        manifest = json.loads(raw)
        problems = _manifest_problems(manifest)
    except (ValueError, UnicodeDecodeError) as error:
        problems = [f"{MANIFEST} is not valid JSON ({error})"]
    if problems:
        archive.close()
        raise RestoreRefused(f"{path} is not a valid isms backup", problems)
    return Archive(path=path, zip=archive, manifest=manifest)


def _manifest_problems(manifest) -> list[str]:
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        return [f"{MANIFEST} does not describe an {ARCHIVE_FORMAT} archive"]
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        return [
            f"archive format version {version!r} is newer than this isms reads "
            f"({FORMAT_VERSION}); restore it with isms {manifest.get('isms_version', '?')} "
            "or later"
        ]
    problems = []
    kinds = {"migrations": dict, "models": list, "files": list, "members": dict}
    for key, kind in kinds.items():
        if not isinstance(manifest.get(key), kind):
            problems.append(f"{MANIFEST}: {key!r} is missing or not a {kind.__name__}")
    if problems:
        return problems
    for app_label, name in manifest["migrations"].items():
        if not isinstance(name, str):
            problems.append(f"{MANIFEST}: migrations[{app_label!r}] is not a migration name")
    for member, entry in manifest["members"].items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
            and entry["size"] >= 0
        ):
            problems.append(f"{MANIFEST}: members[{member!r}] needs a sha256 and a size")
    for position, entry in enumerate(manifest["models"], 1):
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("model"), str)
            and isinstance(entry.get("count"), int)
            and entry.get("member") in manifest["members"]
            and str(entry["member"]).startswith(RECORDS)
        ):
            problems.append(f"{MANIFEST}: models entry {position} is malformed")
    for position, entry in enumerate(manifest["files"], 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not (
            isinstance(name, str)
            and _SAFE_NAME.match(name)
            and ".." not in name.split("/")
            and entry.get("member") == FILES + name
            and entry["member"] in manifest["members"]
            and isinstance(entry.get("model"), str)
            and isinstance(entry.get("field"), str)
        ):
            problems.append(f"{MANIFEST}: files entry {position} is malformed or unsafe: {name!r}")
    return problems


def verify_members(archive: Archive, on_progress: Callable[[int], None] = lambda done: None):
    """Every member's size and SHA-256 against the manifest; nothing missing, nothing extra."""
    listed = archive.manifest["members"]
    names = Counter(info.filename for info in archive.zip.infolist())
    problems = [f"member {name} appears {n} times" for name, n in names.items() if n > 1]
    problems += [
        f"member {name} is not listed in the manifest"
        for name in sorted(names)
        if name != MANIFEST and name not in listed
    ]
    done = 0
    for member, entry in listed.items():
        if member not in names:
            problems.append(f"member {member} is missing from the archive")
            continue
        problem = _check_member(archive.zip, member, entry)
        if problem:
            problems.append(f"member {member}: {problem}")
        done += entry["size"]
        on_progress(done)
    if problems:
        raise RestoreRefused(
            f"{archive.path} is damaged or was altered; nothing was restored", problems
        )


def _check_member(archive: zipfile.ZipFile, member: str, entry: dict) -> str | None:
    info = archive.getinfo(member)
    if info.file_size != entry["size"]:
        return f"{info.file_size} bytes, the manifest says {entry['size']} (truncated or altered)"
    digest, size = hashlib.sha256(), 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > entry["size"]:
                    return "longer than the manifest says"
                digest.update(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        return f"damaged ({error})"
    if size != entry["size"]:
        return f"{size} bytes, the manifest says {entry['size']} (truncated)"
    if digest.hexdigest() != entry["sha256"]:
        return "its SHA-256 differs from the manifest's (the bytes were changed)"
    return None


def check_migrations(archive: Archive) -> None:
    """Refuse an archive from a newer schema; warn about one from an older schema."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = dict(loader.graph.leaf_nodes())
    known = set(loader.graph.nodes) | set(loader.disk_migrations)
    problems, older = [], []
    for app_label, name in sorted(archive.manifest["migrations"].items()):
        if (app_label, name) not in known:
            here = leaves.get(app_label)
            problems.append(
                f"migration {app_label}.{name} is unknown to this version"
                + (f" (the latest here is {app_label}.{here})" if here else "")
            )
        elif leaves.get(app_label) != name:
            older.append(f"{app_label} {name} (here {leaves.get(app_label)})")
    unknown = [
        entry["model"] for entry in archive.manifest["models"] if not _known_model(entry["model"])
    ]
    problems += [f"model {label} does not exist in this version" for label in unknown]
    made_by = archive.manifest.get("isms_version", "?")
    if problems:
        raise RestoreRefused(
            f"{archive.path} was made by a newer isms ({made_by}) than this one; "
            "upgrade isms, then restore",
            problems,
        )
    if older:
        archive.warnings.append(
            f"the archive (isms {made_by}) has an older schema: {', '.join(older)}; records "
            "are loaded into the current schema and fields added since take their defaults"
        )


def _known_model(label: str) -> bool:
    """Only the models a backup writes: an archive cannot add sessions, permissions or rows of
    any other installed model."""
    return label in {model._meta.label_lower for model in archived_models()}


# -- the database -----------------------------------------------------------------------------


def occupied() -> list[str]:
    """What the database already holds, outside the catalogue: ["2 organisation(s)", ...]."""
    held = []
    for model in [*archived_models(), *(apps.get_model(label) for label in EXCLUDED_MODELS)]:
        if model._meta.app_label == CATALOG_APP:
            continue
        count = model._base_manager.count()
        if count:
            held.append(f"{count} {model._meta.verbose_name} row(s) ({model._meta.label_lower})")
    return held


def restore(
    archive: Archive,
    *,
    on_model: Callable[[str, int], None] = lambda label, count: None,
    on_step: Callable[[str], None] = lambda message: None,
) -> RestoreSummary:
    """Load ``archive`` (already verified) in one transaction; see the module docstring."""
    summary = RestoreSummary(known_problems=list(archive.manifest.get("file_problems") or []))
    written: list[tuple] = []
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with transaction.atomic():
            held = occupied()
            if held:
                raise RestoreRefused(_NOT_EMPTY, held)
            loaded = _load_records(archive, summary, on_model)
            on_step(f"Writing {len(archive.manifest['files'])} stored file(s)...")
            _write_files(archive, summary, written)
            try:
                connection.check_constraints()
            except DatabaseError as error:
                raise RestoreRefused("the records do not fit together", [str(error)]) from None
            on_step("Re-hashing every evidence file (isms verify)...")
            _verify_files(summary)
            _reset_sequences(connection, loaded)  # last: PostgreSQL never rolls a sequence back
    except BaseException:
        for storage, name in written:
            with contextlib.suppress(OSError, SuspiciousFileOperation):
                storage.delete(name)
        raise
    return summary


_NOT_EMPTY = (
    "the database is not empty; restore only into a new database: point ISMS_DATA_DIR at a new "
    "folder (or DATABASE_URL at a new, empty database) and run isms restore there"
)


def _lines(archive: Archive, member: str, label: str, where: list) -> Iterator[dict]:
    with io.TextIOWrapper(archive.zip.open(member), encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            where[0] = number
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError as error:
                raise RestoreRefused(f"{member} line {number}: not JSON ({error})") from None
            if not isinstance(data, dict) or data.get("model") != label:
                raise RestoreRefused(f"{member} line {number}: not a {label} record")
            yield data


def _load_records(archive: Archive, summary: RestoreSummary, on_model) -> list:
    catalog = [m for m in archived_models() if m._meta.app_label == CATALOG_APP]
    for model in reversed(catalog):  # the catalogue migrate loaded gives way to the archive's
        model._base_manager.all().delete()
    loaded = []
    for entry in archive.manifest["models"]:
        label, member = entry["model"], entry["member"]
        model = apps.get_model(label)
        insert = {"force_insert": True} if not model._meta.parents else {}
        where = [0]
        count = 0
        try:
            for item in PythonDeserializer(
                _lines(archive, member, label, where), handle_forward_references=False
            ):
                # Loaded as it was: no history row for the load itself (nor for its m2m).
                item.object.skip_history_when_saving = True
                item.save(**insert)
                count += 1
        except DeserializationError as error:
            cause = error.__cause__ or error
            raise RestoreRefused(f"{member} line {where[0]}: {cause}") from None
        except (FieldDoesNotExist, KeyError, TypeError, ValueError, AttributeError) as error:
            raise RestoreRefused(
                f"{member} line {where[0]}: not a valid {label} record ({error})"
            ) from None
        except DatabaseError as error:
            raise RestoreRefused(
                f"{member} line {where[0]}: the database refused the record: {error}"
            ) from None
        if count != entry["count"]:
            raise RestoreRefused(f"{member}: {count} record(s), the manifest says {entry['count']}")
        loaded.append(model)
        summary.models.append((label, count))
        on_model(label, count)
    return loaded


def _storage(entry: dict):
    try:
        return apps.get_model(entry["model"])._meta.get_field(entry["field"]).storage
    except (LookupError, ValueError, AttributeError):
        raise RestoreRefused(
            f"{MANIFEST}: file {entry['name']} belongs to {entry['model']}.{entry['field']}, "
            "which is not a file field here"
        ) from None


def _write_files(archive: Archive, summary: RestoreSummary, written: list) -> None:
    members = archive.manifest["members"]
    for entry in archive.manifest["files"]:
        storage, name, member = _storage(entry), entry["name"], entry["member"]
        try:
            if storage.exists(name):
                if _sha256(storage, name) != members[member]["sha256"]:
                    raise RestoreRefused(
                        f"the file storage already holds a different file at {name}; restore "
                        "into an empty file folder (ISMS_DATA_DIR)"
                    )
                continue
            written.append((storage, name))  # not there before: removed if anything fails
            with archive.zip.open(member) as handle:
                content = File(handle, name=name)
                content.size = members[member]["size"]
                saved = storage.save(name, content)
        except SuspiciousFileOperation as error:
            raise RestoreRefused(f"{member}: unsafe file name ({error})") from None
        except OSError as error:
            raise RestoreRefused(f"{member}: cannot write {name}: {error}") from None
        if saved != name:
            written.append((storage, saved))
            raise RestoreRefused(f"{member}: the storage wrote {saved} instead of {name}")
        summary.files += 1
        summary.file_bytes += members[member]["size"]


def _sha256(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _reset_sequences(connection, loaded: list) -> None:
    """Move every id sequence past the loaded ids, so the next insert does not collide
    (PostgreSQL; SQLite keeps its own counters in step)."""
    tables = list(loaded)
    for model in loaded:
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            if through._meta.auto_created:
                tables.append(through)
    statements = connection.ops.sequence_reset_sql(no_style(), tables)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _verify_files(summary: RestoreSummary) -> None:
    known = {(p.get("model"), p.get("pk")) for p in summary.known_problems}
    problems = []
    for model in hashed_file_models():
        label = model._meta.label_lower
        for row in model._base_manager.exclude(file="").order_by("pk").iterator(chunk_size=500):
            summary.files_checked += 1
            if not _SAFE_NAME.match(row.file.name) or ".." in row.file.name.split("/"):
                problems.append(f"{label} {row.pk}: unsafe stored file name {row.file.name!r}")
                continue
            try:
                state = file_state(row)
            except SuspiciousFileOperation as error:
                problems.append(f"{label} {row.pk}: unsafe stored file name ({error})")
                continue
            if state != "ok" and (label, row.pk) not in known:
                problems.append(f"{label} {row.pk} ({row}): file {row.file.name} is {state}")
    if problems:
        raise RestoreRefused(
            "the restored evidence files do not match their SHA-256; nothing was restored",
            problems,
        )
