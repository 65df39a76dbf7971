"""Awareness checks (7.3): question banks, campaigns, personal single-use links and scoring.

- **Question bank** (``data/question_bank.yaml``, or an organisation's own file in the same
  format): multiple-choice questions per audience (all staff, managers, executives, IT), each
  with one correct answer, wrong answers and the Awareness checks topic it tests. Answers that
  depend on the organisation name a value in braces (``{policy_location}``); a campaign gives
  the value's text, and leaves out a question whose value it does not give.
- **Campaign**: draws the questions once (spread over the topics), keeps them with the campaign
  and invites every current person in scope. Nothing is sent by the tool: :func:`issue_links`
  makes a random URL-safe token per open invitation and returns it once, for a mail merge; only
  the token's SHA-256 hash is stored, so issuing links again replaces the earlier ones.
- **Answering** (the no-login page in :mod:`isms.people.views`): :func:`submit` scores one
  submission, writes one Awareness check per topic asked (passed when every question on the
  topic was answered correctly; score in percent) and closes the link. A used or expired link
  changes nothing. These rows are what the mock-audit rules PPL003-PPL005 read.
"""

import datetime as dt
import random
import re
import secrets
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from isms.core.services import hash_token
from isms.people.models import (
    AwarenessCampaign,
    AwarenessCheck,
    AwarenessInvitation,
    Department,
    Person,
)

DEFAULT_BANK = Path(__file__).parent / "data" / "question_bank.yaml"
Audience = AwarenessCampaign.Audience
Topic = AwarenessCheck.Topic
MAX_QUESTIONS = 15
MIN_WRONG, MAX_WRONG = 2, 5
MAX_EXPIRES_DAYS = 90
#: 32 random bytes: 43 URL-safe characters.
TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_VALUE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


# -- errors -----------------------------------------------------------------------------------


class BankError(ValueError):
    """The question bank cannot be used; ``problems`` lists each, naming where it is."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"{source}: {len(problems)} problem(s) in the question bank")


class CampaignRefused(ValidationError):
    """A campaign (or its links) cannot be made; the messages say why."""


class AnswersRejected(ValidationError):
    """The submitted answers are incomplete or invalid; nothing was written."""


class LinkClosed(Exception):
    """The link was already used or has expired; ``reason`` is 'used' or 'expired'."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


# -- the question bank ------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    audience: str
    topic: str
    text: str
    answer: str
    wrong: tuple[str, ...]

    @property
    def values(self) -> frozenset[str]:
        """The organisation values (``{name}``) the question needs."""
        return frozenset(
            name
            for text in (self.text, self.answer, *self.wrong)
            for _, name, _, _ in string.Formatter().parse(text)
            if name
        )


@dataclass(frozen=True)
class Bank:
    source: str
    values: dict[str, str]
    questions: dict[str, tuple[Question, ...]]

    def for_audience(self, audience: str) -> tuple[Question, ...]:
        return self.questions.get(audience, ())


def load_bank(path: Path | str | None = None) -> Bank:
    """Read and check a question bank (YAML); the default bank when ``path`` is None.

    Raises :class:`BankError` listing every problem, each naming the audience, the question
    (by position and id) and the field."""
    path = Path(path) if path is not None else DEFAULT_BANK
    source = "the default question bank" if path == DEFAULT_BANK else str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BankError(source, [f"cannot read the file: {error.strerror or error}"]) from None
    except yaml.YAMLError as error:
        raise BankError(source, [f"not valid YAML: {error}"]) from None
    return parse_bank(data, source)


