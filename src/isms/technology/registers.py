"""The technology registers: importer, API and web pages all read these declarations."""

from isms.core.registers import register
from isms.technology.models import LogSource, RemediationTarget, Vulnerability, VulnerabilityScan

register(
    RemediationTarget,
    sheet="Remediation targets",
    key=("severity",),
    columns=("severity", "days_allowed", "notes"),
    description="Days allowed to fix a vulnerability of each severity, per the policy (8.8).",
    example={
        "severity": "critical",
        "days_allowed": "14",
        "notes": "Vulnerability management standard VMS-01, section 4",
    },
)
register(
    VulnerabilityScan,
    sheet="Vulnerability scans",
    key=("system", "scanned_on"),
    columns=("system", "scanned_on", "tool", "findings_count"),
    description="Completed vulnerability scans of each system (8.8).",
    example={
        "system": "Salesforce",
        "scanned_on": "2026-10-05",
        "tool": "Tenable.io",
        "findings_count": "4",
    },
)
register(
    Vulnerability,
    sheet="Vulnerabilities",
    key=("ref", "system"),
    columns=(
        "ref",
        "system",
        "severity",
        "found_on",
        "fixed_on",
        "risk_accepted_by",
        "risk_accepted_until",
        "description",
    ),
    description="Technical vulnerabilities found, when fixed, or whose risk was accepted (8.8).",
    example={
        "ref": "CVE-2026-1234",
        "system": "Salesforce",
        "severity": "high",
        "found_on": "2026-10-05",
        "fixed_on": "2026-10-19",
        "risk_accepted_by": "",
        "risk_accepted_until": "",
        "description": "Outdated TLS library on the integration gateway",
    },
)
register(
    LogSource,
    sheet="Log sources",
    key=("system", "destination"),
    columns=(
        "system",
        "destination",
        "events_logged",
        "retention_days",
        "alerts_reviewed",
        "alert_review_frequency",
        "last_alert_review_on",
        "reviewer",
    ),
    description="Where each system's security events are logged and how alerts are reviewed "
    "(8.15, 8.16).",
    example={
        "system": "Salesforce",
        "destination": "Microsoft Sentinel",
        "events_logged": "sign-ins|admin changes|report exports",
        "retention_days": "365",
        "alerts_reviewed": "yes",
        "alert_review_frequency": "daily",
        "last_alert_review_on": "2026-11-27",
        "reviewer": "soc@acme.example",
    },
)
