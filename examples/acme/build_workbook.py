#!/usr/bin/env python3
"""Build the demo workbook of Acme Components Ltd (``acme.xlsx``) for the isms import.

Standalone: Python 3.11 standard library plus openpyxl. Deterministic: a fixed seed
(``random.Random(2026)``), no dependence on today's date, and fixed timestamps inside the .xlsx
package, so that every run writes the same bytes.

    .venv/bin/python examples/acme/build_workbook.py [OUTPUT.xlsx]

The reference audit date of the demo is 2026-11-30; every record is dated between 2024-12-01
and 2026-11-15. Most records are what a well-run ISMS looks like; a small number of deliberate
problems are planted for the mock audit. They are listed in README.md ("Planted problems") and
marked ``# PLANTED`` in this file.
"""

from __future__ import annotations

import io
import random
import re
import sys
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

rng = random.Random(2026)

AUDIT_DATE = date(2026, 11, 30)
HISTORY_START = date(2024, 12, 1)
HISTORY_END = date(2026, 11, 15)
DOMAIN = "acme.example"
INTRANET = "https://intranet.acme.example"
EVIDENCE_STORE = "https://acme.sharepoint.example/sites/isms/evidence"


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def D(text: str) -> date:
    return date.fromisoformat(text)


def workday(day: date) -> date:
    """The day itself, or the next Monday when it falls on a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def rdate(start: date, end: date) -> date:
    """A random working day between start and end (inclusive), never after HISTORY_END."""
    end = min(end, HISTORY_END)
    if end <= start:
        return start
    day = workday(start + timedelta(days=rng.randint(0, (end - start).days)))
    if day > end:
        day = end
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    days_in_month = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(day.day, days_in_month[month - 1]))


def month_end(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------------------------
# Departments and people
# --------------------------------------------------------------------------------------------

DEPARTMENTS = [
    # name, head key, headcount (including leavers)
    ("Executive Office", "ceo", 5),
    ("Hardware Engineering", "hw_head", 28),
    ("Software Engineering", "cto", 40),
    ("Platform Operations", "platform_head", 14),
    ("Manufacturing", "ops_dir", 76),
    ("Quality and Supply Chain", "quality_head", 22),
    ("Commercial", "commercial_dir", 30),
    ("Finance and Legal", "cfo", 12),
    ("People", "people_head", 11),
    ("IT and Security", "ciso", 12),
]

# key: (first, last, department, job title, kind, start, leave, manager key)
KEY_PEOPLE = {
    "ceo": ("Helen", "Marsh", "Executive Office", "Chief Executive Officer", "employee", "2014-09-01", None, None),
    "cos": ("Imran", "Qureshi", "Executive Office", "Chief of Staff", "employee", "2019-02-04", None, "ceo"),
    "ea": ("Ruth", "Adeyemi", "Executive Office", "Executive Assistant", "employee", "2017-06-12", None, "ceo"),
    "cfo": ("David", "Okafor", "Finance and Legal", "Chief Financial Officer", "employee", "2016-03-07", None, "ceo"),
    "cto": ("Priya", "Raman", "Software Engineering", "Chief Technology Officer", "employee", "2015-01-12", None, "ceo"),
    "ops_dir": ("Gareth", "Lloyd", "Manufacturing", "Operations Director", "employee", "2011-05-03", None, "ceo"),
    "hw_head": ("Marek", "Nowak", "Hardware Engineering", "Director of Hardware Engineering", "employee", "2013-10-14", None, "ceo"),
    "platform_head": ("Ben", "Hargreaves", "Platform Operations", "Head of Platform Operations", "employee", "2018-08-20", None, "cto"),
    "quality_head": ("Joanne", "Fletcher", "Quality and Supply Chain", "Head of Quality and Supply Chain", "employee", "2012-04-16", None, "ceo"),
    "commercial_dir": ("Rob", "Castellano", "Commercial", "Commercial Director", "employee", "2017-11-06", None, "ceo"),
    "people_head": ("Fiona", "Barclay", "People", "Head of People", "employee", "2016-09-05", None, "ceo"),
    "ciso": ("Tom", "Whitfield", "IT and Security", "Head of IT and Security (CISO)", "employee", "2019-06-03", None, "cfo"),
    "isms_mgr": ("Sarah", "Pennington", "IT and Security", "ISMS Manager", "employee", "2025-03-17", None, "ciso"),
    "old_isms_mgr": ("Liam", "Doherty", "IT and Security", "Information Security Manager", "employee", "2021-01-11", "2025-03-31", "ciso"),
    "sec_eng": ("Kofi", "Mensah", "IT and Security", "Security Engineer", "employee", "2022-02-14", None, "ciso"),
    "sec_eng2": ("Hannah", "Lowe", "IT and Security", "Security Engineer", "employee", "2025-10-06", None, "ciso"),
    "it_ops": ("Dean", "Walsh", "IT and Security", "IT Operations Manager", "employee", "2018-01-08", None, "ciso"),
    "dpo": ("Claire", "Dunmore", "Finance and Legal", "Legal Counsel and Data Protection Officer", "employee", "2020-07-01", None, "cfo"),
    "fin_ctrl": ("Owen", "Price", "Finance and Legal", "Financial Controller", "employee", "2015-05-18", None, "cfo"),
    "payroll": ("Karen", "Whitworth", "Finance and Legal", "Payroll and Pensions Officer", "employee", "2012-09-10", None, "cfo"),
    "auditor_q": ("Nadia", "Hussain", "Quality and Supply Chain", "Quality Systems Auditor", "employee", "2019-03-25", None, "quality_head"),
    "supply_mgr": ("Stefan", "Kowalczyk", "Quality and Supply Chain", "Supply Chain Manager", "employee", "2016-11-21", None, "quality_head"),
    "cal_mgr": ("Aled", "Morgan", "Quality and Supply Chain", "Calibration Laboratory Supervisor", "employee", "2014-02-03", None, "quality_head"),
    "production_mgr": ("Paul", "Ashworth", "Manufacturing", "Production Manager", "employee", "2010-08-09", None, "ops_dir"),
    "facilities": ("Tracey", "Holmes", "Manufacturing", "Facilities and Site Manager", "employee", "2013-03-18", None, "ops_dir"),
    "shift_a": ("Darren", "Staniforth", "Manufacturing", "Shift Supervisor (A shift)", "employee", "2009-06-01", None, "production_mgr"),
    "shift_b": ("Michelle", "Haigh", "Manufacturing", "Shift Supervisor (B shift)", "employee", "2012-01-16", None, "production_mgr"),
    "shift_c": ("Yusuf", "Akhtar", "Manufacturing", "Shift Supervisor (C shift)", "employee", "2015-09-28", None, "production_mgr"),
    "sre_lead": ("Anjali", "Desai", "Platform Operations", "Site Reliability Engineering Lead", "employee", "2020-04-14", None, "platform_head"),
    "fw_lead": ("Tomasz", "Wojcik", "Hardware Engineering", "Lead Firmware Engineer", "employee", "2017-02-20", None, "hw_head"),
    "sw_lead": ("Chris", "Bamford", "Software Engineering", "Engineering Manager, SensorCloud", "employee", "2018-10-01", None, "cto"),
    "scientist": ("Eleanor", "Firth", "Hardware Engineering", "Principal Sensor Scientist", "employee", "2011-09-12", None, "hw_head"),
    "sales_ops": ("Megan", "Fraser", "Commercial", "Sales Operations Manager", "employee", "2019-05-07", None, "commercial_dir"),
    "cs_head": ("Jamal", "Ahmed", "Commercial", "Customer Success Lead", "employee", "2018-03-12", None, "commercial_dir"),
    "marketing": ("Sophie", "Lind", "Commercial", "Marketing Manager", "employee", "2021-08-02", None, "commercial_dir"),
    "hr_mgr": ("Zoe", "Clarke", "People", "HR Manager", "employee", "2017-04-24", None, "people_head"),
    # PLANTED (F11): a test lab manager who left but still holds an asset-owner role and owns assets.
    "lab_mgr": ("Callum", "Reid", "Hardware Engineering", "Test Laboratory Manager", "employee", "2016-06-06", "2026-06-30", "hw_head"),
    # PLANTED (F13): leavers who still hold active accounts.
    "leaver_sf": ("Jordan", "Pike", "Commercial", "Account Executive", "employee", "2022-09-05", "2026-08-14", "commercial_dir"),
    "leaver_aws": ("Ryan", "Cooper", "Platform Operations", "Site Reliability Engineer (contract)", "contractor", "2024-05-13", "2026-09-30", "sre_lead"),
    # PLANTED (F19): never completed the mandatory awareness course.
    "no_training_1": ("Ewan", "Douglas", "Commercial", "Field Sales Engineer", "employee", "2023-04-17", None, "commercial_dir"),
    "no_training_2": ("Viktor", "Petrov", "Software Engineering", "Backend Developer (contract)", "contractor", "2024-10-07", None, "sw_lead"),
    # PLANTED (F19): awareness refresher overdue (last completed February 2025, 12-month refresher).
    "overdue_1": ("Gemma", "Hartley", "Hardware Engineering", "Test Engineer", "employee", "2021-06-01", None, "hw_head"),
    "overdue_2": ("Shane", "Corrigan", "Manufacturing", "Machine Operator", "employee", "2019-03-04", None, "shift_a"),
}

FIRST_NAMES = """Oliver Amelia Jack Olivia Harry Isla George Emily Noah Ava Charlie Mia Jacob Sophia
Alfie Grace Freddie Lily Oscar Ella Leo Chloe Thomas Ruby Joshua Evie James Jessica William
Poppy Daniel Holly Samuel Ellie Joseph Lucy Adam Megan Luke Rachel Matthew Laura Amy Mohammed
Fatima Ali Aisha Hassan Zainab Arjun Rohan Neha Sanjay Deepa Wei Mei Chen Lina Piotr Agnieszka
Kasia Jakub Andrei Elena Darius Ioana Kwame Ama Tunde Ngozi Femi Chidi Sean Siobhan Niall Aoife
Rhys Cerys Gethin Ffion Kirsty Iain Morag Stuart Nicola Craig Kelly Lee Donna Wayne Sharon Mark
Julie Andrew Simon Martin Neil Ian Alison Gary Tracy Carl Lisa Anthony Kieran Jade Bethany Connor
Declan Maryam Bilal Sana Omar Layla Harvey Phoebe Reece Abigail Nathan Keeley Jordan Shannon""".split()

LAST_NAMES = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
Walker White Roberts Green Hall Wood Jackson Patel Khan Lewis James Phillips Mason Mitchell Rose
Davis Cox Alexander Bell Murphy Kelly Hughes Edwards Shaw Ali Begum Shah Iqbal Rahman Singh Kaur
Sharma Chowdhury Nguyen Li Wang Zhang Kowalski Nowicki Lewandowski Popescu Ionescu Okoro Boateng
Owusu Asante Gallagher Doyle Byrne Campbell Stewart Macdonald Ross Hamilton Graham Kerr Pearson
Barker Marshall Atkinson Gibson Hodgson Dixon Fox Booth Hirst Whiteley Greenwood Sykes Ackroyd
Crossley Hinchcliffe Mellor Ibbotson Turton Beever Womack Senior Cawthorne Hobson Bramall Froggatt
Unwin Crookes Cutts Dyson Oldfield Wragg Swift Rowbotham Kenyon Lockwood Tinsley""".split()

