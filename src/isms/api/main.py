"""The NinjaAPI instance: authentication, error shapes, and the routers."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from ninja import Schema

from isms import __version__
from isms.api import assessments as assessments_api
from isms.api import audits as audits_api
from isms.api import awareness as awareness_api
from isms.api import certification as certification_api
from isms.api import evidence, nonconformities, reviews
from isms.api.auth import AUTH
from isms.api.openapi import IsmsApi
from isms.api.registers import register_routers
from isms.core.models import Membership, StaleRecord
from isms.core.services import TooManyAttempts

api = IsmsApi(
    title="isms",
    version=__version__,
    description=(
        "The ISMS registers of the organisations you belong to. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `isms token create`). Records use "
        "the import format: references name other records by their key (a person by email, "
        "a control by id). Another organisation's records answer 404. Tokens expire (90 days "
        "by default); a read-only token gets 403 for any write; too many bad tokens from one "
        "address answer 429 for a while."
    ),
    urls_namespace="api",
    auth=AUTH,
    docs_url="/docs",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(StaleRecord)
def stale_record(request, exc):
    """A workflow step or upload found its record changed by someone else at the same moment."""
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(OperationalError)
def database_busy(request, exc):
    """SQLite stayed locked longer than ISMS_SQLITE_TIMEOUT: ask the client to come back."""
    if "locked" not in str(exc) and "busy" not in str(exc):
        raise exc
    response = api.create_response(
        request, {"detail": "the database is busy with another write; try again"}, status=503
    )
    response["Retry-After"] = "5"
    return response


@api.exception_handler(TooManyAttempts)
def too_many_attempts(request, exc):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


class OrganisationOut(Schema):
    slug: str
    name: str
    role: str
    top_management: bool


@api.get("/orgs/", response=list[OrganisationOut], summary="Organisations you belong to")
def my_organisations(request):
    memberships = Membership.objects.filter(user=request.user, is_active=True).select_related(
        "organisation"
    )
    return [
        {
            "slug": m.organisation.slug,
            "name": m.organisation.name,
            "role": m.role,
            "top_management": m.is_top_management,
        }
        for m in memberships
    ]


register_routers(api)
api.add_router("", evidence.router)
api.add_router("", nonconformities.router)
api.add_router("", reviews.router)
api.add_router("", audits_api.router)
api.add_router("", certification_api.router)
api.add_router("", awareness_api.router)
api.add_router("", assessments_api.router)
