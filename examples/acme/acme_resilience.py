"""Acme's backups, continuity plans and secure development records (8.13, 5.29, 5.30, 8.25-8.31).

Imported by build_workbook.py; each function takes the people map P (KEY_PEOPLE key -> email).

Planted problems:
- BCK001: 1Password Business (critical) last restored successfully in March 2025, 20 months
  before the audit (its policy asks for a yearly test).
- BCK002: the October 2026 Tulip MES restore was only partial and nothing was raised about it.
- BCP001: the site and manufacturing continuity plan PLN-003-A (with its flood scenario) has
  not been exercised since November 2024, although the plan says yearly.
- BCP003: the March 2026 tabletop of PLN-003-B ended partial and recorded lessons but no action.
- DEV001: two SensorCloud hotfixes went out without security testing.
- DEV002: the SensorCloud admin console's staging instance reads the production tenant database.
"""

from __future__ import annotations

from datetime import date


def D(text: str) -> date:
    return date.fromisoformat(text)


# system, frequency, retention days, restore test months, offsite, immutable, owner, notes
BACKUP_POLICIES = [
    (
        "AWS production",
        "continuous",
        35,
        3,
        True,
        True,
        "platform_head",
        "AWS Backup of RDS PostgreSQL and the time-series store, "
        "copied to a vault account with Vault Lock.",
    ),
    (
        "SensorCloud admin console",
        "daily",
        35,
        6,
        True,
        True,
        "sre_lead",
        "Configuration and audit log database in the AWS Backup plan.",
    ),
    (
        "GitHub Enterprise",
        "daily",
        90,
        12,
        True,
        True,
        "cto",
        "Nightly mirror of every repository and the organisation settings to S3 with object lock.",
    ),
    (
        "Okta",
        "daily",
        90,
        12,
        True,
        False,
        "ciso",
        "Nightly configuration export (Terraform state and API dump).",
    ),
    (
        "1Password Business",
        "daily",
        365,
        12,
        True,
        True,
        "it_ops",
        "Encrypted vault export kept offline in the safe; vendor keeps point-in-time copies.",
    ),
    (
        "Microsoft 365",
        "daily",
        365,
        12,
        True,
        True,
        "it_ops",
        "Third-party backup of Exchange, SharePoint and OneDrive.",
    ),
    (
        "Salesforce",
        "daily",
        90,
        12,
        True,
        False,
        "sales_ops",
        "Salesforce Backup add-on, weekly full export.",
    ),
    (
        "SAP Business One",
        "daily",
        90,
        6,
        True,
        True,
        "fin_ctrl",
        "Nightly SQL Server backup to the NAS, copied to the immutable offsite service.",
    ),
    (
        "Tulip MES",
        "daily",
        30,
        6,
        True,
        False,
        "production_mgr",
        "Vendor backup plus nightly export of app definitions.",
    ),
    (
        "BambooHR",
        "weekly",
        365,
        12,
        True,
        False,
        "hr_mgr",
        "Weekly full data export to SharePoint (restricted).",
    ),
    (
        "Sage Payroll",
        "daily",
        365,
        12,
        True,
        False,
        "payroll",
        "Vendor backups; monthly payroll archive export.",
    ),
    (
        "CrowdStrike Falcon",
        "weekly",
        90,
        12,
        False,
        False,
        "sec_eng",
        "Prevention policies exported as code.",
    ),
    (
        "Firmware signing (YubiHSM)",
        "monthly",
        3650,
        12,
        True,
        True,
        "fw_lead",
        "Signing keys wrapped under the backup key and held on a spare YubiHSM in the bank safe; "
        "host rebuilt from code.",
    ),
]