JOB_TITLES = {
    "Executive Office": ["Office Manager", "Company Secretary"],
    "Hardware Engineering": ["Electronics Design Engineer", "Senior Electronics Engineer", "Firmware Engineer",
                             "Senior Firmware Engineer", "RF Engineer", "Mechanical Design Engineer",
                             "Test Engineer", "Hardware Technician", "Compliance Engineer (EMC)"],
    "Software Engineering": ["Software Engineer", "Senior Software Engineer", "Frontend Developer",
                             "Backend Developer", "Mobile Developer", "QA Engineer", "Data Engineer",
                             "Product Manager", "UX Designer", "Staff Engineer"],
    "Platform Operations": ["Site Reliability Engineer", "Senior Site Reliability Engineer",
                            "DevOps Engineer", "Cloud Platform Engineer"],
    "Manufacturing": ["Machine Operator", "SMT Operator", "Assembly Technician", "Test Technician",
                      "Process Engineer", "Production Planner", "Maintenance Technician",
                      "Warehouse Operative", "Line Leader", "Goods-in Operative"],
    "Quality and Supply Chain": ["Quality Engineer", "Quality Inspector", "Buyer", "Senior Buyer",
                                 "Calibration Technician", "Logistics Coordinator", "Supplier Quality Engineer"],
    "Commercial": ["Account Executive", "Key Account Manager", "Customer Success Manager",
                   "Technical Support Engineer", "Sales Coordinator", "Marketing Executive",
                   "Field Applications Engineer", "Bid Manager"],
    "Finance and Legal": ["Management Accountant", "Accounts Payable Clerk", "Credit Controller",
                          "Commercial Contracts Manager"],
    "People": ["HR Advisor", "Recruitment Partner", "Learning and Development Coordinator", "HR Administrator"],
    "IT and Security": ["IT Support Analyst", "Systems Administrator", "Network Engineer", "IT Service Desk Lead"],
}

CONTRACTOR_TITLES = {
    "Software Engineering": "Software Engineer (contract)",
    "Manufacturing": "Assembly Operative (agency)",
    "Platform Operations": "DevOps Engineer (contract)",
    "Hardware Engineering": "Firmware Engineer (contract)",
    "Commercial": "Bid Writer (contract)",
}


class Person:
    def __init__(self, key, first, last, department, title, kind, start, leave, manager_key):
        self.key = key
        self.first = first
        self.last = last
        self.name = f"{first} {last}"
        self.email = f"{first}.{last}@{DOMAIN}".lower()
        self.department = department
        self.title = title
        self.kind = kind
        self.start = start
        self.leave = leave
        self.manager_key = manager_key
        self.manager = None  # email, set later

    def employed_on(self, day: date) -> bool:
        return self.start <= day and (self.leave is None or day <= self.leave)

    @property
    def current(self) -> bool:
        return self.leave is None


