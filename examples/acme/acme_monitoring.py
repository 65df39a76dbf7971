"""Acme's monitoring and competence registers (9.1 metrics, 7.2 competence) for build_workbook.

Each function takes what it needs (``P``: KEY_PEOPLE key -> email) so that this module does not import
build_workbook. Deterministic: no random numbers.

Planted problems:
- MON001: MET-05 (leavers' accounts disabled within one working day) has no result after June 2026: the IT
  operations manager stopped producing it when the HR system export changed, and nobody noticed.
- MON002: MET-07 (vulnerability scan coverage) is measured every quarter but its results were never analysed:
  the CISO named to evaluate it has no analysis on record for any quarter.
- CMP001: Owen Price (Financial Controller), an internal auditor since March 2025, led IA-2025-01 and
  IA-2026-01 without the audit experience Acme's own requirement CR-08 asks for before leading an audit (he
  had never been an audit team member); his ISO/IEC 27001 internal auditor course is on record.
- CMP002: the asset owner role (every asset owner) has no competence requirement recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

AS_OF = date(2026, 11, 30)

# ref, measures, method, frequency, owner, analysed_by, objective, control, (first value, step, decimals), unit
METRICS = [
    ("MET-01", "Critical patches installed on servers and endpoints within 14 days of release",
     "Intune and Azure Update Manager compliance report: critical updates released in the month and installed "
     "within 14 days, as a share of all critical updates due", "monthly", "it_ops", "ciso", None, "8.8",
     (91.0, 0.5, 1)),
    ("MET-02", "Click rate in the monthly phishing simulation",
     "Defender attack simulation report: users who clicked as a share of users targeted", "monthly", "sec_eng",
     "isms_mgr", "OBJ-02", "6.3", (9.5, -0.4, 1)),
    ("MET-03", "Mandatory security training completion",
     "BambooHR learning report: current staff with every mandatory course in date, as a share of headcount",
     "monthly", "hr_mgr", "isms_mgr", None, "6.3", (90.0, 0.6, 1)),
    ("MET-04", "SensorCloud alarm delivery availability",
     "Datadog SLO for alarm delivery (SMS, email, push) over the calendar month", "monthly", "sre_lead",
     "platform_head", "OBJ-04", "8.14", (99.82, 0.01, 2)),
    # PLANTED (MON001): no result after 2026-06-30.
    ("MET-05", "Leavers' accounts disabled within one working day of the leave date",
     "BambooHR leavers export matched to Entra ID sign-in disable dates", "monthly", "it_ops", "ciso", None,
     "5.18", (88.0, 1.5, 1)),
    ("MET-06", "Security events, near misses and incidents reported per quarter",
     "Count of records opened in the incident log in the quarter, by kind", "quarterly", "sec_eng", "isms_mgr",
     None, "6.8", (11.0, 1.0, 0)),
    # PLANTED (MON002): measured every quarter, never analysed.
    ("MET-07", "In-scope systems covered by a vulnerability scan in the quarter",
     "Systems with a scan in the quarter (Defender, Inspector, Dependabot) as a share of in-scope systems",
     "quarterly", "platform_head", "ciso", None, "8.8", (84.0, 1.0, 1)),
    ("MET-08", "Supplier security assessments completed on schedule",
     "Critical and high tier suppliers assessed within their review frequency, as a share of those due",
     "quarterly", "supply_mgr", "quality_head", None, "5.22", (90.0, 2.0, 1)),
]

#: Month ends from December 2025 to October 2026 (the November result is taken after the audit date).
MONTHS = [date(2025, 12, 31)] + [date(2026, m + 1, 1) - timedelta(days=1) for m in range(1, 11)]
QUARTERS = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]

NOT_MEASURED_AFTER = {"MET-05": date(2026, 6, 30)}
NEVER_ANALYSED = {"MET-07"}


def sheet_metrics(P):
    rows = []
    for ref, measures, method, frequency, owner, analyst, objective, control, _values in METRICS:
        rows.append({"ref": ref, "measures": measures, "method": method, "frequency": frequency,
                     "owner": P[owner], "analysed_by": P[analyst], "objective": objective, "control": control})
    return rows


def _analysis(ref: str, value: float, previous: float | None) -> str:
    if previous is None:
        return "Baseline for the period; target and trend reviewed at the ISMS meeting"
    trend = "improving" if value != previous else "flat"
    if ref == "MET-02":
        trend = "improving" if value < previous else "worse"
    return f"Trend {trend} ({previous:g} to {value:g}); no action beyond the ISMS meeting actions"


def sheet_metric_results(P):
    rows = []
    for ref, _m, _h, frequency, _o, _a, _obj, _c, (start, step, decimals) in METRICS:
        days = MONTHS if frequency == "monthly" else QUARTERS
        previous = None
        for i, day in enumerate(days):
            if ref in NOT_MEASURED_AFTER and day > NOT_MEASURED_AFTER[ref]:
                break
            value = round(start + step * i, decimals)
            if ref == "MET-04":
                value = min(value, 99.97)
            row = {"metric": ref, "measured_on": day, "value": value, "analysed_on": None, "analysis": ""}
            if ref not in NEVER_ANALYSED:
                row["analysed_on"] = day + timedelta(days=6 if frequency == "monthly" else 12)
                row["analysis"] = _analysis(ref, value, previous)
            rows.append(row)
            previous = value
    return [r for r in rows if r["analysed_on"] is None or r["analysed_on"] <= AS_OF]


# ref, role, requirement, what counts as evidence
REQUIREMENTS = [
    ("CR-01", "isms_manager", "ISO/IEC 27001 implementer or lead implementer training",
     "Course certificate"),
    ("CR-02", "isms_manager", "Two years' experience running or auditing a management system",
     "CV reviewed and signed off by the CISO"),
    ("CR-03", "ciso", "Recognised information security qualification (CISSP, CISM or equivalent)",
     "Certificate, in date"),
    ("CR-04", "internal_auditor", "ISO/IEC 27001:2022 internal auditor course passed",
     "Course record with the exam result"),
    ("CR-05", "data_protection_officer", "UK GDPR practitioner qualification",
     "Certificate"),
    ("CR-06", "incident_manager", "Incident response training and the annual tabletop exercise",
     "Course certificate and tabletop attendance"),
    ("CR-07", "top_management_sponsor", "Board cyber-risk briefing in the last twelve months",
     "Training record"),
    ("CR-09", "risk_owner", "Briefing on the risk assessment method (PRO-002) and on accepting residual risk",
     "Briefing attendance record"),
    ("CR-08", "internal_auditor", "At least two management system audits as a team member before leading one",
     "Audit reports naming the auditor in the team"),
]


def sheet_competence_requirements():
    return [{"ref": ref, "role": role, "requirement": text, "description": evidence}
            for ref, role, text, evidence in REQUIREMENTS]


RISK_OWNERS = ["ceo", "cto", "cfo", "ops_dir", "hw_head", "platform_head", "quality_head", "commercial_dir",
               "people_head", "ciso"]


def sheet_competence_evidence(P, deputy_dpo: str):
    """``deputy_dpo``: the deputy DPO's KEY_PEOPLE-style key is not in P, so its email is passed in."""
    rows = [
        ("isms_mgr", "CR-01", "PECB ISO/IEC 27001 Lead Implementer, certificate PECB-LI-220415", "2022-05-20", None),
        ("isms_mgr", "CR-02", "CV: four years as ISO 9001 quality systems lead before joining; signed off by the "
         "CISO", "2025-03-17", None),
        ("ciso", "CR-03", "CISSP, ISC2 member 611204", "2017-09-12", "2027-09-30"),
        ("auditor_q", "CR-04", "ISO/IEC 27001:2022 internal auditor course, exam 88%", "2025-03-13", None),
        ("auditor_q", "CR-08", "Team member on eleven ISO 9001 and IATF 16949 internal audits 2019-2024 (audit "
         "programme QA-PRG-2024)", "2024-11-29", None),
        # PLANTED (CMP001): fin_ctrl has the course but never audited as a team member before leading IA-2025-01.
        ("fin_ctrl", "CR-04", "ISO/IEC 27001:2022 internal auditor course, exam 84%", "2025-03-13", None),
        ("dpo", "CR-05", "PC.dp Practitioner Certificate in Data Protection, ref PDP-55812", "2019-11-08", None),
        ("sec_eng", "CR-06", "SANS SEC504 / GCIH, certificate 41877", "2023-04-21", "2027-04-30"),
        ("sec_eng", "CR-06", "Incident response tabletop exercise attended", "2026-06-17", None),
        ("sre_lead", "CR-06", "Incident response tabletop exercise attended; PagerDuty incident commander course",
         "2026-06-17", None),
        ("ceo", "CR-07", "Board cyber-risk briefing", "2026-02-23", "2027-02-23"),
    ]
    out = [{"person": P[key], "requirement": ref, "evidence": text, "obtained_on": date.fromisoformat(got),
            "expires_on": date.fromisoformat(exp) if exp else None} for key, ref, text, got, exp in rows]
    for key in RISK_OWNERS:
        out.append({"person": P[key], "requirement": "CR-09", "evidence": "Risk owner briefing by the ISMS manager "
                    "(attendance sheet MIN-2025-02-10)", "obtained_on": date(2025, 2, 10), "expires_on": None})
    out.append({"person": deputy_dpo, "requirement": "CR-05",
                "evidence": "PC.dp Practitioner Certificate in Data Protection, ref PDP-70231",
                "obtained_on": date(2024, 6, 14), "expires_on": None})
    return out
