"""Response headers every page needs, and the request-size limit applied before anything runs.

Django 5.2 has no Content-Security-Policy of its own; :class:`SecurityHeadersMiddleware` adds
``settings.CONTENT_SECURITY_POLICY`` to every response and ``Cache-Control: no-store`` to every
API response (records and evidence are not to be kept by browsers or proxies).

:class:`RequestBodyLimitMiddleware` refuses an oversized request from its ``Content-Length``
alone: the body is never read, and no view (so no organisation or token lookup) runs.
"""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse

API_PREFIX = "/api/"
#: Where evidence files are uploaded: the API's file endpoint (api/evidence.py) and the web
#: pages' new-evidence and new-version forms (web/views/evidence.py).
UPLOAD_PATH = re.compile(
    r"^/(?:api/orgs/[^/]+/evidence/[^/]+/file|orgs/[^/]+/evidence/(?:upload|\d+/upload))/?$"
)
#: The web page that takes a workbook to import (web/views/imports.py).
IMPORT_PATH = re.compile(r"^/orgs/[^/]+/import/?$")
_MB = 1024 * 1024


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if request.path_info.startswith(API_PREFIX):
            response["Cache-Control"] = "no-store"
        return response


def body_limit(path: str) -> int:
    """The largest request body, in bytes, accepted for ``path``."""
    if UPLOAD_PATH.match(path):
        return settings.MAX_UPLOAD_BYTES
    if IMPORT_PATH.match(path):
        return settings.MAX_IMPORT_BODY_BYTES
    return settings.MAX_BODY_BYTES


class RequestBodyLimitMiddleware:
    """413 for a declared length over the limit, 411 for a body of unknown length (chunked),
    400 for a length that is not a number; all before the body is touched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refusal(request)
        return refused if refused is not None else self.get_response(request)

    @staticmethod
    def refusal(request) -> JsonResponse | None:
        meta = request.META
        declared = (meta.get("CONTENT_LENGTH") or "").strip()
        if not declared:
            # WSGI gives a body without Content-Length to Django as empty, but a server may
            # still pass it through; refuse it rather than guess its size.
            if meta.get("HTTP_TRANSFER_ENCODING", "").strip():
                return JsonResponse(
                    {"detail": "a request body needs a Content-Length (chunked is not accepted)"},
                    status=411,
                )
            return None
        if not (declared.isascii() and declared.isdigit()):  # "²".isdigit() is True
            return JsonResponse({"detail": "Content-Length is not a number"}, status=400)
        if int(declared) > body_limit(request.path_info):
            path = request.path_info
            if UPLOAD_PATH.match(path):
                what = f"an evidence file may be at most {settings.MAX_UPLOAD_MB} MB"
            elif IMPORT_PATH.match(path):
                largest = settings.MAX_IMPORT_BODY_BYTES // _MB - 1
                what = f"a file to import may be at most {largest} MB"
            else:
                what = f"a request body may be at most {settings.MAX_BODY_BYTES // _MB} MB"
            detail = f"{what}; this request declares {int(declared) / _MB:.1f} MB"
            if not path.startswith(API_PREFIX):
                # A page's form: the browser shows the answer as it is.
                return HttpResponse(
                    f"Too large: {detail}. Go back and choose a smaller file.\n",
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
            return JsonResponse({"detail": detail}, status=413)
        return None