# system, tested on, scope, result, hours, RTO met, tested by, follow-up
RESTORE_TESTS = [
    (
        "AWS production",
        "2025-12-09",
        "RDS snapshot restored to the staging account",
        "passed",
        2.5,
        True,
        "sre_lead",
        "",
    ),
    (
        "AWS production",
        "2026-03-11",
        "Point-in-time restore of the time-series store",
        "partial",
        6.0,
        False,
        "sre_lead",
        "RTO missed: restore ran on a single stream; CHG-5230 parallel restore, retested in May",
    ),
    (
        "AWS production",
        "2026-05-20",
        "Point-in-time restore of the time-series store",
        "passed",
        3.0,
        True,
        "sre_lead",
        "",
    ),
    (
        "AWS production",
        "2026-08-19",
        "RDS snapshot restored to the staging account",
        "passed",
        2.0,
        True,
        "sre_lead",
        "",
    ),
    (
        "AWS production",
        "2026-11-10",
        "Cross-region restore from the vault account",
        "passed",
        3.5,
        True,
        "sre_lead",
        "",
    ),
    (
        "SensorCloud admin console",
        "2026-02-17",
        "Console database restored to staging",
        "passed",
        1.0,
        True,
        "sre_lead",
        "",
    ),
    (
        "SensorCloud admin console",
        "2026-08-25",
        "Console database restored to staging",
        "passed",
        1.0,
        True,
        "sre_lead",
        "",
    ),
    (
        "GitHub Enterprise",
        "2026-04-08",
        "Three repositories restored from the S3 mirror",
        "passed",
        1.5,
        True,
        "platform_head",
        "",
    ),
    (
        "Okta",
        "2026-06-16",
        "Configuration re-applied to the preview tenant",
        "passed",
        4.0,
        True,
        "it_ops",
        "",
    ),
    (
        "1Password Business",
        "2025-03-18",
        "Vault export imported into a test account",
        "passed",
        1.0,
        True,
        "it_ops",
        "",
    ),  # PLANTED (BCK001)
    (
        "Microsoft 365",
        "2026-07-07",
        "Mailbox and SharePoint site restored",
        "passed",
        2.0,
        True,
        "it_ops",
        "",
    ),
    (
        "Salesforce",
        "2026-05-26",
        "Full export restored to a sandbox",
        "passed",
        5.0,
        True,
        "sales_ops",
        "",
    ),
    (
        "SAP Business One",
        "2026-01-21",
        "Company database restored to the test server",
        "passed",
        2.0,
        True,
        "it_ops",
        "",
    ),
    (
        "SAP Business One",
        "2026-07-15",
        "Company database restored to the test server",
        "passed",
        2.0,
        True,
        "it_ops",
        "",
    ),
    (
        "Tulip MES",
        "2026-06-10",
        "App definitions and completions restored to the test workspace",
        "passed",
        3.0,
        True,
        "it_ops",
        "",
    ),
    (
        "Tulip MES",
        "2026-10-22",
        "App definitions and completions restored to the test workspace",
        "partial",
        5.0,
        False,
        "it_ops",
        "",
    ),  # PLANTED (BCK002): machine connector settings were missing; nothing raised
    (
        "BambooHR",
        "2026-03-03",
        "Export re-imported into the sandbox",
        "passed",
        2.0,
        True,
        "hr_mgr",
        "",
    ),
    (
        "Sage Payroll",
        "2026-09-08",
        "Payroll archive restored and reconciled",
        "passed",
        3.0,
        True,
        "payroll",
        "",
    ),
    (
        "CrowdStrike Falcon",
        "2026-02-10",
        "Prevention policies re-applied to a test group",
        "passed",
        0.5,
        True,
        "sec_eng",
        "",
    ),
    (
        "Firmware signing (YubiHSM)",
        "2026-06-18",
        "Wrapped keys restored to the spare YubiHSM; test image signed and verified",
        "passed",
        2.0,
        True,
        "fw_lead",
        "",
    ),
]

# ref, title, ict readiness, scope, covers, RTO hours, owner, approved on
PLANS = [
    (
        "PLN-003-A",
        "Site and manufacturing continuity (Sheffield)",
        False,
        "Loss of the Sheffield site or the SMT lines: fire, flood (zone 2), power and key "
        "supplier failure",
        "Manufacturing|Tulip MES|SAP Business One|Microsoft 365",
        72,
        "ops_dir",
        "2025-12-03",
    ),
    (
        "PLN-003-B",
        "SensorCloud and corporate IT recovery (ICT readiness)",
        True,
        "Loss of the AWS primary region, Okta or Microsoft 365; ransomware on corporate IT",
        "SensorCloud service operation|AWS production|SensorCloud admin console|Okta|"
        "Microsoft 365|1Password Business",
        4,
        "platform_head",
        "2026-02-09",
    ),
]

