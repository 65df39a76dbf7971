"""Acme's change register, sites and interfaces, and the scope and outsourcing fields of its
systems and suppliers (rules CHG, SCP, OUT). Imported by build_workbook.py."""

from datetime import date

D = date.fromisoformat


def sheet_sites():
    return [
        {"name": "Sheffield HQ", "address": "Attercliffe Road, Sheffield S9", "kind": "office",
         "in_scope": "included", "exclusion_reason": "", "opened_on": D("2008-05-06")},
        {"name": "Sheffield factory", "address": "Attercliffe Road, Sheffield S9", "kind": "factory",
         "in_scope": "included", "exclusion_reason": "", "opened_on": D("2008-05-06")},
        {"name": "Manchester software studio", "address": "Ancoats, Manchester M4", "kind": "office",
         "in_scope": "included", "exclusion_reason": "", "opened_on": D("2025-04-07")},
        {"name": "Tinsley finished goods warehouse", "address": "Tinsley Park, Sheffield S9", "kind": "warehouse",
         "in_scope": "included", "exclusion_reason": "", "opened_on": D("2026-02-02")},
        {"name": "Acme Components GmbH office", "address": "Düsseldorf", "kind": "office",
         "in_scope": "excluded",
         "exclusion_reason": "German sales subsidiary (3 staff) under its own local arrangements; uses group "
                             "Microsoft 365 and Okta only",
         "opened_on": D("2022-09-01")},
        {"name": "Home working", "address": "", "kind": "remote", "in_scope": "included", "exclusion_reason": "",
         "opened_on": None},
        # PLANTED (SCP001): a leased unit where returned gateways (RMA) wait for refurbishment;
        # taken in 2024 by Quality, never mentioned in any scope version nor decided in or out.
        {"name": "Rotherham returns store", "address": "Templeborough, Rotherham S60", "kind": "warehouse",
         "in_scope": "", "exclusion_reason": "", "opened_on": D("2024-09-02")},
    ]


def sheet_interfaces():
    return [
        {"name": "Shipping portal", "description": "Orders and shipping labels exchanged with couriers and the "
                                                   "freight forwarder through their portals",
         "counterpart": "Pennine Logistics Ltd; TransGlobal Freight Forwarding Ltd", "in_scope": "included"},
        {"name": "Payroll bureau", "description": "Monthly payroll input and payslips through Sage Payroll",
         "counterpart": "Sage UK", "in_scope": "included"},
        {"name": "Group IT for the German office", "description": "Accounts in Okta and Microsoft 365 for the GmbH "
                                                                  "staff; no network connection",
         "counterpart": "Acme Components GmbH", "in_scope": "excluded"},
        {"name": "Customer gateway networks", "description": "Gateways installed on customers' networks send "
                                                             "telemetry to SensorCloud over TLS",
         "counterpart": "Customers", "in_scope": "excluded"},
    ]


#: System name -> date it went into use (all before the audit period).
SYSTEM_INTRODUCED = {
    "Microsoft 365": "2017-03-01", "Okta": "2024-03-04", "BambooHR": "2021-10-11",
    "Jira and Confluence": "2019-02-04", "GitHub Enterprise": "2023-11-06", "Salesforce": "2022-04-19",
    "SAP Business One": "2021-09-01", "AWS production": "2020-06-01", "SensorCloud admin console": "2020-06-01",
    "Tulip MES": "2024-10-07", "Zendesk": "2023-06-12", "Sage Payroll": "2020-04-06", "Altium 365": "2023-03-13",
    "1Password Business": "2024-06-03", "CrowdStrike Falcon": "2025-02-10",
}


def with_scope(systems):
    """The Systems rows with their scope decision and the date each went into use."""
    return [{**row, "in_scope": "included",
             "introduced_on": D(SYSTEM_INTRODUCED[row["name"]]) if row["name"] in SYSTEM_INTRODUCED else None}
            for row in systems]


#: Supplier name -> (outsourced process, how it is controlled).
OUTSOURCED = {
    "Amazon Web Services": ("Operation of the SensorCloud hosting infrastructure",
                            "SOC 2 Type II report reviewed yearly|AWS Health alerts to the on-call rota|"
                            "quarterly service and cost review"),
    "Sage UK": ("Payroll processing", "Monthly payroll reconciliation by Finance|annual SOC 1 report review"),
    "VaultEdge Backup Ltd": ("Offsite immutable backup of the file server",
                             "Daily backup success report|quarterly restore test witnessed by IT Ops"),
    "Don Valley PCB Assembly Ltd": ("Overflow PCB assembly", "First-article inspection and incoming inspection of "
                                                             "every batch|monthly yield and delivery KPIs"),
    "Peak Pensions Administration Ltd": ("Pension scheme administration",
                                         "Quarterly administration report reviewed by the CFO|annual scheme audit"),
    "Castlegate IT Recycling Ltd": ("Disposal and data destruction of retired IT equipment",
                                    "Certificate of destruction per collection checked against the asset list"),
    # PLANTED (OUT001): the paper archive was outsourced in 2017; nobody checks how it is run.
    "Ironside Offsite Archive Ltd": ("Storage and retrieval of archived paper records", ""),
}


