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

import acme_changes
import acme_monitoring
import acme_documents_people
import acme_resilience
import acme_technology

rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not security

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


BANK_HOLIDAYS = set(map(date.fromisoformat, (
    "2024-12-25", "2024-12-26", "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
    "2025-08-25", "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
    "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28")))  # England and Wales


def workday(day: date) -> date:
    """The day itself, or the next working day when it falls on a weekend or bank holiday."""
    while day.weekday() >= 5 or day in BANK_HOLIDAYS:
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
        while day.weekday() >= 5 or day in BANK_HOLIDAYS:
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


def id_list(text: str) -> str:
    """Control or clause ids joined with |, in catalogue order (5.2 before 5.10), as exports write them."""
    ids = [part for part in text.split("|") if part]
    return "|".join(sorted(ids, key=lambda ref: tuple(int(n) for n in ref.split("."))))


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
Declan Maryam Bilal Sana Omar Layla Harvey Phoebe Reece Abigail Nathan Keeley Jordan Shannon""".split()  # noqa: SIM905

LAST_NAMES = """Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans
Walker White Roberts Green Hall Wood Jackson Patel Khan Lewis James Phillips Mason Mitchell Rose
Davis Cox Alexander Bell Murphy Kelly Hughes Edwards Shaw Ali Begum Shah Iqbal Rahman Singh Kaur
Sharma Chowdhury Nguyen Li Wang Zhang Kowalski Nowicki Lewandowski Popescu Ionescu Okoro Boateng
Owusu Asante Gallagher Doyle Byrne Campbell Stewart Macdonald Ross Hamilton Graham Kerr Pearson
Barker Marshall Atkinson Gibson Hodgson Dixon Fox Booth Hirst Whiteley Greenwood Sykes Ackroyd
Crossley Hinchcliffe Mellor Ibbotson Turton Beever Womack Senior Cawthorne Hobson Bramall Froggatt
Unwin Crookes Cutts Dyson Oldfield Wragg Swift Rowbotham Kenyon Lockwood Tinsley""".split()  # noqa: SIM905

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
    for person, leave in zip(rng.sample(pool, len(leave_dates)), leave_dates, strict=True):
        person.leave = leave

    for person in generic:
        people[person.key] = person

    # Line managers.
    shift_keys = ["shift_a", "shift_b", "shift_c"]
    heads = {dept: head for dept, head, _ in DEPARTMENTS}
    for person in generic:
        dept = person.department
        if dept == "Manufacturing":
            person.manager_key = rng.choice([*shift_keys, "production_mgr"]) if "Operator" in person.title or "Technician" in person.title or "Operative" in person.title else "production_mgr"
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
        campaign_2025 = rdate(D("2025-01-20"), D("2025-03-21"))
        campaign_2026 = rdate(D("2026-01-19"), D("2026-03-20"))
        if person.key in ("no_training_1", "no_training_2"):
            pass  # PLANTED (F19): never completed the mandatory awareness course.
        elif person.key in ("overdue_1", "overdue_2"):
            # PLANTED (F19): last completed February 2025, so the 12-month refresher is overdue.
            add(person, AWARENESS, D("2025-02-11") if person.key == "overdue_1" else D("2025-02-20"))
        elif person.start < D("2025-01-15"):
            if person.start >= D("2024-12-01"):
                add(person, AWARENESS, onboard_window(person))
            if rng.random() < 0.04:
                # Failed the first attempt, passed the retake a week later.
                add(person, AWARENESS, campaign_2025, float(rng.choice([52, 56, 60, 64])), False)
                add(person, AWARENESS, workday(campaign_2025 + timedelta(days=7)))
            else:
                add(person, AWARENESS, campaign_2025)
            add(person, AWARENESS, campaign_2026)
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
            staff = [p for p in staff_on(first_day, dept) if p.employed_on(last_day) and p.key != "ceo"]
            size = max(4, min(8, headcount // 6))
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
    # PLANTED (PPL004): Shane Corrigan failed the phishing question in the October 2025 round and was
    # never re-checked or retrained (his 12-month refresher is overdue too, see KEY_PEOPLE).
    rows.append({"person": P["overdue_2"], "checked_on": D("2025-10-09"), "topic": "phishing",
                 "passed": False, "score": 30.0})
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
        # PLANTED (LDR005): approved by the CISO, who is not top management (he reports to the CFO).
        ("Phishing simulation and awareness platform licences, 2026", "tooling", 7400, "GBP", "ciso", "2026-01-12"),
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
         # PLANTED (CTX002): the boundaries text was lost when the scope was rewritten for version 2.0.
         "boundaries": "",
         "approved_by": P["ceo"], "approved_on": D("2026-03-16")},
    ]


def sheet_context_issues():
    # PLANTED (ANX003): the context register was built on a PEST grid, so the laws and regulations below
    # are filed as "political" and none as "legal"; the legal register that SoA 5.31 cites is a DPO
    # spreadsheet that was never put in the Documents register, so no document is linked to 5.31.
    rows = [
        ("Growth of SensorCloud subscriptions", "internal", "strategic",
         "Recurring revenue from SensorCloud grew from 18% to 31% of turnover; customers now judge us on service security as much as hardware.",
         True, "Drives objectives OBJ-04 and OBJ-06 and platform risks such as R-001, R-006 and R-007.", "2026-02-09"),
        ("Water and energy utility customers under NIS regulations", "external", "political",
         "Utility customers are operators of essential services and push NIS-derived security schedules into our contracts.",
         True, "Contractual inclusion reasons in the SoA; customer obligations register (R-060).", "2026-02-09"),
        ("UK Product Security and Telecommunications Infrastructure Act 2022", "external", "political",
         "Connectable products sold in the UK must ban default passwords, publish a vulnerability disclosure policy and state a support period.",
         True, "Compliance statements published; covered by R-022 and controls 5.31 and 8.29.", "2026-02-09"),
        ("EU Cyber Resilience Act", "external", "political",
         "Products sold to EU customers through the German office will need CE marking for cybersecurity from December 2027.",
         True, "Gap assessment planned for 2027; tracked in the SoA review of 5.31.", "2026-02-09"),
        ("UK GDPR and the Data (Use and Access) Act 2025", "external", "political",
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
         # PLANTED (CTX006): left out of the February 2026 context review; last reviewed in February 2025.
         True, "Board reporting by the CISO; certification project funded.", "2025-02-10"),
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
        # PLANTED (CTX007): added at the 2026 context review, but nobody recorded what it requires of us.
        ("National Cyber Security Centre", "external", "UK technical authority; its Cyber Assessment Framework is what our utility customers' regulators apply."),
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
        # PLANTED (CTX005): a new tender requirement recorded in 2026 with no response yet.
        ("Utility customers", "Evidence that the SG-400 gateway is developed to IEC 62443-4-1",
         "", False),
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


# The longest-serving contracts manager in Finance and Legal, made deputy DPO in September 2026.
DEPUTY_DPO = min((p for p in CURRENT if p.department == "Finance and Legal" and p.title == "Commercial Contracts Manager"),
                 key=lambda p: p.start)


def sheet_roles(assets):
    rows = [
        ("top_management_sponsor", "ceo", "Sponsors the ISMS on the board, chairs the management review, approves policy, scope and resources", "2024-12-02", None),
        ("isms_manager", "old_isms_mgr", "Ran the ISMS set-up project until leaving the company", "2024-12-02", "2025-03-31"),
        ("isms_manager", "isms_mgr", "Runs the ISMS day to day: registers, internal audit programme, mock audits, corrective actions; reports monthly to the CISO and quarterly to the board", "2025-04-01", None),
        ("ciso", "ciso", "Accountable for information security; owns the security budget and the SoA", "2024-12-02", None),
        ("data_protection_officer", "dpo", "Statutory DPO under UK GDPR; advises on DPIAs, breaches and retention", "2024-12-02", None),
        ("incident_manager", "sec_eng", "Leads response to security incidents under PRO-001; runs post-incident reviews", "2024-12-02", None),
        # PLANTED (LDR006): the out-of-hours incident manager was appointed without any responsibilities written down.
        ("incident_manager", "sre_lead", "", "2025-02-03", None),
        ("internal_auditor", "auditor_q", "Internal auditor for the technical and operational controls (independent of IT, Engineering and Platform)", "2025-03-17", None),
        ("internal_auditor", "fin_ctrl", "Internal auditor for clauses 4-10, people and supplier controls (never audits Finance and Legal)", "2025-03-17", None),
        # PLANTED (PPL007): a deputy DPO whose only training is the all-staff courses.
        ("data_protection_officer", DEPUTY_DPO.key, "Deputy DPO while the DPO is on leave: handles subject access requests and first assessment of personal data breaches", "2026-09-01", None),
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
    ("Firmware release images", "information", "fw_lead", "Hardware Engineering", "Firmware development and release", "restricted", "Signed release images and manifests published to the OTA service."),
    ("Software bills of materials", "information", "fw_lead", "Hardware Engineering", "Firmware development and release", "internal", "SBOMs of every firmware and platform release."),
    ("Simulation models and engineering test data", "information", "hw_head", "Hardware Engineering", "Hardware product development", "confidential", "FEA and RF models, EMC and climatic test results."),
    ("Product roadmap and pricing strategy", "information", "commercial_dir", "Commercial", "Sales and marketing", "restricted", "Three-year roadmap, target prices and competitor analysis."),
    ("Visitor log", "information", "facilities", "Manufacturing", "Device manufacturing and test", "internal", "Electronic visitor sign-in at Sheffield reception."),
    ("Customer integration credentials", "information", "sw_lead", "Software Engineering", "SensorCloud service operation", "restricted", "API tokens issued to customers' SCADA and historian integrators."),
    ("Distributor SFTP exchange", "software", "sales_ops", "Commercial", "Order to cash", "confidential", "SFTP service for price lists and orders with distributors."),
    ("OT jump host", "hardware", "it_ops", "IT and Security", "Device manufacturing and test", "restricted", "Hardened host through which vendors get on-request sessions to OT."),
    ("Factory NTP server", "hardware", "it_ops", "IT and Security", "IT service management", "internal", "GPS-disciplined time source for the office and OT networks."),
    ("Cloud file shares", "service", "it_ops", "IT and Security", "IT service management", "confidential", "SharePoint and Azure Files libraries that replaced most file server shares in 2026."),
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
    ("Climatic and EMC test chambers", "hardware", "hw_head", "Hardware Engineering", "Hardware product development", "internal", "Environmental chambers and EMC pre-compliance equipment."),
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


# --------------------------------------------------------------------------------------------
# Risks and the treatment plan (6.1.2, 6.1.3, 8.2, 8.3)
# --------------------------------------------------------------------------------------------


def A(action, owner, due, status, completed=None, budget=None, resources="", controls=""):
    return {"action": action, "owner": owner, "due_on": due, "status": status, "completed_on": completed,
            "budget": budget, "resources": resources, "controls": controls}


def R(title, asset, process, threat, vulnerability, owner, likelihood, impact, treatment, controls,
      residual_likelihood, residual_impact, actions=(), assessed=None, accepted_by="owner", accepted_on=None):
    return {"title": title, "asset": asset, "process": process, "threat": threat, "vulnerability": vulnerability,
            "owner": owner, "likelihood": likelihood, "impact": impact, "treatment": treatment, "controls": controls,
            "residual_likelihood": residual_likelihood, "residual_impact": residual_impact, "actions": list(actions),
            "assessed": assessed, "accepted_by": accepted_by, "accepted_on": accepted_on}


RISKS = [
    # R-001
    R("Bulk export of customer telemetry with leaked API keys", "SensorCloud public API", "SensorCloud service operation",
      "Attacker replays customer API keys leaked in a SCADA integrator's public repository to pull months of telemetry",
      "Legacy API keys never expire and are not scoped to read-only by default", "cto", 3, 4, "modify", "5.17|8.5|8.16", 2, 3,
      [A("Introduce scoped API tokens that expire after 90 days and retire legacy keys", "sw_lead", "2026-03-31", "done", "2026-03-18", resources="Two engineers for one sprint", controls="5.17|8.5")]),
    # R-002
    R("Malicious firmware pushed with a stolen signing key", "Firmware code-signing keys", "Firmware development and release",
      "Insider or intruder copies the signing key and pushes a malicious OTA image to 30,000 installed gateways",
      "Signing key was a file on the release engineer's workstation, protected only by a passphrase", "hw_head", 2, 5, "modify", "8.24|8.4|8.2|5.15", 1, 5,
      [A("Move firmware signing into the YubiHSM with two-person approval of release builds", "fw_lead", "2025-06-30", "done", "2025-06-12", budget=6500, controls="8.24|8.2")]),
    # R-003
    R("Ransomware encrypts the engineering file shares", "Sheffield file server", "IT service management",
      "Ransomware delivered by phishing spreads from one laptop to every mapped SMB share on the file server",
      "Shares mapped read-write for all staff; SMBv1 left enabled for the old plotter", "ciso", 3, 4, "modify", "8.7|8.13|8.20|8.9", 2, 3,
      [A("Disable SMBv1, replace the plotter and restrict shares to departmental groups", "it_ops", "2025-09-30", "done", "2025-09-19", budget=4200, controls="8.9|8.20")]),
    # R-004
    R("Line stoppage from malware on MES line PCs", "Tulip MES", "Device manufacturing and test",
      "Malware on a visiting engineer's USB stick infects a line PC and stops the MES, halting shipments for days",
      "Line PCs accept any USB storage because firmware images are loaded from USB", "ops_dir", 3, 4, "modify", "8.7|7.10|8.19", 2, 3,
      [A("Allow only registered encrypted drives on line PCs through Falcon device control", "it_ops", "2025-11-30", "done", "2025-11-21", resources="IT operations, 5 days", controls="7.10|8.7")]),
    # R-005
    R("Device identity keys leaked from a provisioning station", "Device provisioning records", "Device manufacturing and test",
      "Per-device private keys are copied from a provisioning station and used to impersonate customer devices",
      "The provisioning tool wrote key material to a debug log kept for 30 days", "hw_head", 2, 5, "modify", "8.24|8.15|8.9", 1, 4,
      [A("Generate device keys inside the secure element and remove key material from provisioning logs", "fw_lead", "2025-04-30", "done", "2025-04-22", budget=3000, controls="8.24")]),
    # R-006
    R("One utility sees another utility's sites", "SensorCloud web application", "SensorCloud software development",
      "A regression in tenant filtering shows one customer's pumping stations and alarms to another customer",
      "Tenant isolation relies on application-layer filters only, without row-level security in the database", "cto", 2, 5, "modify", "8.3|8.26|8.29", 1, 5,
      [A("Enable PostgreSQL row-level security on all tenant tables and add cross-tenant tests to CI", "sw_lead", "2027-02-26", "in_progress", resources="Platform squad, three sprints (allocated August 2026)", controls="8.3|8.29")]),
    # R-007
    R("Alarm delivery stops during an AWS regional outage", "AWS production environment", "SensorCloud service operation",
      "A prolonged outage of AWS eu-west-2 stops alarm delivery to water utilities, possibly during a storm",
      "Database is multi-AZ but there was no standby in a second region", "platform_head", 2, 4, "modify", "5.30|8.14|8.13", 1, 4,
      [A("Build a warm standby in eu-west-1 and drill failover every quarter", "sre_lead", "2026-06-30", "done", "2026-06-24", budget=38000, controls="5.30|8.14")]),
    # R-008
    R("Telemetry lost during a DDoS on the MQTT endpoint", "SensorCloud ingestion service", "SensorCloud service operation",
      "Volumetric DDoS against the MQTT endpoint makes gateways drop buffered telemetry",
      "Broker endpoint exposed directly to the internet without a scrubbing layer", "platform_head", 3, 3, "modify", "8.20|8.21|8.6", 2, 2,
      [A("Front the MQTT endpoint with AWS Shield Advanced and per-certificate rate limits", "sre_lead", "2025-08-31", "done", "2025-08-29", budget=27000, controls="8.20|8.21")]),
    # R-009
    R("Gateways go offline when a broker certificate expires", "TLS certificates and private keys", "SensorCloud service operation",
      "The MQTT broker certificate expires unnoticed and every gateway refuses to connect",
      "Certificates renewed by hand from a spreadsheet reminder", "platform_head", 3, 3, "modify", "8.24|8.16|8.32", 1, 3,
      [A("Automate certificate renewal in ACM and alert 30 days before any expiry", "sre_lead", "2025-05-31", "done", "2025-05-16", resources="SRE, 3 days", controls="8.24|8.16")]),
    # R-010
    R("Hardware designs taken by a departing engineer", "Hardware design files", "Hardware product development",
      "An engineer leaving for a competitor downloads Altium projects to personal cloud storage",
      "Altium 365 allowed project download without any log reaching the SIEM", "hw_head", 3, 4, "modify", "8.12|6.5|5.18|8.15", 2, 3,
      [A("Forward Altium 365 audit logs to Sentinel and alert on bulk downloads by staff under notice", "sec_eng", "2026-02-27", "done", "2026-02-20", resources="Security engineer, 4 days", controls="8.15|8.12")]),
    # R-011
    R("Counterfeit MCUs enter production through brokers", "Electronic component stores", "Procurement and supplier management",
      "Counterfeit or remarked microcontrollers bought from a broker fail in the field or carry altered ROM code",
      "Broker purchases were allowed without provenance checks when franchised stock was short", "quality_head", 3, 4, "modify", "5.21|5.19|5.22", 2, 3,
      [A("Require a certificate of conformance and X-ray sampling for every broker-sourced lot", "supply_mgr", "2025-07-31", "done", "2025-07-25", budget=9500, controls="5.21")]),
    # R-012
    R("Manufacturing files reused by the PCB assembler", "PCB assembly subcontract", "Procurement and supplier management",
      "Gerbers and pick-and-place files shared with the subcontract assembler are reused for a clone product",
      "Files sent by email with no contractual limit on reuse or duty to destroy", "quality_head", 2, 4, "modify", "5.20|5.14|5.22", 1, 4,
      [A("Share manufacturing files through expiring SharePoint links and add IP and destruction clauses to the contract", "supply_mgr", "2025-10-31", "done", "2025-10-17", resources="Legal counsel and supply chain manager, 3 days", controls="5.20|5.14")]),
    # R-013
    R("Salary diverted by a fake bank-detail change", "Payroll data", "Payroll and benefits",
      "Fraudster impersonating an employee by email asks payroll to change bank details before pay day",
      "Bank detail changes were accepted by email", "cfo", 3, 3, "modify", "5.3|6.3|5.14", 1, 3,
      [A("Accept bank changes only through BambooHR self-service, with a call-back to the number on file", "payroll", "2025-03-31", "done", "2025-03-24", resources="Payroll officer and HR administrator, 2 days", controls="5.3|5.14")]),
    # R-014
    R("Supplier payment redirected by a compromised supplier mailbox", "SAP Business One ERP", "Procurement and supplier management",
      "A compromised supplier mailbox sends a genuine-looking change of bank details before a large component payment",
      "Supplier master data could be edited by one person in accounts payable", "cfo", 3, 4, "modify", "5.3|5.14|6.3", 2, 2,
      [A("Require dual approval in SAP and a call-back to a known number for supplier bank changes", "fin_ctrl", "2025-05-30", "done", "2025-05-22", resources="Finance systems, 2 days", controls="5.3")]),
    # R-015
    R("Customer contact lists sent to the wrong customer", "Customer account and contact database", "Customer onboarding and support",
      "A support agent emails one utility's duty-engineer list to another customer",
      "Outlook autocomplete and no warning when customer data is sent outside the company", "commercial_dir", 3, 3, "modify", "8.12|6.3|5.14", 2, 2,
      [A("Enable Purview DLP policy tips for customer contact data sent to external recipients", "it_ops", "2026-12-18", "in_progress", resources="IT operations, 6 days", controls="8.12")]),
    # R-016
    R("Customer files exposed on a stolen laptop", "Staff laptops", "IT service management",
      "A laptop with cached customer files is stolen from a car or train during a site visit",
      "Field staff travel to customer sites every day with laptops", "ciso", 4, 2, "modify", "8.1|7.9|8.24", 3, 1,
      [A("Enforce BitLocker with TPM and PIN, FileVault on Macs, and remote wipe through Intune", "it_ops", "2025-02-28", "done", "2025-02-21", resources="IT operations, 8 days", controls="8.1|8.24")]),
    # R-017
    R("Finance mailbox taken over by an adversary-in-the-middle phishing kit", "Microsoft 365 tenant", "IT service management",
      "A phishing kit relays the sign-in of a finance user, steals the session and sends fraudulent payment requests",
      "Push-notification MFA can be relayed and sign-in did not require a compliant device", "ciso", 4, 4, "modify", "8.5|6.3|8.7|8.16", 2, 3,
      [A("Require a compliant device and phishing-resistant MFA for finance and administrators through conditional access", "it_ops", "2026-04-30", "done", "2026-04-27", budget=8000, controls="8.5")]),
    # R-018
    R("Staff locked out of every SaaS application during an Okta outage", "Okta identity platform", "IT service management",
      "An Okta service disruption prevents sign-in to AWS, Microsoft 365 and the SensorCloud admin console during an incident",
      "No break-glass route to AWS and Microsoft 365 outside Okta", "ciso", 2, 4, "modify", "5.29|5.30|8.2", 1, 4,
      [A("Create sealed break-glass accounts for AWS and Microsoft 365 with FIDO2 keys kept in the safe", "it_ops", "2025-06-30", "done", "2025-06-13", resources="IT operations, 2 days", controls="8.2|5.29")]),
    # R-019
    R("Customer data deleted or exported by an engineer with standing admin", "AWS production environment", "SensorCloud service operation",
      "An SRE with standing administrator rights deletes or exports customer data, by mistake or on purpose",
      "Five engineers held standing AdministratorAccess in production", "platform_head", 2, 5, "modify", "8.2|8.15|5.18", 1, 4,
      [A("Replace standing admin with just-in-time elevation through IAM Identity Center with approval", "sre_lead", "2026-01-31", "done", "2026-01-28", resources="SRE lead, 8 days", controls="8.2")]),
    # R-020
    R("Platform source code and secrets published by mistake", "SensorCloud platform source code", "SensorCloud software development",
      "A repository made public or a personal fork exposes platform code with secrets in its history",
      "Members could create public repositories; old commits contained database passwords", "cto", 3, 4, "modify", "8.4|8.12|8.28", 1, 3,
      [A("Disable public repositories at enterprise level, enable secret push protection and rotate exposed secrets", "sw_lead", "2025-03-14", "done", "2025-03-14", resources="Two engineers, 3 days", controls="8.4|8.12")]),
    # R-021
    R("Remote code execution in the gateway's local web UI", "SG-400 gateway firmware", "Firmware development and release",
      "A researcher or attacker finds a memory-corruption bug in the gateway's local web UI and takes over gateways on customer networks",
      "Web UI written in C and never fuzzed; bundled BusyBox lags upstream releases", "hw_head", 3, 5, "modify", "8.8|8.25|8.28|8.29|5.21", 1, 5,
      [A("Fuzz the web UI with AFL++ in CI for every release", "fw_lead", "2027-03-31", "in_progress", budget=12000, controls="8.29"),
       A("Publish a vulnerability disclosure policy and security.txt (PSTI)", "fw_lead", "2025-04-30", "done", "2025-04-25", resources="Lead firmware engineer, 1 day", controls="8.8")]),
    # R-022
    R("Products withdrawn for PSTI Act non-compliance", "Product compliance technical files", "Hardware product development",
      "Connectable products sold without PSTI statements of compliance face enforcement notices and withdrawal",
      "Technical files did not record the default-password ban, reporting contact or support period", "hw_head", 2, 4, "modify", "5.31|5.36", 1, 3,
      [A("Publish statements of compliance and support periods for every connectable product", "hw_head", "2025-04-29", "done", "2025-04-28", resources="Compliance engineer, 5 days", controls="5.31")]),
    # R-023
    R("Gateway exported to a sanctioned end user through a distributor", "Export control classification records", "Order to cash",
      "A gateway with controlled cryptography reaches an embargoed end user through a distributor order",
      "Distributor end-user declarations were not screened against sanctions lists", "cfo", 2, 5, "modify", "5.31|5.19", 1, 4,
      [A("Screen every distributor order against OFSI and US consolidated lists in Salesforce before release", "sales_ops", "2025-10-31", "done", "2025-10-24", budget=5200, controls="5.31")],
      accepted_by="isms_mgr"),  # PLANTED (F7): residual accepted by the ISMS manager, not by the risk owner (CFO).
    # R-024
    R("Calibration traceability lost with the calibration database", "Calibration certificates and records", "Calibration",
      "Corruption of the calibration database loses traceability for sensors shipped to regulated customers",
      "Calibration software ran on a single PC with a local Access database", "quality_head", 2, 4, "modify", "8.13|8.14", 1, 3,
      [A("Move the calibration database to SQL Server with nightly backup and a monthly restore check", "it_ops", "2025-12-12", "done", "2025-12-10", budget=2500, controls="8.13")]),
    # R-025
    R("Reference accelerometers adjusted without authority", "Calibration reference standards", "Calibration",
      "Unauthorised or accidental adjustment of reference standards invalidates months of calibrations",
      "Lab door was held open during shift changes", "quality_head", 2, 3, "modify", "7.2|7.6", 1, 3,
      [A("Fit a self-closing door and badge reader to the calibration lab", "facilities", "2025-07-18", "done", "2025-07-18", budget=3800, controls="7.2")]),
    # R-026
    R("River Don flood takes out the data room and SMT lines", "Sheffield HQ and factory", "Device manufacturing and test",
      "A River Don flood, made more likely by heavier winter rainfall, floods the ground floor including the comms room and both SMT lines",
      "Comms room and SMT lines were on the ground floor in flood zone 2", "ops_dir", 2, 5, "modify", "7.5|5.30|8.14|5.29", 2, 2,
      [A("Relocate the comms room to the first floor and move file server workloads to the cloud", "it_ops", "2026-09-30", "done", "2026-09-25", budget=46000, controls="7.5|8.14"),
       A("Add a flood scenario to the business continuity plan and exercise it yearly", "facilities", "2025-12-19", "done", "2025-12-03", resources="Facilities manager and CISO, 3 days", controls="5.29")]),
    # R-027
    R("Comms room overheats in a heatwave", "Sheffield data room", "IT service management",
      "Summer heatwaves above 35 C exceed the comms room's cooling capacity and shut down switches and the file server",
      "A single split air-conditioning unit and no temperature alerting", "ciso", 3, 3, "modify", "7.11|7.5|8.6", 1, 3,
      [A("Install a second air-conditioning unit and temperature alerting to the on-call phone", "facilities", "2025-06-20", "done", "2025-06-20", budget=7200, controls="7.11")]),
    # R-028
    R("Power cut outlasts the data room UPS", "Data room UPS and generator", "IT service management",
      "A grid outage longer than the UPS runtime stops on-site systems, the MES and badge access",
      "Generator had not been load-tested since 2022", "ops_dir", 3, 3, "modify", "7.11|7.13", 2, 2,
      [A("Six-monthly generator load tests under the maintenance contract", "facilities", "2025-04-15", "done", "2025-04-11", budget=1800, controls="7.13")]),
    # R-029
    R("Reflow oven fire destroys production capacity", "SMT production lines", "Device manufacturing and test",
      "A fire starting in a reflow oven destroys both SMT lines and component stock",
      "Ovens run unattended during breaks; replacement lead time is nine months", "ops_dir", 2, 5, "share", "7.5|5.29", 1, 4,
      [A("Extend business interruption cover to a 12-month indemnity period and agree overflow assembly with the subcontractor", "cfo", "2025-11-28", "done", "2025-11-26", budget=14000, controls="5.29")]),
    # R-030
    R("CCTV footage viewed or shared without a lawful reason", "CCTV recordings", "Device manufacturing and test",
      "Footage of staff is viewed or passed on outside the purposes in the CCTV policy",
      "The recorder's admin password was shared across the facilities team", "ops_dir", 2, 2, "retain", "5.34|5.17", 2, 2),
    # R-031
    R("Intruder tailgates through goods-in to the engineering lab", "Sheffield HQ and factory", "Logistics and warehousing",
      "An unauthorised person follows a delivery through goods-in and reaches the engineering lab",
      "Goods-in roller shutter stays open during deliveries with no inner barrier", "ops_dir", 3, 2, "modify", "7.1|7.2|7.3", 2, 2,
      [A("Install an interlocked pedestrian gate at goods-in and badge-only doors beyond the warehouse", "facilities", "2025-10-31", "done", "2025-10-30", budget=11500, controls="7.1|7.2")]),
    # R-032  PLANTED (RSK017): still owned by the test lab manager, who left on 2026-06-30.
    R("Prototypes photographed during customer lab tours", "Prototype devices", "Hardware product development",
      "Visitors photograph unreleased prototypes during lab tours and share them",
      "Lab tours run without a checklist for covering prototypes", "lab_mgr", 3, 2, "retain", "7.6|7.3", 3, 2),
    # R-033
    R("Calibration algorithms known to one person", "Key-person knowledge: calibration algorithms", "Calibration",
      "The principal sensor scientist leaves or is absent long-term and nobody can maintain the drift-compensation algorithms",
      "Algorithms documented only in one person's notebooks", "hw_head", 2, 4, "modify", "5.37", 2, 2,
      [A("Document the algorithms in Confluence and pair a second engineer for six months", "scientist", "2027-01-29", "in_progress", resources="0.2 FTE of the principal sensor scientist for six months", controls="5.37")]),
    # R-034
    R("Database backups cannot be restored within the RTO", "SensorCloud database backups", "SensorCloud service operation",
      "Backups fail silently and a database corruption cannot be recovered within the 4-hour RTO",
      "Restores were tested only ad hoc before 2025", "platform_head", 3, 4, "modify", "8.13", 1, 4,
      [A("Automate a quarterly restore test and record the time taken", "sre_lead", "2025-06-30", "done", "2025-06-27", resources="SRE, 4 days", controls="8.13")]),
    # R-035
    R("Backups deleted by an attacker before ransomware runs", "SensorCloud database backups", "SensorCloud service operation",
      "An attacker with AWS admin rights deletes snapshots before encrypting production data",
      "Backups were kept in the production account without object lock", "platform_head", 2, 5, "modify", "8.13|8.2", 1, 4,
      [A("Copy backups to a separate vault account with AWS Backup Vault Lock in compliance mode", "sre_lead", "2025-09-12", "done", "2025-09-12", budget=4800, controls="8.13")]),
    # R-036
    R("Session tokens stolen from the mobile app", "SensorCloud mobile app", "SensorCloud software development",
      "A malicious app on a rooted phone reads a duty engineer's refresh token and opens their SensorCloud session",
      "Refresh token stored in shared preferences instead of the Keystore or Keychain", "cto", 2, 3, "modify", "8.26|8.28|8.29", 1, 3,
      [A("Store tokens in Android Keystore and iOS Keychain and add OWASP MASVS checks to the release checklist", "sw_lead", "2026-05-29", "done", "2026-05-27", resources="Mobile developer, 6 days", controls="8.28")]),
    # R-037
    R("Customer site drawings reachable through ticket attachment links", "Support tickets and customer correspondence", "Customer onboarding and support",
      "Attachments with customer site drawings are opened by anyone who obtains the link",
      "Zendesk private attachments setting was disabled", "commercial_dir", 2, 3, "modify", "5.23|8.3", 1, 3,
      [A("Enable private attachments and require sign-in to view them", "cs_head", "2025-02-28", "done", "2025-02-21", resources="Customer success lead, 1 day", controls="8.3")]),
    # R-038
    R("Pipeline exported by a departing salesperson", "Sales pipeline and CRM records", "Sales and marketing",
      "A departing account executive exports the pipeline report before joining a competitor",
      "Every sales user had the Export Reports permission", "commercial_dir", 3, 3, "modify", "5.15|5.18|8.12", 2, 2,
      [A("Remove export permission from the standard sales profile; exports on request through sales operations", "sales_ops", "2025-08-15", "done", "2025-08-15", resources="Sales operations manager, 1 day", controls="5.15")]),
    # R-039
    R("Production records stranded if the MES vendor fails", "Tulip MES", "Device manufacturing and test",
      "The MES vendor ends the service or fails, leaving traceability records inaccessible",
      "No data export routine or exit plan for the MES", "ops_dir", 2, 4, "modify", "5.23|8.13", 1, 3,
      [A("Export MES production records weekly to our own storage and agree an exit plan at renewal", "production_mgr", "2026-03-27", "done", "2026-03-20", resources="Process engineer, 4 days", controls="5.23")]),
    # R-040
    R("Malware spreads from the office network into the PLCs", "Factory OT network", "Device manufacturing and test",
      "Malware spreads from an office laptop into the PLCs that control the reflow ovens",
      "Office and line controllers shared one flat network until the segmentation project", "ops_dir", 3, 5, "modify", "8.22|8.20", 1, 4,
      [A("Segment OT into its own VLANs behind the firewall with allow-listed flows only", "it_ops", "2025-12-05", "done", "2025-12-05", budget=14000, controls="8.22|8.20")]),
    # R-041
    R("Always-on vendor remote access to the SMT line", "SMT production lines", "Device manufacturing and test",
      "The SMT machine vendor's remote support tool gives an outside party a standing path into the OT network",
      "TeamViewer with unattended access installed on the SMT line PC", "ops_dir", 3, 4, "modify", "5.19|8.22|8.5", 1, 4,
      [A("Replace unattended TeamViewer with on-request sessions through the OT jump host", "it_ops", "2026-01-16", "done", "2026-01-16", resources="IT operations, 3 days", controls="8.22|8.5")]),
    # R-042
    R("Test limits loosened to ship a late batch", "End-of-line test software", "Device manufacturing and test",
      "Test limits are loosened to push a late batch out, shipping sensors outside specification",
      "Limit files were editable by any line operator", "quality_head", 2, 4, "modify", "8.32|8.9|5.3", 1, 3,
      [A("Put test limit files under version control with quality sign-off of every change", "production_mgr", "2025-09-05", "done", "2025-09-05", resources="Test engineer, 5 days", controls="8.32|5.3")]),
    # R-043
    R("Batch travellers lost before scanning", "Quality records (NCRs, CAPA and test results)", "Device manufacturing and test",
      "Paper travellers are lost or water-damaged before they are scanned, leaving gaps in batch records",
      "Travellers are scanned weekly rather than daily", "quality_head", 3, 2, "retain", "5.33", 3, 2),
    # R-044
    R("Managers see sickness and disciplinary notes of other teams", "Employee personnel files", "Recruitment and onboarding",
      "Over-broad manager access in the HR system exposes sensitive notes to managers outside the reporting line",
      "The manager role in BambooHR included access to all employee files", "people_head", 2, 4, "modify", "5.15|8.3|5.34", 1, 3,
      [A("Restrict the manager role to direct reports and make sensitive fields HR-only", "hr_mgr", "2025-05-09", "done", "2025-05-09", resources="HR manager, 2 days", controls="8.3")]),
    # R-045
    R("Candidate CVs kept beyond the retention period", "Recruitment candidate records", "Recruitment and onboarding",
      "Unsuccessful candidates' CVs are kept indefinitely, breaching UK GDPR storage limitation",
      "The applicant tracking module has no automated purge", "people_head", 3, 3, "modify", "5.33|8.10|5.34", 2, 2,
      # PLANTED (RSK011): due at the end of September 2026 and still in progress.
      [A("Configure the BambooHR automated candidate purge at 6 months and run a first clean-up", "hr_mgr", "2026-09-30", "in_progress", resources="HR manager, 3 days; BambooHR support case", controls="8.10")]),
    # R-046
    R("Board papers on an acquisition forwarded outside the board", "Board minutes and strategy papers", "Board governance",
      "A board pack with acquisition plans is forwarded outside the board and leaks to the target",
      "Board packs were emailed as unlabelled PDFs", "ceo", 2, 4, "modify", "5.12|5.13|8.12", 1, 3,
      [A("Move board packs to a labelled, download-restricted SharePoint site", "cos", "2025-03-28", "done", "2025-03-27", resources="Chief of staff, 2 days", controls="5.13")]),
    # R-047
    R("Invention disclosed before the patent is filed", "Patent filings and invention disclosures", "Hardware product development",
      "An unfiled invention is shown at a trade show or in a sales deck, destroying novelty",
      "No pre-publication review of conference talks and marketing material", "hw_head", 2, 4, "modify", "5.32|5.12|6.6", 1, 3,
      [A("Add an IP sign-off to the marketing approval workflow", "marketing", "2025-11-14", "done", "2025-11-13", resources="Marketing manager, 1 day", controls="5.32")]),
    # R-048
    R("Website defaced through an outdated plugin", "Company website", "Sales and marketing",
      "An outdated WordPress plugin is exploited to deface the site or serve malware to visitors",
      "Plugins were updated by hand by the web agency when someone remembered", "commercial_dir", 3, 2, "modify", "8.8|8.9", 2, 2,
      [A("Move the site to managed WordPress hosting with automatic updates and a WAF", "marketing", "2025-07-11", "done", "2025-07-11", budget=1900, controls="8.8")]),
    # R-049
    R("Fake invoices sent to customers from a spoofed acme domain", "Microsoft 365 tenant", "Order to cash",
      "Criminals spoof the company's email domain to send fake invoices with new bank details to customers",
      "DMARC policy was p=none", "ciso", 3, 3, "modify", "5.14|8.21", 1, 3,
      [A("Move DMARC to p=reject after aligning SendGrid and Salesforce senders", "it_ops", "2025-10-17", "done", "2025-10-17", resources="IT operations, 3 days", controls="5.14")]),
    # R-050
    R("Device log export bucket made public by a Terraform change", "AWS production environment", "SensorCloud service operation",
      "A bucket holding device log exports becomes public through an infrastructure change",
      "No organisation-level guardrail against public S3 access", "platform_head", 3, 4, "modify", "8.9|8.32|5.23", 1, 4,
      [A("Enforce S3 Block Public Access at organisation level with AWS Config rules", "sre_lead", "2025-04-11", "done", "2025-04-11", resources="SRE, 2 days", controls="8.9")]),
    # R-051
    R("Known-vulnerable dependency exploited in SensorCloud", "SensorCloud web application", "SensorCloud software development",
      "A published vulnerability in an npm or PyPI dependency is exploited before we patch it",
      "Dependency updates were batched once a quarter", "cto", 3, 4, "modify", "8.8|8.28|8.25", 2, 3,
      [A("Enable Dependabot with a 7-day fix target for critical advisories", "sw_lead", "2025-06-06", "done", "2025-06-06", resources="Engineering manager, 2 days", controls="8.8")]),
    # R-052
    R("Release builds poisoned through the CI pipeline", "CI/CD pipelines", "SensorCloud software development",
      "A compromised third-party GitHub Action or runner injects code into release builds",
      "Actions referenced by tag rather than commit SHA; self-hosted runners persist between jobs", "cto", 2, 5, "modify", "8.25|8.31|5.21|8.4", 1, 4,
      [A("Pin all third-party actions to commit SHAs and move to ephemeral runners", None, "2027-01-15", "in_progress", resources="DevOps engineer, 10 days", controls="8.25|5.21")]),  # PLANTED (F6): no owner.
    # R-053
    R("Production telemetry copied into staging", "SensorCloud telemetry data", "SensorCloud software development",
      "Developers copy production telemetry into staging to reproduce bugs, exposing customer data to a wider group",
      "Staging had no realistic synthetic data", "cto", 2, 3, "modify", "8.33|8.31", 1, 3,
      [A("Build a synthetic telemetry generator for staging and block production snapshots from non-production accounts", "sw_lead", "2026-04-24", "done", "2026-04-22", resources="Data engineer, 8 days", controls="8.33|8.31"),
       # PLANTED (F4): the plan cites 8.11, which the SoA excludes as not applicable.
       A("Mask customer identifiers when telemetry is copied to the analytics sandbox", "sw_lead", "2027-02-26", "planned", resources="Data engineer, 5 days", controls="8.11")]),
    # R-054  PLANTED (RSK016): residual likelihood raised to 3 at the 2026 workshop, inherent left at 2x2.
    R("Incident timelines unreliable because of clock drift", "Security logs (SIEM)", "Security incident management",
      "Factory devices with drifting clocks make it impossible to reconstruct an incident timeline",
      "Some OT devices are not pointed at the internal NTP server", "ciso", 2, 2, "retain", "8.17", 3, 2),
    # R-055
    R("Intrusion on the file server goes unnoticed", "Microsoft Sentinel SIEM", "Security incident management",
      "An intruder on the on-premises file server goes undetected for weeks",
      "On-premises Windows event logs were not forwarded to Sentinel", "ciso", 3, 4, "modify", "8.15|8.16", 2, 3,
      [A("Deploy the Azure Monitor agent on on-premises servers and forward security events", "sec_eng", "2025-11-07", "done", "2025-11-05", budget=6000, controls="8.15|8.16")]),
    # R-056
    R("Unencrypted USB stick with production firmware lost", "Removable media for firmware loading", "Device manufacturing and test",
      "A USB stick carrying production firmware and factory configuration is lost between buildings",
      "Ordinary USB sticks were used to carry images to programming stations", "hw_head", 3, 2, "modify", "7.10|8.24", 2, 1,
      [A("Issue registered hardware-encrypted USB drives and withdraw the rest", "it_ops", "2025-03-21", "done", "2025-03-20", budget=1400, controls="7.10")]),
    # R-057  PLANTED (F4): treatment is modify but no Annex A control is linked.
    R("Production records attributed to the wrong operator", "Shop-floor tablets", "Device manufacturing and test",
      "Operators record work under a colleague's MES session left open on a shared tablet, so traceability records name the wrong person",
      "Tablets stay logged in across shifts and each line shares one MES badge", "ops_dir", 4, 3, "modify", "", 2, 3,
      [A("Configure MES auto-logout after 10 minutes idle and issue personal NFC badges", "production_mgr", "2027-01-29", "in_progress", budget=2400)]),
    # R-058
    R("Unapproved remote-access tools installed by local admins", "Staff laptops", "IT service management",
      "Users with local admin rights install unapproved software, including remote-access tools",
      "Engineering staff kept local admin rights for their toolchains", "ciso", 3, 3, "modify", "8.19|8.18|8.2", 2, 2,
      [A("Remove local admin rights and provide logged, approved elevation on request", "it_ops", "2026-02-13", "done", "2026-02-13", budget=5400, controls="8.19|8.2")]),
    # R-059
    R("Design tools unavailable when the licence server fails", "Engineering licence server", "Hardware product development",
      "The licence server fails and engineers cannot use simulation and design tools for several days",
      "A single virtual machine with no documented rebuild procedure", "hw_head", 2, 2, "retain", "5.37|8.13", 2, 2),
    # R-060
    R("Customer security schedules breached unknowingly", "Customer contracts and order history", "Order to cash",
      "We breach a utility's security schedule, such as 24-hour incident notice, because nobody outside sales knew the terms",
      "Security obligations in customer contracts were not recorded anywhere central", "commercial_dir", 3, 3, "modify", "5.31|5.36", 1, 3,
      [A("Record customer security obligations in Salesforce and route them to the ISMS manager at signature", "sales_ops", "2025-12-19", "done", "2025-12-18", resources="Sales operations manager, 4 days", controls="5.31")]),
    # R-061
    R("Payroll late because the payroll service is down on pay day", "Payroll data", "Payroll and benefits",
      "The cloud payroll service is unavailable on pay day and the BACS file cannot be produced",
      "No offline fallback for producing the monthly BACS file", "cfo", 2, 3, "retain", "5.29", 2, 3),
    # R-062
    R("Customer tenant taken over through a support MFA reset", "SensorCloud admin console", "Customer onboarding and support",
      "A caller impersonating a utility's administrator persuades support to reset MFA and takes over the tenant",
      "Support could reset a customer's MFA after an email confirmation only", "commercial_dir", 3, 4, "modify", "5.16|5.17|6.3", 1, 4,
      [A("Require a call-back to the registered administrator and two-person approval for customer MFA resets", "cs_head", "2026-07-31", "done", "2026-07-29", resources="Customer success lead and SRE, 3 days", controls="5.17|5.16")]),
    # R-063
    R("Support staff browse customer telemetry without a ticket", "SensorCloud admin console", "SensorCloud service operation",
      "A support engineer impersonates a customer and views telemetry without a business reason",
      "Impersonation sessions were not tied to a ticket and their logs were not reviewed", "platform_head", 2, 3, "modify", "8.2|8.15|5.15", 1, 3,
      [A("Require a ticket reference for impersonation sessions and review their log monthly", "sre_lead", "2026-05-15", "done", "2026-05-14", resources="SRE, 4 days", controls="8.15")]),
    # R-064
    R("Infrastructure secrets exposed through one compromised vault account", "1Password business vault", "IT service management",
      "Compromise of one IT administrator's 1Password account exposes every shared infrastructure secret",
      "A single shared vault readable by all of IT", "ciso", 2, 5, "modify", "5.17|8.2|8.5", 1, 4,
      [A("Split vaults by function and require hardware keys for vault administrators", "it_ops", "2025-08-22", "done", "2025-08-22", resources="IT operations, 2 days", controls="5.17")]),
    # R-065
    R("EDR sensor disabled before ransomware deployment", "CrowdStrike Falcon", "Security incident management",
      "An attacker disables the EDR sensor on a server before deploying ransomware",
      "Sensor uninstall protection was not enabled on servers", "ciso", 2, 4, "modify", "8.7|8.16", 1, 3,
      [A("Enable uninstall protection and alert on sensor tampering for every host group", "sec_eng", "2025-02-28", "done", "2025-02-26", resources="Security engineer, 1 day", controls="8.7")]),
    # R-066  PLANTED (F6): to be modified (residual claimed 6), but no treatment action at all.
    R("Guest Wi-Fi users reach printers and OT devices", "Wi-Fi network (Sheffield)", "IT service management",
      "A visitor on guest Wi-Fi reaches internal printers and, through them, the OT network",
      "Guest SSID shares a VLAN with the printers", "ciso", 3, 3, "modify", "8.20|8.22", 2, 3),
    # R-067
    R("Scanned HR documents leave on printer disks at lease end", "Multifunction printers", "IT service management",
      "Scanned HR and finance documents remain on MFD hard disks returned to the leasing company",
      "MFD disks were not wiped or destroyed at lease end", "ops_dir", 2, 3, "modify", "7.14|5.20", 1, 3,
      [A("Add certified disk destruction to the print lease exit clause", "facilities", "2025-09-26", "done", "2025-09-26", resources="Facilities manager, 1 day", controls="5.20")]),
    # R-068
    R("Returned gateways resold with customer Wi-Fi credentials", "Customer returned devices (RMA)", "Customer onboarding and support",
      "Returned gateways holding customer Wi-Fi credentials and site names are refurbished and resold without a wipe",
      "The RMA process had no verified factory-reset step", "quality_head", 3, 3, "modify", "7.14|8.10", 1, 3,
      [A("Add a verified factory reset with a record to the RMA procedure", "quality_head", "2025-10-10", "done", "2025-10-10", resources="Quality engineer, 2 days", controls="8.10")]),
    # R-069
    R("SaaS tools holding personal data adopted without review", "Supplier due diligence files", "Procurement and supplier management",
      "A team buys a SaaS tool that holds personal data without any security or data protection review",
      "Card purchases under GBP 1,000 bypassed procurement", "cfo", 3, 3, "modify", "5.19|5.23", 2, 2,
      [A("Block SaaS subscriptions on company cards without a procurement ticket and review card statements monthly", "fin_ctrl", "2026-02-27", "done", "2026-02-26", resources="Financial controller, 2 days", controls="5.19|5.23")]),
    # R-070
    R("Source code and customer data pasted into public AI tools", "SensorCloud platform source code", "SensorCloud software development",
      "Engineers paste proprietary code and customer data into public generative-AI tools that retain inputs",
      "There was no approved AI tool and no guidance until 2026", "cto", 4, 3, "modify", "5.10|8.12|6.3", 2, 3,
      [A("Roll out an enterprise AI assistant under the Microsoft agreement and publish AI acceptable-use guidance", "ciso", "2026-03-31", "done", "2026-03-30", budget=19000, controls="5.10|6.3")]),
    # R-071
    R("Shop-floor incidents not reported", "Shop-floor workforce", "Device manufacturing and test",
      "A suspicious USB stick or a phishing message on a shop-floor kiosk is not reported, so the incident grows unnoticed",
      "Shift workers have no mailbox and the awareness course is desktop-only", "ops_dir", 3, 3, "modify", "6.3|6.8", 2, 2,
      [A("Deliver toolbox-talk awareness sessions on every shift and put QR reporting posters on the lines", "production_mgr", "2026-06-30", "done", "2026-06-26", resources="Shift supervisors, 30 minutes per shift", controls="6.3|6.8")]),
    # R-072
    R("Leavers keep access to apps outside single sign-on", "Okta identity platform", "Recruitment and onboarding",
      "Leavers keep access to applications that are not provisioned from Okta",
      "Salesforce, AWS and Sage Payroll accounts are removed by hand from a leaver ticket", "ciso", 3, 4, "modify", "5.18|5.16|6.5", 2, 3,
      [A("Connect Salesforce and AWS to Okta SCIM provisioning", "it_ops", "2027-03-31", "planned", controls="5.16|5.18")]),  # PLANTED (F6): no budget and no resources.
    # R-073
    R("Demo laptop stolen while signed in to a real tenant", "Trade-show demo kit", "Sales and marketing",
      "The trade-show demo laptop is stolen while signed in to a real customer tenant",
      "Demos were run from a production customer tenant", "commercial_dir", 2, 3, "modify", "7.9|8.31", 1, 3,
      [A("Create a dedicated demo tenant with synthetic data", "sales_ops", "2025-05-23", "done", "2025-05-22", resources="Sales operations and SRE, 2 days", controls="8.31")]),
    # R-074
    R("Company LinkedIn page hijacked", "Corporate social media accounts", "Sales and marketing",
      "The company page is hijacked and used to post fake job adverts that harvest applicants' data",
      "Page administrators were personal accounts, some of former staff", "commercial_dir", 2, 2, "retain", "5.18", 2, 2),
    # R-075
    R("Ledger and stock balances corrupted during the ERP upgrade", "SAP Business One ERP", "Financial reporting",
      "Migration errors in the planned ERP upgrade corrupt stock and ledger balances",
      "The upgrade test plan does not reconcile migrated balances", "cfo", 3, 3, "modify", "8.32|8.13", 1, 3,
      [A("Add balance reconciliation sign-off and a rollback checkpoint to the upgrade plan", "fin_ctrl", None, "planned", budget=15000, controls="8.32")]),  # PLANTED (F6): no due date.
    # R-076
    R("Alarm SMS not delivered during a messaging provider outage", "SMS and email alerting service", "SensorCloud service operation",
      "Alarm SMS to utility duty engineers are not delivered while the SMS provider has an outage",
      "A single SMS provider", "platform_head", 2, 4, "modify", "5.30|8.14|5.22", 1, 4,
      [A("Add a second SMS route with automatic failover", "sre_lead", "2026-08-28", "done", "2026-08-27", budget=3200, controls="8.14")]),
    # R-077
    R("Stolen provisioned gateways impersonate customer devices", "Finished goods stock", "Logistics and warehousing",
      "Gateways stolen from the warehouse are used to send false telemetry into SensorCloud",
      "Devices were provisioned with cloud credentials active before shipment", "ops_dir", 2, 3, "modify", "7.1|7.2|5.16", 1, 3,
      [A("Activate device certificates only when the customer claims the device", "fw_lead", "2026-04-24", "done", "2026-04-23", resources="Firmware and platform engineers, 6 days", controls="5.16")]),
    # R-078  PLANTED (F8): last assessed more than 12 months before the audit date.
    R("Plant layouts of water works exposed on personal phones", "Customer site survey reports", "Customer onboarding and support",
      "Survey photos and layouts of water treatment works are exposed from engineers' personal phones",
      "Surveys were photographed with personal phones without device management", "commercial_dir", 3, 3, "modify", "8.1|7.9|6.7", 2, 2,
      [A("Issue managed phones for survey work, enrolled in Intune", "it_ops", "2025-09-30", "done", "2025-09-26", budget=8600, controls="8.1")],
      assessed="2025-07-14", accepted_on="2025-07-21"),
    # R-079  PLANTED (F8): a high score (16) retained, which the method's acceptance threshold (6) does not allow.
    R("VX production halted by a single-source MEMS die", "Electronic component stores", "Procurement and supplier management",
      "The only supplier of the MEMS accelerometer die stops shipping and VX production halts",
      "No second source qualified for the MEMS die", "quality_head", 4, 4, "retain", "", 4, 4),
    # R-080  PLANTED (F7): residual score 8 is above the acceptance threshold and nobody accepted it.
    R("Churned customers' telemetry kept after contract end", "SensorCloud telemetry data", "SensorCloud service operation",
      "Telemetry of former customers is kept after contract end, breaching our DPA commitments",
      "Tenant offboarding deletes accounts but not the time-series partitions", "cto", 3, 3, "modify", "8.10|5.33", 2, 4,
      [A("Extend the offboarding job to drop time-series partitions and certify deletion to the customer", "sre_lead", "2027-01-29", "in_progress", resources="SRE, 5 days", controls="8.10")],
      accepted_by=None),
    # R-081
    R("Card details taken by phone and misused", "Stripe billing integration", "Order to cash",
      "Card numbers written down while taking phone payments are stolen and misused",
      "Credit control keyed phone payments by hand", "cfo", 2, 3, "avoid", "", 1, 1,
      [A("Stop taking card payments by phone and send Stripe payment links instead", "fin_ctrl", "2025-02-28", "done", "2025-02-14", resources="Credit controller, 1 day")]),
    # R-082, R-083  PLANTED (F5): template risks with identical text and no asset or process.
    R("Cyber attack", None, None,
      "Hackers gain unauthorised access to company systems",
      "Lack of adequate security controls", "ciso", 3, 4, "modify", "8.7|8.20", 2, 3,
      [A("Review security controls", "ciso", "2027-03-31", "planned", resources="IT team")]),
    R("Hacking of IT systems", None, None,
      "Hackers gain unauthorised access to company systems",
      "Lack of adequate security controls", "ciso", 3, 4, "modify", "8.7|8.20", 2, 3,
      [A("Improve security controls", "ciso", "2027-03-31", "planned", resources="IT team")]),
]


def sheet_risks():
    risks, actions = [], []
    for n, risk in enumerate(RISKS, start=1):
        ref = f"R-{n:03d}"
        risk["ref"] = ref
        if risk["assessed"]:
            assessed = D(risk["assessed"])
        elif rng.random() < 0.75:
            assessed = rdate(D("2026-01-12"), D("2026-03-27"))  # the annual risk workshops
        else:
            assessed = rdate(D("2026-04-06"), D("2026-10-30"))  # reassessed after change or incident
        if risk["accepted_by"] == "owner":
            accepted_by = P[risk["owner"]]
        else:  # PLANTED (F7): accepted by someone else, or not accepted at all
            accepted_by = P[risk["accepted_by"]] if risk["accepted_by"] else None
        if accepted_by:
            accepted_on = D(risk["accepted_on"]) if risk["accepted_on"] else workday(assessed + timedelta(days=rng.randint(2, 12)))
        else:
            accepted_on = None
        risks.append({
            "ref": ref, "title": risk["title"], "asset": risk["asset"], "process": risk["process"],
            "threat": risk["threat"], "vulnerability": risk["vulnerability"], "owner": P[risk["owner"]],
            "likelihood": risk["likelihood"], "impact": risk["impact"], "inherent_score": None,
            "treatment": risk["treatment"], "controls": id_list(risk["controls"]),
            "residual_likelihood": risk["residual_likelihood"], "residual_impact": risk["residual_impact"],
            "residual_score": None, "last_assessed_on": assessed, "accepted_by": accepted_by, "accepted_on": accepted_on,
        })
        for action in risk["actions"]:
            actions.append({
                "ref": f"RTP-{len(actions) + 1:03d}", "risk": ref, "action": action["action"],
                "owner": P[action["owner"]] if action["owner"] else None,
                "due_on": D(action["due_on"]) if action["due_on"] else None,
                "budget": action["budget"], "resources": action["resources"], "status": action["status"],
                "completed_on": D(action["completed_on"]) if action["completed_on"] else None,
                "controls": id_list(action["controls"]),
            })
    return risks, actions


RISK_ROWS, ACTION_ROWS = sheet_risks()
CONTROLS_BY_RISK = {r["ref"]: [c for c in r["controls"].split("|") if c] for r in RISK_ROWS}


# --------------------------------------------------------------------------------------------
# Statement of Applicability (6.1.3 d)
# --------------------------------------------------------------------------------------------

CONTROL_IDS = ([f"5.{n}" for n in range(1, 38)] + [f"6.{n}" for n in range(1, 9)]
               + [f"7.{n}" for n in range(1, 15)] + [f"8.{n}" for n in range(1, 35)])

# control: (owner key, evidence frequency, reasons other than risk, status, implementation notes, evidence noun)
SOA = {
    "5.1": ("isms_mgr", "annual", "contractual|business", "implemented", "Information security policy POL-001 approved by the CEO; topic-specific policies POL-002 to POL-010 reviewed yearly under PRO-010.", "policy set review and approval record"),
    "5.2": ("isms_mgr", "annual", "business", "implemented", "Roles in the ISMS roles register and the RACI of the ISMS manual DOC-001; appointment letters signed.", "ISMS roles and responsibilities sign-off"),
    "5.3": ("cfo", "annual", "legal", "implemented", "Dual control of payments and supplier bank changes in SAP; second reviewer required for production deploys in GitHub.", "segregation of duties conflict check"),
    "5.4": ("people_head", "annual", "business", "implemented", "Managers' course; policy acknowledgement in BambooHR at onboarding and every year.", "managers' policy acknowledgement report"),
    "5.5": ("dpo", "annual", "legal", "implemented", "Contacts for ICO, NCSC, Action Fraud, South Yorkshire Police and ECJU in the PRO-001 annex.", "authority contact list review"),
    "5.6": ("ciso", "annual", "business", "implemented", "Members of CiSP, the Yorkshire and Humber Cyber Resilience Centre and the IoT Security Foundation.", "special interest group membership record"),
    # PLANTED (F3): 5.7 is applicable but has no inclusion reason, no justification and no implementation status.
    "5.7": ("sec_eng", "quarterly", "", "", "CrowdStrike intelligence feed and NCSC alerts triaged in the security queue.", "threat intelligence digest"),
    # PLANTED (SOA006): applicable but not started; no evidence frequency committed yet.
    "5.8": ("cto", "", "business", "not_started", "Not started: security checklist to be added at stage gates G2 and G4 when the product development process is revised in Q1 2027.", "project security gate checklist sample"),
    "5.9": ("isms_mgr", "semiannual", "contractual", "implemented", "Asset register kept in isms; owners confirm it twice a year; Intune and Falcon inventories reconciled.", "asset register reconciliation"),
    "5.10": ("people_head", "annual", "business", "implemented", "Acceptable use policy POL-003, acknowledged at onboarding and yearly; AI guidance added 2026.", "acceptable use acknowledgement report"),
    "5.11": ("hr_mgr", "quarterly", "business", "implemented", "Leaver checklist in BambooHR; IT collects laptop, phone and badge on the last day.", "leaver asset return checklist sample"),
    "5.12": ("dpo", "annual", "contractual", "implemented", "Four levels (public, internal, confidential, restricted) per POL-008.", "classification scheme review"),
    "5.13": ("dpo", "annual", "business", "partial", "Microsoft 365 sensitivity labels applied by default; classification in drawing title blocks being rolled out.", "labelling spot check"),
    "5.14": ("ciso", "annual", "contractual", "implemented", "Customer data exchanged only through the SensorCloud API, SFTP or expiring SharePoint links; DMARC p=reject.", "external sharing audit"),
    "5.15": ("ciso", "annual", "contractual", "implemented", "Access control policy POL-002; role-based groups in Okta; least privilege.", "access control policy compliance review"),
    "5.16": ("it_ops", "quarterly", "business", "implemented", "Okta is the identity source, fed from BambooHR; unique IDs; service accounts registered.", "joiner-mover-leaver reconciliation"),
    "5.17": ("it_ops", "annual", "business", "implemented", "1Password for shared secrets; FIDO2 keys for administrators; API tokens expire after 90 days.", "authentication configuration export"),
    "5.18": ("ciso", "quarterly", "contractual", "implemented", "Access reviews per PRO-003 at the frequency set for each system; leavers removed on the last day.", "access review"),
    "5.19": ("supply_mgr", "annual", "contractual", "implemented", "Supplier security policy POL-004; suppliers tiered; due diligence before onboarding.", "supplier register review"),
    "5.20": ("dpo", "annual", "legal", "implemented", "Security and data processing schedule in our standard terms; right to audit for critical suppliers.", "supplier contract clause check"),
    "5.21": ("hw_head", "annual", "contractual", "implemented", "Components from franchised distributors; SBOM for every firmware release; broker lots X-rayed.", "firmware SBOM and component provenance review"),
    "5.22": ("supply_mgr", "quarterly", "contractual", "implemented", "Assessments per tier; quarterly service reviews with AWS and the PCB assembler.", "supplier service review pack"),
    "5.23": ("cto", "annual", "contractual", "implemented", "Cloud service register; exit plans for AWS, Microsoft 365 and the MES; shared-responsibility matrix.", "cloud service register and shared-responsibility review"),
    "5.24": ("ciso", "annual", "legal|contractual", "implemented", "Incident management procedure PRO-001; on-call rota; incident roles.", "incident procedure review and on-call rota"),
    "5.25": ("sec_eng", "quarterly", "business", "implemented", "Triage in the security queue in Jira; severity matrix in PRO-001.", "event triage log summary"),
    "5.26": ("sec_eng", "annual", "contractual", "implemented", "Playbooks for ransomware, lost device and data breach; yearly tabletop.", "incident response tabletop report"),
    "5.27": ("isms_mgr", "quarterly", "business", "implemented", "Post-incident reviews for medium and above; lessons tracked to closure.", "post-incident review summary"),
    "5.28": ("sec_eng", "annual", "legal", "implemented", "Forensic triage kit, chain-of-custody form, CrowdStrike remote response.", "chain-of-custody drill record"),
    "5.29": ("ciso", "annual", "contractual", "implemented", "Security requirements kept in BCP scenarios; break-glass accounts.", "continuity exercise security review"),
    "5.30": ("platform_head", "semiannual", "contractual", "implemented", "Multi-AZ with warm standby in eu-west-1; RTO 4 h, RPO 15 min; DR test twice a year.", "disaster recovery test report"),
    "5.31": ("dpo", "annual", "legal|contractual", "implemented", "Legal register (UK GDPR, PSTI Act, export control, Computer Misuse Act) reviewed yearly.", "legal and regulatory register review"),
    "5.32": ("dpo", "annual", "legal", "implemented", "Software licence register; open-source licence scanning in CI.", "licence compliance report"),
    "5.33": ("dpo", "annual", "legal|contractual", "implemented", "Retention schedule; SharePoint retention labels.", "records retention review"),
    "5.34": ("dpo", "annual", "legal", "implemented", "ROPA, DPIAs for SensorCloud and HR systems, DPO appointed.", "ROPA and DPIA review"),
    "5.35": ("isms_mgr", "annual", "business", "implemented", "Internal audit programme; yearly CREST penetration test; certification audits.", "independent review report"),
    "5.36": ("isms_mgr", "semiannual", "business", "implemented", "Compliance checks by control owners; Intune compliance dashboards.", "policy compliance check"),
    "5.37": ("it_ops", "annual", "business", "implemented", "Runbooks in Confluence for platform and IT operations, reviewed yearly.", "runbook review"),
    "6.1": ("hr_mgr", "quarterly", "legal|contractual", "implemented", "Right-to-work and references for all; BPSS-level checks for platform administrators.", "screening completion report"),
    "6.2": ("hr_mgr", "annual", "legal", "implemented", "Contracts include confidentiality and security responsibilities.", "employment contract template review"),
    "6.3": ("people_head", "quarterly", "contractual", "implemented", "Yearly awareness course; phishing simulations; role-based training; shop-floor toolbox talks.", "training completion report"),
    "6.4": ("hr_mgr", "annual", "legal", "implemented", "Disciplinary policy covers breaches of security policy.", "disciplinary policy review"),
    "6.5": ("hr_mgr", "annual", "legal|contractual", "implemented", "Exit interview reminds leavers of continuing confidentiality duties.", "leaver confidentiality reminder sample"),
    "6.6": ("dpo", "annual", "legal|contractual", "implemented", "Mutual NDA template; NDA register for partners and visitors to the lab.", "NDA register review"),
    "6.7": ("it_ops", "annual", "business", "implemented", "Remote working rules in POL-003; access through Okta and Intune device compliance.", "remote working compliance report"),
    "6.8": ("isms_mgr", "quarterly", "contractual", "implemented", "Report button in Outlook; security@ mailbox; QR posters on the shop floor.", "event reporting statistics"),
    "7.1": ("facilities", "annual", "business", "implemented", "Fenced site, staffed reception, interlocked gate at goods-in.", "perimeter inspection"),
    "7.2": ("facilities", "quarterly", "business", "implemented", "Badge access; visitor log; quarterly review of badge rights.", "badge access review"),
    "7.3": ("facilities", "annual", "business", "implemented", "Engineering lab, comms room and calibration lab locked and badge-controlled.", "secure area inspection"),
    "7.5": ("facilities", "annual", "contractual", "implemented", "Comms room on the first floor; fire suppression; flood warnings; BCP flood scenario.", "environmental protection inspection"),
    "7.6": ("facilities", "annual", "business", "implemented", "Comms room and calibration lab: escorted access, no photography.", "secure area access log review"),
    "7.7": ("isms_mgr", "semiannual", "business", "implemented", "Clear desk walk-rounds twice a year; screen lock by Intune policy.", "clear desk walk-round"),
    "7.8": ("it_ops", "annual", "business", "implemented", "Comms cabinets locked; line PCs in enclosures.", "equipment siting check"),
    "7.9": ("it_ops", "annual", "business", "implemented", "Laptops encrypted; trade-show kit register; managed phones.", "off-premises equipment register"),
    "7.10": ("it_ops", "annual", "business", "implemented", "USB storage blocked except registered encrypted drives at programming stations.", "removable media control report"),
    "7.11": ("facilities", "semiannual", "business", "implemented", "UPS and generator tested twice a year; two cooling units with alerting.", "UPS and generator test record"),
    "7.12": ("facilities", "annual", "business", "implemented", "Cabling in trunking; patch panels in locked cabinets.", "cabling inspection"),
    "7.13": ("facilities", "annual", "business", "implemented", "Maintenance contracts for UPS, HVAC, SMT lines and test chambers.", "maintenance log review"),
    # PLANTED (F17): applicable and 'implemented', but no evidence has ever been collected.
    "7.14": ("it_ops", "annual", "legal", "implemented", "Certified WEEE disposal with certificates of destruction; MFD disks destroyed at lease end.", "certificate of destruction"),
    "8.1": ("it_ops", "monthly", "contractual", "implemented", "Intune compliance, BitLocker and FileVault, CrowdStrike on every endpoint.", "endpoint compliance report"),
    "8.2": ("ciso", "quarterly", "contractual", "implemented", "Just-in-time admin in AWS and Entra ID; break-glass accounts sealed.", "privileged access review"),
    "8.3": ("cto", "annual", "contractual", "implemented", "Tenant isolation in SensorCloud; SharePoint permission reviews.", "tenant isolation test result"),
    "8.4": ("cto", "quarterly", "business", "implemented", "GitHub teams, branch protection and signed commits for firmware.", "GitHub access and branch protection export"),
    "8.5": ("it_ops", "quarterly", "contractual", "implemented", "MFA enforced in Okta; phishing-resistant MFA for administrators and finance.", "MFA coverage report"),
    "8.6": ("sre_lead", "monthly", "contractual", "implemented", "Auto-scaling; capacity dashboards reviewed monthly.", "capacity review"),
    "8.7": ("sec_eng", "monthly", "contractual", "implemented", "CrowdStrike on endpoints and servers with uninstall protection; device control on line PCs.", "EDR coverage and detection report"),
    "8.8": ("sec_eng", "monthly", "contractual", "implemented", "Weekly scans; patch targets by severity; Dependabot; yearly penetration test.", "vulnerability scan summary"),
    "8.9": ("platform_head", "quarterly", "business", "implemented", "Terraform; CIS baselines; drift detection; secure configuration baseline STD-002.", "configuration drift report"),
    "8.10": ("dpo", "semiannual", "legal|contractual", "implemented", "Retention schedule and deletion records; customer data deleted on contract end.", "deletion run log review"),
    "8.12": ("ciso", "quarterly", "contractual", "partial", "Purview DLP for Microsoft 365 (policy tips being rolled out); GitHub secret push protection.", "DLP alert review"),
    "8.13": ("sre_lead", "quarterly", "contractual", "implemented", "AWS Backup with vault lock; offsite backups of the file server; quarterly restore tests.", "backup restore test"),
    "8.14": ("platform_head", "semiannual", "contractual", "implemented", "Multi-AZ and standby region; dual SMS routes; leased line with 4G backup.", "failover test"),
    # PLANTED (F17): committed quarterly evidence, last collected in April 2026.
    "8.15": ("sec_eng", "quarterly", "contractual", "implemented", "Logging standard STD-001; cloud, identity, endpoint and server logs in Sentinel for 13 months.", "log review report"),
    "8.16": ("sec_eng", "monthly", "contractual", "implemented", "Sentinel analytics rules; alerts to the on-call phone around the clock.", "SIEM alert metrics"),
    "8.17": ("sre_lead", "annual", "business", "implemented", "AWS Time Sync; factory NTP server for OT devices.", "time synchronisation check"),
    "8.18": ("it_ops", "annual", "business", "implemented", "Admin tools only on privileged access workstations; elevation on request, logged.", "privileged utility allow-list review"),
    "8.19": ("it_ops", "quarterly", "business", "implemented", "Software from Company Portal only; no local admin.", "software installation report"),
    "8.20": ("it_ops", "quarterly", "contractual", "implemented", "Fortinet firewalls, IDS, Shield Advanced in front of the MQTT endpoint.", "firewall rule review"),
    "8.21": ("it_ops", "annual", "contractual", "implemented", "Leased line SLA; Cloudflare; DMARC, SPF and DKIM.", "network services review"),
    "8.22": ("it_ops", "annual", "business", "implemented", "OT VLANs separated from the office; separate AWS accounts per environment.", "network segregation test"),
    "8.24": ("cto", "annual", "legal|contractual", "implemented", "Cryptography policy POL-006: TLS 1.2+, KMS, device keys in secure elements, signing keys in the HSM.", "cryptographic key inventory review"),
    "8.25": ("cto", "annual", "contractual", "implemented", "Secure development policy POL-007.", "SDLC compliance review"),
    "8.26": ("sw_lead", "annual", "contractual", "implemented", "Security requirements checklist in every epic template.", "security requirements checklist sample"),
    "8.27": ("cto", "annual", "business", "implemented", "Architecture principles; threat models for new services.", "architecture review record"),
    "8.28": ("sw_lead", "quarterly", "business", "implemented", "SAST (Semgrep) in CI; mandatory code review; MISRA checks for firmware.", "SAST findings report"),
    "8.29": ("sw_lead", "semiannual", "contractual", "partial", "DAST on every release; yearly penetration test; gateway fuzzing being introduced.", "security test report"),
    "8.31": ("platform_head", "annual", "business", "implemented", "Separate AWS accounts for development, staging and production; demo tenant.", "environment separation review"),
    "8.32": ("platform_head", "quarterly", "contractual", "implemented", "Change management procedure PRO-006; pull requests and change records.", "change record sample"),
    "8.33": ("sw_lead", "annual", "legal", "implemented", "Synthetic telemetry in staging; production snapshots blocked outside production.", "test data check"),
    "8.34": ("ciso", "annual", "business", "implemented", "Rules of engagement for penetration tests; read-only accounts for auditors.", "audit testing authorisation"),
}

EXCLUDED = {
    "8.11": ("cto", "Not applicable: production customer data is never copied to development, test or analytics environments "
                    "(8.33 enforces synthetic test data, 8.31 blocks production snapshots elsewhere) and staff access to "
                    "telemetry is role-restricted (8.3); no process needs masked copies. Reassessed at each SoA review, "
                    "last on 2026-09-14."),
    "8.30": ("cto", "Not applicable: all software and firmware is developed by employees and individually engaged "
                    "contractors working inside our own SDLC (8.25) and repositories; no development is outsourced to "
                    "a third party. Reassess before any outsourcing contract is signed."),
    # PLANTED (F2): excluded with no justification (and the site does have CCTV).
    "7.4": ("facilities", ""),
    # PLANTED (F2): excluded with no justification.
    "8.23": ("it_ops", ""),
}

CONTRACT_TEXT = "required by the security schedules of our utility framework agreements"
LEGAL_TEXT = {
    "5.3": "Companies Act duties over financial controls", "5.5": "UK GDPR breach reporting to the ICO",
    "5.20": "UK GDPR Art. 28 processor contracts", "5.24": "UK GDPR Art. 33", "5.28": "evidential standards for prosecution",
    "5.31": "UK GDPR, PSTI Act 2022 and export control law", "5.32": "Copyright, Designs and Patents Act and licence terms",
    "5.33": "HMRC and Companies Act record-keeping", "5.34": "UK GDPR and the Data Protection Act 2018",
    "6.1": "Immigration, Asylum and Nationality Act right-to-work checks", "6.2": "Employment Rights Act written terms",
    "6.4": "ACAS code of practice", "6.5": "contractual confidentiality after employment", "6.6": "trade secrets regulations",
    "7.14": "WEEE regulations and UK GDPR", "8.10": "UK GDPR storage limitation", "8.24": "export control of cryptography",
    "8.33": "UK GDPR purpose limitation",
}
BUSINESS_TEXT = "management decision to meet ISO/IEC 27001 and customer expectations"


def sheet_soa():
    risks_by_control: dict[str, list[str]] = {}
    for ref, controls in CONTROLS_BY_RISK.items():
        for control in controls:
            risks_by_control.setdefault(control, []).append(ref)
    rows = []
    for control in CONTROL_IDS:
        if control in EXCLUDED:
            owner, why = EXCLUDED[control]
            rows.append({"control": control, "applicable": False, "inclusion_reasons": "", "justification": why,
                         "implementation_status": "", "owner": P[owner], "evidence_frequency": "",
                         "implementation_notes": ""})
            continue
        owner, frequency, reasons, status, notes, _noun = SOA[control]
        linked = risks_by_control.get(control, [])
        if control == "5.7":  # PLANTED (F3)
            rows.append({"control": control, "applicable": True, "inclusion_reasons": "", "justification": "",
                         "implementation_status": "", "owner": P[owner], "evidence_frequency": frequency,
                         "implementation_notes": notes})
            continue
        tokens = (["risk"] if linked else []) + [t for t in reasons.split("|") if t]
        parts = []
        if linked:
            shown = linked[:5]
            more = f" and {len(linked) - 5} more" if len(linked) > 5 else ""
            parts.append("Treats " + ", ".join(shown) + more)
        if "legal" in tokens:
            parts.append("legal: " + LEGAL_TEXT.get(control, "legal register entry"))
        if "contractual" in tokens:
            parts.append("contractual: " + CONTRACT_TEXT)
        if "business" in tokens:
            parts.append("business: " + BUSINESS_TEXT)
        justification = "; ".join(parts)
        justification = justification[0].upper() + justification[1:] + "."
        rows.append({"control": control, "applicable": True, "inclusion_reasons": "|".join(tokens),
                     "justification": justification, "implementation_status": status, "owner": P[owner],
                     "evidence_frequency": frequency, "implementation_notes": notes})
    return rows


def sheet_soa_versions():
    return [
        {"version": "1.0", "approved_by": P["ceo"], "approved_on": D("2025-02-10"), "change_summary": "First SoA after the initial risk assessment."},
        {"version": "1.1", "approved_by": P["ceo"], "approved_on": D("2025-10-20"), "change_summary": "Manchester studio added to scope; 7.9 and 6.7 notes updated; evidence frequencies set for every applicable control."},
        {"version": "2.0", "approved_by": P["ceo"], "approved_on": D("2026-03-23"), "change_summary": "Annual risk assessment 2026; warehouse in scope; 8.29 set to partial pending gateway fuzzing."},
        {"version": "2.1", "approved_by": P["ceo"], "approved_on": D("2026-09-14"), "change_summary": "Exclusion of 8.11 reconfirmed; 5.13 labelling roll-out status updated."},
    ]


# --------------------------------------------------------------------------------------------
# Objectives and measurements (6.2, 9.1)
# --------------------------------------------------------------------------------------------

# ref, statement, metric, target, higher is better, unit, frequency, owner, due, strategic goal,
# (first measured, start value), note ideas
OBJECTIVES = [
    ("OBJ-01", "Patch critical vulnerabilities on internet-facing systems quickly",
     "Median days from publication to fix of critical CVEs on internet-facing systems", 7, False, "days", "monthly",
     "platform_head", "2026-12-31", "Win utility customers who audit our security", ("2025-01-31", 19.0)),
    ("OBJ-02", "Make staff hard to phish",
     "Click rate in the monthly phishing simulation", 5, False, "%", "monthly",
     "ciso", "2026-12-31", "Protect customers and cash from fraud", ("2025-02-28", 14.0)),
    ("OBJ-03", "Keep everyone's security awareness training current",
     "Share of current staff with an in-date Security awareness essentials completion", 98, True, "%", "quarterly",
     "people_head", "2026-12-31", "Certification to ISO/IEC 27001 by 2027", ("2025-03-31", 81.0)),
    ("OBJ-04", "Keep SensorCloud alarms available when customers need them",
     "Monthly availability of alarm delivery (SMS, email, push)", 99.9, True, "%", "monthly",
     "platform_head", "2027-03-31", "Grow SensorCloud subscriptions to 40% of revenue", ("2025-01-31", 99.71)),
    ("OBJ-05", "Review access on schedule",
     "Share of access reviews completed within the frequency set for each system", 100, True, "%", "quarterly",
     "ciso", "2026-12-31", "Certification to ISO/IEC 27001 by 2027", ("2025-03-31", 73.0)),
    ("OBJ-06", "Close serious penetration test findings quickly",
     "Share of critical and high penetration test findings closed within 30 days", 95, True, "%", "quarterly",
     "cto", "2027-06-30", "Win utility customers who audit our security", ("2025-06-30", 62.0)),
    # PLANTED (OBJ006): due by the end of Q3 2026; still 95.2% because Don Valley PCB was never assessed.
    ("OBJ-07", "Assess high-risk suppliers on time",
     "Share of critical and high tier suppliers assessed within their review frequency", 100, True, "%", "quarterly",
     "quality_head", "2026-09-30", "Protect production from supply chain disruption", ("2025-03-31", 55.0)),
    # PLANTED (OBJ004): no strategic or business goal named.
    ("OBJ-08", "Restore quickly from backup",
     "Time to restore the SensorCloud primary database in the quarterly restore test", 4, False, "hours", "quarterly",
     "platform_head", "2026-12-31", "", ("2025-06-30", 6.5)),
    # PLANTED (F9): not measurable: no metric, no target, no unit, no frequency, no measurements.
    ("OBJ-09", "Improve the security culture on the factory floor",
     "", None, True, "", "", "ops_dir", "2026-12-31", "Operational excellence", None),
    # PLANTED (F9): monthly objective, but nothing measured after April 2026.
    # PLANTED (OBJ003): owned by the test lab manager, who left on 2026-06-30; nobody took it over.
    ("OBJ-10", "Ship only signed firmware",
     "Share of devices shipped in the month running signed firmware verified at end-of-line test", 100, True, "%", "monthly",
     "lab_mgr", "2026-12-31", "Win utility customers who audit our security", ("2025-07-31", 92.0)),
]


def sheet_objectives():
    objectives, measurements = [], []
    for ref, statement, metric, target, hib, unit, freq, owner, due, goal, series in OBJECTIVES:
        objectives.append({"ref": ref, "statement": statement, "metric": metric, "target": target,
                           "higher_is_better": hib, "unit": unit, "measurement_frequency": freq,
                           "owner": P[owner], "due_on": D(due), "strategic_goal": goal})
        if series is None:
            continue
        first, value = D(series[0]), series[1]
        step = 1 if freq == "monthly" else 3
        day = first
        last = D("2026-04-30") if ref == "OBJ-10" else D("2026-10-31")
        points = []
        while day <= last:
            points.append(day)
            following = add_months(date(day.year, day.month, 1), step)
            day = month_end(following.year, following.month)
        n = len(points)
        for i, day in enumerate(points):
            progress = i / max(1, n - 1)
            ideal = value + (target - value) * min(1.0, progress * 1.15)
            noise = (rng.random() - 0.5) * abs(target - value) * 0.18
            measured = ideal + noise
            if unit == "%":
                measured = min(100.0, measured)
            if ref == "OBJ-04":
                measured = min(100.0, round(99.7 + 0.25 * progress + (rng.random() - 0.5) * 0.12, 2))
            elif ref == "OBJ-07":
                measured = min(measured, 95.2)  # 20 of 21: Don Valley PCB Assembly never assessed, see Suppliers
            elif ref == "OBJ-05" and day >= D("2026-06-30"):
                measured = 93.3  # 14 of 15: the SAP Business One review due in June was missed, see Access reviews
            measured = round(measured, 1) if ref != "OBJ-04" else measured
            note = ""
            if ref == "OBJ-01" and day == D("2026-04-30"):
                measured, note = round(measured + 6, 1), "Spike from the BusyBox advisory affecting the gateway image (INC-2026-005)"
            if ref == "OBJ-02" and day == D("2026-06-30"):
                note = "June lure imitated the Microsoft 365 sign-in page"
            if ref == "OBJ-04" and day == D("2025-02-28"):
                measured, note = 99.42, "Broker certificate expiry, INC-2025-003"
            if ref == "OBJ-05" and day == D("2025-03-31"):
                note = "First cycle: four systems reviewed after the target week"
            if ref == "OBJ-05" and day == D("2026-06-30"):
                note = "SAP Business One review due in June not done"
            if ref == "OBJ-05" and day == D("2026-09-30"):
                note = "SAP Business One still not reviewed since March"
            if ref == "OBJ-07" and measured == 95.2:
                note = "Don Valley PCB Assembly (high tier) still awaiting its first assessment"
            if ref == "OBJ-08" and day == D("2026-06-30"):
                note = "First test restoring into the eu-west-1 standby"
            measurements.append({"objective": ref, "measured_on": day, "value": measured, "note": note})
    return objectives, measurements


# --------------------------------------------------------------------------------------------
# Documents and versions (5.2, 7.5)
# --------------------------------------------------------------------------------------------

# ref, title, kind, owner, interval, clauses, controls, versions [(version, author, approver, approved, effective, summary)]
DOCUMENTS = [
    ("POL-001", "Information security policy", "policy", "ciso", 12, "5.1|5.2", "5.1|5.4", [
        ("1.0", "old_isms_mgr", "ceo", "2025-01-13", "2025-01-20", "First issue for the ISMS project."),
        ("1.1", "isms_mgr", "ceo", "2025-10-06", "2025-10-13", "Scope extended to the Manchester studio."),
        # PLANTED (DOC007): version 2.0 was signed off by the CISO while the CEO was travelling, never by the sponsor.
        ("2.0", "isms_mgr", "ciso", "2026-03-16", "2026-03-23", "Annual review; objectives framework and climate change (Amd 1:2024) added."),
    ]),
    ("DOC-001", "ISMS manual: context, interested parties, scope and roles", "plan", "isms_mgr", 12, "4.1|4.2|4.3|4.4|5.3", "5.2", [
        ("1.0", "old_isms_mgr", "ciso", "2025-01-13", "2025-01-20", "First issue."),
        ("1.1", "isms_mgr", "ciso", "2025-10-06", "2025-10-13", "Scope 1.1; RACI updated for the new ISMS manager."),
        ("2.0", "isms_mgr", "ceo", "2026-03-16", "2026-03-23", "Scope 2.0 (warehouse, mobile app); climate change determination recorded."),
    ]),
    ("MET-001", "Risk assessment and treatment method", "method", "isms_mgr", 12, "6.1.1|6.1.2|6.1.3|8.2|8.3", "", [
        ("1.0", "old_isms_mgr", "ciso", "2025-01-20", "2025-01-27", "First issue: 5x5 matrix, acceptance at 6."),
        ("2.0", "isms_mgr", "ceo", "2025-11-24", "2025-12-01", "High threshold set at 15 with board reporting; 12-month reassessment made explicit."),
    ]),
    ("REC-001", "Statement of Applicability", "record", "ciso", 12, "6.1.3", "", [
        ("1.0", "old_isms_mgr", "ceo", "2025-02-10", "2025-02-10", "First SoA."),
        ("1.1", "isms_mgr", "ceo", "2025-10-20", "2025-10-20", "Evidence frequencies for every applicable control."),
        ("2.0", "isms_mgr", "ceo", "2026-03-23", "2026-03-23", "Annual risk assessment 2026."),
        ("2.1", "isms_mgr", "ceo", "2026-09-14", "2026-09-14", "Exclusions reconfirmed; labelling status."),
    ]),
    ("PLN-001", "Risk treatment plan", "plan", "isms_mgr", 6, "6.1.3|8.3", "", [
        ("1.0", "isms_mgr", "ciso", "2025-04-14", "2025-04-14", "First plan approved by the risk owners."),
        ("2.0", "isms_mgr", "ciso", "2025-10-20", "2025-10-20", "Half-yearly update."),
        ("3.0", "isms_mgr", "ciso", "2026-03-30", "2026-03-30", "Plan after the 2026 risk workshops."),
        ("3.1", "isms_mgr", "ciso", "2026-09-21", "2026-09-21", "Half-yearly update; eleven actions closed."),
    ]),
    ("PLN-002", "Information security objectives and plans", "plan", "ciso", 12, "6.2", "", [
        ("1.0", "ciso", "ceo", "2025-01-27", "2025-02-01", "Objectives OBJ-01 to OBJ-05."),
        ("2.0", "ciso", "ceo", "2025-12-15", "2026-01-01", "OBJ-06 to OBJ-10 added with the 2026 budget."),
    ]),
    ("POL-002", "Access control policy", "topic_policy", "ciso", 12, "", "5.15|5.16|5.17|5.18|8.2|8.3|8.5", [
        ("1.0", "old_isms_mgr", "ciso", "2025-02-03", "2025-02-10", "First issue; review frequency per system."),
        ("1.1", "it_ops", "ciso", "2026-01-26", "2026-02-02", "Just-in-time admin; quarterly reviews for critical systems."),
    ]),
    # PLANTED (F18): the acceptable use policy was due for review on 2026-08-01.
    ("POL-003", "Acceptable use and remote working policy", "topic_policy", "people_head", 12, "", "5.10|6.7|7.7|7.9|8.1", [
        ("1.0", "old_isms_mgr", "ciso", "2025-02-03", "2025-02-10", "First issue."),
        ("1.1", "hr_mgr", "ciso", "2025-07-14", "2025-08-01", "Remote working rules for the Manchester studio."),
    ]),
    ("POL-004", "Supplier security policy", "topic_policy", "supply_mgr", 12, "", "5.19|5.20|5.21|5.22|5.23", [
        ("1.0", "supply_mgr", "ciso", "2025-03-03", "2025-03-10", "First issue: tiers and assessment frequency."),
        ("1.1", "supply_mgr", "ciso", "2026-02-23", "2026-03-02", "Cloud service register and exit plans added."),
    ]),
    ("POL-005", "Data protection and retention policy", "topic_policy", "dpo", 12, "", "5.33|5.34|8.10", [
        ("1.0", "dpo", "cfo", "2025-03-03", "2025-03-10", "First issue with the retention schedule."),
        ("1.1", "dpo", "cfo", "2026-03-02", "2026-03-09", "Annual review; telemetry retention for churned customers clarified."),
    ]),
    ("POL-006", "Cryptography policy", "topic_policy", "cto", 24, "", "8.24", [
        ("1.0", "platform_head", "cto", "2025-04-07", "2025-04-14", "First issue; HSM for firmware signing."),
    ]),
    ("POL-007", "Secure development policy", "topic_policy", "cto", 12, "", "8.4|8.25|8.26|8.27|8.28|8.29|8.31|8.32|8.33", [
        ("1.0", "sw_lead", "cto", "2025-03-17", "2025-03-24", "First issue."),
        ("1.1", "sw_lead", "cto", "2026-02-16", "2026-02-23", "Firmware fuzzing and AI coding assistant rules."),
    ]),
    ("POL-008", "Information classification and handling policy", "topic_policy", "dpo", 12, "", "5.12|5.13|5.14", [
        ("1.0", "dpo", "ciso", "2025-02-17", "2025-02-24", "First issue: four classification levels."),
        ("1.1", "dpo", "ciso", "2026-02-09", "2026-02-16", "Sensitivity labels in Microsoft 365."),
    ]),
    ("POL-009", "Physical and environmental security policy", "topic_policy", "facilities", 12, "", "7.1|7.2|7.3|7.5|7.6|7.8|7.11|7.12|7.13", [
        ("1.0", "facilities", "ops_dir", "2025-03-10", "2025-03-17", "First issue."),
        ("1.1", "facilities", "ops_dir", "2026-01-19", "2026-01-26", "Warehouse added; comms room relocation."),
    ]),
    ("POL-010", "Business continuity policy", "topic_policy", "ciso", 12, "", "5.29|5.30", [
        ("1.0", "ciso", "ceo", "2025-04-22", "2025-04-28", "First issue."),
        ("1.1", "ciso", "ceo", "2026-04-20", "2026-04-27", "Flood and heatwave scenarios."),
    ]),
    ("PRO-001", "Incident management procedure", "procedure", "sec_eng", 12, "", "5.24|5.25|5.26|5.27|5.28|6.8", [
        ("1.0", "old_isms_mgr", "ciso", "2025-01-20", "2025-01-27", "First issue."),
        ("1.1", "sec_eng", "ciso", "2025-07-07", "2025-07-14", "Data breach annex after INC-2025-007."),
        ("2.0", "sec_eng", "ciso", "2026-06-22", "2026-06-29", "Ransomware playbook rewritten after INC-2026-007."),
    ]),
    ("PRO-002", "Joiners, movers and leavers procedure", "procedure", "hr_mgr", 12, "", "5.11|5.16|5.18|6.1|6.5", [
        ("1.0", "hr_mgr", "people_head", "2025-02-17", "2025-02-24", "First issue."),
        ("1.1", "hr_mgr", "people_head", "2025-11-10", "2025-11-17", "Agency leaver notification after INC-2025-014."),
        ("1.2", "hr_mgr", "people_head", "2026-09-28", "2026-10-05", "Annual review; leaver checklist tied to the Okta deactivation."),
    ]),
    ("PRO-003", "User access review procedure", "procedure", "ciso", 12, "", "5.18|8.2", [
        ("1.0", "it_ops", "ciso", "2025-02-17", "2025-02-24", "First issue."),
        ("1.1", "it_ops", "ciso", "2026-02-16", "2026-02-23", "Evidence of each review kept in the ISMS."),
    ]),
    ("PRO-004", "Vulnerability and patch management procedure", "procedure", "sec_eng", 12, "", "8.8|8.19", [
        ("1.0", "sec_eng", "ciso", "2025-03-03", "2025-03-10", "First issue: targets by severity."),
        ("1.1", "sec_eng", "ciso", "2026-03-02", "2026-03-09", "Dependabot and firmware components included."),
    ]),
    ("PRO-005", "Backup and restore procedure", "procedure", "sre_lead", 12, "", "8.13|8.14", [
        ("1.0", "sre_lead", "platform_head", "2025-03-24", "2025-03-31", "First issue."),
        # PLANTED (DOC006): the SRE lead wrote and approved version 1.1 herself.
        ("1.1", "sre_lead", "sre_lead", "2026-06-29", "2026-07-06", "Vault account and standby region restores."),
    ]),
    ("PRO-006", "Change management procedure", "procedure", "platform_head", 12, "6.3", "8.32", [
        ("1.0", "platform_head", "cto", "2025-03-24", "2025-03-31", "First issue."),
        ("1.1", "platform_head", "cto", "2026-03-23", "2026-03-30", "Planning of ISMS changes (6.3) added."),
    ]),
    ("PRO-007", "Internal audit procedure", "procedure", "isms_mgr", 12, "9.2|9.2.1|9.2.2", "5.35", [
        ("1.0", "isms_mgr", "ceo", "2025-04-28", "2025-05-06", "First issue; auditor independence rules."),
        ("1.1", "isms_mgr", "ceo", "2026-04-27", "2026-05-05", "Three-year programme covering all clauses and controls."),
    ]),
    ("PRO-008", "Management review procedure", "procedure", "isms_mgr", 12, "9.3|9.3.1|9.3.2|9.3.3|5.1", "", [
        ("1.0", "isms_mgr", "ceo", "2025-04-28", "2025-05-06", "First issue."),
        ("1.1", "isms_mgr", "ceo", "2026-04-27", "2026-05-05", "Inputs list aligned with 9.3.2 a) to g)."),
    ]),
    ("PRO-009", "Nonconformity and corrective action procedure", "procedure", "isms_mgr", 12, "10.1|10.2", "", [
        ("1.0", "isms_mgr", "ceo", "2025-04-28", "2025-05-06", "First issue."),
        ("1.1", "isms_mgr", "ceo", "2026-04-27", "2026-05-05", "Effectiveness check made mandatory before closure."),
    ]),
    # PLANTED (ANX001): 5.37 is linked to no document; the operating runbooks live in Confluence, outside the register.
    ("PRO-010", "Control of documented information", "procedure", "isms_mgr", 12, "7.5|7.5.1|7.5.2|7.5.3", "", [
        ("1.0", "old_isms_mgr", "ciso", "2025-01-20", "2025-01-27", "First issue."),
        ("1.1", "isms_mgr", "ciso", "2026-01-19", "2026-01-26", "Review intervals per document kind."),
    ]),
    ("PRO-011", "Competence, awareness and communication procedure", "procedure", "people_head", 12, "7.2|7.3|7.4", "6.3", [
        ("1.0", "people_head", "ciso", "2025-02-24", "2025-03-03", "First issue."),
        ("1.1", "people_head", "ciso", "2026-05-18", "2026-05-26", "Shop-floor toolbox talks added."),
    ]),
    # PLANTED (F18): version 1.1 was published without any approval.
    ("PRO-012", "Secure disposal of equipment and media procedure", "procedure", "it_ops", 12, "", "7.10|7.14", [
        ("1.0", "it_ops", "ciso", "2025-05-12", "2025-05-19", "First issue."),
        ("1.1", "it_ops", None, None, "2026-06-01", "MFD disks and RMA devices added."),
    ]),
    ("STD-001", "Logging and monitoring standard", "standard", "sec_eng", 12, "9.1", "8.15|8.16|8.17", [
        ("1.0", "sec_eng", "ciso", "2025-05-19", "2025-05-27", "First issue: log sources and retention."),
        ("1.1", "sec_eng", "ciso", "2026-05-18", "2026-05-26", "On-premises servers and Altium logs added."),
    ]),
    # PLANTED (F18): a controlled document with no version history at all.
    ("STD-002", "Secure configuration baseline", "standard", "platform_head", 12, "", "8.9|8.20|8.22", []),
    ("PLN-003", "Business continuity and ICT readiness plan", "plan", "ciso", 12, "", "5.29|5.30|8.14", [
        ("1.0", "ciso", "ceo", "2025-05-27", "2025-06-02", "First issue."),
        ("2.0", "ciso", "ceo", "2026-05-26", "2026-06-01", "Standby region, flood scenario and second SMS route."),
    ]),
    ("PLN-004", "ISMS communication plan", "plan", "isms_mgr", 12, "7.4", "", [
        ("1.0", "isms_mgr", "ciso", "2025-06-09", "2025-06-16", "First issue."),
        ("1.1", "isms_mgr", "ciso", "2026-06-08", "2026-06-15", "Board quarterly report and shop-floor channel."),
    ]),
    ("REC-002", "Internal audit programme 2025-2027", "record", "isms_mgr", 12, "9.2.2", "5.35", [
        ("1.0", "isms_mgr", "ceo", "2025-05-06", "2025-05-06", "Programme for the first three-year cycle."),
        ("1.1", "isms_mgr", "ceo", "2026-05-05", "2026-05-05", "2026 audits re-planned around the certification date."),
    ]),
]


def sheet_documents():
    documents, versions = [], []
    for ref, title, kind, owner, interval, clauses, controls, history in DOCUMENTS:
        next_review = add_months(D(history[-1][4]), interval) if history else None
        if ref == "POL-003":
            next_review = D("2026-08-01")  # PLANTED (F18): overdue at the audit date
        if ref == "STD-002":
            next_review = D("2027-01-31")
        documents.append({"ref": ref, "title": title, "kind": kind, "owner": P[owner],
                          "review_interval_months": interval, "next_review_on": next_review,
                          "clauses": id_list(clauses), "controls": id_list(controls)})
        for version, author, approver, approved_on, effective_on, summary in history:
            versions.append({"document": ref, "version": version, "author": P[author],
                             "approver": P[approver] if approver else None,
                             "approved_on": D(approved_on) if approved_on else None,
                             "effective_on": D(effective_on) if effective_on else None,
                             "change_summary": summary,
                             "text": f"{INTRANET}/isms/{ref.lower()}/v{version}"})
    return documents, versions


# --------------------------------------------------------------------------------------------
# Systems, accounts and access reviews (5.15-5.18)
# --------------------------------------------------------------------------------------------


def _is(*keys):
    return lambda p: p.key in keys


def _dept(*depts):
    return lambda p: p.department in depts


def _title(*words):
    return lambda p: any(w in p.title for w in words)


def _any(*tests):
    return lambda p: any(t(p) for t in tests)


SUPPORT = _any(_title("Customer Success", "Support"), _is("cs_head"))
FIRMWARE = _any(_title("Firmware"), _is("fw_lead", "hw_head"))
def DEVELOPERS(p):
    return p.department == "Software Engineering" and not any(w in p.title for w in ("Product Manager", "UX Designer"))


def HARDWARE_DESIGNERS(p):
    return p.department == "Hardware Engineering" and "Firmware" not in p.title

# name, owner, criticality, review frequency, description, who has an account, username scheme,
# privileged keys, last-use window (days before 2026-11-13), service accounts [(username, privileged)]
SYSTEMS = [
    ("Microsoft 365", "it_ops", "high", "semiannual", "Email, Teams, SharePoint, Intune and Entra ID for all staff.",
     lambda p: True, "email", ("it_ops", "ciso"), 25,
     [("svc-scan-to-email@acme.example", False), ("breakglass-m365@acme.example", True)]),
    ("Okta", "ciso", "critical", "quarterly", "Single sign-on and MFA; provisions Microsoft 365, Jira, GitHub and Zendesk.",
     lambda p: True, "email", ("it_ops", "ciso"), 25, [("svc-scim-bamboohr", True)]),
    ("BambooHR", "hr_mgr", "high", "semiannual", "HR records, absence and applicant tracking; employee self-service.",
     lambda p: p.kind == "employee", "email", ("hr_mgr", "people_head"), 150, []),
    ("Jira and Confluence", "sw_lead", "medium", "annual", "Work tracking, runbooks and engineering documentation.",
     _any(_dept(*TECH_DEPTS, "Quality and Supply Chain"), SUPPORT, _is("production_mgr", "ops_dir", "isms_mgr", "cos")),
     "email", ("sw_lead",), 30, []),
    ("GitHub Enterprise", "cto", "critical", "quarterly", "Source code for SensorCloud, firmware and infrastructure.",
     _any(DEVELOPERS, _dept("Platform Operations"), FIRMWARE, _is("sec_eng", "sec_eng2")),
     "github", ("cto", "sw_lead", "platform_head"), 30, [("acme-release-bot", False)]),
    ("Salesforce", "sales_ops", "high", "quarterly", "CRM, quoting and export screening.",
     _any(_dept("Commercial"), _is("cfo", "fin_ctrl", "ceo", "dpo")), "email", ("sales_ops",), 30, []),
    ("SAP Business One", "fin_ctrl", "high", "quarterly", "Finance, purchasing, stock and production orders.",
     _any(_dept("Finance and Legal"), _title("Buyer", "Production Planner", "Logistics"), _is("supply_mgr", "quality_head", "production_mgr", "ops_dir")),
     "sap", ("fin_ctrl",), 60, [("SVC_EDI", False)]),
    ("AWS production", "platform_head", "critical", "quarterly", "AWS accounts running SensorCloud (access through IAM Identity Center).",
     _any(_dept("Platform Operations"), _is("sw_lead", "cto", "sec_eng")), "aws", ("platform_head", "sre_lead"), 90,
     [("svc-terraform", True), ("svc-backup-copy", False)]),
    ("SensorCloud admin console", "sre_lead", "critical", "quarterly", "Internal console for tenant administration and support impersonation.",
     _any(_dept("Platform Operations"), SUPPORT, _is("sw_lead")), "email", ("sre_lead", "platform_head"), 30, []),
    ("Tulip MES", "production_mgr", "high", "semiannual", "Manufacturing execution system on the shop-floor tablets.",
     _any(_dept("Manufacturing"), _title("Quality"), _is("quality_head")), "dotted", ("production_mgr",), 20, []),
    ("Zendesk", "cs_head", "medium", "semiannual", "Customer support desk and help centre.",
     _any(SUPPORT, _is("sre_lead", "commercial_dir")), "email", ("cs_head",), 20, []),
    ("Sage Payroll", "cfo", "high", "quarterly", "Cloud payroll and pensions.",
     _is("payroll", "cfo", "fin_ctrl", "hr_mgr"), "email", ("payroll",), 20, []),
    ("Altium 365", "hw_head", "medium", "annual", "Hardware design collaboration.",
     _any(HARDWARE_DESIGNERS, _is("supply_mgr", "hw_head")),
     "email", ("hw_head",), 60, []),
    ("1Password Business", "it_ops", "critical", "quarterly", "Password manager for shared and break-glass secrets.",
     _any(_dept("IT and Security", "Platform Operations"), _is("sw_lead", "cto", "fw_lead")), "email", ("it_ops", "ciso"), 25, []),
    ("CrowdStrike Falcon", "sec_eng", "high", "quarterly", "EDR management console.",
     _is("ciso", "sec_eng", "sec_eng2", "it_ops"), "email", ("sec_eng", "ciso"), 20, []),
]

CORE_SYSTEMS = ("Microsoft 365", "Okta", "BambooHR")  # leaver accounts are disabled, not deleted


def username(person: Person, scheme: str, taken: set) -> str:
    base = {
        "email": person.email,
        "github": "acme-" + (person.first[0] + person.last).lower().replace("-", ""),
        "sap": (person.first[0] + person.last).upper().replace("-", "")[:10],
        "aws": f"{person.first}.{person.last}".lower(),
        "dotted": f"{person.first}.{person.last}".lower(),
    }[scheme]
    name, n = base, 2
    while name in taken:
        name = f"{base}{n}"
        n += 1
    taken.add(name)
    return name


def sheet_systems_accounts_reviews():
    systems, accounts, reviews = [], [], []
    members: dict[str, list[Person]] = {}
    for name, owner, crit, freq, desc, who, scheme, privileged, window, services in SYSTEMS:
        systems.append({"name": name, "owner": P[owner], "criticality": crit, "access_review_frequency": freq,
                        "description": desc})
        taken: set = set()
        members[name] = [p for p in ALL if who(p)]
        rows = []
        for person in members[name]:
            planted_active = (name == "Salesforce" and person.key == "leaver_sf") or (
                name == "AWS production" and person.key == "leaver_aws")
            if not person.current and name not in CORE_SYSTEMS and not planted_active:
                continue  # removed when they left
            if person.current:
                last_used = rdate(max(person.start, HISTORY_END - timedelta(days=window)), D("2026-11-13"))
                active = True
            else:
                last_used = rdate(max(person.start, person.leave - timedelta(days=10)), person.leave)
                active = planted_active  # PLANTED (F13) for the two leavers; everyone else disabled
            rows.append({"system": name, "username": username(person, scheme, taken), "person": person.email,
                         "is_active": active, "is_privileged": person.key in privileged or (planted_active and name == "AWS production"),
                         "last_used_on": last_used})
        for service, priv in services:
            rows.append({"system": name, "username": service, "person": None, "is_active": True, "is_privileged": priv,
                         "last_used_on": rdate(D("2026-10-01"), D("2026-11-13")) if not service.startswith("breakglass") else D("2026-09-15")})
        if name == "Tulip MES":
            # PLANTED (ACC004): the shared SMT line 2 login on the shop-floor tablets (see R-057), linked to nobody.
            rows.append({"system": name, "username": "smt-line2", "person": None, "is_active": True,
                         "is_privileged": False, "last_used_on": D("2026-11-13")})
        rows.sort(key=lambda r: r["username"])
        accounts.extend(rows)

        # Access reviews at the system's frequency, starting in 2025.
        months = {"quarterly": [(2025, 3), (2025, 6), (2025, 9), (2025, 12), (2026, 3), (2026, 6), (2026, 9)],
                  "semiannual": [(2025, 5), (2025, 11), (2026, 5), (2026, 11)],
                  "annual": [(2025, 6), (2026, 6)]}[freq]
        if name == "SAP Business One":
            months = [(2025, 3), (2025, 6), (2025, 9), (2025, 12), (2026, 3)]  # PLANTED (F13): none since March 2026
        previous = HISTORY_START
        for year, month in months:
            if name == "SAP Business One" and (year, month) == (2026, 3):
                day = D("2026-03-27")
            else:
                day = rdate(date(year, month, 8), min(month_end(year, month), D("2026-11-13")))
            in_scope = [p for p in members[name] if p.start <= day and (p.leave is None or p.leave >= previous)]
            left = [p for p in in_scope if p.leave and previous < p.leave <= day and not (
                (name == "Salesforce" and p.key == "leaver_sf") or (name == "AWS production" and p.key == "leaver_aws"))]
            dormant = rng.choice([0, 0, 0, 1, 1, 2]) if len(in_scope) > 8 else 0
            removed = len(left) + dormant
            bits = []
            if left:
                verb = "disabled" if name in CORE_SYSTEMS else "removed"
                bits.append(f"{len(left)} leaver account{'s' if len(left) > 1 else ''} confirmed {verb}")
            if dormant:
                bits.append(f"{dormant} dormant account{'s' if dormant > 1 else ''} (no login for 90 days) disabled")
            if not bits:
                bits.append(rng.choice(["No exceptions found", "All accounts confirmed by line managers",
                                        "No changes needed; privileged list unchanged"]))
            if privileged and rng.random() < 0.5:
                bits.append(f"privileged accounts ({len(privileged) + sum(1 for _s, pr in services if pr)}) re-approved by the owner")
            ticket = f"CHG-{3000 + (day - HISTORY_START).days * 4 + rng.randint(0, 3)}"
            notes = "; ".join(bits) + f". Ticket {ticket}."
            reviews.append({"system": name, "reviewed_on": day, "reviewer": P[owner],
                            "accounts_reviewed": len(in_scope) + len(services), "accounts_removed": removed,
                            "notes": notes[0].upper() + notes[1:]})
            previous = day
    # PLANTED (ACC002): the signing host put in front of the YubiHSM in June 2025 is registered as a critical
    # system, but no access-review frequency was ever set, so it has never been reviewed.
    signing = "Firmware signing (YubiHSM)"
    systems.append({"name": signing, "owner": P["fw_lead"], "criticality": "critical", "access_review_frequency": "",
                    "description": "Signing host in front of the YubiHSM: two-person approval of firmware release builds."})
    for key, privileged, last_used in (("fw_lead", True, "2026-11-10"), ("hw_head", False, "2026-11-10"),
                                       ("sec_eng", False, "2026-10-22")):
        accounts.append({"system": signing, "username": P[key], "person": P[key], "is_active": True,
                         "is_privileged": privileged, "last_used_on": D(last_used)})
    reviews.sort(key=lambda r: (r["reviewed_on"], r["system"]))
    return systems, accounts, reviews


# --------------------------------------------------------------------------------------------
# Suppliers (5.19-5.23)
# --------------------------------------------------------------------------------------------

REQ_CLOUD = "confidentiality|DPA (UK GDPR Art. 28)|breach notification within 72 hours|SOC 2 Type II or ISO/IEC 27001 report yearly|data location UK/EU|exit and data return"
REQ_SITE = "confidentiality|site rules and escorted access|return or destruction of our information"

# name, service, tier, data access, cloud, owner, contract, signed, requirements, frequency, assessed, result
SUPPLIERS = [
    ("Amazon Web Services", "SensorCloud production hosting (eu-west-2, standby eu-west-1)", "critical", "personal", True, "platform_head", "AWS-EA-2024-117", "2024-03-01", REQ_CLOUD, "annual", "2026-03-12", "passed"),
    ("Microsoft", "Microsoft 365, Entra ID, Intune and Sentinel", "critical", "personal", True, "it_ops", "MS-EA-7731092", "2023-07-01", REQ_CLOUD, "annual", "2026-02-18", "passed"),
    ("Okta", "Workforce identity and single sign-on", "critical", "personal", True, "ciso", "OKTA-2024-0456", "2024-02-15", REQ_CLOUD, "annual", "2026-04-09", "passed"),
    ("GitHub", "GitHub Enterprise Cloud", "critical", "confidential", True, "cto", "GH-ENT-55120", "2023-11-01", REQ_CLOUD, "annual", "2026-01-22", "passed"),
    ("AgileBits (1Password)", "Business password manager", "critical", "confidential", True, "it_ops", "1P-BUS-20931", "2024-05-20", REQ_CLOUD, "annual", "2026-05-28", "passed"),
    ("Salesforce", "CRM and quoting (Sales Cloud)", "high", "personal", True, "sales_ops", "SFDC-UK-88412", "2022-04-01", REQ_CLOUD, "annual", "2026-05-14", "passed"),
    ("Atlassian", "Jira and Confluence Cloud", "high", "confidential", True, "sw_lead", "ATL-CLOUD-3391", "2023-01-16", REQ_CLOUD, "annual", "2026-06-03", "passed"),
    ("Zendesk", "Customer support desk", "high", "personal", True, "cs_head", "ZD-2023-7781", "2023-06-01", REQ_CLOUD, "annual", "2026-07-08", "conditional"),
    ("Tulip Interfaces", "Manufacturing execution system (SaaS)", "high", "confidential", True, "production_mgr", "TULIP-2024-118", "2024-09-02", REQ_CLOUD, "annual", "2026-03-25", "passed"),
    ("BambooHR", "HR information system and applicant tracking", "high", "personal", True, "hr_mgr", "BHR-UK-44807", "2021-10-01", REQ_CLOUD, "annual", "2026-02-05", "passed"),
    ("Sage UK", "Cloud payroll and pensions (Sage Payroll)", "high", "personal", True, "cfo", "SAGE-PAY-20117", "2020-04-06", REQ_CLOUD, "annual", "2026-01-30", "passed"),
    ("Altium", "Altium 365 design collaboration", "high", "confidential", True, "hw_head", "ALT-365-9921", "2023-03-01", REQ_CLOUD, "annual", "2025-12-10", "passed"),
    ("CrowdStrike", "Falcon EDR and threat intelligence", "high", "confidential", True, "sec_eng", "CS-FALCON-7712", "2025-01-20", REQ_CLOUD, "annual", "2026-08-19", "passed"),
    ("Cloudflare", "DNS, CDN and web application firewall", "high", "internal", True, "platform_head", "CF-ENT-30018", "2024-01-10", REQ_CLOUD, "annual", "2026-04-30", "passed"),
    ("Twilio", "SMS alarm delivery", "high", "personal", True, "platform_head", "TWL-2022-5521", "2022-08-01", REQ_CLOUD, "annual", "2026-06-17", "passed"),
    ("Vonage", "Secondary SMS route for alarms", "high", "personal", True, "platform_head", "VON-2026-0117", "2026-07-20", REQ_CLOUD, "annual", "2026-07-15", "passed"),
    # PLANTED (SUP005): a cloud service holding personal data that was never assessed on its own (it was
    # assumed to be covered by the Twilio assessment).
    ("Twilio SendGrid", "Transactional email for alarms and reports", "medium", "personal", True, "platform_head", "SG-2022-1183", "2022-08-01", REQ_CLOUD, "biennial", None, ""),
    ("Stripe Payments UK", "Subscription billing for SensorCloud", "medium", "personal", True, "fin_ctrl", "STRIPE-ACME-01", "2023-02-01", REQ_CLOUD, "biennial", "2025-06-12", "passed"),
    ("VaultEdge Backup Ltd", "Immutable offsite backup of the file server", "high", "confidential", True, "it_ops", "VEB-2025-044", "2025-02-03", REQ_CLOUD, "annual", "2026-07-14", "passed"),
    ("SAP UK (via partner Northbridge ERP Ltd)", "SAP Business One licences, hosting and support", "high", "confidential", True, "fin_ctrl", "NB-ERP-2021-07", "2021-07-01", REQ_CLOUD, "annual", "2026-09-16", "passed"),
    # PLANTED (F14): a cloud service that is not flagged as one.
    ("Mailchimp", "SaaS email marketing platform for newsletters and event invitations", "medium", "personal", False, "marketing", "MC-ONLINE-2025", "2025-03-03", "confidentiality|DPA (online terms)|breach notification", "biennial", "2025-04-10", "passed"),
    # PLANTED (F14): a high-tier supplier never assessed.
    ("Don Valley PCB Assembly Ltd", "Overflow PCB assembly (receives Gerbers, BOMs and pick-and-place files)", "high", "confidential", False, "supply_mgr", "DVPA-2024-03", "2024-06-17", "confidentiality|IP ownership of manufacturing files|destruction of files at contract end|right to audit", "annual", None, ""),
    ("Sheaf Precision Plastics Ltd", "Injection-moulded sensor enclosures", "medium", "internal", False, "supply_mgr", "SPP-2019-11", "2019-11-04", "confidentiality|tooling ownership", "biennial", "2025-05-20", "passed"),
    ("Arden Components Distribution Ltd", "Franchised distributor of MCUs and MEMS devices", "medium", "internal", False, "supply_mgr", "ARD-2020-02", "2020-02-10", "confidentiality|certificates of conformance|counterfeit mitigation (AS6496)", "biennial", "2025-07-08", "passed"),
    ("Northern Calibration Services Ltd", "UKAS calibration of reference standards", "medium", "internal", False, "cal_mgr", "NCS-2018-05", "2018-05-14", "confidentiality|UKAS accreditation maintained", "biennial", "2025-08-19", "passed"),
    # PLANTED (SUP003): booked on account through the courier's web portal; no contract was ever signed.
    ("Pennine Logistics Ltd", "Domestic courier and pallet distribution", "low", "internal", False, "supply_mgr", "", None, "", "biennial", "2025-03-26", "passed"),
    # PLANTED (SUP006): failed its 2025 assessment (shared logins on its customs portal, no MFA) and is still used.
    ("TransGlobal Freight Forwarding Ltd", "Export shipments and customs declarations", "medium", "confidential", False, "supply_mgr", "TGF-2022-03", "2022-03-15", "confidentiality|export control compliance|breach notification", "biennial", "2025-10-07", "failed"),
    # PLANTED (SUP002): assessed yearly, but the 2026 assessment never happened (last one August 2025).
    ("Hallam Security Systems Ltd", "CCTV, intruder alarm and door access maintenance", "medium", "confidential", False, "facilities", "HSS-2020-06", "2020-06-01", REQ_SITE + "|remote access only on request", "annual", "2025-08-12", "passed"),
    ("Castlegate IT Recycling Ltd", "WEEE disposal and certified data destruction", "high", "confidential", False, "it_ops", "CITR-2023-08", "2023-08-21", "confidentiality|certificates of destruction|ADISA certification|chain of custody", "annual", "2026-05-06", "passed"),
    ("RedTeam Labs Ltd", "CREST penetration testing", "high", "confidential", False, "ciso", "RTL-2025-02", "2025-04-28", "confidentiality|rules of engagement|secure deletion of test data|CREST accreditation", "annual", "2026-04-21", "passed"),
    ("Albion Certification Ltd", "ISO/IEC 27001 certification body", "low", "confidential", False, "isms_mgr", "ACL-2026-011", "2026-03-02", "confidentiality|UKAS accreditation", "biennial", "2026-03-02", "passed"),
    ("Harbour & Co Solicitors LLP", "Commercial and employment legal services", "medium", "confidential", False, "dpo", "HCS-ENG-2019", "2019-01-07", "confidentiality|professional secrecy|Cyber Essentials Plus", "biennial", "2025-11-12", "passed"),
    ("Moorland Insurance Brokers Ltd", "Insurance broking, including cyber cover", "low", "internal", False, "cfo", "MIB-2020-01", "2020-01-20", "confidentiality", "biennial", "2025-01-28", "passed"),
    ("Northern Fibre Networks Ltd", "1 Gb/s leased line and 4G backup", "medium", "internal", False, "it_ops", "NFN-2024-12", "2024-12-02", "confidentiality|service levels|incident notification", "annual", "2026-10-13", "passed"),
    ("Riverside Office Solutions Ltd", "Managed print: MFD lease and maintenance", "medium", "confidential", False, "facilities", "ROS-2023-04", "2023-04-03", "confidentiality|certified disk destruction at lease end", "biennial", "2025-09-30", "passed"),
    ("Steel City Facilities Services Ltd", "Cleaning and out-of-hours guarding", "low", "internal", False, "facilities", "SCF-2022-10", "2022-10-03", REQ_SITE + "|vetted staff", "biennial", "2025-06-24", "passed"),
    # PLANTED (SUP007): holds personal data, but no review frequency was ever set.
    ("Peak Pensions Administration Ltd", "Pension scheme administration", "medium", "personal", False, "payroll", "PPA-2018-04", "2018-04-06", "confidentiality|DPA (UK GDPR Art. 28)|breach notification within 72 hours", "", "2025-05-13", "passed"),
    ("Ironside Offsite Archive Ltd", "Storage of paper records and retrieval", "medium", "confidential", False, "dpo", "IOA-2017-09", "2017-09-11", "confidentiality|access log|certified destruction on instruction", "biennial", "2025-02-25", "passed"),
    # PLANTED (F14): a contract holding personal data with no security requirements at all.
    ("Brightwater Recruitment Ltd", "Agency supply of candidates and temporary operators", "medium", "personal", False, "hr_mgr", "BWR-2025-01", "2025-01-20", "", "biennial", "2025-11-05", "conditional"),
    ("Kinetic Web Studio Ltd", "Website development and managed WordPress hosting", "medium", "internal", True, "marketing", "KWS-2025-06", "2025-06-02", "confidentiality|patching within 7 days|backups|breach notification", "biennial", "2025-06-02", "passed"),
]


def sheet_suppliers():
    return [{"name": n, "service": s_, "tier": t, "data_access": da, "is_cloud_service": c, "owner": P[o],
             "contract_reference": ref, "contract_signed_on": D(signed) if signed else None,
             "security_requirements": req, "review_frequency": f, "last_assessed_on": D(a) if a else None,
             "last_assessment_result": r}
            for n, s_, t, da, c, o, ref, signed, req, f, a, r in SUPPLIERS]


# --------------------------------------------------------------------------------------------
# Incidents, events and near misses (5.24-5.28, 6.8)
# --------------------------------------------------------------------------------------------

# title, kind, severity, occurred, reported, reporter (key or department), closed, root cause, lessons learned
INCIDENTS = [
    ("Password-spray attempts against Okta from a residential proxy network", "event", "low", "2025-01-08", "2025-01-08", "sec_eng", "2025-01-09",
     "Opportunistic spray against common first names; MFA stopped every attempt",
     "Okta ThreatInsight switched to block mode; no accounts affected"),
    ("Invoice phishing email reported by accounts payable before payment", "near_miss", "low", "2025-01-27", "2025-01-27", "Finance and Legal", "2025-01-28",
     "Look-alike domain acme-components.co registered two days earlier",
     "Look-alike domain monitoring added; the reporter thanked in the staff newsletter"),
    ("MQTT broker TLS certificate expired; 1,900 gateways offline for three hours", "incident", "medium", "2025-02-18", "2025-02-18", "sre_lead", "2025-03-04",
     "Certificate renewal tracked in a spreadsheet and its owner was on leave",
     "Renewal automated with ACM and expiry alerting added (RTP for R-009); customers sent a service report"),
    ("Laptop stolen from an engineer's car in Doncaster", "incident", "low", "2025-03-11", "2025-03-11", "Hardware Engineering", "2025-03-14",
     "Laptop left visible in a parked car during a customer visit",
     "Device was encrypted and wiped remotely; travel guidance reissued to field staff"),
    ("Unknown USB stick found in the canteen and handed to IT", "near_miss", "low", "2025-04-02", "2025-04-02", "Manufacturing", "2025-04-03",
     "Dropped by a visitor; analysed in a sandbox and found to hold holiday photos",
     "Used as a positive example in the awareness newsletter; USB control on line PCs prioritised"),
    ("EDR blocked a cracked CAD plug-in downloaded by an engineer", "event", "low", "2025-04-29", "2025-04-29", "sec_eng", "2025-04-30",
     "Engineer searched for a free plug-in instead of requesting a licence",
     "Licence request route explained to the team; local admin removal brought forward (R-058)"),
    ("Site contact list of one water utility emailed to another customer", "data_breach", "medium", "2025-05-20", "2025-05-20", "cs_head", "2025-05-30",
     "Outlook autocomplete picked the wrong recipient; no prompt for external sharing of customer data",
     "Recipient confirmed deletion in writing; DPO assessed it as not reportable to the ICO (business contact details, low risk); DLP policy tips planned (R-015)"),
    ("Malware on an SMT line PC from an OEM engineer's USB stick", "incident", "high", "2025-06-12", "2025-06-12", "shift_b", "2025-07-02",
     "USB ports open on line PCs; the OEM engineer bypassed the visitor rules",
     "Device control on line PCs (R-004); OEM service contract updated; line PCs rebuilt from a known-good image"),
    ("AWS Config flagged a public S3 bucket holding marketing images", "event", "low", "2025-07-03", "2025-07-03", "sre_lead", "2025-07-03",
     "Bucket intentionally public for the website, but not tagged as such",
     "Public buckets must carry an approved-public tag; Config rule updated"),
    ("Calibration lab door found propped open overnight", "near_miss", "medium", "2025-07-22", "2025-07-23", "cal_mgr", "2025-07-25",
     "Door wedged for a delivery of shaker tables and not closed at the end of the shift",
     "Self-closing door and badge reader fitted (R-025)"),
    ("DDoS against the MQTT ingestion endpoint for 40 minutes", "incident", "medium", "2025-08-14", "2025-08-14", "sre_lead", "2025-08-21",
     "Botnet campaign against IoT brokers; no scrubbing in front of the endpoint",
     "Shield Advanced engaged (R-008); DDoS runbook written and exercised"),
    ("Real credential-phishing email reported during a simulation campaign", "near_miss", "low", "2025-09-09", "2025-09-09", "Commercial", "2025-09-10",
     "Targeted lure imitating a tender portal",
     "Sender domain blocked; tender portal lures added to the simulation library"),
    ("Zendesk notified a security incident not affecting our instance", "event", "low", "2025-10-01", "2025-10-01", "cs_head", "2025-10-06",
     "Supplier incident in a different region",
     "Supplier's report filed with the assessment; no action needed"),
    ("Former contractor's GitHub access found four days after leaving", "incident", "low", "2025-10-24", "2025-10-28", "sw_lead", "2025-11-17",
     "The agency did not tell us the contract had ended, so no leaver ticket was raised",
     "Agencies must notify leavers within one working day (PRO-002 v1.1); contractor end dates held in BambooHR"),
    ("Engineer asked whether customer configs may be pasted into a public AI chatbot", "event", "low", "2025-11-19", "2025-11-19", "Software Engineering", "2025-11-21",
     "No guidance on generative AI existed",
     "Raised risk R-070; interim guidance issued the same week"),
    ("Comms room reached 34 C after the air-conditioning unit failed", "incident", "medium", "2025-12-09", "2025-12-09", "it_ops", "2025-12-12",
     "Compressor failure of one unit; its twin carried the load but alerting fired late",
     "Alert threshold lowered to 28 C; maintenance contract changed to quarterly visits"),
    ("Brute-force attempts against SensorCloud sign-in from three hosting providers", "event", "low", "2026-01-14", "2026-01-14", "sre_lead", "2026-01-15",
     "Credential-stuffing campaign using leaked third-party passwords",
     "Rate limits tightened; customers reminded to enable MFA"),
    ("Supplier bank-detail change request stopped by the call-back check", "near_miss", "medium", "2026-02-03", "2026-02-03", "fin_ctrl", "2026-02-04",
     "A component supplier's mailbox had been compromised",
     "Supplier informed; control R-014 worked as designed"),
    ("Quotation folder shared with 'anyone with the link'", "incident", "medium", "2026-02-25", "2026-02-25", "sales_ops", "2026-03-06",
     "SharePoint default link type allowed anonymous links",
     "Default link type set to specific people; anonymous links expire after 7 days"),
    # PLANTED (INC006): the phone was lost on 2026-03-06 but only reported 12 days later.
    ("Company phone lost on a train", "incident", "low", "2026-03-06", "2026-03-18", "Commercial", "2026-03-19",
     "Phone left on a train; its owner spent a week and a half looking for it before telling IT",
     "Phone wiped through Intune within an hour of the report; sign-in logs showed no use after the loss"),
    ("BusyBox vulnerability announced affecting the SG-400 gateway image", "event", "medium", "2026-04-07", "2026-04-07", "fw_lead", "2026-04-28",
     "Upstream vulnerability in a bundled component",
     "Patched firmware 4.2.3 released in 21 days; SBOM watch automated"),
    ("Caller impersonating a utility admin asked support to reset MFA", "near_miss", "high", "2026-05-12", "2026-05-12", "Commercial", "2026-05-20",
     "Social engineering using names from the customer's LinkedIn page",
     "Call-back and two-person approval for MFA resets (R-062)"),
    ("Ransomware dropper on a sales laptop contained by EDR within six minutes", "incident", "high", "2026-06-02", "2026-06-02", "sec_eng", "2026-06-19",
     "User approved an MFA push after a phishing email; local admin rights let the dropper run",
     "Phishing-resistant MFA extended to sales; local admin removed everywhere; ransomware playbook rewritten (PRO-001 v2.0)"),
    ("Heatwave: comms room alarms at 30 C, second cooling unit held temperature", "event", "low", "2026-06-30", "2026-06-30", "facilities", "2026-07-01",
     "Outside temperature 34 C",
     "Climate risk R-027 treatment confirmed effective"),
    ("Wrong firmware image loaded on 120 sensors on line 2", "incident", "medium", "2026-07-21", "2026-07-22", "shift_c", "2026-08-07",
     "Programming station picked the image by file name, and two images had similar names",
     "Stations now select images by signed manifest; end-of-line test checks the version"),
    ("Visitor found unescorted in the engineering lab corridor", "near_miss", "low", "2026-08-11", "2026-08-11", "Hardware Engineering", "2026-08-12",
     "Host left the visitor to take a phone call",
     "Reminder to hosts; visitor badges now open no inner doors"),
    # PLANTED (F15): closed without a root cause or lessons learned.
    ("Customer received another customer's alarm email", "incident", "medium", "2026-09-08", "2026-09-08", "cs_head", "2026-09-15",
     "", ""),
    # PLANTED (INC005): personal data breach closed with a root cause but no lessons learned.
    ("Payslips of two employees posted to their old home addresses", "data_breach", "low", "2026-09-24", "2026-09-25", "payroll", "2026-10-02",
     "Address changes made in BambooHR are not synchronised to Sage Payroll", ""),
    ("SMS delivery delays at the primary provider; failover route used", "event", "low", "2026-10-06", "2026-10-06", "sre_lead", "2026-10-06",
     "Provider-side carrier outage",
     "Secondary route (R-076) delivered all alarms; failover time recorded"),
    # PLANTED (INC004): high-severity incident still open six weeks after it was reported.
    ("SG-400 gateways at a water utility found reachable from the internet on their local web UI", "incident", "high", "2026-10-19", "2026-10-19", "cs_head", None,
     "Under investigation: the customer's integrator forwarded the web UI port; firmware 4.3, which disables remote access to the UI by default, awaits release", ""),
    ("Operator plugged a personal phone into a line PC; blocked by device control", "near_miss", "low", "2026-10-27", "2026-10-27", "shift_a", "2026-10-28",
     "Operator wanted to charge a phone",
     "Charging points added in the rest area"),
    ("Suspicious OAuth app consent by a finance user in Microsoft 365", "incident", "medium", "2026-11-09", "2026-11-09", "sec_eng", None,
     "Under investigation: consent given to a look-alike e-signature app", ""),
]


def sheet_incidents():
    rows = []
    counters: dict[int, int] = {}
    for title, kind, sev, occurred, reported, reporter, closed, cause, lessons in INCIDENTS:
        reported_on = D(reported)
        counters[reported_on.year] = counters.get(reported_on.year, 0) + 1
        ref = f"INC-{reported_on.year}-{counters[reported_on.year]:03d}"
        by = P[reporter] if reporter in P else pick_reporter(reported_on, reporter)
        rows.append({"ref": ref, "title": title, "kind": kind, "severity": sev, "occurred_on": D(occurred),
                     "reported_on": reported_on, "reported_by": by, "closed_on": D(closed) if closed else None,
                     "root_cause": cause, "lessons_learned": lessons})
    return rows


# --------------------------------------------------------------------------------------------
# Retention schedule, deletion records and data inventory (5.33, 8.10)
# --------------------------------------------------------------------------------------------

# category, system, months, method, legal basis, deletion cadence (months) and performer, inventory [(system, oldest, count)]
RETENTION = [
    ("Recruitment candidate records", "BambooHR", 6, "Delete unsuccessful candidates in the applicant tracking module",
     "UK GDPR storage limitation; 6 months covers discrimination claims", None, "hr_mgr",
     [("BambooHR", "2023-05-14", 2870)]),  # PLANTED (F16): far older than 6 months and never purged
    ("Employee personnel files", "BambooHR", 72, "Archive then delete 6 years after employment ends",
     "Limitation Act 1980 (6 years for contract claims)", 12, "hr_mgr",
     [("BambooHR", "2021-03-19", 412)]),
    ("Payroll records", "Sage Payroll", 72, "Sage retention job deletes tax years older than 6 years",
     "HMRC record-keeping (3 years) and Limitation Act (6 years)", 12, "payroll",
     [("Sage Payroll", "2021-04-06", 14880)]),
    ("Financial records", "SAP Business One", 72, "Year-end archive; archived years older than 6 years deleted",
     "Companies Act 2006 s.388 (6 years for a private company)", 12, "fin_ctrl",
     [("SAP Business One", "2021-01-04", 236000)]),
    ("Customer telemetry (active customers)", "AWS production", 24, "Automated partition drop of time-series data older than 24 months",
     "Customer terms schedule 3: 24 months unless a longer plan is bought", 1, "sre_lead",
     [("AWS production", "2024-12-03", 8_900_000_000)]),
    ("Platform application logs", "AWS production", 13, "CloudWatch and S3 lifecycle expiry",
     "Security investigation needs; 13 months covers a full year plus a month", 1, "sre_lead",
     [("AWS production", "2025-11-03", 412_000_000)]),
    ("Support tickets", "Zendesk", 36, "Zendesk deletion schedule for closed tickets",
     "Warranty period of 3 years", 3, "cs_head",
     [("Zendesk", "2023-12-04", 21450)]),
    ("Unconverted sales leads", "Salesforce", 24, "Scheduled Salesforce purge of leads without activity for 24 months",
     "UK GDPR storage limitation; legitimate interest lapses after two years", 6, "sales_ops",
     [("Salesforce", "2024-12-09", 6120)]),
    ("Leaver mailboxes", "Microsoft 365", 6, "Inactive mailbox retention policy, then permanent deletion",
     "Business continuity for handover; UK GDPR storage limitation", 3, "it_ops",
     [("Microsoft 365", "2026-06-05", 9)]),
    ("End-of-line test records", "Tulip MES", 120, "Yearly archive purge of records older than 10 years",
     "Product liability (Consumer Protection Act 1987: 10-year long-stop)", 12, "production_mgr",
     [("Tulip MES", "2017-02-13", 1_310_000)]),
    ("Security event logs", "CrowdStrike Falcon", 12, "Falcon data retention setting (rolling)",
     "Security investigation needs", 12, "sec_eng",
     [("CrowdStrike Falcon", "2025-12-08", 96_000_000)]),
    # PLANTED (RET003): marketing runs the purge by hand and the schedule never said how.
    ("Marketing consent records", "Salesforce", 36, "",
     "UK GDPR accountability for consent; PECR", 6, "marketing",
     [("Salesforce", "2023-12-11", 3400)]),
]


def sheet_retention():
    rules, deletions, inventory = [], [], []
    for category, system, months, method, basis, cadence, performer, items in RETENTION:
        rules.append({"data_category": category, "system": system, "retention_months": months,
                      "deletion_method": method, "legal_basis": basis})
        if cadence:
            day = date(2025, 1, 1)
            if cadence == 12:
                runs = [D("2025-01-16"), D("2026-01-15")]
            else:
                runs = []
                while day <= D("2026-11-13"):
                    runs.append(day)
                    day = add_months(day, cadence)
            for run in runs:
                run = workday(run + timedelta(days=rng.randint(2, 9)))
                if run > D("2026-11-13"):
                    continue
                purged = {"Customer telemetry (active customers)": 310_000_000, "Platform application logs": 30_000_000,
                          "Security event logs": 90_000_000, "Financial records": 38_000, "Payroll records": 2_400,
                          "End-of-line test records": 41_000, "Employee personnel files": 21, "Support tickets": 610,
                          "Unconverted sales leads": 480, "Leaver mailboxes": 2, "Marketing consent records": 260}[category]
                purged = int(purged * (0.8 + 0.4 * rng.random()))
                deletions.append({"retention_rule": category, "deleted_on": run, "records_purged": max(1, purged),
                                  "performed_by": P[performer]})
        for sys_name, oldest, count in items:
            inventory.append({"data_category": category, "system": sys_name, "oldest_record_on": D(oldest),
                              "record_count": count, "checked_on": rdate(D("2026-10-19"), D("2026-11-06"))})
    deletions.sort(key=lambda r: (r["retention_rule"], r["deleted_on"]))
    return rules, deletions, inventory


# --------------------------------------------------------------------------------------------
# Evidence and evidence links (7.5, 9.1, Annex A)
# --------------------------------------------------------------------------------------------

NOTE_EVIDENCE = {
    "clear desk walk-round": ["Walk-round of {n} desks: {k} unlocked screens and one unattended printout; owners reminded.",
                              "Walk-round of {n} desks at Sheffield and Manchester: {k} issues, all fixed on the day."],
    "perimeter inspection": ["Fence line, gates and shutters inspected; {k} repair raised for the north gate hinge.",
                             "Perimeter inspected with the guarding contractor; no defects."],
    "secure area inspection": ["Comms room, engineering lab and calibration lab checked: doors close and lock, access lists current."],
    "equipment siting check": ["Comms cabinets locked; line PCs in enclosures; {k} cabinet moved away from the loading bay door."],
    "cabling inspection": ["Patch panels labelled and locked; {k} loose floor cable on line 2 put into trunking."],
    "labelling spot check": ["Sample of {n} documents from SharePoint: {k} missing a sensitivity label, corrected by the owners."],
}


def _label(kind, start):
    if kind == "monthly":
        return start.strftime("%B %Y")
    if kind == "quarterly":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if kind == "semiannual":
        return f"H{1 if start.month <= 6 else 2} {start.year}"
    return str(start.year)


def periods(frequency, control):
    """(label, period start, period end, collected on) for each period of the two years of history."""
    out = []
    if frequency in ("monthly", "quarterly", "semiannual"):
        step = {"monthly": 1, "quarterly": 3, "semiannual": 6}[frequency]
        start = date(2025, 1, 1)
        while True:
            end = add_months(start, step) - timedelta(days=1)
            lag = {"monthly": (2, 9), "quarterly": (3, 15), "semiannual": (5, 20)}[frequency]
            collected = workday(end + timedelta(days=rng.randint(*lag)))
            if collected > D("2026-11-13"):
                break
            out.append((_label(frequency, start), start, end, collected))
            start = add_months(start, step)
    elif frequency == "annual":
        month = 3 + (sum(ord(c) for c in control) % 8)  # each control has its own month, March to October
        for year in (2025, 2026):
            collected = rdate(date(year, month, 1), month_end(year, month))
            out.append((str(year), add_months(collected, -12) + timedelta(days=1), collected, collected))
    elif frequency == "biennial":
        collected = rdate(D("2025-05-01"), D("2025-05-30"))
        out.append(("2025", add_months(collected, -24) + timedelta(days=1), collected, collected))
    return out


def collector(key: str, day: date) -> str:
    person = PEOPLE[key]
    return person.email if person.employed_on(day) else P["ciso"]


def sheet_evidence(soa_rows, reviews, suppliers, incidents):
    items = []  # dicts without ref, plus "links"

    def add(title, day, by, start=None, end=None, links=(), note=""):
        items.append({"title": title[0].upper() + title[1:], "kind": "note" if note else "url", "note": note,
                      "collected_on": day, "collected_by": by, "period_start": start, "period_end": end,
                      "links": list(links)})

    # 1. Evidence of operation for each applicable control, at its committed frequency.
    for row in soa_rows:
        control = row["control"]
        if not row["applicable"] or control in ("5.18", "7.14"):
            continue  # 5.18: the access reviews are the evidence; 7.14: PLANTED (F17), nothing collected
        if row["implementation_status"] == "not_started":
            periods("annual", control)  # nothing to collect yet (5.8); the call keeps the random sequence unchanged
            continue
        owner_key = BY_EMAIL[row["owner"]].key
        noun = SOA[control][5]
        for label, start, end, collected in periods(row["evidence_frequency"], control):
            if control == "8.15" and collected > D("2026-04-30"):
                continue  # PLANTED (F17): quarterly log reviews stopped after Q1 2026
            note = ""
            if noun in NOTE_EVIDENCE:
                note = rng.choice(NOTE_EVIDENCE[noun]).format(n=rng.randint(30, 80), k=rng.randint(1, 4))
            links = [("SoA", control)]
            if control == "5.30":
                links.append(("Systems", "AWS production"))
            add(f"{label} {noun}", collected, collector(owner_key, collected), start, end, links, note)

    # 2. Every access review, linked to the review and to 5.18.
    for review in reviews:
        day = review["reviewed_on"]
        key = f"{review['system']} / {day.isoformat()}"
        add(f"{review['system']} access review export, {day.strftime('%B %Y')}", day, review["reviewer"],
            None, day, [("Access reviews", key), ("SoA", "5.18")])

    # 3. Supplier assessments, linked to the supplier and to 5.22 (and 5.23 for cloud services).
    for supplier in suppliers:
        day = supplier["last_assessed_on"]
        if day is None:
            continue
        links = [("Suppliers", supplier["name"]), ("SoA", "5.22")]
        if supplier["is_cloud_service"]:
            links.append(("SoA", "5.23"))
        how = "questionnaire, SOC 2 Type II report review" if supplier["is_cloud_service"] else "questionnaire and certificates"
        add(f"{supplier['name']} supplier assessment ({how})", day, supplier["owner"], None, day, links)
        if supplier["review_frequency"] == "annual":
            earlier = workday(add_months(day, -12) + timedelta(days=rng.randint(-20, 5)))
            if earlier >= D("2025-01-06") and BY_EMAIL[supplier["owner"]].employed_on(earlier):
                add(f"{supplier['name']} supplier assessment ({how})", earlier, supplier["owner"], None, earlier,
                    [("Suppliers", supplier["name"]), ("SoA", "5.22")])

    # 4. Post-incident reviews of closed medium and higher incidents.
    for incident in incidents:
        if incident["severity"] in ("medium", "high", "critical") and incident["closed_on"] and incident["lessons_learned"]:
            add(f"Post-incident review {incident['ref']}: {incident['title']}", incident["closed_on"], P["isms_mgr"]
                if PEOPLE["isms_mgr"].employed_on(incident["closed_on"]) else P["ciso"], incident["occurred_on"],
                incident["closed_on"], [("Incidents", incident["ref"]), ("SoA", "5.27")])

    items.sort(key=lambda e: (e["collected_on"], e["title"]))
    evidence, links = [], []
    for n, item in enumerate(items, start=1):
        ref = f"EV-{n:04d}"
        evidence.append({"ref": ref, "title": item["title"], "kind": item["kind"],
                         "url": "" if item["kind"] == "note" else f"{EVIDENCE_STORE}/{ref.lower()}",
                         "note": item["note"], "collected_on": item["collected_on"],
                         "collected_by": item["collected_by"], "period_start": item["period_start"],
                         "period_end": item["period_end"], "sha256": None})
        seen = set()
        for record_type, record_key in item["links"]:
            if (record_type, record_key) not in seen:
                seen.add((record_type, record_key))
                links.append({"evidence": ref, "record_type": record_type, "record_key": record_key})
    return evidence, links


# --------------------------------------------------------------------------------------------
# Internal audits, management reviews, nonconformities and external audits (9.2, 9.3, 10.2)
# --------------------------------------------------------------------------------------------

# The three-year internal audit programme (REC-002). Nadia Hussain (Quality) and Owen Price
# (Finance) are the appointed internal auditors; each avoids their own department.
INTERNAL_AUDITS = [
    {"ref": "IA-2025-01", "title": "ISMS foundations: context, leadership, planning and risk",
     "planned_on": "2025-06-02", "completed_on": "2025-06-20", "status": "completed",
     "lead_auditor": "fin_ctrl", "team": ["auditor_q"],
     # PLANTED (AUD002): clause 6.3 (planning of changes) is in the scope of no audit of the programme.
     "clauses": "4.1|4.2|4.3|4.4|5.1|5.2|5.3|6.1|6.2|8.2|8.3",
     "controls": "5.1|5.2|5.3|5.4|5.31|5.35|5.36",
     "departments": ["Executive Office", "IT and Security"], "processes": ["Board governance"],
     "criteria": "ISO/IEC 27001:2022 clauses 4-6, 8.2 and 8.3; ISMS manual DOC-001; risk method MET-001",
     "report_summary": "Framework established and largely conforming. 1 minor NC (NC-2025-001: objectives without "
                       "targets); 2 OFIs (rationale of the climate-change determination; supplier requirements under 4.2)."},
    {"ref": "IA-2025-02", "title": "SensorCloud platform and technological controls",
     "planned_on": "2025-10-06", "completed_on": "2025-10-24", "status": "completed",
     "lead_auditor": "auditor_q", "team": [],
     "clauses": "8.1|9.1",
     # PLANTED (AUD003): 8.12 (data leakage prevention) is in the scope of no audit of the programme.
     "controls": "8.1|8.2|8.3|8.4|8.5|8.6|8.7|8.8|8.9|8.10|8.13|8.14|8.15|8.16|8.17|8.18|8.19|8.20|8.21|8.22|8.24|"
                 "8.25|8.26|8.27|8.28|8.29|8.31|8.32|8.33|8.34",
     "departments": ["Platform Operations", "Software Engineering", "IT and Security"],
     "processes": ["SensorCloud service operation", "SensorCloud software development", "IT service management"],
     "criteria": "ISO/IEC 27001:2022 Annex A 8; POL-002, POL-006, POL-007, STD-001, PRO-004, PRO-005, PRO-006",
     # PLANTED (AUD005): the report was filed as a PDF and its conclusions never entered.
     "report_summary": ""},
    {"ref": "IA-2026-01", "title": "Support, evaluation and improvement; people and incident controls",
     "planned_on": "2026-03-09", "completed_on": "2026-03-27", "status": "completed",
     "lead_auditor": "fin_ctrl", "team": [],
     "clauses": "7.1|7.2|7.3|7.4|7.5|9.2|9.3|10.1|10.2",
     "controls": "5.10|5.11|5.12|5.13|5.14|5.15|5.16|5.17|5.18|5.24|5.25|5.26|5.27|5.28|6.1|6.2|6.3|6.4|6.5|6.6|6.7|6.8",
     "departments": ["People", "IT and Security"],
     "processes": ["Recruitment and onboarding", "Security incident management"],
     # PLANTED (AUD008): no audit criteria recorded.
     "criteria": "",
     "report_summary": "Conforming overall. NC-2026-002 (minor, 7.2: contractor training records) and NC-2026-003 "
                       "(major, 5.18: leavers' access not removed in 4 of 12 samples); 1 OFI on 7.4."},
    {"ref": "IA-2026-02", "title": "Supplier management and procurement",
     "planned_on": "2026-06-08", "completed_on": "2026-06-26", "status": "completed",
     # PLANTED (AUD006): Nadia Hussain works in Quality and Supply Chain, the department audited.
     "lead_auditor": "auditor_q", "team": [],
     "clauses": "8.1", "controls": "5.19|5.20|5.21|5.22|5.23",
     "departments": ["Quality and Supply Chain"], "processes": ["Procurement and supplier management"],
     "criteria": "ISO/IEC 27001:2022 A.5.19 to A.5.23; supplier security policy POL-004",
     "report_summary": "Supplier register complete and tiered. 1 minor NC (NC-2026-005: high-tier supplier Don Valley "
                       "PCB Assembly Ltd never assessed)."},
    {"ref": "IA-2026-03", "title": "Physical security, manufacturing and the factory floor",
     "planned_on": "2026-10-05", "completed_on": "2026-10-23", "status": "completed",
     # PLANTED (AUD007): Aled Morgan joined as a trainee co-auditor but holds no internal auditor role.
     "lead_auditor": "auditor_q", "team": ["cal_mgr"],
     "clauses": "7.3|8.1", "controls": "7.1|7.2|7.3|7.5|7.6|7.7|7.8|7.9|7.10|7.11|7.12|7.13|7.14",
     "departments": ["Manufacturing", "Hardware Engineering"],
     "processes": ["Device manufacturing and test", "Hardware product development"],
     "criteria": "ISO/IEC 27001:2022 A.7; physical and environmental security policy POL-009; POL-003",
     "report_summary": "Physical controls effective at Sheffield and Tinsley. 1 major NC (NC-2026-007, 7.3: 5 of 6 "
                       "shop-floor staff could not say how to report an incident or where to find the policies)."},
    # PLANTED (AUD004): planned to start on 2026-09-14 and still not started at the audit date.
    {"ref": "IA-2026-04", "title": "Organisational controls: assets, continuity and compliance",
     "planned_on": "2026-09-14", "completed_on": None, "status": "planned",
     "lead_auditor": "auditor_q", "team": [],
     "clauses": "6.1|8.1", "controls": "5.5|5.6|5.7|5.8|5.9|5.29|5.30|5.32|5.33|5.34|5.37",
     "departments": ["Finance and Legal", "Executive Office"], "processes": ["Order to cash", "Financial reporting"],
     "criteria": "ISO/IEC 27001:2022 A.5.5 to A.5.9, A.5.29 to A.5.34, A.5.37; POL-005, POL-008, POL-010, PLN-003",
     "report_summary": ""},
    {"ref": "IA-2027-01", "title": "Follow-up of the 2026 nonconformities; monitoring and improvement",
     "planned_on": "2027-03-15", "completed_on": None, "status": "planned",
     "lead_auditor": "fin_ctrl", "team": [],
     "clauses": "9.1|10.1|10.2", "controls": "", "departments": [], "processes": [],
     "criteria": "ISO/IEC 27001:2022 clauses 9.1 and 10; nonconformity log",
     "report_summary": ""},
]

MR_BOARD = ["ceo", "ciso", "cfo", "cto", "isms_mgr"]
MR_INPUTS = ("covers_previous_actions", "covers_context_changes", "covers_party_needs", "covers_nonconformities",
             "covers_monitoring", "covers_audit_results", "covers_objectives", "covers_party_feedback", "covers_risk",
             "covers_improvement")

# ref, held, attendees, inputs not covered, decisions, resources, actions, signed by, signed on
MANAGEMENT_REVIEWS = [
    # PLANTED (MRV007): "audit results" ticked although no internal or certification audit had yet taken place.
    ("MR-2025-1", "2025-03-20", ["ceo", "ciso", "cfo", "old_isms_mgr", "isms_mgr"], (),
     "Scope 1.0 confirmed; internal audit programme 2025-2027 to be issued by May (REC-002); Sarah Pennington "
     "confirmed as ISMS manager from 2025-04-01",
     "ISMS manager post confirmed; 12 internal-auditor days a year from Quality and Finance",
     "ISMS manager to complete the risk assessment by 2025-05-31; CISO to select a SIEM by 2025-06-30",
     "ceo", "2025-03-27"),
    # PLANTED (MRV002): feedback from customers and regulators was not considered.
    ("MR-2025-2", "2025-07-10", MR_BOARD, ("covers_party_feedback",),
     "IA-2025-01 results accepted; second security engineer post approved; risk treatment plan progress accepted",
     "Second security engineer post (approved 2025-07-21); Sentinel SIEM ingestion confirmed",
     "CISO to recruit the second engineer by 2025-10-31; ISMS manager to close NC-2025-001 by 2025-08-31",
     "ceo", "2025-07-15"),
    # PLANTED (MRV005): the minutes were signed by the ISMS manager, not by top management.
    ("MR-2025-3", "2025-12-11", MR_BOARD, (),
     "IA-2025-02 results accepted; stage 1 to be booked for May 2026; Sheffield comms room relocation confirmed",
     "2026 ISMS budget GBP 168,000; flood resilience GBP 46,000",
     "ISMS manager to agree the audit dates with the certification body by 2026-01-31",
     "isms_mgr", "2025-12-18"),
    ("MR-2026-1", "2026-04-16", MR_BOARD, (),
     "Ready for stage 1; NC-2026-003 (leavers' access) given top priority; retention of R-059 and R-061 confirmed",
     "2026 penetration test budget GBP 24,500 confirmed",
     "CISO to deliver the BambooHR-Jira leaver integration by 2026-06-30",
     "ceo", "2026-04-21"),
    # PLANTED (MRV003): only actions were minuted, no decisions.
    ("MR-2026-2", "2026-07-09", MR_BOARD, (),
     "",
     "Platform squad time for tenant-isolation hardening (3 sprints)",
     "Procurement to assess Don Valley PCB Assembly by 2026-09-30; CISO to report on the leaver integration in September",
     "ceo", "2026-07-14"),
    # PLANTED (MRV004): the 2027 budget was deferred; nothing allocated or confirmed.
    ("MR-2026-3", "2026-11-05", [*MR_BOARD[:4], "ops_dir", "isms_mgr"], (),
     "Stage 2 confirmed for 2027-01-18; shop-floor awareness programme (NC-2026-007) approved",
     "",
     "Operations Director to run toolbox talks on all shifts by 2026-12-18",
     "ceo", "2026-11-10"),
]


def sheet_management_reviews():
    rows = []
    for ref, held, attendees, missing, decisions, resources, actions, signer, signed in MANAGEMENT_REVIEWS:
        row = {"ref": ref, "held_on": D(held), "chair": P["ceo"], "attendees": "|".join(P[k] for k in attendees)}
        row.update({field: field not in missing for field in MR_INPUTS})
        row.update({"decisions": decisions, "resources_allocated": resources, "actions": actions,
                    "signed_by": P[signer], "signed_on": D(signed)})
        rows.append(row)
    return rows


def sheet_internal_audits():
    rows = []
    for audit in INTERNAL_AUDITS:
        rows.append({**audit, "planned_on": D(audit["planned_on"]),
                     "completed_on": D(audit["completed_on"]) if audit["completed_on"] else None,
                     "lead_auditor": P[audit["lead_auditor"]], "team": "|".join(P[k] for k in audit["team"]),
                     "clauses": id_list(audit["clauses"]), "controls": id_list(audit["controls"]),
                     "departments": "|".join(audit["departments"]), "processes": "|".join(audit["processes"])})
    return rows


def NC(ref, source, grade, reference, raised, description, correction="", root_cause="", action="", process="",
       owner=None, due=None, implemented=None, checked_by=None, checked=None, effective=None, closed=None,
       status="open", audit=None, code="", about=""):
    # code / about: the mock-audit rule and the record the NC is about ("Suppliers: X"), which is
    # how the mock audit credits a problem the organisation already found (docs/mock-audit.md).
    return {"ref": ref, "source": source, "audit": audit, "grade": grade, "reference": reference,
            "finding_code": code, "finding_subject": about,
            "raised_on": D(raised), "description": description, "correction": correction, "root_cause": root_cause,
            "corrective_action": action, "process_changed": process, "owner": P[owner] if owner else None,
            "due_on": D(due) if due else None, "implemented_on": D(implemented) if implemented else None,
            "effectiveness_checked_by": P[checked_by] if checked_by else None,
            "effectiveness_checked_on": D(checked) if checked else None, "effective": effective,
            "closed_on": D(closed) if closed else None, "status": status}


NONCONFORMITIES = [
    NC("NC-2025-001", "internal_audit", "minor", "6.2", "2025-06-20",
       "OBJ-03 and OBJ-05 had a metric but no target value", audit="IA-2025-01",
       correction="Targets set and approved by the CISO on 2025-06-30",
       root_cause="The objectives template had no target column",
       action="Objectives template and PLN-002 require a target; objectives reviewed quarterly at the ISMS meeting",
       process="Objective setting (PLN-002)", owner="ciso", due="2025-08-31", implemented="2025-08-29",
       checked_by="isms_mgr", checked="2025-10-15", effective=True, closed="2025-10-15", status="closed"),
    NC("NC-2025-002", "internal_audit", "minor", "8.15", "2025-10-24",
       "The Q3 2025 log review did not cover the on-premises Windows servers, whose security events were not "
       "forwarded to Sentinel", audit="IA-2025-02",
       correction="Azure Monitor agent deployed on the on-premises servers on 2025-11-05 (treatment of R-055)",
       root_cause="No list of the log sources Sentinel must receive; new servers were onboarded by memory",
       action="Log source checklist added to the quarterly log review; servers onboarded to Sentinel at build time",
       process="Logging and monitoring (STD-001 log sources; server build checklist)", owner="sec_eng",
       due="2025-12-31", implemented="2025-12-15", checked_by="isms_mgr", checked="2026-02-16", effective=True,
       closed="2026-02-16", status="closed"),
    # PLANTED (NCR005): the action owner verified her own corrective action.
    NC("NC-2025-003", "incident", "minor", "5.18", "2025-11-17",
       "INC-2025-014: a former contractor's GitHub access was found four days after the contract ended",
       correction="GitHub access removed on 2025-10-28",
       root_cause="Contractors were not in BambooHR, so the leaver workflow never saw them",
       action="All contractors added to BambooHR; agencies must notify leavers within one working day",
       process="Joiners, movers and leavers procedure (PRO-002 v1.1)", owner="hr_mgr", due="2026-01-31",
       implemented="2025-11-17", checked_by="hr_mgr", checked="2026-02-20", effective=True, closed="2026-02-20",
       status="closed", code="ACC003"),
    # PLANTED (NCR003): the only action was a reminder; no process or control changed.
    NC("NC-2026-001", "incident", "minor", "6.8", "2026-03-19",
       "INC-2026-004: a company phone lost on 2026-03-06 was reported only on 2026-03-18",
       correction="Phone wiped through Intune on 2026-03-18",
       root_cause="The owner did not know that a lost device must be reported at once, even while still looking for it",
       action="Commercial team reminded at its April meeting to report lost devices immediately",
       process="", owner="commercial_dir", due="2026-04-30", implemented="2026-04-14", status="verifying",
       about="Incidents: INC-2026-004"),
    # PLANTED (NCR002): closed on the correction alone: no root cause, corrective action or effectiveness check.
    NC("NC-2026-002", "internal_audit", "minor", "7.2", "2026-03-27",
       "Training records missing for 6 of the 18 contractors", audit="IA-2026-01",
       correction="Certificates collected and uploaded to BambooHR", owner="people_head", due="2026-04-30",
       closed="2026-04-10", status="closed"),
    # PLANTED (NCR006): an internal major still open after 248 days (due date extended from 2026-06-30).
    NC("NC-2026-003", "internal_audit", "major", "5.18", "2026-03-27",
       "4 of 12 sampled leavers still had active Salesforce or AWS accounts 10 to 40 days after leaving",
       audit="IA-2026-01", correction="The four accounts disabled on 2026-03-30",
       root_cause="Leaver notices reach IT only; the owners of Salesforce and AWS are not told",
       action="BambooHR-Jira integration opens a leaver ticket for every system owner",
       process="Leaver process (PRO-002)", owner="ciso", due="2026-12-31", status="action_planned",
       code="ACC003"),
    NC("NC-2026-004", "external_audit", "minor", "9.2", "2026-05-22",
       "Stage 1 area of concern: the audit programme does not show when clause 6.3 will be audited",
       root_cause="The programme was built from the 2013 clause list, which had no 6.3",
       action="Add 6.3 to the scope of IA-2027-01 and re-check the programme against the 2022 clause list",
       process="Internal audit programme (REC-002)", owner="isms_mgr", due="2027-01-08", status="action_planned",
       code="AUD002"),
    # PLANTED (NCR004): corrective action due on 2026-09-30 and not done.
    NC("NC-2026-005", "internal_audit", "minor", "5.22", "2026-06-26",
       "High-tier supplier Don Valley PCB Assembly Ltd (Gerbers, BOMs) has never been assessed", audit="IA-2026-02",
       root_cause="Manufacturing onboarded the supplier directly, bypassing procurement",
       action="Send the supplier questionnaire; onboarding checklist to require procurement sign-off",
       process="Procurement and supplier management", owner="supply_mgr", due="2026-09-30",
       status="action_planned", about="Suppliers: Don Valley PCB Assembly Ltd"),
    # PLANTED (NCR007): raised 76 days before the audit date and still without an owner or a due date.
    NC("NC-2026-006", "incident", "minor", "5.34", "2026-09-15",
       "INC-2026-011: a customer received another customer's alarm email",
       correction="Email recalled; the recipient confirmed deletion", status="open",
       about="Incidents: INC-2026-011"),
    NC("NC-2026-007", "internal_audit", "major", "7.3", "2026-10-23",
       "5 of 6 shop-floor staff could not say how to report an incident or where to find the policies",
       audit="IA-2026-03", correction="Toolbox talk on incident reporting held on all three shifts on 2026-10-27",
       root_cause="Shop-floor staff have no company email and never received the e-learning",
       action="Quarterly toolbox talks; policy posters and QR codes at each line; e-learning on shared kiosks",
       process="Competence, awareness and communication procedure (PRO-011)", owner="ops_dir", due="2027-01-31",
       status="action_planned", about="Departments: Manufacturing"),
]

EXTERNAL_AUDITS = [
    # PLANTED (CRT006): stage 1 raised 2 minor nonconformities (areas of concern), but only NC-2026-004 was logged.
    {"ref": "CB-2026-S1", "kind": "stage1", "certification_body": "Albion Certification Ltd",
     "planned_on": D("2026-05-18"), "held_on": D("2026-05-19"), "majors": 0, "minors": 2, "ofis": 3},
    # PLANTED (CRT003): stage 2 postponed from 2026-09-21 to 2027-01-18, eight months after stage 1.
    {"ref": "CB-2027-S2", "kind": "stage2", "certification_body": "Albion Certification Ltd",
     "planned_on": D("2027-01-18")},
]


# What Albion Certification wrote in its stage 1 report (isms assess --calibrate CB-2026-S1 compares
# the mock audit as of 2026-05-19 with it). Only the first area of concern reached the NC log (CRT006).
EXTERNAL_AUDIT_FINDINGS = [
    {"ref": "CB-2026-S1-01", "audit": "CB-2026-S1", "grade": "area_of_concern", "reference": "9.2",
     "statement": "The internal audit programme (REC-002) does not show when clause 6.3 (planning of changes) "
                  "will be audited within the certification cycle",
     "nonconformity": "NC-2026-004"},
    {"ref": "CB-2026-S1-02", "audit": "CB-2026-S1", "grade": "area_of_concern", "reference": "6.1.3 d",
     "statement": "The Statement of Applicability excludes controls 7.4 (physical security monitoring) and 8.23 "
                  "(web filtering) without a justification for the exclusion"},
    {"ref": "CB-2026-S1-03", "audit": "CB-2026-S1", "grade": "ofi", "reference": "4.3",
     "statement": "Scope statement 2.0 could describe the boundaries and interfaces again now that the Tinsley "
                  "warehouse is in-house, as versions 1.0 and 1.1 did"},
    {"ref": "CB-2026-S1-04", "audit": "CB-2026-S1", "grade": "ofi", "reference": "A.5.22",
     "statement": "Supplier reassessment dates are tracked by procurement outside the supplier register; showing "
                  "the next due assessment of each high-tier supplier would make monitoring visible"},
    {"ref": "CB-2026-S1-05", "audit": "CB-2026-S1", "grade": "ofi", "reference": "A.5.37",
     "statement": "The SensorCloud operating runbooks are kept in Confluence but not referenced from the document "
                  "register; linking them would show the documented operating procedures"},
]


# --------------------------------------------------------------------------------------------
# The workbook
# --------------------------------------------------------------------------------------------

# sheet name and columns, exactly as declared in src/isms/*/registers.py, in register order.
SHEETS = [
    ("Departments", ("name", "manager")),
    ("People", ("email", "name", "department", "job_title", "manager", "kind", "start_date", "leave_date",
                "screened_on", "screening_level", "terms_signed_on", "confidentiality_signed_on")),
    ("Screening requirements", ("name", "department", "job_title_contains", "isms_role", "privileged_access",
                                "required_level")),
    ("Training courses", ("name", "topic", "audience", "mandatory", "refresher_months")),
    ("Training completions", ("person", "course", "completed_on", "score", "passed")),
    ("Awareness checks", ("person", "checked_on", "topic", "passed", "score")),
    ("ISMS roles", ("role", "person", "responsibilities", "assigned_on", "ended_on")),
    ("Resources", ("description", "kind", "amount", "currency", "approved_by", "approved_on")),
    ("Competence requirements", ("ref", "role", "requirement", "description")),
    ("Competence evidence", ("person", "requirement", "evidence", "obtained_on", "expires_on")),
    ("Scope", ("version", "statement", "in_scope", "out_of_scope", "boundaries", "approved_by", "approved_on")),
    ("Sites", ("name", "address", "kind", "in_scope", "exclusion_reason", "opened_on")),
    ("Interfaces", ("name", "description", "counterpart", "in_scope")),
    ("Context issues", ("title", "kind", "category", "description", "is_relevant", "rationale", "reviewed_on")),
    ("Interested parties", ("name", "kind", "description")),
    ("Party requirements", ("party", "requirement", "how_addressed", "is_climate_related")),
    ("Risk method", ("name", "likelihood_levels", "impact_levels", "acceptance_threshold", "high_threshold",
                     "review_interval_months", "description", "approved_by", "approved_on")),
    ("Processes", ("name", "department", "owner", "description")),
    ("Assets", ("name", "kind", "owner", "department", "process", "classification", "description")),
    ("Risks", ("ref", "title", "asset", "process", "threat", "vulnerability", "owner", "likelihood", "impact",
               "inherent_score", "treatment", "controls", "residual_likelihood", "residual_impact", "residual_score",
               "last_assessed_on", "accepted_by", "accepted_on")),
    ("Treatment plan", ("ref", "risk", "action", "owner", "due_on", "budget", "resources", "status", "completed_on",
                        "controls")),
    ("SoA", ("control", "applicable", "inclusion_reasons", "justification", "implementation_status", "owner",
             "evidence_frequency", "implementation_notes")),
    ("SoA versions", ("version", "approved_by", "approved_on", "change_summary")),
    ("Objectives", ("ref", "statement", "metric", "target", "higher_is_better", "unit", "measurement_frequency",
                    "owner", "due_on", "strategic_goal")),
    ("Measurements", ("objective", "measured_on", "value", "note")),
    ("Metrics", ("ref", "measures", "method", "frequency", "owner", "analysed_by", "objective", "control")),
    ("Metric results", ("metric", "measured_on", "value", "analysed_on", "analysis")),
    ("Documents", ("ref", "title", "kind", "owner", "review_interval_months", "next_review_on", "external",
                   "source", "access", "clauses", "controls")),
    ("Document versions", ("document", "version", "author", "approver", "approved_on", "effective_on",
                           "change_summary", "text", "published")),
    ("Systems", ("name", "owner", "criticality", "access_review_frequency", "description", "in_scope", "introduced_on")),
    ("Access reviews", ("system", "reviewed_on", "reviewer", "accounts_reviewed", "accounts_removed", "notes")),
    ("Accounts", ("system", "username", "person", "is_active", "is_privileged", "last_used_on")),
    ("Suppliers", ("name", "service", "tier", "data_access", "is_cloud_service", "owner", "contract_reference",
                   "contract_signed_on", "security_requirements", "review_frequency", "last_assessed_on",
                   "last_assessment_result", "outsourced_process", "outsourcing_controls")),
    ("Changes", ("ref", "title", "kind", "purpose", "consequences", "is_significant", "risk_reassessed_on", "risks_reassessed", "approved_by", "approved_on", "implemented_on", "system", "supplier", "site", "scope")),
    ("Incidents", ("ref", "title", "kind", "severity", "occurred_on", "reported_on", "reported_by", "closed_on",
                   "root_cause", "lessons_learned")),
    ("Retention schedule", ("data_category", "system", "retention_months", "deletion_method", "legal_basis")),
    ("Deletion records", ("retention_rule", "deleted_on", "records_purged", "performed_by")),
    ("Data inventory", ("data_category", "system", "oldest_record_on", "record_count", "checked_on")),
    ("Backup policies", ("system", "backup_frequency", "retention_days", "restore_test_months", "offsite", "immutable", "owner", "notes")),
    ("Restore tests", ("system", "tested_on", "scope", "result", "duration_hours", "rto_met", "tested_by", "follow_up")),
    ("Continuity plans", ("ref", "title", "ict_readiness", "scope", "covers", "rto_hours", "owner", "approved_on")),
    ("Continuity exercises", ("plan", "exercised_on", "kind", "result", "lessons", "actions")),
    ("Development systems", ("system", "repository", "separate_environments", "notes")),
    ("Releases", ("system", "version", "released_on", "code_reviewed", "security_tested", "test_kinds", "approved_by", "notes")),
    ("Remediation targets", ("severity", "days_allowed", "notes")),
    ("Vulnerability scans", ("system", "scanned_on", "tool", "findings_count")),
    ("Vulnerabilities", ("ref", "system", "severity", "found_on", "fixed_on", "risk_accepted_by", "risk_accepted_until", "description")),
    ("Log sources", ("system", "destination", "events_logged", "retention_days", "alerts_reviewed", "alert_review_frequency", "last_alert_review_on", "reviewer")),
    ("Internal audits", ("ref", "title", "planned_on", "completed_on", "status", "lead_auditor", "team", "clauses",
                         "controls", "departments", "processes", "criteria", "report_summary")),
    ("Management reviews", ("ref", "held_on", "chair", "attendees", *MR_INPUTS, "decisions", "resources_allocated",
                            "actions", "signed_by", "signed_on")),
    ("Nonconformities", ("ref", "source", "audit", "grade", "finding_code", "finding_subject", "reference",
                         "raised_on", "description", "correction", "root_cause", "corrective_action",
                         "process_changed", "owner", "due_on", "implemented_on", "effectiveness_checked_by",
                         "effectiveness_checked_on", "effective", "closed_on", "status")),
    ("External audits", ("ref", "kind", "certification_body", "planned_on", "held_on", "majors", "minors", "ofis",
                         "recommended", "certificate_expires_on")),
    ("External audit findings", ("ref", "audit", "grade", "reference", "statement", "nonconformity")),
    ("Evidence", ("ref", "title", "kind", "url", "note", "collected_on", "collected_by", "period_start",
                  "period_end", "sha256")),
    ("Evidence links", ("evidence", "record_type", "record_key")),
]


def build_data() -> dict[str, list[dict]]:
    courses, completions = sheet_training()
    parties, requirements = sheet_parties()
    assets = sheet_assets()
    objectives, measurements = sheet_objectives()
    documents, versions = acme_documents_people.documents(*sheet_documents(), P)
    systems, accounts, reviews = sheet_systems_accounts_reviews()
    suppliers = sheet_suppliers()
    incidents = sheet_incidents()
    rules, deletions, inventory = sheet_retention()
    soa = sheet_soa()
    evidence, links = sheet_evidence(soa, reviews, suppliers, incidents)
    return {
        "Departments": sheet_departments(),
        "People": acme_documents_people.with_screening(sheet_people(), accounts),
        "Screening requirements": acme_documents_people.sheet_screening_requirements(),
        "Training courses": courses,
        "Training completions": completions,
        "Awareness checks": sheet_awareness_checks(),
        "ISMS roles": sheet_roles(assets),
        "Resources": sheet_resources(),
        "Competence requirements": acme_monitoring.sheet_competence_requirements(),
        "Competence evidence": acme_monitoring.sheet_competence_evidence(P, P[DEPUTY_DPO.key]),
        "Scope": sheet_scope(),
        "Sites": acme_changes.sheet_sites(),
        "Interfaces": acme_changes.sheet_interfaces(),
        "Context issues": sheet_context_issues(),
        "Interested parties": parties,
        "Party requirements": requirements,
        "Risk method": [RISK_METHOD],
        "Processes": sheet_processes(),
        "Assets": assets,
        "Risks": RISK_ROWS,
        "Treatment plan": ACTION_ROWS,
        "SoA": soa,
        "SoA versions": sheet_soa_versions(),
        "Objectives": objectives,
        "Measurements": measurements,
        "Metrics": acme_monitoring.sheet_metrics(P),
        "Metric results": acme_monitoring.sheet_metric_results(P),
        "Documents": documents,
        "Document versions": versions,
        "Systems": acme_changes.with_scope(systems),
        "Access reviews": reviews,
        "Accounts": accounts,
        "Suppliers": acme_changes.with_outsourcing(suppliers),
        "Changes": acme_changes.sheet_changes(P),
        "Incidents": incidents,
        "Retention schedule": rules,
        "Deletion records": deletions,
        "Data inventory": inventory,
        "Backup policies": acme_resilience.sheet_backups(P)[0],
        "Restore tests": acme_resilience.sheet_backups(P)[1],
        "Continuity plans": acme_resilience.sheet_continuity(P)[0],
        "Continuity exercises": acme_resilience.sheet_continuity(P)[1],
        "Development systems": acme_resilience.sheet_development(P)[0],
        "Releases": acme_resilience.sheet_development(P)[1],
        "Remediation targets": acme_technology.sheet_remediation_targets(),
        "Vulnerability scans": acme_technology.sheet_vulnerability_scans(systems),
        "Vulnerabilities": acme_technology.sheet_vulnerabilities(P, systems),
        "Log sources": acme_technology.sheet_log_sources(P, systems),
        "Evidence": evidence,
        "Evidence links": links,
        "Internal audits": sheet_internal_audits(),
        "Management reviews": sheet_management_reviews(),
        "Nonconformities": NONCONFORMITIES,
        "External audits": EXTERNAL_AUDITS,
        "External audit findings": EXTERNAL_AUDIT_FINDINGS,
    }


def cell_value(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


FIXED_TIME = datetime(2026, 11, 30, 9, 0, 0)


def write_workbook(data: dict[str, list[dict]], path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet, columns in SHEETS:
        ws = workbook.create_sheet(sheet)
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for row in data[sheet]:
            unknown = set(row) - set(columns)
            if unknown:
                raise SystemExit(f"{sheet}: unknown columns {sorted(unknown)}")
            ws.append([cell_value(row.get(column)) for column in columns])
        for column_cells in ws.iter_cols(min_row=1, max_row=1):
            for cell in column_cells:
                cell.number_format = "General"
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        for index, column in enumerate(columns, start=1):
            letter = ws.cell(row=1, column=index).column_letter
            ws.column_dimensions[letter].width = max(12, min(60, len(column) + 4))
    workbook.properties.creator = "examples/acme/build_workbook.py"
    workbook.properties.title = "Acme Components Ltd: ISMS registers (demo data)"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))


def _normalise_zip(payload: bytes) -> bytes:
    """Rewrite the .xlsx package with fixed timestamps so that every run writes the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(payload))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", content)
                content = re.sub(rb"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)", rb"\g<1>" + stamp + rb"\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "acme.xlsx"
    data = build_data()
    write_workbook(data, output)
    width = max(len(sheet) for sheet, _ in SHEETS)
    for sheet, _columns in SHEETS:
        print(f"{sheet:<{width}}  {len(data[sheet]):>5}")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
