"""Acme's technology registers (8.8 vulnerabilities, 8.15 logging, 8.16 monitoring) for build_workbook.

Each function takes what it needs (``P``: KEY_PEOPLE key -> email; ``systems``: the Systems rows) so that this
module does not import build_workbook. Deterministic: a private random generator, never build_workbook's.

Planted problems:
- VUL001: two vulnerabilities on the Tulip MES shop-floor tablets open past their deadline (a critical in the
  kiosk browser, a high in the tablets' remote-support agent), with no risk acceptance.
- VUL002: the SensorCloud admin console (critical) runs on its own container cluster that was never added to
  the Amazon Inspector scope, so no scan of it is recorded.
- VUL003: the policy gives low-severity vulnerabilities no deadline in days ("next maintenance window").
- LOG001: 1Password Business (critical): its events API was never connected to Sentinel.
- LOG002: Sage Payroll's audit trail is to be reviewed monthly, last reviewed at the end of August.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

AS_OF = date(2026, 11, 30)

#: Systems deliberately left out (planted findings).
NOT_SCANNED = "SensorCloud admin console"
NOT_LOGGED = "1Password Business"

#: What scans each system, by name; anything else is a SaaS posture review.
SCAN_TOOLS = {
    "Microsoft 365": "Microsoft Defender Vulnerability Management",
    "GitHub Enterprise": "Dependabot and CodeQL",
    "SAP Business One": "Tenable.io (authenticated, partner-hosted servers)",
    "AWS production": "Amazon Inspector and Trivy",
    "Tulip MES": "Tenable.io (shop-floor tablets)",
    "Firmware signing (YubiHSM)": "Tenable.io (authenticated)",
    "CrowdStrike Falcon": "Falcon Spotlight and SaaS posture review (Adaptive Shield)",
}
SAAS_TOOL = "SaaS posture review (Adaptive Shield)"

#: Scan months: monthly for AWS and the endpoints, quarterly for the others.
MONTHLY = ("Microsoft 365", "AWS production", "GitHub Enterprise")


def _weekday(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def sheet_remediation_targets() -> list[dict]:
    note = "Vulnerability management standard ITS-VM-01 v2.1, section 5"
    return [
        {"severity": "critical", "days_allowed": 14, "notes": note},
        {"severity": "high", "days_allowed": 30, "notes": note},
        {"severity": "medium", "days_allowed": 90, "notes": note},
        # PLANTED (VUL003): no number of days for low-severity vulnerabilities.
        {"severity": "low", "days_allowed": None,
         "notes": note + ": fixed in the next quarterly maintenance window (no deadline in days)"},
    ]


def sheet_vulnerability_scans(systems: list[dict]) -> list[dict]:
    rng = random.Random(8088)
    rows = []
    for system in systems:
        name = system["name"]
        if name == NOT_SCANNED:
            continue  # PLANTED (VUL002)
        if system["criticality"] not in ("critical", "high") and name not in ("Jira and Confluence", "Zendesk"):
            continue
        if name in MONTHLY:
            months = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
        else:
            months = [(2025, 12), (2026, 3), (2026, 6), (2026, 9)]
        if name == "Firmware signing (YubiHSM)":
            months = [(2026, 2), (2026, 8)]  # added to the scanner's scope in February 2026
        for year, month in months:
            day = _weekday(date(year, month, rng.randint(3, 24)))
            if day > AS_OF - timedelta(days=5):
                day = _weekday(AS_OF - timedelta(days=7))
            rows.append({"system": name, "scanned_on": day, "tool": SCAN_TOOLS.get(name, SAAS_TOOL),
                         "findings_count": rng.choice([0, 1, 2, 2, 3, 4, 6, 9])})
    rows.sort(key=lambda r: (r["scanned_on"], r["system"]))
    return rows


# ref, system, severity, found, fixed, accepted by (key), accepted until, description
VULNERABILITIES = [
    ("INSP-2026-0113", "AWS production", "critical", "2026-01-14", "2026-01-22", None, None,
     "OpenSSL flaw in the ingest service's base container image"),
    ("INSP-2026-0388", "AWS production", "high", "2026-04-09", "2026-04-28", None, None,
     "Outdated Node.js runtime on the alarm-delivery Lambda functions"),
    ("INSP-2026-0741", "AWS production", "medium", "2026-07-15", "2026-09-02", None, None,
     "Verbose error pages on the tenant API gateway"),
    ("INSP-2026-1102", "AWS production", "critical", "2026-11-20", None, None, None,
     "Container escape flaw in the EKS node image; patched node group rolling out"),
    ("GHSA-2026-4471", "GitHub Enterprise", "high", "2026-03-02", "2026-03-19", None, None,
     "Vulnerable YAML parser pulled in by the firmware build tooling (Dependabot)"),
    ("GHSA-2026-5120", "GitHub Enterprise", "medium", "2026-06-11", "2026-08-20", None, None,
     "Prototype pollution in a front-end dependency of the SensorCloud web app"),
    ("MDVM-2026-0219", "Microsoft 365", "high", "2026-02-19", "2026-03-05", None, None,
     "Office build on 38 laptops missing the February security update"),
    ("MDVM-2026-0917", "Microsoft 365", "critical", "2026-09-17", "2026-09-26", None, None,
     "Windows kernel elevation-of-privilege flaw on managed laptops"),
    ("MDVM-2026-1104", "Microsoft 365", "low", "2026-11-04", None, None, None,
     "Legacy Teams add-in still installed on 12 laptops"),
    ("TIO-2026-0305", "SAP Business One", "high", "2026-03-16", "2026-04-09", None, None,
     "Unsupported TLS 1.0 enabled on the partner-hosted SQL Server"),
    # Risk accepted by the Financial Controller until the SAP upgrade planned for Q1 2027 (not a finding).
    ("TIO-2026-0612", "SAP Business One", "high", "2026-06-15", None, "fin_ctrl", "2027-03-31",
     "Vulnerable Crystal Reports runtime bundled with SAP Business One 10.0; fixed only in the 2027 upgrade"),
    ("TIO-2026-0908", "SAP Business One", "medium", "2026-09-14", None, None, None,
     "Self-signed certificate on the SAP Business One service layer"),
    ("SSPM-2026-0131", "Okta", "high", "2026-03-10", "2026-03-24", None, None,
     "Admin console session lifetime longer than the policy allows"),
    ("SSPM-2026-0422", "Salesforce", "medium", "2026-06-08", "2026-07-30", None, None,
     "Guest user profile could read the price-book object"),
    ("SSPM-2026-0617", "BambooHR", "low", "2026-06-17", "2026-09-10", None, None,
     "API key with no expiry used by the Okta provisioning integration"),
    ("TIO-2026-0219", "Firmware signing (YubiHSM)", "high", "2026-02-23", "2026-03-12", None, None,
     "Out-of-date YubiHSM connector service on the signing host"),
    ("TIO-2026-0510", "Tulip MES", "high", "2026-05-11", "2026-06-29", None, None,
     "Kiosk browser on the shop-floor tablets two major versions behind (fixed late)"),
    # PLANTED (VUL001): two overdue on the shop-floor tablets, no risk acceptance.
    ("TIO-2026-0815", "Tulip MES", "high", "2026-08-17", None, None, None,
     "Remote-support agent on the shop-floor tablets allows unauthenticated file transfer"),
    ("TIO-2026-0922", "Tulip MES", "critical", "2026-09-22", None, None, None,
     "Kiosk browser on the shop-floor tablets: remote code execution flaw exploited in the wild"),
    ("TIO-2026-0923", "Tulip MES", "low", "2026-09-22", None, None, None,
     "Tablets show the Wi-Fi network name on the lock screen"),
    ("SSPM-2026-0725", "Zendesk", "medium", "2026-07-25", "2026-08-14", None, None,
     "Help-centre attachments reachable without sign-in"),
]


def sheet_vulnerabilities(P: dict[str, str], systems: list[dict]) -> list[dict]:
    names = {s["name"] for s in systems}
    rows = []
    for ref, system, severity, found, fixed, accepted_by, until, description in VULNERABILITIES:
        if system not in names:
            continue
        rows.append({"ref": ref, "system": system, "severity": severity, "found_on": date.fromisoformat(found),
                     "fixed_on": date.fromisoformat(fixed) if fixed else None,
                     "risk_accepted_by": P[accepted_by] if accepted_by else None,
                     "risk_accepted_until": date.fromisoformat(until) if until else None,
                     "description": description})
    return rows


#: Events collected, by system; anything else logs sign-ins and admin changes.
EVENTS = {
    "Microsoft 365": "sign-ins|admin changes|mailbox rules|file sharing|Intune compliance",
    "Okta": "sign-ins|MFA failures|admin changes|policy changes",
    "AWS production": "CloudTrail management events|GuardDuty findings|IAM changes|security group changes",
    "GitHub Enterprise": "sign-ins|repository visibility changes|branch protection changes|secret scanning alerts",
    "SensorCloud admin console": "sign-ins|tenant changes|support impersonation sessions",
    "CrowdStrike Falcon": "detections|policy changes|console sign-ins",
    "Firmware signing (YubiHSM)": "signing requests|approvals|HSM audit log|sign-ins",
    "SAP Business One": "sign-ins|user and authorisation changes|payment run approvals",
}


def sheet_log_sources(P: dict[str, str], systems: list[dict]) -> list[dict]:
    rows = []
    for system in systems:
        name = system["name"]
        if name == NOT_LOGGED:
            continue  # PLANTED (LOG001): the events API was never connected
        if system["criticality"] not in ("critical", "high") and name != "Jira and Confluence":
            continue
        row = {"system": name, "destination": "Microsoft Sentinel",
               "events_logged": EVENTS.get(name, "sign-ins|admin changes"), "retention_days": 365,
               "alerts_reviewed": True, "alert_review_frequency": "daily",
               "last_alert_review_on": date(2026, 11, 27), "reviewer": P["sec_eng"]}
        if name == "Sage Payroll":
            # PLANTED (LOG002): only the in-app audit trail, to be reviewed monthly; last done in August.
            row.update(destination="Sage Payroll audit trail", events_logged="sign-ins|pay changes|bank detail changes",
                       retention_days=730, alert_review_frequency="monthly",
                       last_alert_review_on=date(2026, 8, 28), reviewer=P["payroll"])
        elif name in ("Tulip MES", "Jira and Confluence"):
            row.update(alert_review_frequency="weekly", last_alert_review_on=date(2026, 11, 23))
        rows.append(row)
        if name == "AWS production":
            rows.append({"system": name, "destination": "AWS Security Hub",
                         "events_logged": "GuardDuty findings|Inspector findings|Config rule changes",
                         "retention_days": 400, "alerts_reviewed": True, "alert_review_frequency": "daily",
                         "last_alert_review_on": date(2026, 11, 27), "reviewer": P["sre_lead"]})
    return rows
