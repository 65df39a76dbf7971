"""Oversized request bodies are refused from their Content-Length, before they are read and
before any organisation or token lookup (issue 9, item 7)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from isms.core.middleware import body_limit
from isms.core.permissions import Role
from isms.evidence.models import Evidence
from isms.people.models import Department

pytestmark = pytest.mark.django_db

GIB = 1024**3


class UnreadableBody:
    """A wsgi.input that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def evidence(organisation):
    return Evidence.objects.create(
        organisation=organisation, ref="EV-1", title="Q1", kind="note", collected_on="2026-04-01"
    )


def declared(client, path, length, headers=None, content_type="application/json", **extra):
    return client.generic(
        "POST",
        path,
        content_type=content_type,
        headers=headers,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
        **extra,
    )


def test_a_1_gib_upload_is_413_unread_with_no_query(
    api_as, organisation, evidence, django_assert_num_queries
):
    api = api_as(organisation, Role.OWNER)
    path = f"/api/orgs/acme/evidence/{evidence.pk}/file"
    with django_assert_num_queries(0):
        response = declared(
            api.client, path, GIB, api.headers, content_type="multipart/form-data; boundary=x"
        )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "an evidence file may be at most 100 MB; this request declares 1024.0 MB"
    }
    assert not evidence.versions.exists()


def test_another_organisations_token_gets_413_not_a_404_after_reading(
    api_as, organisation, other_organisation, evidence, django_assert_num_queries
):
    outsider = api_as(other_organisation, Role.OWNER)
    path = f"/api/orgs/acme/evidence/{evidence.pk}/file"
    with django_assert_num_queries(0):
        response = declared(outsider.client, path, GIB, outsider.headers)
    assert response.status_code == 413
    # A small upload is the ordinary 404, exactly like an organisation that does not exist.
    small = {"file": SimpleUploadedFile("a.pdf", b"%PDF")}
    assert outsider.client.post(path, small, headers=outsider.headers).status_code == 404


def test_other_api_bodies_are_limited_to_2_mb(api_as, organisation):
    api = api_as(organisation)
    response = declared(api.client, "/api/orgs/acme/departments/", 2 * 1024**2 + 1, api.headers)
    assert response.status_code == 413
    assert "a request body may be at most 2 MB" in response.json()["detail"]
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response
    # Anywhere, not only under /api/, and without a token.
    assert declared(Client(), "/awareness/x/", 3 * 1024**2).status_code == 413


def test_bodies_within_the_limits_go_through(api_as, organisation, evidence, settings):
    settings.MAX_BODY_BYTES = 4096
    api = api_as(organisation)
    big_json = {"name": "Ops", "description": "x" * 5000}
    response = api.post("/orgs/acme/departments/", big_json)
    assert response.status_code == 413
    assert not Department.objects.exists()
    assert api.post("/orgs/acme/departments/", {"name": "Ops"}).status_code == 201

    upload = api.client.post(
        f"/api/orgs/acme/evidence/{evidence.pk}/file",
        {"file": SimpleUploadedFile("review.pdf", b"%PDF" + b"x" * 10_000)},
        headers=api.headers,
    )
    assert upload.status_code == 200, upload.content


def test_the_upload_limit_follows_the_setting(settings):
    settings.MAX_UPLOAD_BYTES = 11 * 1024**2
    assert body_limit("/api/orgs/acme/evidence/12/file") == 11 * 1024**2
    assert body_limit("/api/orgs/acme/evidence/12/versions") == settings.MAX_BODY_BYTES
    assert body_limit("/api/orgs/acme/departments/") == settings.MAX_BODY_BYTES
    # The web pages' evidence forms take the upload limit too, and no other page does.
    assert body_limit("/orgs/acme/evidence/upload/") == 11 * 1024**2
    assert body_limit("/orgs/acme/evidence/12/upload/") == 11 * 1024**2
    assert body_limit("/orgs/acme/evidence/12/") == settings.MAX_BODY_BYTES
    assert body_limit("/orgs/acme/registers/people/new/") == settings.MAX_BODY_BYTES


def test_the_import_page_takes_the_importers_largest_file(settings):
    from isms.exchange.limits import MAX_FILE_BYTES

    assert body_limit("/orgs/acme/import/") == settings.MAX_IMPORT_BODY_BYTES
    assert settings.MAX_IMPORT_BODY_BYTES == MAX_FILE_BYTES + 1024**2


def test_a_page_gets_a_readable_413_and_the_api_json(client, organisation, make_member):
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    client.force_login(user)
    too_big = str(3 * 1024**2)
    page = client.post("/orgs/acme/registers/people/new/", CONTENT_LENGTH=too_big)
    assert page.status_code == 413 and page["Content-Type"].startswith("text/plain")
    assert "at most 2 MB" in page.content.decode()
    api = client.post("/api/orgs/acme/departments/", CONTENT_LENGTH=too_big)
    assert api.status_code == 413 and "at most 2 MB" in api.json()["detail"]


def test_chunked_and_malformed_lengths_are_refused_unread(api_as, organisation):
    api = api_as(organisation)
    chunked = api.client.generic(
        "POST",
        "/api/orgs/acme/departments/",
        content_type="application/json",
        headers={**api.headers, "Transfer-Encoding": "chunked"},
        **{"wsgi.input": UnreadableBody()},
    )
    assert chunked.status_code == 411
    assert "Content-Length" in chunked.json()["detail"]
    for bad in ("-1", "12abc", "1e9"):
        response = declared(api.client, "/api/orgs/acme/departments/", bad, api.headers)
        assert response.status_code == 400, bad
        assert json.loads(response.content) == {"detail": "Content-Length is not a number"}


@pytest.mark.parametrize("length", ["²", "١٢", "12a", "-5"])
def test_a_content_length_that_is_not_ascii_digits_is_400(length):
    response = declared(Client(), "/api/orgs/acme/people/", length)
    assert response.status_code == 400
    assert response.json()["detail"] == "Content-Length is not a number"
