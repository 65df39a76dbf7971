"""Which models and fields go into a backup: found from the app registry, not listed by hand,
so a model or field added later is backed up; secrets are kept out."""

import datetime as dt
import json

from django.apps import apps

from isms.exchange.backup import (
    EXCLUDED_MODELS,
    OTHER_APPS_NOT_INCLUDED,
    SECRET_FIELDS,
    archived_models,
    dumps,
    hashed_file_models,
    secret_fields,
)

#: Fields that look secret and are backed up anyway, with the reason.
ALLOWED = {
    "auth.user.password": "a salted Argon2/PBKDF2 hash: users log in after a restore",
}
WORDS = ("token", "secret", "password", "key_hash", "otp", "session")


def test_every_model_of_every_isms_app_is_backed_up_with_users():
    labels = {model._meta.label_lower for model in archived_models()}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_config.name.startswith("isms.") and label not in EXCLUDED_MODELS:
            assert label in labels, label
    assert {"auth.user", "auth.group"} <= labels
    assert "core.apitoken" not in labels
    # Every other app's models are either backed up or left out with a reason.
    left_out = {"contenttypes", "sessions", *OTHER_APPS_NOT_INCLUDED}
    for model in apps.get_models():
        if not model._meta.app_config.name.startswith("isms."):
            label = model._meta.label_lower
            assert (
                label in labels or model._meta.app_label in left_out or label == ("auth.permission")
            ), label
    assert "sessions.session" not in labels and "contenttypes.contenttype" not in labels
    assert {"core.historicalorganisation", "readiness.assessmentfinding"} <= labels
    assert {m._meta.label_lower for m in hashed_file_models()} == {
        "evidence.evidence",
        "evidence.evidencefileversion",
    }


def test_no_secret_looking_field_is_backed_up_unless_declared():
    """A new field named like a secret fails here until it is declared blanked (SECRET_FIELDS)
    or allowed with a reason."""
    undeclared = []
    for model in archived_models():
        for field in model._meta.concrete_fields:
            name = f"{model._meta.label_lower}.{field.name}"
            if not any(word in field.name for word in WORDS) or name in ALLOWED:
                continue
            if field.name not in secret_fields(model):
                undeclared.append(name)
    assert undeclared == []
    assert secret_fields(apps.get_model("people", "historicalawarenessinvitation")) == {
        "token_hash"
    }
    for label, fields in SECRET_FIELDS.items():
        for name in fields:
            assert apps.get_model(label)._meta.get_field(name).null, f"{label}.{name}"


def test_times_keep_their_microseconds():
    moment = dt.datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=dt.UTC)
    assert json.loads(dumps({"at": moment})) == {"at": "2026-03-02T09:30:15.123456+00:00"}