def with_outsourcing(suppliers):
    """The Suppliers rows with the process each runs for Acme, if any, and how it is controlled."""
    rows = []
    for row in suppliers:
        process, controls = OUTSOURCED.get(row["name"], ("", ""))
        rows.append({**row, "outsourced_process": process, "outsourcing_controls": controls})
    return rows


def sheet_changes(P):
    def change(ref, title, kind, purpose, consequences, significant, reassessed, risks, approver, approved,
               implemented, system="", supplier="", site="", scope=""):
        return {"ref": ref, "title": title, "kind": kind, "purpose": purpose, "consequences": consequences,
                "is_significant": significant, "risk_reassessed_on": D(reassessed) if reassessed else None,
                "risks_reassessed": risks, "approved_by": P[approver] if approver else None,
                "approved_on": D(approved) if approved else None,
                "implemented_on": D(implemented) if implemented else None,
                "system": system, "supplier": supplier, "site": site, "scope": scope}

    return [
        change("CHG-2025-019", "CrowdStrike Falcon replaces the legacy antivirus", "new_system",
               "EDR with 24x7 managed detection", "New kernel agent on every endpoint; telemetry to the vendor",
               True, "2025-01-13", "R-003|R-058|R-065", "ciso", "2025-01-15", "2025-02-10",
               system="CrowdStrike Falcon", supplier="CrowdStrike"),
        change("CHG-2026-001", "SensorCloud standby region in AWS eu-west-1", "infrastructure",
               "Keep alarms flowing through a regional AWS outage",
               "Customer telemetry replicated to a second region; new failover runbook", True, "2026-01-12",
               "R-007|R-034", "cto", "2026-01-14", "2026-02-09", system="AWS production",
               supplier="Amazon Web Services"),
        change("CHG-2026-002", "Tinsley finished goods warehouse taken in-house", "new_site",
               "End the logistics partner's warehouse contract and run the warehouse ourselves",
               "New site with staff, Wi-Fi and a shipping PC; physical security to set up", True, "2026-01-20",
               "R-031", "ceo", "2026-01-22", "2026-02-02", site="Tinsley finished goods warehouse"),
        change("CHG-2026-003", "ISMS scope 2.0: Tinsley warehouse and the mobile app", "scope_change",
               "Bring the new warehouse and the SensorCloud mobile app into the certificate",
               "Controls, SoA and internal audit programme extended to both", True, "2026-03-02", "R-036",
               "ceo", "2026-03-16", "2026-03-16", scope="2.0"),
        change("CHG-2026-004", "SensorCloud mobile app launch", "software_release",
               "Customers asked for alarms on their phones", "New client holding session tokens on devices",
               True, "2026-02-20", "R-036", "cto", "2026-03-20", "2026-04-14", system="AWS production"),
        change("CHG-2026-005", "Tulip MES tablet client upgrade", "software_release", "Vendor end of support",
               "Short line stoppage on each line during the switch", False, "", "", "production_mgr",
               "2026-05-05", "2026-05-09", system="Tulip MES"),
        change("CHG-2026-006", "Okta FastPass passwordless sign-in", "infrastructure",
               "Phishing-resistant authentication for all staff", "Device-bound credentials; new recovery process",
               True, "2026-05-28", "R-017|R-018", "ciso", "2026-06-01", "2026-06-15", system="Okta",
               supplier="Okta"),
        change("CHG-2026-007", "Night shift on SMT line 2", "organisational", "Meet the Q3 order book",
               "Shift supervisor covers security reporting at night", False, "", "", "ops_dir", "2026-06-20",
               "2026-07-06"),
        # PLANTED (CHG001): marked significant, but nobody reassessed the risks of putting test data in the cloud.
        change("CHG-2026-008", "Manufacturing test data moved from the file server to SharePoint", "infrastructure",
               "Retire the ageing Sheffield file server", "Test results and calibration data held in Microsoft 365; "
                                                          "new sharing permissions", True, "", "", "ciso",
               "2026-08-10", "2026-08-24", system="Microsoft 365", supplier="Microsoft"),
        # PLANTED (CHG002): the ERP partner upgraded over a weekend; the approval was recorded two days later.
        change("CHG-2026-009", "SAP Business One upgrade to 10.0 FP 2508", "software_release",
               "Partner-recommended feature pack", "Downtime over a weekend; interfaces retested", False, "", "",
               "fin_ctrl", "2026-09-15", "2026-09-13", system="SAP Business One",
               supplier="SAP UK (via partner Northbridge ERP Ltd)"),
        change("CHG-2026-010", "Replace the Sheffield core switches", "infrastructure", "End of vendor support",
               "Two planned outages at weekends; new VLAN configuration reviewed", False, "", "", "it_ops",
               "2026-10-05", "2026-10-17"),
        change("CHG-2026-011", "Zendesk data moved to the EU region", "infrastructure",
               "Customers ask for EU residency of support tickets", "Migration of ticket history; short read-only "
                                                                    "window", True, "2026-11-16", "R-037", "",
               "", "", system="Zendesk", supplier="Zendesk"),
    ]
