"""The development registers: importer, API and web pages all read these declarations."""

from isms.core.registers import register
from isms.development.models import DevelopmentSystem, Release

register(
    DevelopmentSystem,
    sheet="Development systems",
    key=("system",),
    columns=("system", "repository", "separate_environments", "notes"),
    description="Systems developed in house and whether their environments are separated (8.31).",
    example={
        "system": "Salesforce",
        "repository": "github.com/acme/salesforce-apex",
        "separate_environments": "yes",
        "notes": "Developer sandboxes, a full-copy UAT sandbox and production",
    },
)
register(
    Release,
    sheet="Releases",
    key=("system", "version"),
    columns=(
        "system",
        "version",
        "released_on",
        "code_reviewed",
        "security_tested",
        "test_kinds",
        "approved_by",
        "notes",
    ),
    description="Software releases and the review and security testing behind them (8.25-8.29).",
    example={
        "system": "Salesforce",
        "version": "2026.09",
        "released_on": "2026-09-14",
        "code_reviewed": "yes",
        "security_tested": "yes",
        "test_kinds": "SAST|DAST",
        "approved_by": "cto@acme.example",
        "notes": "",
    },
)
