"""Every response carries a Content-Security-Policy without 'unsafe-inline'; the API's
responses are not stored; the API docs load Swagger UI from our own static files
(issue 9, item 8)."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client()


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize(
    "path", ["/health", "/api/docs", "/api/openapi.json", "/api/orgs/", "/nowhere", "/awareness/x/"]
)
def test_every_response_has_a_strict_csp(client, path):
    response = client.get(path)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    policy = csp(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"


def test_api_responses_are_no_store_and_others_are_not_touched(client):
    for path in ("/api/orgs/", "/api/docs", "/api/openapi.json", "/api/orgs/acme/people/"):
        assert client.get(path)["Cache-Control"] == "no-store", path
    assert client.get("/health").get("Cache-Control") != "no-store"


def test_the_api_docs_load_only_our_own_scripts_and_styles(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    sources = re.findall(r'<script\b[^>]*\bsrc="([^"]+)"', html)
    assert sources == ["/static/ninja/swagger-ui-bundle.js", "/static/ninja/swagger-ui-init.js"]
    # No inline script that runs: the only script without src is the JSON settings block.
    assert [tag for tag in scripts if "src=" not in tag] == [
        '<script type="application/json" id="swagger-settings">'
    ]
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "third-party asset"
    assert "<style" not in html and " style=" not in html
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)


def test_the_awareness_pages_style_comes_from_a_file(client):
    served = client.get("/static/people/awareness.css")
    assert served.status_code == 200
    assert b"font-family" in b"".join(served.streaming_content)


def test_static_files_outside_the_apps_are_not_served(client):
    assert client.get("/static/../settings.py").status_code in (400, 404)
    assert client.get("/static/ninja/missing.js").status_code == 404