def build_people():
    people: dict[str, Person] = {}
    by_email: dict[str, Person] = {}
    for key, (first, last, dept, title, kind, start, leave, mgr) in KEY_PEOPLE.items():
        person = Person(key, first, last, dept, title, kind, D(start), D(leave) if leave else None, mgr)
        people[key] = person
        by_email[person.email] = person

    used_names = {(p.first, p.last) for p in people.values()}
    used_last_in_keys = {p.last for p in people.values()}
    generic: list[Person] = []
    counter = 0
    for dept, _head, headcount in DEPARTMENTS:
        existing = sum(1 for p in people.values() if p.department == dept)
        for _ in range(headcount - existing):
            while True:
                first = rng.choice(FIRST_NAMES)
                last = rng.choice(LAST_NAMES)
                if (first, last) not in used_names and last not in used_last_in_keys:
                    break
            used_names.add((first, last))
            counter += 1
            # Start dates: long-serving factory staff, a growing software team, recent hires.
            if dept == "Manufacturing":
                start = rdate(D("2006-01-09"), D("2026-09-28"))
            elif dept in ("Software Engineering", "Platform Operations"):
                start = rdate(D("2016-01-04"), D("2026-10-12"))
            else:
                start = rdate(D("2009-01-05"), D("2026-10-12"))
            title = rng.choice(JOB_TITLES[dept])
            person = Person(f"p{counter:03d}", first, last, dept, title, "employee", start, None, None)
            generic.append(person)
            by_email[person.email] = person

    # Contractors: agency staff on the line, contract developers.
    contractor_plan = {"Software Engineering": 5, "Manufacturing": 8, "Platform Operations": 1,
                       "Hardware Engineering": 1, "Commercial": 1}
    for dept, count in contractor_plan.items():
        pool = [p for p in generic if p.department == dept and p.kind == "employee" and p.start >= D("2022-01-01")]
        for person in rng.sample(pool, count):
            person.kind = "contractor"
            person.title = CONTRACTOR_TITLES[dept]

    # Generic leavers (11), spread over the two years of history.
    leave_dates = [D(x) for x in ("2025-01-31", "2025-03-14", "2025-05-30", "2025-07-18", "2025-09-05",
                                  "2025-10-31", "2025-12-19", "2026-02-27", "2026-04-17", "2026-07-31",
                                  "2026-10-09")]
    pool = [p for p in generic if p.start < D("2024-06-01")]
    for person, leave in zip(rng.sample(pool, len(leave_dates)), leave_dates):
        person.leave = leave

    for person in generic:
        people[person.key] = person

    # Line managers.
    shift_keys = ["shift_a", "shift_b", "shift_c"]
    heads = {dept: head for dept, head, _ in DEPARTMENTS}
    for person in generic:
        dept = person.department
        if dept == "Manufacturing":
            person.manager_key = rng.choice(shift_keys + ["production_mgr"]) if "Operator" in person.title or "Technician" in person.title or "Operative" in person.title else "production_mgr"
        elif dept == "Software Engineering":
            person.manager_key = "sw_lead"
        elif dept == "Platform Operations":
            person.manager_key = "sre_lead"
        elif dept == "Hardware Engineering":
            person.manager_key = "fw_lead" if "Firmware" in person.title else "hw_head"
        elif dept == "Commercial":
            person.manager_key = "cs_head" if ("Customer" in person.title or "Support" in person.title) else (
                "marketing" if "Marketing" in person.title else "commercial_dir")
        elif dept == "Quality and Supply Chain":
            person.manager_key = "supply_mgr" if person.title in ("Buyer", "Senior Buyer", "Logistics Coordinator") else (
                "cal_mgr" if "Calibration" in person.title else "quality_head")
        elif dept == "IT and Security":
            person.manager_key = "it_ops"
        elif dept == "People":
            person.manager_key = "hr_mgr"
        else:
            person.manager_key = heads[dept]
    for person in people.values():
        person.manager = people[person.manager_key].email if person.manager_key else None
    return people, heads


PEOPLE, HEADS = build_people()
P = {key: person.email for key, person in PEOPLE.items()}  # key -> email
ALL = sorted(PEOPLE.values(), key=lambda p: (p.department, p.last, p.first))
CURRENT = [p for p in ALL if p.current]
LEAVERS = [p for p in ALL if not p.current]
BY_EMAIL = {p.email: p for p in ALL}


def staff_on(day: date, department: str | None = None) -> list[Person]:
    return [p for p in ALL if p.employed_on(day) and (department is None or p.department == department)]


def pick_reporter(day: date, department: str | None = None) -> str:
    return rng.choice(staff_on(day, department)).email


def sheet_departments():
    return [{"name": dept, "manager": P[head]} for dept, head, _ in DEPARTMENTS]


def sheet_people():
    rows = []
    for person in sorted(ALL, key=lambda p: p.email):
        rows.append({
            "email": person.email, "name": person.name, "department": person.department,
            "job_title": person.title, "manager": person.manager, "kind": person.kind,
            "start_date": person.start, "leave_date": person.leave,
        })
    return rows


# --------------------------------------------------------------------------------------------
# Training and awareness (7.2, 7.3)
# --------------------------------------------------------------------------------------------

AWARENESS = "Security awareness essentials"
COURSES = [
    # name, topic, audience, mandatory, refresher months
    (AWARENESS, "Phishing, incident reporting, passwords, clean desk, where to find the policies",
     "all_staff", True, 12),
    ("Data protection and UK GDPR", "Personal data, subject requests, breach reporting, retention",
     "all_staff", True, 24),
    ("Secure coding for firmware and cloud", "OWASP Top 10, memory safety in C, secrets handling, code review",
     "it", True, 12),
    ("Managing security in your team", "Joiners and leavers, access approval, spotting and escalating incidents",
     "managers", True, 24),
    ("Board cyber-risk briefing", "Threat landscape for IoT makers, risk appetite, the board's ISMS duties",
     "executives", True, 12),
    ("Incident response tabletop exercise", "Ransomware and data-breach scenarios run against PRO-001",
     "specialists", True, 12),
    ("ISO/IEC 27001:2022 internal auditor", "Audit principles (ISO 19011), sampling, writing findings",
     "specialists", False, None),
    ("Phishing simulation follow-up", "Five-minute module assigned after a simulated phishing click",
     "all_staff", False, None),
]

MANAGER_KEYS = ["cos", "platform_head", "quality_head", "commercial_dir", "people_head", "ciso", "hw_head",
                "cto", "ops_dir", "cfo", "production_mgr", "facilities", "shift_a", "shift_b", "shift_c",
                "sre_lead", "fw_lead", "sw_lead", "supply_mgr", "cal_mgr", "sales_ops", "cs_head",
                "marketing", "hr_mgr", "it_ops", "fin_ctrl"]
EXEC_KEYS = ["ceo", "cfo", "cto", "ops_dir", "commercial_dir", "people_head", "hw_head", "quality_head"]
TECH_DEPTS = ("Hardware Engineering", "Software Engineering", "Platform Operations", "IT and Security")
SPECIALIST_KEYS = ["ciso", "isms_mgr", "sec_eng", "sec_eng2", "it_ops", "platform_head", "sre_lead", "dpo"]


def score_pass():
    return float(rng.choice(range(72, 101, 2)))


def sheet_training():
    completions: list[dict] = []

    def add(person: Person, course: str, day: date, score=None, passed=True):
        if not person.employed_on(day) or day > HISTORY_END:
            return
        completions.append({"person": person.email, "course": course, "completed_on": day,
                            "score": score if score is not None else score_pass(), "passed": passed})

    onboard_window = lambda p: rdate(p.start + timedelta(days=3), p.start + timedelta(days=13))  # noqa: E731

    for person in ALL:
        # Security awareness essentials: yearly campaign (Jan-Mar), or within two weeks of joining.
        if person.key in ("no_training_1", "no_training_2"):
            continue  # PLANTED (F19): never completed the mandatory course.
        campaign_2025 = rdate(D("2025-01-20"), D("2025-03-21"))
        campaign_2026 = rdate(D("2026-01-19"), D("2026-03-20"))
        if person.key in ("overdue_1", "overdue_2"):
            add(person, AWARENESS, D("2025-02-11") if person.key == "overdue_1" else D("2025-02-20"))
            continue  # PLANTED (F19): refresher overdue since February 2026.
        if person.start < D("2025-01-15"):
            if person.start < D("2024-12-01"):
                pass
            else:
                add(person, AWARENESS, onboard_window(person))
            if rng.random() < 0.04:
                # Failed the first attempt, passed the retake a week later.
                add(person, AWARENESS, campaign_2025, float(rng.choice([52, 56, 60, 64])), False)
                add(person, AWARENESS, workday(campaign_2025 + timedelta(days=7)))
            else:
                add(person, AWARENESS, campaign_2025)
        else:
            add(person, AWARENESS, onboard_window(person))
        if person.start < D("2026-01-12"):
            add(person, AWARENESS, campaign_2026)

        # Data protection: 2025 campaign (April-June) or on joining; refresher every 24 months.
        if person.start < D("2025-04-01"):
            add(person, "Data protection and UK GDPR", rdate(D("2025-04-07"), D("2025-06-27")))
        else:
            add(person, "Data protection and UK GDPR", rdate(person.start + timedelta(days=7), person.start + timedelta(days=25)))

        # Secure coding: technical staff, every May, or within a month of joining.
        if person.department in TECH_DEPTS and person.title not in ("IT Support Analyst", "ISMS Manager", "Product Manager", "UX Designer"):
            for year in (2025, 2026):
                if person.start < D(f"{year}-05-01"):
                    add(person, "Secure coding for firmware and cloud", rdate(D(f"{year}-05-05"), D(f"{year}-05-29")))
            if person.start >= D("2025-05-01"):
                add(person, "Secure coding for firmware and cloud", rdate(person.start + timedelta(days=10), person.start + timedelta(days=30)))

    for key in MANAGER_KEYS:
        person = PEOPLE[key]
        add(person, "Managing security in your team", rdate(D("2025-09-08"), D("2025-10-10")))
    for key in EXEC_KEYS:
        person = PEOPLE[key]
        add(person, "Board cyber-risk briefing", D("2025-02-24"), 100.0)
        add(person, "Board cyber-risk briefing", D("2026-02-23"), 100.0)
    for key in SPECIALIST_KEYS:
        person = PEOPLE[key]
        add(person, "Incident response tabletop exercise", D("2025-06-18"), None)
        add(person, "Incident response tabletop exercise", D("2026-06-17"), None)
        if key == "sec_eng2":
            add(person, "Incident response tabletop exercise", D("2025-10-22"), None)
    for key in ("auditor_q", "fin_ctrl"):
        add(PEOPLE[key], "ISO/IEC 27001:2022 internal auditor", D("2025-03-13"), 88.0 if key == "auditor_q" else 84.0)
    # Phishing simulations: about one in twelve people clicked at least once and took the follow-up.
    clickers = rng.sample([p for p in ALL if p.start < D("2025-03-01")], 22)
    for person in clickers:
        add(person, "Phishing simulation follow-up", rdate(D("2025-03-03"), D("2026-10-30")))

    completions.sort(key=lambda r: (r["completed_on"], r["person"], r["course"]))
    # The key (person, course, completed_on) must be unique.
    seen, unique = set(), []
    for row in completions:
        k = (row["person"], row["course"], row["completed_on"])
        if k not in seen:
            seen.add(k)
            unique.append(row)
    courses = [{"name": n, "topic": t, "audience": a, "mandatory": m, "refresher_months": r}
               for n, t, a, m, r in COURSES]
    return courses, unique


