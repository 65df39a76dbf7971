"""Acme's control of documented information (external documents, who may read each document,
which versions are still on the intranet) and its screening, contract terms and NDAs
(rules DCC, HRS). Imported by build_workbook.py."""

from datetime import date, timedelta

D = date.fromisoformat
AUDIT_DATE = date(2026, 11, 30)

# --------------------------------------------------------------------------------------------
# Documents (7.5.3)
# --------------------------------------------------------------------------------------------

ALL_STAFF = "All staff, ISMS intranet"
ISMS_TEAM = "ISMS team and process owners, ISMS SharePoint site"
ACCESS = {
    "policy": ALL_STAFF,
    "topic_policy": ALL_STAFF,
    "procedure": "Staff who run the procedure, ISMS intranet",
    "plan": ISMS_TEAM,
    "record": ISMS_TEAM,
    "method": ISMS_TEAM,
    "standard": "IT and Security, Platform Operations and Engineering, ISMS SharePoint site",
}
#: PLANTED (DCC003): the logging standard was moved to the SOC's wiki in 2026; nobody decided
#: who may read it there, and the register never said.
NO_ACCESS = {"STD-001"}
RESTRICTED = {
    "PLN-003": "Crisis team and department heads, ISMS SharePoint site (offline copy in grab bag)",
    "PRO-001": "All staff (reporting section), full procedure IT and Security only, ISMS intranet",
}

# ref, title, owner key, source, review due, (version, approver key, approved/effective)
EXTERNAL = [
    (
        "EXT-001",
        "UK GDPR and Data Protection Act 2018",
        "dpo",
        "legislation.gov.uk; ICO guidance updates by email subscription",
        "2027-03-31",
        ("2018", "isms_mgr", "2025-01-20"),
    ),
    (
        "EXT-002",
        "ISO/IEC 27001:2022 with Amd 1:2024 and ISO/IEC 27002:2022",
        "isms_mgr",
        "BSI Knowledge subscription (licence BSK-44871)",
        "2027-06-30",
        ("2022+A1:2024", "ciso", "2025-02-03"),
    ),
    (
        "EXT-003",
        "PSTI Act 2022 security requirements for connectable products",
        "cto",
        "legislation.gov.uk and the Office for Product Safety and Standards",
        "2027-04-30",
        ("2024-04", "ciso", "2025-05-12"),
    ),
    # PLANTED (DCC002): the automotive customer's supplier security manual, saved from an email in
    # 2025; nobody knows which edition is current or how updates reach Acme.
    (
        "EXT-004",
        "Northwind Automotive supplier information security manual",
        "commercial_dir",
        "",
        "2027-01-31",
        ("3.2", "ciso", "2025-09-08"),
    ),
]


def documents(documents, versions, P):
    """Acme's documents with the access and external fields, plus the external documents; the
    versions with whether each is still published (only the one in force, but for one plant)."""
    rows = []
    for row in documents:
        access = "" if row["ref"] in NO_ACCESS else RESTRICTED.get(row["ref"], ACCESS[row["kind"]])
        rows.append({**row, "external": False, "source": "", "access": access})
    out = []
    for ref, title, owner, source, review, (version, approver, day) in EXTERNAL:
        rows.append(
            {
                "ref": ref,
                "title": title,
                "kind": "standard",
                "owner": P[owner],
                "review_interval_months": 12,
                "next_review_on": D(review),
                "external": True,
                "source": source,
                "access": "ISMS team and document owner, ISMS SharePoint site",
                "clauses": "",
                "controls": "",
            }
        )
        out.append(
            {
                "document": ref,
                "version": version,
                "author": P[owner],
                "approver": P[approver],
                "approved_on": D(day),
                "effective_on": D(day),
                "change_summary": "Edition held, accepted for use.",
                "text": "",
                "published": True,
            }
        )
    current = {}
    for row in versions:
        day = row["effective_on"]
        if (
            day
            and day <= AUDIT_DATE
            and (row["document"] not in current or day > current[row["document"]])
        ):
            current[row["document"]] = day
    for row in versions:
        in_force = (
            row["effective_on"] is not None and current.get(row["document"]) == row["effective_on"]
        )
        # PLANTED (DCC001): version 1.0 of the access control policy is still on the intranet's
        # "IT policies" page next to 1.1; the page was copied, not replaced, in February 2026.
        stale = (row["document"], row["version"]) == ("POL-002", "1.0")
        out.append({**row, "published": in_force or stale})
    return rows, sorted(out, key=lambda r: (r["document"], r["version"]))


# --------------------------------------------------------------------------------------------
# Screening (A.6.1), terms (A.6.2) and confidentiality agreements (A.6.6)
# --------------------------------------------------------------------------------------------

ENHANCED_DEPTS = ("IT and Security", "Platform Operations")


def sheet_screening_requirements():
    return [
        {
            "name": "All staff and contractors",
            "department": None,
            "job_title_contains": "",
            "isms_role": "",
            "privileged_access": False,
            "required_level": "standard",
        },
        {
            "name": "IT and Security staff",
            "department": "IT and Security",
            "job_title_contains": "",
            "isms_role": "",
            "privileged_access": False,
            "required_level": "enhanced",
        },
        {
            "name": "Privileged access holders",
            "department": None,
            "job_title_contains": "",
            "isms_role": "",
            "privileged_access": True,
            "required_level": "enhanced",
        },
        {
            "name": "Payments and payroll",
            "department": "Finance and Legal",
            "job_title_contains": "payroll",
            "isms_role": "",
            "privileged_access": False,
            "required_level": "enhanced",
        },
    ]


#: PLANTED (HRS001): the security engineer was screened at the basic level when he joined as a
#: junior analyst in 2022 and was never re-screened when he was given domain admin rights.
BASIC_ONLY = {"kofi.mensah@acme.example"}
#: PLANTED (HRS002): an agency assembly operative who signed the agency's terms only; Acme's
#: security responsibilities addendum was never given to her.
NO_TERMS = {"ella.stewart@acme.example"}
#: PLANTED (HRS003): a contract software engineer who started in September on a rush project;
#: the NDA was sent to the agency and never came back.
NO_NDA = {"neil.barker@acme.example"}


def with_screening(people, accounts):
    """The People rows with the screening, terms and NDA dates: checks done two weeks before the
    start, contracts and NDA signed ten days before; enhanced checks where the policy needs them."""
    privileged = {
        a["person"] for a in accounts if a["is_privileged"] and a["is_active"] and a["person"]
    }
    rows = []
    for row in people:
        start = row["start_date"]
        enhanced = (
            row["department"] in ENHANCED_DEPTS
            or row["email"] in privileged
            or "payroll" in row["job_title"].lower()
        )
        level = "basic" if row["email"] in BASIC_ONLY else "enhanced" if enhanced else "standard"
        signed = start - timedelta(days=10) if start else None
        rows.append(
            {
                **row,
                "screened_on": start - timedelta(days=14) if start else None,
                "screening_level": level,
                "terms_signed_on": None if row["email"] in NO_TERMS else signed,
                "confidentiality_signed_on": None if row["email"] in NO_NDA else signed,
            }
        )
    return rows