def parse_bank(data, source: str = "question bank") -> Bank:
    """Check bank data (as loaded from YAML) and build the :class:`Bank`."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise BankError(source, ["expected a mapping with 'values' and 'questions'"])
    unknown = sorted(set(data) - {"values", "questions"})
    if unknown:
        problems.append(f"unknown top-level key(s): {', '.join(map(str, unknown))}")
    values = data.get("values") or {}
    if not isinstance(values, dict):
        problems.append("values: expected a mapping of NAME: what the value means")
        values = {}
    for name, meaning in values.items():
        if not isinstance(name, str) or not _VALUE_PATTERN.match(name):
            problems.append(
                f"values: {name!r} is not a valid name (lowercase letters, digits, underscores)"
            )
        if not isinstance(meaning, str) or not meaning.strip():
            problems.append(f"values.{name}: say what the value means")
    lists = data.get("questions")
    if not isinstance(lists, dict) or not lists:
        problems.append(
            "questions: expected a list of questions under one or more of: "
            + ", ".join(Audience.values)
        )
        lists = {}
    questions: dict[str, tuple[Question, ...]] = {}
    seen: dict[str, str] = {}
    for audience, items in lists.items():
        if audience not in Audience.values:
            problems.append(
                f"questions.{audience}: unknown audience; use one of: {', '.join(Audience.values)}"
            )
            continue
        if not isinstance(items, list) or not items:
            problems.append(f"questions.{audience}: expected a non-empty list of questions")
            continue
        parsed = []
        for number, item in enumerate(items, start=1):
            where = f"questions.{audience}[{number}]"
            question = _parse_question(item, audience, where, set(values), problems)
            if question is None:
                continue
            if question.id in seen:
                problems.append(
                    f"{where}: id {question.id!r} is already used in {seen[question.id]}"
                )
            seen[question.id] = where
            parsed.append(question)
        questions[audience] = tuple(parsed)
    if problems:
        raise BankError(source, problems)
    return Bank(
        source=source,
        values={str(k): str(v).strip() for k, v in values.items()},
        questions=questions,
    )


def _parse_question(item, audience, where, declared: set[str], problems) -> Question | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected a mapping with id, topic, question, answer, wrong")
        return None
    start = len(problems)
    qid = item.get("id")
    if not isinstance(qid, str) or not _ID_PATTERN.match(qid):
        problems.append(f"{where}: id must be lowercase letters, digits and hyphens, got {qid!r}")
    else:
        where = f"{where} ({qid})"
    unknown = sorted(set(item) - {"id", "topic", "question", "answer", "wrong"})
    if unknown:
        problems.append(f"{where}: unknown field(s): {', '.join(map(str, unknown))}")
    topic = item.get("topic")
    if topic not in Topic.values:
        problems.append(f"{where}: topic {topic!r} is not one of: {', '.join(Topic.values)}")
    texts = {}
    for name in ("question", "answer"):
        value = item.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {name} is missing or empty")
        texts[name] = value.strip() if isinstance(value, str) else ""
    wrong = item.get("wrong")
    if not isinstance(wrong, list) or not all(isinstance(w, str) and w.strip() for w in wrong):
        problems.append(f"{where}: wrong must be a list of answers (text)")
        wrong = []
    elif not MIN_WRONG <= len(wrong) <= MAX_WRONG:
        problems.append(f"{where}: give {MIN_WRONG} to {MAX_WRONG} wrong answers, not {len(wrong)}")
    wrong = [w.strip() for w in wrong]
    if texts["answer"] and texts["answer"] in wrong:
        problems.append(f"{where}: the correct answer is also listed as wrong")
    if len(set(wrong)) != len(wrong):
        problems.append(f"{where}: a wrong answer is listed twice")
    for text in (texts["question"], texts["answer"], *wrong):
        problems.extend(f"{where}: {message}" for message in _placeholder_problems(text, declared))
    if len(problems) > start:
        return None
    return Question(qid, audience, topic, texts["question"], texts["answer"], tuple(wrong))


def _placeholder_problems(text: str, declared: set[str]) -> list[str]:
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        return [f"braces in {text[:40]!r}: {error} (write {{{{ and }}}} for literal braces)"]
    problems = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion or name not in declared:
            problems.append(
                f"{{{name}}} is not a declared value"
                + (f" (declared: {', '.join(sorted(declared))})" if declared else "")
            )
    return problems


def render(text: str, values: Mapping[str, str]) -> str:
    """``text`` with its ``{value}`` names replaced (the bank checked they are plain names)."""
    return text.format_map(dict(values))


def draw(questions: Iterable[Question], count: int, rng: random.Random) -> list[Question]:
    """``count`` questions spread over the topics: one per topic in turn, in random order."""
    by_topic: dict[str, list[Question]] = defaultdict(list)
    for question in questions:
        by_topic[question.topic].append(question)
    topics = sorted(by_topic)
    rng.shuffle(topics)
    for topic in topics:
        rng.shuffle(by_topic[topic])
    chosen: list[Question] = []
    while len(chosen) < count and any(by_topic.values()):
        for topic in topics:
            if by_topic[topic] and len(chosen) < count:
                chosen.append(by_topic[topic].pop())
    return chosen


def as_asked(question: Question, values: Mapping[str, str], rng: random.Random) -> dict:
    """The question as the campaign keeps it: text, options in random order, the correct one."""
    options = [render(question.answer, values), *(render(w, values) for w in question.wrong)]
    order = list(range(len(options)))
    rng.shuffle(order)
    return {
        "id": question.id,
        "topic": question.topic,
        "text": render(question.text, values),
        "options": [options[i] for i in order],
        "correct": order.index(0),
    }


# -- campaigns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignCreated:
    campaign: AwarenessCampaign
    invited: int
    #: Questions of the audience left out because a value was not given: value -> ids.
    left_out: dict[str, list[str]] = field(default_factory=dict)


def current_people(organisation, on: dt.date):
    """People employed on ``on``: started (or no start date) and not yet left."""
    return Person.objects.for_organisation(organisation).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=on),
        Q(leave_date__isnull=True) | Q(leave_date__gte=on),
    )


def managers_among(people):
    """Those of ``people`` who head a department or are the line manager of a current person."""
    heads = Department.objects.filter(manager__in=people.values("pk")).values("manager")
    line_managers = people.filter(manager__isnull=False).values("manager")
    return people.filter(Q(pk__in=heads) | Q(pk__in=line_managers))


def create_campaign(
    organisation,
    *,
    name: str,
    audience: str,
    count: int = 5,
    expires_days: int = 14,
    department: str | None = None,
    people: Iterable[str] = (),
    values: Mapping[str, str] | None = None,
    bank: Bank | None = None,
    today: dt.date | None = None,
    seed: int | None = None,
) -> CampaignCreated:
    """Draw the questions and invite one person per current member of staff in scope.

    Scope: everyone current (or ``department``'s people, or the ``people`` named by email);
    for managers, by default, the department heads and line managers. Executives and IT
    campaigns must say who with ``department`` or ``people``, since the People register does
    not record those roles. Raises :class:`CampaignRefused` listing every problem."""
    today = today or timezone.localdate()
    bank = bank or load_bank()
    values = {k: (v or "").strip() for k, v in (values or {}).items()}
    people = [email.strip() for email in people if email.strip()]
    name = (name or "").strip()
    problems: list[str] = []

    if not name:
        problems.append("the campaign needs a name")
    elif len(name) > 200:
        problems.append("the campaign name is longer than 200 characters")
    elif AwarenessCampaign.objects.filter(organisation=organisation, name=name).exists():
        problems.append(f"a campaign named {name!r} already exists in {organisation.slug}")
    if audience not in Audience.values:
        problems.append(f"audience {audience!r} is not one of: {', '.join(Audience.values)}")
    if not 1 <= count <= MAX_QUESTIONS:
        problems.append(f"questions: ask 1 to {MAX_QUESTIONS}, not {count}")
    if not 1 <= expires_days <= MAX_EXPIRES_DAYS:
        problems.append(f"expires-days: 1 to {MAX_EXPIRES_DAYS} days, not {expires_days}")
    for value_name, text in values.items():
        if value_name not in bank.values:
            problems.append(
                f"value {value_name!r} is not declared by {bank.source} (declared: "
                f"{', '.join(sorted(bank.values)) or 'none'})"
            )
        elif not text:
            problems.append(f"value {value_name!r} is empty")

    scope = current_people(organisation, today)
    department_row = None
    if department:
        department_row = Department.objects.filter(
            organisation=organisation, name=department
        ).first()
        if department_row is None:
            problems.append(f"no department named {department!r} in {organisation.slug}")
        else:
            scope = scope.filter(department=department_row)
    if people:
        known = dict(
            Person.objects.for_organisation(organisation)
            .filter(email__in=people)
            .values_list("email", "leave_date")
        )
        in_scope = set(scope.filter(email__in=people).values_list("email", flat=True))
        for email in people:
            if email not in known:
                problems.append(f"no person with email {email!r} in {organisation.slug}")
            elif email not in in_scope:
                why = (
                    f"left on {known[email]}"
                    if known[email] and known[email] < today
                    else "is not current or not in the department"
                )
                problems.append(f"{email} cannot be invited: {why}")
        scope = scope.filter(email__in=people)
    elif audience == Audience.MANAGERS:
        scope = managers_among(scope)
    elif audience in (Audience.EXECUTIVES, Audience.IT) and not department:
        problems.append(
            f"say who the {Audience(audience).label.lower()} are with --department or "
            "--person (the People register does not record these roles)"
        )

    questions = bank.for_audience(audience) if audience in Audience.values else ()
    usable = [q for q in questions if q.values <= {k for k, v in values.items() if v}]
    left_out: dict[str, list[str]] = defaultdict(list)
    for question in questions:
        for missing in sorted(question.values - set(values)):
            left_out[missing].append(question.id)
    if audience in Audience.values and 1 <= count <= MAX_QUESTIONS and len(usable) < count:
        hint = (
            "; give " + ", ".join(f"--value {n}=..." for n in sorted(left_out)) + " for more"
            if left_out
            else ""
        )
        problems.append(
            f"{bank.source} has {len(usable)} usable question(s) for {audience}, fewer than "
            f"the {count} asked{hint}"
        )
    invitees = list(scope.order_by("email")) if not problems else []
    if not problems and not invitees:
        problems.append("nobody is in scope: no current person matches the audience and filters")
    if problems:
        raise CampaignRefused(problems)

    rng = random.Random(seed if seed is not None else secrets.randbits(64))  # noqa: S311
    asked = [as_asked(q, values, rng) for q in draw(usable, count, rng)]
    with transaction.atomic():
        campaign = AwarenessCampaign.objects.create(
            organisation=organisation,
            name=name,
            audience=audience,
            department=department_row,
            opened_on=today,
            expires_on=today + dt.timedelta(days=expires_days),
            questions=asked,
        )
        for person in invitees:
            AwarenessInvitation.objects.create(
                organisation=organisation, campaign=campaign, person=person
            )
    return CampaignCreated(campaign, len(invitees), dict(left_out))


def campaign_by_name(organisation, name: str) -> AwarenessCampaign | None:
    return AwarenessCampaign.objects.filter(organisation=organisation, name=name).first()


# -- links ------------------------------------------------------------------------------------


def link_path(token: str) -> str:
    """The path of the check page for ``token`` (where the project mounts isms.people.urls)."""
    return reverse("awareness:check", kwargs={"token": token})


def link_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + link_path(token)


@transaction.atomic
def issue_links(
    campaign: AwarenessCampaign,
    *,
    people: Iterable[str] = (),
    today: dt.date | None = None,
) -> list[tuple[AwarenessInvitation, str]]:
    """A new token for every invitation not yet answered (or for those of ``people``).

    Returns (invitation, token) pairs; the token is not kept (only its hash), so a link
    issued before for the same invitation stops working."""
    today = today or timezone.localdate()
    people = [email.strip() for email in people if email.strip()]
    if today > campaign.expires_on:
        raise CampaignRefused(
            f"campaign {campaign.name!r} expired on {campaign.expires_on}; start a new one"
        )
    if not campaign.questions:
        raise CampaignRefused(
            f"campaign {campaign.name!r} has no questions (it was imported, not created with "
            "isms awareness campaign create)"
        )
    invitations = campaign.invitations.select_related("person").order_by("person__email")
    if people:
        found = {i.person.email: i for i in invitations.filter(person__email__in=people)}
        problems = []
        for email in people:
            if email not in found:
                problems.append(f"{email} is not invited to {campaign.name!r}")
            elif found[email].submitted_on:
                problems.append(f"{email} already answered on {found[email].submitted_on}")
        if problems:
            raise CampaignRefused(problems)
        invitations = [found[email] for email in people]
    else:
        invitations = list(invitations.filter(submitted_on__isnull=True))
    issued = []
    now = timezone.now()
    for invitation in invitations:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation.token_hash, invitation.link_issued_at = hash_token(token), now
        invitation.save(update_fields=["token_hash", "link_issued_at"])
        issued.append((invitation, token))
    return issued


def find_invitation(token: str) -> AwarenessInvitation | None:
    """The invitation a link's token belongs to, or None (unknown, replaced or malformed)."""
    if not token or not _TOKEN_PATTERN.match(token):
        return None
    return (
        AwarenessInvitation.objects.select_related("campaign", "person", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_state(invitation: AwarenessInvitation, today: dt.date | None = None) -> str:
    """'open', 'used' (answers already submitted) or 'expired'."""
    today = today or timezone.localdate()
    if invitation.submitted_on is not None:
        return "used"
    if today > invitation.campaign.expires_on:
        return "expired"
    return "open"


# -- scoring ----------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TopicResult:
    topic: str
    correct: int
    total: int

    @property
    def passed(self) -> bool:
        return self.correct == self.total

    @property
    def score(self) -> Decimal:
        return _percent(self.correct, self.total)

    @property
    def label(self) -> str:
        return Topic(self.topic).label


@dataclass(frozen=True)
class AnswerResult:
    text: str
    chosen: str
    correct: str

    @property
    def right(self) -> bool:
        return self.chosen == self.correct


@dataclass(frozen=True)
class Score:
    answers: tuple[AnswerResult, ...]
    topics: tuple[TopicResult, ...]

    @property
    def correct(self) -> int:
        return sum(1 for a in self.answers if a.right)

    @property
    def percent(self) -> Decimal | None:
        return _percent(self.correct, len(self.answers))


def parse_answers(questions: list[dict], raw: Mapping[str, str]) -> dict[str, int]:
    """The chosen option per question id from form fields ``q-<id>``; raises AnswersRejected
    naming each unanswered or invalid question."""
    chosen, problems = {}, []
    for number, question in enumerate(questions, start=1):
        value = raw.get(f"q-{question['id']}")
        if value is None or value == "":
            problems.append(f"Question {number} has no answer.")
            continue
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(question["options"]):
            problems.append(f"Question {number}: choose one of the answers shown.")
            continue
        chosen[question["id"]] = index
    if problems:
        raise AnswersRejected(problems)
    return chosen


def score(questions: list[dict], chosen: Mapping[str, int]) -> Score:
    """Score the answers: per question, and per topic (passed when all its questions are right).

    A question without an answer in ``chosen`` counts as wrong."""
    answers, per_topic = [], defaultdict(lambda: [0, 0])
    for question in questions:
        index = chosen.get(question["id"])
        options = question["options"]
        picked = options[index] if index is not None and 0 <= index < len(options) else ""
        result = AnswerResult(question["text"], picked, options[question["correct"]])
        answers.append(result)
        per_topic[question["topic"]][0] += int(result.right)
        per_topic[question["topic"]][1] += 1
    topics = tuple(
        TopicResult(topic, correct, total) for topic, (correct, total) in per_topic.items()
    )
    return Score(tuple(answers), topics)


def submit(
    invitation: AwarenessInvitation, raw: Mapping[str, str], today: dt.date | None = None
) -> Score:
    """Accept one submission: score it, write one Awareness check per topic, close the link.

    Raises :class:`LinkClosed` for a used or expired link and :class:`AnswersRejected` for
    incomplete answers; in both cases nothing is written."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            AwarenessInvitation.objects.select_for_update()
            .select_related("campaign", "person")
            .get(pk=invitation.pk)
        )
        state = link_state(locked, today)
        if state != "open":
            raise LinkClosed(state)
        questions = locked.campaign.questions
        chosen = parse_answers(questions, raw)
        result = score(questions, chosen)
        for topic in result.topics:
            AwarenessCheck.objects.update_or_create(
                organisation=locked.organisation,
                person=locked.person,
                topic=topic.topic,
                checked_on=today,
                defaults={"passed": topic.passed, "score": topic.score},
            )
        locked.submitted_on, locked.score, locked.answers = today, result.percent, chosen
        locked.save(update_fields=["submitted_on", "score", "answers"])
    return result


# -- results ----------------------------------------------------------------------------------

NO_DEPARTMENT = "(no department)"
ALL = "All departments"


def campaign_results(campaign: AwarenessCampaign, by: str = "department") -> list[dict]:
    """Participation and pass rates per department (or per ``by='topic'``), with a total row.

    pass_rate is the share of topic checks passed (what PPL003 judges per department);
    participation is the share of invited people who answered."""
    if by not in ("department", "topic"):
        raise ValueError("by must be 'department' or 'topic'")
    invitations = campaign.invitations.select_related("person__department")
    rows: dict[str, dict] = {}

    def row(name: str) -> dict:
        return rows.setdefault(
            name,
            {"invited": 0, "answered": 0, "checks": 0, "passed": 0, "scores": []},
        )

    for invitation in invitations:
        department = (
            invitation.person.department.name if invitation.person.department else NO_DEPARTMENT
        )
        answered = invitation.submitted_on is not None
        topics = (
            score(campaign.questions, invitation.answers).topics
            if answered and invitation.answers
            else ()
        )
        if by == "department":
            for name in (department, ALL):
                target = row(name)
                target["invited"] += 1
                target["answered"] += int(answered)
                target["checks"] += len(topics)
                target["passed"] += sum(1 for t in topics if t.passed)
                if answered and invitation.score is not None:
                    target["scores"].append(invitation.score)
        else:
            for topic in topics:
                for name in (topic.topic, "All topics"):
                    target = row(name)
                    target["checks"] += 1
                    target["passed"] += int(topic.passed)
                    target["scores"].append(topic.score)
    total_name = ALL if by == "department" else "All topics"
    ordered = sorted((n for n in rows if n != total_name), key=lambda n: (n == NO_DEPARTMENT, n))
    if total_name in rows:
        ordered.append(total_name)
    result = []
    for name in ordered:
        data = rows[name]
        scores = data["scores"]
        average = (
            (sum(scores) / len(scores)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if scores
            else None
        )
        entry = {by: name}
        if by == "department":
            entry |= {
                "invited": data["invited"],
                "answered": data["answered"],
                "participation": _percent(data["answered"], data["invited"]),
            }
        entry |= {
            "checks": data["checks"],
            "passed": data["passed"],
            "pass_rate": _percent(data["passed"], data["checks"]),
            "average_score": average,
        }
        result.append(entry)
    return result


def campaign_summary(campaign: AwarenessCampaign, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    invitations = campaign.invitations.all()
    invited = invitations.count()
    answered = invitations.filter(submitted_on__isnull=False).count()
    return {
        "name": campaign.name,
        "audience": campaign.audience,
        "department": campaign.department.name if campaign.department else None,
        "opened_on": campaign.opened_on.isoformat(),
        "expires_on": campaign.expires_on.isoformat(),
        "open": today <= campaign.expires_on,
        "questions": len(campaign.questions),
        "invited": invited,
        "links_issued": invitations.filter(token_hash__isnull=False).count(),
        "answered": answered,
        "participation": _percent(answered, invited),
    }