AWARENESS_TOPICS = ["incident_reporting", "phishing", "clean_desk", "policy_location", "objectives",
                    "passwords", "data_handling"]


def sheet_awareness_checks():
    """Interview checks sampled during the internal audits of October 2025 and October 2026."""
    rows = []
    rounds = [(D("2025-10-06"), D("2025-10-17")), (D("2026-10-05"), D("2026-10-16"))]
    for index, (first_day, last_day) in enumerate(rounds):
        for dept, _head, headcount in DEPARTMENTS:
            staff = [p for p in staff_on(first_day, dept) if p.key not in ("ceo",)]
            size = max(2, min(8, headcount // 8))
            if dept == "Manufacturing":
                size = 6
            sample = rng.sample(staff, min(size, len(staff)))
            # One failure at most per department in a round, in about a third of departments.
            failing = {sample[0].email} if rng.random() < 0.33 else set()
            planted = index == 1 and dept == "Manufacturing"
            for n, person in enumerate(sample):
                day = rdate(first_day, last_day)
                if planted:
                    # PLANTED (F19): on the shop floor 5 of 6 people could not say how to report an
                    # incident or where the policies are.
                    topic = ["incident_reporting", "policy_location", "incident_reporting",
                             "phishing", "policy_location", "incident_reporting"][n]
                    passed = n == 3
                else:
                    topic = rng.choice(AWARENESS_TOPICS)
                    passed = person.email not in failing
                score = score_pass() if passed else float(rng.choice([20, 30, 40, 50]))
                rows.append({"person": person.email, "checked_on": day, "topic": topic,
                             "passed": passed, "score": score})
    rows.sort(key=lambda r: (r["checked_on"], r["person"], r["topic"]))
    return rows


# --------------------------------------------------------------------------------------------
# Leadership (5.1, 5.3, 7.1) and context (4.1-4.3)
# --------------------------------------------------------------------------------------------


def sheet_resources():
    rows = [
        ("2025 ISMS programme budget (tooling, certification preparation, training)", "budget", 145000, "GBP", "ceo", "2024-12-16"),
        ("ISMS manager, permanent full-time post", "people", 1.0, "", "ceo", "2025-01-27"),
        ("CrowdStrike Falcon EDR licences for 260 endpoints and servers (3 years)", "tooling", 31200, "GBP", "cfo", "2025-01-20"),
        ("Internal audit time: 12 auditor-days a year from Quality and Finance", "time", 12, "", "ceo", "2025-02-03"),
        ("Penetration test of SensorCloud and the SG-400 gateway, 2025", "external", 22000, "GBP", "cfo", "2025-05-12"),
        ("Microsoft Sentinel SIEM ingestion and retention (annual)", "tooling", 18000, "GBP", "cfo", "2025-06-16"),
        ("Second security engineer post", "people", 1.0, "", "ceo", "2025-07-21"),
        ("Flood resilience: relocation of the Sheffield comms room to the first floor", "budget", 46000, "GBP", "ceo", "2025-11-24"),
        ("2026 ISMS programme budget (tooling, certification, training)", "budget", 168000, "GBP", "ceo", "2025-12-15"),
        ("Certification body fees, stage 1 and stage 2 audits", "external", 14500, "GBP", "cfo", "2026-03-02"),
        ("Penetration test of SensorCloud, the mobile app and the SG-400 gateway, 2026", "external", 24500, "GBP", "cfo", "2026-05-11"),
        ("Platform squad time for tenant-isolation hardening (3 sprints)", "time", 3, "", "cto", "2026-08-03"),
    ]
    return [{"description": d_, "kind": k, "amount": a, "currency": c, "approved_by": P[by], "approved_on": D(on)}
            for d_, k, a, c, by, on in rows]


def sheet_scope():
    base_statement = ("The information security management system of Acme Components Ltd for the design, "
                      "manufacture, sale and support of industrial vibration and condition-monitoring sensors "
                      "and the SensorCloud monitoring service")
    return [
        {"version": "1.0",
         "statement": base_statement + ", operated from Sheffield.",
         "in_scope": "Sheffield HQ and factory (Attercliffe); hardware and software engineering; manufacturing and "
                     "test; SensorCloud on AWS eu-west-2; corporate IT (Microsoft 365, Okta)",
         "out_of_scope": "Manchester software studio (opened 2025, not yet on the company network); the finished "
                         "goods warehouse operated by a logistics partner",
         "boundaries": "Interfaces with the logistics partner through its contract and the shipping portal; "
                       "payroll bureau interface via Sage Payroll",
         "approved_by": P["ceo"], "approved_on": D("2025-01-13")},
        {"version": "1.1",
         "statement": base_statement + ", operated from Sheffield and Manchester.",
         "in_scope": "Sheffield HQ and factory; Manchester software studio; hardware and software engineering; "
                     "manufacturing and test; SensorCloud on AWS eu-west-2; corporate IT",
         "out_of_scope": "Finished goods warehouse operated by a logistics partner, which holds no company "
                         "information beyond shipping labels",
         "boundaries": "Logistics partner via contract and shipping portal; Manchester studio connects through "
                       "Okta and Intune only, no site-to-site network",
         "approved_by": P["ceo"], "approved_on": D("2025-10-06")},
        {"version": "2.0",
         "statement": base_statement + " and its mobile app, operated from Sheffield, Manchester and the "
                                       "Tinsley warehouse.",
         "in_scope": "Sheffield HQ and factory; Manchester software studio; Tinsley finished goods warehouse "
                     "(taken in-house in February 2026); SensorCloud web, API and mobile app on AWS eu-west-2 with "
                     "standby in eu-west-1; corporate IT and all 10 departments",
         "out_of_scope": "Acme Components GmbH (German sales office, 3 staff) which uses group IT but is covered "
                         "by its own local arrangements; customers' own networks where gateways are installed",
         "boundaries": "GmbH staff access group systems as external users under the access control policy; "
                       "responsibility for gateways ends at the customer's network port (see customer terms "
                       "schedule 4)",
         "approved_by": P["ceo"], "approved_on": D("2026-03-16")},
    ]


def sheet_context_issues():
    rows = [
        ("Growth of SensorCloud subscriptions", "internal", "strategic",
         "Recurring revenue from SensorCloud grew from 18% to 31% of turnover; customers now judge us on service security as much as hardware.",
         True, "Drives objectives OBJ-04 and OBJ-06 and platform risks such as R-001, R-006 and R-007.", "2026-02-09"),
        ("Water and energy utility customers under NIS regulations", "external", "legal",
         "Utility customers are operators of essential services and push NIS-derived security schedules into our contracts.",
         True, "Contractual inclusion reasons in the SoA; customer obligations register (R-060).", "2026-02-09"),
        ("UK Product Security and Telecommunications Infrastructure Act 2022", "external", "legal",
         "Connectable products sold in the UK must ban default passwords, publish a vulnerability disclosure policy and state a support period.",
         True, "Compliance statements published; covered by R-022 and controls 5.31 and 8.29.", "2026-02-09"),
        ("EU Cyber Resilience Act", "external", "legal",
         "Products sold to EU customers through the German office will need CE marking for cybersecurity from December 2027.",
         True, "Gap assessment planned for 2027; tracked in the SoA review of 5.31.", "2026-02-09"),
        ("UK GDPR and the Data (Use and Access) Act 2025", "external", "legal",
         "We process employee data, customer contact data and site locations of critical infrastructure.",
         True, "DPO appointed; ROPA and DPIAs maintained; controls 5.34 and 8.10.", "2026-02-09"),
        ("Export controls on cryptographic products", "external", "political",
         "The SG-400 gateway uses strong cryptography; dual-use rules and sanctions apply to some destinations.",
         True, "Order screening in Salesforce (R-023); control 5.31.", "2026-02-09"),
        ("Semiconductor shortages and component brokers", "external", "economic",
         "Lead times for MEMS accelerometers and MCUs reached 40 weeks in 2022-23; broker stock brings counterfeit risk.",
         True, "Supply chain risks R-011 and R-079; controls 5.19 to 5.22.", "2026-02-09"),
        ("Targeting of IoT vendors by criminal and state actors", "external", "technological",
         "Attacks on IoT update channels and on OT at critical-infrastructure customers are rising.",
         True, "Firmware signing in an HSM (R-002), threat intelligence (5.7), secure development (8.25-8.29).", "2026-02-09"),
        ("Generative AI tools in daily work", "external", "technological",
         "Staff want to use AI assistants for code and documents; public tools may retain what they are given.",
         True, "Approved enterprise tool and guidance (R-070); control 5.10.", "2026-02-09"),
        ("Skills shortage in security and embedded engineering", "external", "social",
         "Hiring experienced security and firmware engineers in South Yorkshire takes 4-6 months.",
         True, "Second security post funded; key-person risk R-033.", "2026-02-09"),
        ("Hybrid working and a second site", "internal", "organisational",
         "Engineers work 2-3 days from home; the Manchester studio opened in 2025 without a site network.",
         True, "Zero-trust access via Okta and Intune; controls 6.7 and 8.1.", "2026-02-09"),
        ("Shop-floor workforce without company email", "internal", "organisational",
         "About 70 operators work in shifts, have no mailbox and rarely use a PC.",
         True, "Toolbox talks and QR reporting posters (R-071); control 6.3.", "2026-02-09"),
        ("Private equity owner's reporting requirements", "external", "economic",
         "The majority shareholder asks for a quarterly cyber-risk report and an ISO/IEC 27001 certificate by 2027.",
         True, "Board reporting by the CISO; certification project funded.", "2026-02-09"),
        ("Climate change", "external", "climate_change",
         "The Sheffield site lies in flood zone 2 beside the River Don (flooded in 2007); summer heatwaves have "
         "exceeded the comms room cooling; utility customers need our alarms most during storms and floods.",
         True, "Determined relevant in the 2025 context review and confirmed in February 2026: flooding and heat are "
               "treated as risks R-026 and R-027 (controls 7.5, 7.11, 5.30); storm-time alarm delivery is covered by "
               "R-007 and R-076; customers' climate requirements are recorded under interested parties.",
         "2026-02-09"),
        ("Carbon footprint of cloud hosting", "external", "environmental",
         "Some customers ask for the carbon footprint of SensorCloud in tenders.",
         False, "Not an information security issue: handled by the sustainability report, outside the ISMS.", "2026-02-09"),
    ]
    return [{"title": t, "kind": k, "category": c, "description": d_, "is_relevant": r, "rationale": why,
             "reviewed_on": D(on)} for t, k, c, d_, r, why, on in rows]


def sheet_parties():
    parties = [
        ("Utility customers", "external", "Water and energy utilities that monitor pumps and turbines with our sensors and SensorCloud."),
        ("Industrial OEM customers", "external", "Machine builders that embed VX sensors in their products."),
        ("Distributors and channel partners", "external", "Resell sensors in Europe and the Middle East."),
        ("Employees and contractors", "internal", "Everyone who works for Acme, on site, at home or in Manchester."),
        ("Board and majority shareholder", "internal", "Northgate Capital (majority owner) and the board of directors."),
        ("Information Commissioner's Office", "external", "UK data protection regulator."),
        ("Office for Product Safety and Standards", "external", "Enforces the PSTI Act for connectable products."),
        ("Export Control Joint Unit", "external", "Licenses exports of controlled items, including cryptography."),
        ("Key suppliers", "external", "Cloud providers, the PCB assembler and component distributors."),
        ("Insurers", "external", "Cyber and property insurers through Moorland Insurance Brokers."),
        ("Certification body", "external", "Albion Certification Ltd, auditing the ISMS for ISO/IEC 27001."),
        ("Local community and Environment Agency", "external", "Flood warnings and resilience planning for the Don valley."),
    ]
    requirements = [
        ("Utility customers", "Notify security incidents affecting their service or data within 24 hours",
         "Incident procedure PRO-001 step 5; customer notification template; on-call rota", False),
        ("Utility customers", "Hold ISO/IEC 27001 certification covering SensorCloud by 2027",
         "Certification project; scope 2.0 covers SensorCloud", False),
        ("Utility customers", "Keep alarm delivery available during floods and storms (99.9% monthly)",
         "Objective OBJ-04; warm standby region (R-007); secondary SMS route (R-076)", True),
        ("Utility customers", "Annual penetration test of the service and summary of results",
         "Yearly CREST test by RedTeam Labs; summary shared under NDA", False),
        ("Industrial OEM customers", "Signed firmware and a published vulnerability disclosure policy",
         "HSM signing (R-002); disclosure policy on the website (PSTI)", False),
        ("Industrial OEM customers", "Report the carbon footprint of delivered products, including embedded cloud services",
         "Sustainability report; not an ISMS requirement, recorded for completeness", True),
        ("Distributors and channel partners", "Secure exchange of price lists and order data",
         "SFTP exchange and expiring SharePoint links (5.14)", False),
        ("Employees and contractors", "Their personal data is handled lawfully and kept no longer than needed",
         "Retention schedule; BambooHR permissions (R-044); DPO", False),
        ("Employees and contractors", "Clear guidance on what they may do with company devices and AI tools",
         "Acceptable use policy POL-003; AI guidance (R-070)", False),
        ("Board and majority shareholder", "Quarterly cyber-risk report and certification by 2027",
         "CISO report to the board; management review", False),
        ("Board and majority shareholder", "Disclose climate-related risks to operations in the annual report",
         "Flood and heat risks R-026, R-027 reported through the risk register", True),
        ("Information Commissioner's Office", "Report notifiable personal data breaches within 72 hours",
         "PRO-001 data breach annex; DPO decides and records reportability", False),
        ("Office for Product Safety and Standards", "No default passwords, vulnerability disclosure, stated support period",
         "Statements of compliance (R-022)", False),
        ("Export Control Joint Unit", "No export of controlled cryptography without a licence",
         "Order screening in Salesforce (R-023)", False),
        ("Key suppliers", "Follow our site rules and confidentiality terms",
         "Supplier security policy POL-004; contract schedules", False),
        ("Insurers", "MFA on remote access, EDR on all endpoints, offline backups",
         "Controls 8.5, 8.7, 8.13; declared at renewal", False),
        ("Insurers", "A tested flood plan for the Sheffield site",
         "Business continuity plan PLN-003 flood scenario, exercised yearly", True),
        ("Certification body", "Access to records, people and sites during audits",
         "Audit testing authorisation (8.34); audit plan shared two weeks ahead", False),
        ("Local community and Environment Agency", "Act on flood warnings for the Don valley",
         "Facilities subscribed to EA flood warnings; BCP flood scenario", True),
    ]
    return ([{"name": n, "kind": k, "description": d_} for n, k, d_ in parties],
            [{"party": p, "requirement": r, "how_addressed": h, "is_climate_related": c} for p, r, h, c in requirements])


def sheet_roles(assets):
    rows = [
        ("top_management_sponsor", "ceo", "Sponsors the ISMS on the board, chairs the management review, approves policy, scope and resources", "2024-12-02", None),
        ("isms_manager", "old_isms_mgr", "Ran the ISMS set-up project until leaving the company", "2024-12-02", "2025-03-31"),
        ("isms_manager", "isms_mgr", "Runs the ISMS day to day: registers, internal audit programme, mock audits, corrective actions; reports monthly to the CISO and quarterly to the board", "2025-04-01", None),
        ("ciso", "ciso", "Accountable for information security; owns the security budget and the SoA", "2024-12-02", None),
        ("data_protection_officer", "dpo", "Statutory DPO under UK GDPR; advises on DPIAs, breaches and retention", "2024-12-02", None),
        ("incident_manager", "sec_eng", "Leads response to security incidents under PRO-001; runs post-incident reviews", "2024-12-02", None),
        ("incident_manager", "sre_lead", "Incident manager for SensorCloud service incidents out of hours", "2025-02-03", None),
        ("internal_auditor", "auditor_q", "Internal auditor for the technical and operational controls (independent of IT, Engineering and Platform)", "2025-03-17", None),
        ("internal_auditor", "fin_ctrl", "Internal auditor for clauses 4-10, people and supplier controls (never audits Finance and Legal)", "2025-03-17", None),
    ]
    risk_owner_keys = ["ceo", "cto", "cfo", "ops_dir", "hw_head", "platform_head", "quality_head", "commercial_dir",
                       "people_head", "ciso"]
    for key in risk_owner_keys:
        rows.append(("risk_owner", key, "Owns the risks of their area, approves treatment plans and accepts residual risk", "2025-02-10", None))
    owner_emails = sorted({a["owner"] for a in assets if a["owner"]})
    for email in owner_emails:
        key = BY_EMAIL[email].key
        assigned = "2025-02-10" if BY_EMAIL[email].start < D("2025-02-10") else "2025-04-14"
        # PLANTED (F11): Callum Reid left on 2026-06-30 but his asset-owner role was never ended.
        rows.append(("asset_owner", key, "Keeps the inventory entries of their assets accurate, classifies them and approves access", assigned, None))
    return [{"role": r, "person": P[k], "responsibilities": resp, "assigned_on": D(a), "ended_on": D(e) if e else None}
            for r, k, resp, a, e in rows]


# --------------------------------------------------------------------------------------------
# Risk method, processes, assets (6.1.2, 8.2)
# --------------------------------------------------------------------------------------------

RISK_METHOD = {
    "name": "Acme risk assessment method v2",
    "likelihood_levels": 5, "impact_levels": 5, "acceptance_threshold": 6, "high_threshold": 15,
    "review_interval_months": 12,
    "description": ("Asset- and process-based. Score = likelihood x impact on 1-5 scales (likelihood: 1 rare, less "
                    "than once in 10 years ... 5 almost certain, several times a year; impact: 1 negligible ... 5 "
                    "severe, e.g. loss of a utility customer, regulatory action or more than GBP 500k). Scores up to 6 "
                    "may be retained by the risk owner; 15 and above are high and reported to the board. Every risk "
                    "is reassessed at least every 12 months and after significant change or incidents. Documented "
                    "in MET-001."),
    "approved_by": P["ceo"], "approved_on": D("2025-11-24"),
}

PROCESSES = [
    ("Hardware product development", "Hardware Engineering", "hw_head", "Concept to production release of sensor and gateway hardware (stage gates G0-G5)."),
    ("Firmware development and release", "Hardware Engineering", "fw_lead", "Firmware for VX sensors and the SG-400 gateway, signing and OTA release."),
    ("SensorCloud software development", "Software Engineering", "sw_lead", "Design, build and test of the SensorCloud web app, API and mobile app."),
    ("SensorCloud service operation", "Platform Operations", "platform_head", "Running SensorCloud in production: deployments, monitoring, on-call, capacity, backups."),
    ("Device manufacturing and test", "Manufacturing", "production_mgr", "SMT assembly, firmware loading, provisioning, end-of-line test and packing."),
    ("Calibration", "Quality and Supply Chain", "cal_mgr", "Calibration of sensors against UKAS-traceable reference standards; certificates per unit."),
    ("Procurement and supplier management", "Quality and Supply Chain", "supply_mgr", "Sourcing components and services, supplier onboarding and assessment."),
    ("Logistics and warehousing", "Quality and Supply Chain", "supply_mgr", "Finished goods storage at Tinsley, dispatch and export shipping."),
    ("Order to cash", "Finance and Legal", "fin_ctrl", "Quotation, order entry, export screening, invoicing and collection."),
    ("Sales and marketing", "Commercial", "commercial_dir", "Lead generation, tenders, website, events and the CRM."),
    ("Customer onboarding and support", "Commercial", "cs_head", "Tenant set-up, training, support tickets, RMAs and renewals."),
    ("Recruitment and onboarding", "People", "hr_mgr", "Hiring, screening, contracts, induction and leavers."),
    ("Payroll and benefits", "Finance and Legal", "payroll", "Monthly payroll, pensions and benefits administration."),
    ("Financial reporting", "Finance and Legal", "fin_ctrl", "Ledgers, month-end close, statutory accounts and board reporting."),
    ("IT service management", "IT and Security", "it_ops", "End-user IT, identity, endpoints, network and the service desk."),
    ("Security incident management", "IT and Security", "sec_eng", "Detection, triage, response and learning from security events."),
    ("Board governance", "Executive Office", "ceo", "Board meetings, strategy and shareholder reporting."),
]

# name, kind, owner key, department, process, classification, description
ASSETS = [
    # Sites
    ("Sheffield HQ and factory", "site", "ops_dir", "Manufacturing", "Device manufacturing and test", "internal", "Offices, engineering labs and two SMT lines at Attercliffe, beside the River Don."),
    ("Manchester software studio", "site", "cto", "Software Engineering", "SensorCloud software development", "internal", "Leased floor in a shared building, 25 desks, no servers."),
    ("Tinsley finished goods warehouse", "site", "supply_mgr", "Quality and Supply Chain", "Logistics and warehousing", "internal", "Warehouse for packed sensors and gateways awaiting dispatch."),
    ("Sheffield data room", "site", "it_ops", "IT and Security", "IT service management", "confidential", "Comms room with core network, file server and the factory NTP server; moved to the first floor in 2026."),
    ("Calibration laboratory", "site", "cal_mgr", "Quality and Supply Chain", "Calibration", "confidential", "Temperature-controlled lab with shaker tables and reference accelerometers."),
    ("EMC and environmental test lab", "site", "lab_mgr", "Hardware Engineering", "Hardware product development", "confidential", "Climatic chambers, EMC pre-compliance chamber and the prototype store."),
    # Information
    ("SensorCloud telemetry data", "information", "cto", "Software Engineering", "SensorCloud service operation", "confidential", "Time-series vibration and temperature data from about 48,000 customer sensors."),
    ("Customer account and contact database", "information", "commercial_dir", "Commercial", "Customer onboarding and support", "confidential", "Tenant accounts, users, site names and locations, duty engineer phone numbers."),
    ("Sensor firmware source code", "information", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "C code for VX sensors and the SG-400 gateway, including the bootloader."),
    ("SensorCloud platform source code", "information", "cto", "Software Engineering", "SensorCloud software development", "restricted", "Python and TypeScript services, infrastructure as code and the mobile app."),
    ("Hardware design files", "information", "hw_head", "Hardware Engineering", "Hardware product development", "restricted", "Schematics, PCB layouts, Gerbers and pick-and-place files in Altium 365."),
    ("Bill of materials and supplier pricing", "information", "supply_mgr", "Quality and Supply Chain", "Procurement and supplier management", "confidential", "Costed BOMs and negotiated component prices."),
    ("Firmware code-signing keys", "information", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "Keys that sign production firmware images; held in the YubiHSM since June 2025."),
    ("TLS certificates and private keys", "information", "platform_head", "Platform Operations", "SensorCloud service operation", "restricted", "Certificates for the web app, API and MQTT broker endpoints."),
    ("Device provisioning records", "information", "fw_lead", "Hardware Engineering", "Device manufacturing and test", "restricted", "Serial numbers, device certificates and claim codes created at provisioning."),
    ("Customer contracts and order history", "information", "fin_ctrl", "Finance and Legal", "Order to cash", "confidential", "Framework agreements, security schedules and order records."),
    ("Sales pipeline and CRM records", "information", "commercial_dir", "Commercial", "Sales and marketing", "confidential", "Opportunities, tender responses and contact history in Salesforce."),
    ("Employee personnel files", "information", "people_head", "People", "Recruitment and onboarding", "restricted", "Contracts, right-to-work checks, absence and disciplinary records."),
    ("Payroll data", "information", "cfo", "Finance and Legal", "Payroll and benefits", "restricted", "Salaries, bank details, tax codes and pension contributions."),
    ("Recruitment candidate records", "information", "hr_mgr", "People", "Recruitment and onboarding", "confidential", "CVs, interview notes and references of applicants."),
    ("Financial ledgers and management accounts", "information", "fin_ctrl", "Finance and Legal", "Financial reporting", "confidential", "General ledger, management accounts and forecasts."),
    ("Calibration certificates and records", "information", "cal_mgr", "Quality and Supply Chain", "Calibration", "internal", "Per-unit calibration data and certificates sent to customers."),
    ("Quality records (NCRs, CAPA and test results)", "information", "quality_head", "Quality and Supply Chain", "Device manufacturing and test", "internal", "Nonconformance reports, corrective actions and batch travellers."),
    ("End-of-line test data", "information", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "Test logs per serial number from the end-of-line rigs."),
    ("Support tickets and customer correspondence", "information", "cs_head", "Commercial", "Customer onboarding and support", "confidential", "Zendesk tickets with attachments such as site drawings."),
    ("Board minutes and strategy papers", "information", "ceo", "Executive Office", "Board governance", "restricted", "Board packs, minutes, acquisition and funding plans."),
    ("Product datasheets and manuals", "information", "marketing", "Commercial", "Sales and marketing", "public", "Published product documentation."),
    ("Export control classification records", "information", "dpo", "Finance and Legal", "Order to cash", "confidential", "Classification of products and end-user declarations."),
    ("Customer site survey reports", "information", "cs_head", "Commercial", "Customer onboarding and support", "confidential", "Photos and layouts of customer plants surveyed before installation."),
    ("Patent filings and invention disclosures", "information", "hw_head", "Hardware Engineering", "Hardware product development", "restricted", "Invention disclosures and patent attorney correspondence."),
    ("CCTV recordings", "information", "facilities", "Manufacturing", "Device manufacturing and test", "confidential", "30 days of recordings from 24 cameras at Sheffield and Tinsley."),
    ("Door access logs", "information", "facilities", "Manufacturing", "Device manufacturing and test", "internal", "Badge events from the access control system."),
    ("Security logs (SIEM)", "information", "ciso", "IT and Security", "Security incident management", "confidential", "Sign-in, endpoint, cloud and firewall logs in Microsoft Sentinel."),
    ("SensorCloud database backups", "information", "platform_head", "Platform Operations", "SensorCloud service operation", "restricted", "AWS Backup snapshots of PostgreSQL and the time-series store."),
    ("Supplier due diligence files", "information", "supply_mgr", "Quality and Supply Chain", "Procurement and supplier management", "internal", "Questionnaires, certificates and assessment reports of suppliers."),
    ("ISMS records", "information", "isms_mgr", "IT and Security", "Security incident management", "confidential", "Risk register, SoA, audit reports and management review minutes."),
    ("Product compliance technical files", "information", "hw_head", "Hardware Engineering", "Hardware product development", "internal", "CE/UKCA files, PSTI statements of compliance and test reports."),
    ("Customer price lists and quotations", "information", "sales_ops", "Commercial", "Sales and marketing", "confidential", "Price books and quotations, shared with distributors."),
    ("Health and safety records", "information", "facilities", "Manufacturing", "Device manufacturing and test", "confidential", "Accident book, risk assessments and occupational health referrals."),
    ("Marketing contact lists", "information", "marketing", "Commercial", "Sales and marketing", "confidential", "Newsletter subscribers and event attendees with consent records."),
    # Software and applications
    ("SensorCloud web application", "software", "cto", "Software Engineering", "SensorCloud service operation", "confidential", "Multi-tenant dashboards, alarms and reports."),
    ("SensorCloud ingestion service", "software", "platform_head", "Platform Operations", "SensorCloud service operation", "confidential", "MQTT broker cluster and ingestion workers receiving device telemetry."),
    ("SensorCloud mobile app", "software", "sw_lead", "Software Engineering", "SensorCloud software development", "confidential", "iOS and Android app for duty engineers."),
    ("SensorCloud admin console", "software", "sre_lead", "Platform Operations", "SensorCloud service operation", "restricted", "Internal console for tenant administration and support impersonation."),
    ("SensorCloud public API", "software", "sw_lead", "Software Engineering", "SensorCloud service operation", "confidential", "REST API used by customers' SCADA and historian integrations."),
    ("SG-400 gateway firmware", "software", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "Embedded Linux gateway image with local web UI."),
    ("VX sensor node firmware", "software", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "Bare-metal firmware for the VX vibration sensor family."),
    ("OTA update service", "software", "platform_head", "Platform Operations", "Firmware development and release", "restricted", "Distributes signed firmware images to gateways."),
    ("Microsoft 365 tenant", "software", "it_ops", "IT and Security", "IT service management", "confidential", "Exchange Online, SharePoint, Teams, Intune and Entra ID."),
    ("Okta identity platform", "software", "ciso", "IT and Security", "IT service management", "restricted", "Single sign-on and MFA for all SaaS applications."),
    ("Salesforce org", "software", "sales_ops", "Commercial", "Sales and marketing", "confidential", "CRM, quoting and export screening."),
    ("SAP Business One ERP", "software", "fin_ctrl", "Finance and Legal", "Financial reporting", "confidential", "Finance, purchasing, stock and production orders."),
    ("Tulip MES", "software", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "Manufacturing execution: work instructions, traceability, line data."),
    ("Zendesk support desk", "software", "cs_head", "Commercial", "Customer onboarding and support", "confidential", "Customer support tickets and help centre."),
    ("BambooHR", "software", "hr_mgr", "People", "Recruitment and onboarding", "restricted", "HR information system and applicant tracking."),
    ("Sage Payroll", "software", "payroll", "Finance and Legal", "Payroll and benefits", "restricted", "Cloud payroll and pensions."),
    ("GitHub Enterprise organisation", "software", "cto", "Software Engineering", "SensorCloud software development", "restricted", "Repositories for platform, firmware and infrastructure code."),
    ("Jira and Confluence", "software", "sw_lead", "Software Engineering", "SensorCloud software development", "internal", "Work tracking, runbooks and engineering documentation."),
    ("Altium 365 workspace", "software", "hw_head", "Hardware Engineering", "Hardware product development", "restricted", "Hardware design collaboration."),
    ("CI/CD pipelines", "software", "sw_lead", "Software Engineering", "SensorCloud software development", "restricted", "GitHub Actions workflows and self-hosted runners that build releases."),
    ("End-of-line test software", "software", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "LabVIEW test sequences and limit files for the test rigs."),
    ("Calibration software", "software", "cal_mgr", "Quality and Supply Chain", "Calibration", "internal", "Calibration sequencer and certificate generator."),
    ("1Password business vault", "software", "it_ops", "IT and Security", "IT service management", "restricted", "Shared secrets and break-glass credentials."),
    ("CrowdStrike Falcon", "software", "sec_eng", "IT and Security", "Security incident management", "confidential", "EDR on laptops, servers and line PCs."),
    ("Microsoft Sentinel SIEM", "software", "sec_eng", "IT and Security", "Security incident management", "confidential", "Log collection, analytics rules and alerting."),
    ("Company website", "software", "marketing", "Commercial", "Sales and marketing", "public", "WordPress marketing site and product pages."),
    ("Engineering licence server", "software", "hw_head", "Hardware Engineering", "Hardware product development", "internal", "FlexLM server for simulation and design tool licences."),
    ("Stripe billing integration", "software", "fin_ctrl", "Finance and Legal", "Order to cash", "confidential", "Subscription billing for SensorCloud."),
    ("SMS and email alerting service", "software", "platform_head", "Platform Operations", "SensorCloud service operation", "confidential", "Alarm notifications through Twilio and SendGrid."),
    ("Corporate social media accounts", "software", "marketing", "Commercial", "Sales and marketing", "public", "LinkedIn, YouTube and X accounts."),
    # Hardware
    ("Sheffield file server", "hardware", "it_ops", "IT and Security", "IT service management", "confidential", "Windows file server for engineering and quality shares."),
    ("Core network and firewalls (Sheffield)", "hardware", "it_ops", "IT and Security", "IT service management", "internal", "Fortinet firewalls, core switches and the leased-line router."),
    ("Factory OT network", "hardware", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "PLCs, line controllers and the OT VLANs."),
    ("SMT production lines", "hardware", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "Two SMT lines: printers, pick-and-place, reflow ovens, AOI."),
    ("End-of-line test rigs", "hardware", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "Six test rigs ELT-01 to ELT-06."),
    ("Firmware programming stations", "hardware", "fw_lead", "Manufacturing", "Device manufacturing and test", "restricted", "Four stations that load firmware and provision device identities."),
    ("YubiHSM signing appliance", "hardware", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "Hardware security module holding firmware signing keys."),
    ("Calibration reference standards", "hardware", "cal_mgr", "Quality and Supply Chain", "Calibration", "internal", "UKAS-calibrated reference accelerometers and shaker tables."),
    ("Staff laptops", "hardware", "it_ops", "IT and Security", "IT service management", "confidential", "About 190 Windows and macOS laptops managed by Intune."),
    ("Engineering workstations", "hardware", "it_ops", "IT and Security", "IT service management", "confidential", "Linux and Windows workstations in the labs."),
    ("Company mobile phones", "hardware", "it_ops", "IT and Security", "IT service management", "confidential", "About 90 managed iPhones and Android phones."),
    ("Shop-floor tablets", "hardware", "production_mgr", "Manufacturing", "Device manufacturing and test", "internal", "Twelve tablets running Tulip at the workstations."),
    ("Multifunction printers", "hardware", "facilities", "Manufacturing", "IT service management", "internal", "Leased MFDs at Sheffield and Manchester."),
    ("Wi-Fi network (Sheffield)", "hardware", "it_ops", "IT and Security", "IT service management", "internal", "Corporate, OT and guest SSIDs."),
    ("CCTV system", "hardware", "facilities", "Manufacturing", "Device manufacturing and test", "internal", "Cameras and network video recorder."),
    ("Door access control system", "hardware", "facilities", "Manufacturing", "Device manufacturing and test", "internal", "Badge readers and controller."),
    ("Data room UPS and generator", "hardware", "facilities", "IT and Security", "IT service management", "internal", "UPS for the data room and standby generator."),
    ("Trade-show demo kit", "hardware", "marketing", "Commercial", "Sales and marketing", "internal", "Demo gateway, sensors and laptop used at exhibitions."),
    ("Prototype devices", "hardware", "lab_mgr", "Hardware Engineering", "Hardware product development", "confidential", "Unreleased sensors and gateways in the lab store."),
    ("Removable media for firmware loading", "hardware", "fw_lead", "Manufacturing", "Device manufacturing and test", "restricted", "Registered hardware-encrypted USB drives."),
    ("Electronic component stores", "hardware", "supply_mgr", "Quality and Supply Chain", "Procurement and supplier management", "internal", "Reels and trays of MCUs, MEMS and passives."),
    ("Customer returned devices (RMA)", "hardware", "quality_head", "Quality and Supply Chain", "Customer onboarding and support", "confidential", "Returned gateways and sensors awaiting analysis."),
    ("Finished goods stock", "hardware", "supply_mgr", "Quality and Supply Chain", "Logistics and warehousing", "internal", "Provisioned gateways and sensors ready to ship."),
    ("Climatic and EMC test chambers", "hardware", "lab_mgr", "Hardware Engineering", "Hardware product development", "internal", "Environmental chambers and EMC pre-compliance equipment."),
    # Services
    ("AWS production environment", "service", "platform_head", "Platform Operations", "SensorCloud service operation", "restricted", "AWS accounts in eu-west-2 with warm standby in eu-west-1."),
    ("Cloudflare DNS and WAF", "service", "platform_head", "Platform Operations", "SensorCloud service operation", "internal", "DNS, CDN and web application firewall."),
    ("Internet leased line (Sheffield)", "service", "it_ops", "IT and Security", "IT service management", "internal", "1 Gb/s leased line with 4G backup."),
    ("Offsite backup service", "service", "it_ops", "IT and Security", "IT service management", "confidential", "Immutable offsite copies of the file server backups."),
    ("PCB assembly subcontract", "service", "supply_mgr", "Quality and Supply Chain", "Procurement and supplier management", "confidential", "Overflow PCB assembly by Don Valley PCB Assembly Ltd."),
    ("Courier and freight services", "service", "supply_mgr", "Quality and Supply Chain", "Logistics and warehousing", "internal", "Domestic couriers and export freight forwarding."),
    ("Penetration testing service", "service", "ciso", "IT and Security", "Security incident management", "confidential", "Yearly CREST penetration tests."),
    ("Managed print service", "service", "facilities", "Manufacturing", "IT service management", "internal", "MFD lease, maintenance and end-of-lease collection."),
    ("Microsoft Teams telephony", "service", "it_ops", "IT and Security", "IT service management", "internal", "Teams Phone with direct routing."),
    ("Recruitment agency services", "service", "hr_mgr", "People", "Recruitment and onboarding", "confidential", "Agency supply of candidates and temporary operators."),
    # People
    ("Platform on-call engineers", "people", "platform_head", "Platform Operations", "SensorCloud service operation", "internal", "Six engineers on a weekly on-call rota."),
    ("Firmware engineering team", "people", "fw_lead", "Hardware Engineering", "Firmware development and release", "internal", "Nine firmware engineers."),
    ("Key-person knowledge: calibration algorithms", "people", "hw_head", "Hardware Engineering", "Calibration", "restricted", "Drift-compensation algorithms known in depth by the principal sensor scientist."),
    ("Shop-floor workforce", "people", "ops_dir", "Manufacturing", "Device manufacturing and test", "internal", "About 70 operators on three shifts."),
    ("Customer success team", "people", "cs_head", "Commercial", "Customer onboarding and support", "internal", "Customer success managers and support engineers."),
    ("Finance team", "people", "cfo", "Finance and Legal", "Financial reporting", "internal", "Accounts payable, credit control and payroll."),
    ("Security team", "people", "ciso", "IT and Security", "Security incident management", "internal", "CISO, ISMS manager and two security engineers."),
]


def sheet_processes():
    return [{"name": n, "department": d_, "owner": P[o], "description": desc} for n, d_, o, desc in PROCESSES]


def sheet_assets():
    return [{"name": n, "kind": k, "owner": P[o], "department": d_, "process": pr, "classification": c, "description": desc}
            for n, k, o, d_, pr, c, desc in ASSETS]
