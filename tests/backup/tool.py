"""Run in a subprocess by the backup tests (``python -m tests.backup.tool ACTION``) against the
database that ISMS_DATA_DIR / DATABASE_URL name: ``fresh`` makes a migrated database with the
catalogue (the schema from the models, every migration recorded as applied: what ``isms
migrate`` leaves, without its half minute), ``seed`` fills it with every kind of record,
``fingerprint`` prints every row, relation and stored file as JSON for comparison, and
``check`` runs ``isms verify``, prints the fingerprint and then adds an organisation and a user
(new ids must not collide with restored ones). Several steps in one process: each start of
Django costs seconds."""

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

import django

PASSWORD = "a long enough password 1"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class _NoMigrations:
    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def fresh() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test.utils import override_settings

    from isms.catalog.loader import load_catalog

    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    for app_label, name in sorted(MigrationLoader(connection).graph.nodes):
        recorder.record_applied(app_label, name)
    load_catalog()


def _shift_content_types() -> None:
    """New ids for every content type and permission, so they differ from a fresh database's
    (a restore must not depend on them)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    for config in reversed(list(apps.get_app_configs())):
        create_contenttypes(config, verbosity=0)
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0)


def seed() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from isms.audits.models import ExternalAudit, ExternalAuditFinding
    from isms.core.actor import acting_as
    from isms.core.services import (
        create_api_token,
        create_organisation,
        create_user,
        set_membership,
    )
    from isms.evidence.models import Evidence
    from isms.evidence.services import attach_file
    from isms.exchange.importer import import_sheets
    from isms.exchange.readers import read_path
    from isms.operations.models import Incident, Supplier
    from isms.people.awareness import create_campaign, issue_links, submit
    from isms.readiness.engine import run_assessment
    from isms.readiness.store import save_result

    _shift_content_types()
    alice = create_user("alice", "alice@globex.example", PASSWORD)
    bob = create_user("bob", "bob@globex.example", PASSWORD)
    carol = create_user("carol", "carol@globex.example", None)
    auditors = Group.objects.create(name="auditors")
    auditors.permissions.set(Permission.objects.filter(codename__startswith="view_")[:5])
    alice.groups.add(auditors)
    bob.user_permissions.add(Permission.objects.get(codename="change_evidence"))
    create_api_token(alice, "ci")

    with acting_as(alice):
        globex = create_organisation("globex", "Globex Corporation")
        initech = create_organisation("initech", "Initech")
        set_membership(globex, alice, "owner", True)
        set_membership(globex, bob, "viewer", False)
        set_membership(initech, alice, "isms_manager", False)
        with transaction.atomic():
            import_sheets(globex, read_path(EXAMPLES / "globex" / "globex.yaml"))
            import_sheets(initech, read_path(EXAMPLES / "initech" / "initech.yaml"))
        first, second = Evidence.objects.filter(organisation=globex).order_by("ref")[:2]
        attach_file(first, SimpleUploadedFile("policy v1.pdf", b"%PDF-1.7 first"))
        attach_file(first, SimpleUploadedFile("policy v2.pdf", b"%PDF-1.7 second"))
        attach_file(second, SimpleUploadedFile("dump.bin", bytes(range(256)) * 64))
        other = Evidence.objects.create(
            organisation=initech,
            ref="EV-9",
            title="Läufer ✓",
            kind="note",
            collected_on="2026-02-03",
        )
        attach_file(other, SimpleUploadedFile("rapport é.txt", "häppy\n".encode()))
        ExternalAuditFinding.objects.create(
            organisation=globex,
            audit=ExternalAudit.objects.get(organisation=globex, ref="CB-2023-S2"),
            ref="CB-2023-S2-01",
            grade="minor",
            reference="9.2",
            statement="The internal audit programme did not cover clause 8.",
        )
        supplier = Supplier.objects.filter(organisation=globex).first()
        supplier.name += " (renamed)"
        supplier.save()
        Incident.objects.filter(organisation=globex).first().delete()

    with acting_as(carol):  # a user who made changes and was then deleted
        supplier.name += " again"
        supplier.save()
    carol.delete()

    today = dt.date(2026, 3, 2)
    created = create_campaign(
        globex, name="Spring check", audience="all_staff", count=3, today=today, seed=7
    )
    issued = issue_links(created.campaign, today=today)
    invitation = issued[0][0]
    submit(invitation, {f"q-{q['id']}": "0" for q in created.campaign.questions}, today=today)

    result = run_assessment(globex, dt.date(2026, 11, 30), stage=2)
    save_result(result, user=alice)


def fingerprint() -> dict:
    """Every row (ids of content types as natural keys), m2m link and stored file."""
    from django.apps import apps
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    from isms.evidence.models import EvidenceLink
    from isms.exchange.backup import OTHER_APPS_NOT_INCLUDED

    skip = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
    counts, rows, m2m = {}, {}, {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in skip or model._meta.app_label in OTHER_APPS_NOT_INCLUDED:
            continue
        counts[label] = model._base_manager.count()
        fields = [f.attname for f in model._meta.concrete_fields]
        types = [
            f.attname
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is ContentType
        ]
        data = []
        for row in model._base_manager.order_by("pk").values(*fields):
            for name in types:
                if row[name] is not None:
                    row[name] = list(ContentType.objects.get_for_id(row[name]).natural_key())
            data.append(row)
        rows[label] = json.loads(json.dumps(data, default=str, sort_keys=True))
        for field in model._meta.local_many_to_many:
            links = {}
            for obj in model._base_manager.order_by("pk"):
                related = getattr(obj, field.name).all()
                if field.related_model._meta.label_lower == "auth.permission":
                    values = sorted(related.values_list("codename", "content_type__model"))
                else:
                    values = sorted(related.values_list("pk", flat=True))
                links[str(obj.pk)] = [list(v) if isinstance(v, tuple) else v for v in values]
            m2m[f"{label}.{field.name}"] = links
    media = Path(settings.MEDIA_ROOT)
    files = {
        str(path.relative_to(media)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(media.rglob("*"))
        if path.is_file()
    }
    records = [
        [link.pk, link.record._meta.label_lower if link.record else None, link.object_id]
        for link in EvidenceLink.objects.order_by("pk")
    ]
    return {"counts": counts, "rows": rows, "m2m": m2m, "files": files, "links": records}


def check() -> dict:
    from django.contrib.auth import get_user_model
    from typer.testing import CliRunner

    from isms.cli.app import app
    from isms.core.models import Organisation

    verify = CliRunner().invoke(app, ["verify"])
    result = fingerprint()
    result["verify"] = {"exit_code": verify.exit_code, "output": verify.output}
    Organisation.objects.create(slug="newco", name="NewCo")  # and its history row
    get_user_model().objects.create_user("dave", password=PASSWORD)
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isms.settings")
    django.setup()
    action = sys.argv[1]
    if action == "fresh":
        fresh()
    elif action == "seed":
        seed()
        sys.stdout.write(json.dumps(fingerprint()))
    elif action == "fingerprint":
        sys.stdout.write(json.dumps(fingerprint()))
    elif action == "check":
        sys.stdout.write(json.dumps(check()))
    else:
        raise SystemExit(f"unknown action {action}")


if __name__ == "__main__":
    main()