# plan, exercised on, kind, result, lessons, actions
EXERCISES = [
    (
        "PLN-003-A",
        "2024-11-06",
        "tabletop",
        "passed",
        "Evacuation and the switch to the subcontractor worked on paper; call tree up to date",
        "",
    ),  # PLANTED (BCP001): the last one
    (
        "PLN-003-B",
        "2025-06-24",
        "simulation",
        "partial",
        "Failover to eu-west-1 took 5 hours against an RTO of 4; DNS TTLs too long",
        "CHG-4870 lower DNS TTLs; CHG-4871 pre-scale the standby database",
    ),
    (
        "PLN-003-B",
        "2026-03-12",
        "tabletop",
        "partial",
        "Ransomware scenario: nobody could say who may authorise restoring Okta from the export",
        "",
    ),  # PLANTED (BCP003)
    (
        "PLN-003-B",
        "2026-09-16",
        "full",
        "passed",
        "Full failover of SensorCloud to eu-west-1 in 2 hours 40 minutes; no data lost",
        "",
    ),
]

# version, released on, code reviewed, security tested, test kinds, approver, notes
RELEASES = [
    ("SensorCloud 25.12", "2025-12-10", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.1", "2026-01-21", True, True, "SAST|DAST", "sw_lead", ""),
    (
        "SensorCloud 26.2",
        "2026-02-25",
        True,
        True,
        "SAST|DAST|pentest",
        "cto",
        "Annual penetration test before the release",
    ),
    ("SensorCloud 26.3", "2026-03-25", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.4", "2026-04-22", True, True, "SAST|DAST", "sw_lead", ""),
    (
        "SensorCloud 26.4.1",
        "2026-04-24",
        True,
        False,
        "",
        "sw_lead",
        "Hotfix for alarm delivery; pipeline scans skipped to ship the same day",
    ),  # PLANTED (DEV001)
    ("SensorCloud 26.5", "2026-05-27", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.6", "2026-06-24", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.7", "2026-07-29", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.8", "2026-08-26", True, True, "SAST|DAST", "sw_lead", ""),
    (
        "SensorCloud 26.8.2",
        "2026-09-03",
        True,
        False,
        "",
        "cto",
        "Customer-specific export fix released from a branch outside the pipeline",
    ),  # PLANTED (DEV001)
    ("SensorCloud 26.9", "2026-09-30", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.10", "2026-10-28", True, True, "SAST|DAST", "sw_lead", ""),
    ("SensorCloud 26.11", "2026-11-25", True, True, "SAST|DAST", "sw_lead", ""),
]


def sheet_backups(P):
    policies = [
        {
            "system": s,
            "backup_frequency": f,
            "retention_days": r,
            "restore_test_months": m,
            "offsite": o,
            "immutable": i,
            "owner": P[who],
            "notes": n,
        }
        for s, f, r, m, o, i, who, n in BACKUP_POLICIES
    ]
    tests = [
        {
            "system": s,
            "tested_on": D(on),
            "scope": sc,
            "result": res,
            "duration_hours": h,
            "rto_met": rto,
            "tested_by": P[who],
            "follow_up": fu,
        }
        for s, on, sc, res, h, rto, who, fu in RESTORE_TESTS
    ]
    return policies, tests


def sheet_continuity(P):
    plans = [
        {
            "ref": ref,
            "title": t,
            "ict_readiness": ict,
            "scope": sc,
            "covers": c,
            "rto_hours": rto,
            "owner": P[who],
            "approved_on": D(on),
        }
        for ref, t, ict, sc, c, rto, who, on in PLANS
    ]
    exercises = [
        {"plan": plan, "exercised_on": D(on), "kind": k, "result": r, "lessons": les, "actions": a}
        for plan, on, k, r, les, a in EXERCISES
    ]
    return plans, exercises


def sheet_development(P):
    systems = [
        {
            "system": "AWS production",
            "repository": "github.com/acme-components/sensorcloud",
            "separate_environments": True,
            "notes": "Separate AWS accounts for development, staging and production "
            "under AWS Organizations",
        },
        {
            "system": "SensorCloud admin console",
            "repository": "github.com/acme-components/sc-admin",
            "separate_environments": False,  # PLANTED (DEV002)
            "notes": "The staging console reads the production tenant database "
            "to reproduce support cases",
        },
    ]
    releases = [
        {
            "system": "AWS production",
            "version": v,
            "released_on": D(on),
            "code_reviewed": cr,
            "security_tested": st,
            "test_kinds": k,
            "approved_by": P[who],
            "notes": n,
        }
        for v, on, cr, st, k, who, n in RELEASES
    ]
    return systems, releases
