"""The pack's shape (sections of facts, tables and extracts), the naming of the 9.3.2 inputs,
and the helpers every input builder uses: the period and bounded tables read with values()."""

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, Q, When

from isms.audits.models import ManagementReview, Nonconformity
from isms.risk.models import TreatmentAction

TEMPLATE = "loop/review_pack.html"
#: Rows shown per table; the figures above each table count every record.
MAX_ROWS = 50
#: Period covered when no earlier management review exists.
DEFAULT_PERIOD_MONTHS = 12

INPUT_FIELDS = ManagementReview.INPUT_FIELDS
NC = Nonconformity.Status
TA = TreatmentAction.Status


def input_key(field_name: str) -> str:
    """``covers_party_needs`` -> ``party_needs``: how inputs are named on the command line."""
    return field_name.removeprefix("covers_")


def input_letter(field_name: str) -> str:
    """``covers_nonconformities`` -> ``d1`` (from the field's help text ``d1) ...``)."""
    return input_help(field_name).split(")", 1)[0]


def input_title(field_name: str) -> str:
    return input_help(field_name).split(") ", 1)[1].rstrip(".")


def input_label(field_name: str) -> str:
    return input_help(field_name).rstrip(".")


def input_help(field_name: str) -> str:
    return ManagementReview._meta.get_field(field_name).help_text


# -- the pack's shape --------------------------------------------------------------------------


@dataclass
class Fact:
    key: str
    label: str
    value: object


@dataclass
class Column:
    key: str
    label: str
    #: Code -> label of a choice field; the JSON keeps the code, the HTML shows the label.
    choices: dict | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    total: int
    empty: str

    @property
    def hidden(self) -> int:
        return self.total - len(self.rows)


@dataclass
class Extract:
    """Text quoted from a record, e.g. the actions agreed at the previous review."""

    key: str
    label: str
    text: str


@dataclass
class Section:
    field: str
    summary: str
    facts: list[Fact] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    extracts: list[Extract] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return input_key(self.field)

    @property
    def letter(self) -> str:
        return input_letter(self.field)

    @property
    def title(self) -> str:
        return input_title(self.field)


@dataclass
class ReviewPack:
    organisation: object
    as_of: dt.date
    start: dt.date
    previous: ManagementReview | None
    generated_at: dt.datetime
    sections: list[Section]

    def as_dict(self) -> dict:
        """The JSON form (dates as ISO strings, decimals as numbers, choices as codes)."""
        previous = self.previous
        return to_json(
            {
                "organisation": {"slug": self.organisation.slug, "name": self.organisation.name},
                "as_of": self.as_of,
                "period": {"start": self.start, "end": self.as_of},
                "previous_review": previous and {"ref": previous.ref, "held_on": previous.held_on},
                "generated_at": self.generated_at,
                "sections": [_section_dict(section) for section in self.sections],
            }
        )


def _section_dict(section: Section) -> dict:
    return {
        "input": section.key,
        "field": section.field,
        "letter": section.letter,
        "title": section.title,
        "summary": section.summary,
        "facts": [asdict(fact) for fact in section.facts],
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": [{"key": c.key, "label": c.label} for c in table.columns],
                "rows": table.rows,
                "total": table.total,
                "shown": len(table.rows),
            }
            for table in section.tables
        ],
        "extracts": [asdict(extract) for extract in section.extracts],
        "notes": section.notes,
    }


def to_json(value):
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def records_table(key: str, title: str, queryset, columns, empty: str) -> Table:
    """At most MAX_ROWS rows of ``queryset`` as dicts, read by ``values()`` (two queries).

    A column is ``(key, label)`` for a field or annotation of that name, or ``(key, label,
    path_or_expression)``, optionally followed by the choices of a choice field."""
    fields, made = {}, []
    for name, label, *rest in columns:
        source = rest[0] if rest else name
        fields[name] = F(source) if isinstance(source, str) else source
        made.append(Column(name, label, dict(rest[1]) if len(rest) > 1 else None))
    # Read every column under an alias: values(owner=F("owner__email")) would clash with the
    # model's own field names.
    aliases = {f"column_{index}": fields[c.key] for index, c in enumerate(made)}
    total = queryset.count()
    rows = list(queryset.values(**aliases)[:MAX_ROWS]) if total else []
    rows = [{c.key: row[f"column_{index}"] for index, c in enumerate(made)} for row in rows]
    return Table(key, title, made, rows, total, empty)


def count_if(condition: Q | None = None) -> Count:
    return Count("pk", filter=condition)


def as_flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


# -- the period ---------------------------------------------------------------------------------


class Period:
    """What every section needs: the organisation, the as-of date and the period."""

    def __init__(self, organisation, as_of: dt.date):
        self.organisation, self.as_of = organisation, as_of
        self.previous = (
            ManagementReview.objects.filter(organisation=organisation, held_on__lt=as_of)
            .order_by("-held_on", "-ref")
            .first()
        )
        # held_on < as_of, so the day after the previous review is never past as_of.
        if self.previous is not None:
            self.start = self.previous.held_on + dt.timedelta(days=1)
        elif as_of.year > 1:
            self.start = as_of - relativedelta(months=DEFAULT_PERIOD_MONTHS) + dt.timedelta(days=1)
        else:
            self.start = dt.date.min

    def q(self, model):
        return model.objects.filter(organisation=self.organisation)

    def within(self, name: str) -> Q:
        """``name`` (a date field) falls in the period."""
        return Q(**{f"{name}__gte": self.start, f"{name}__lte": self.as_of})

    def changed(self, model):
        """History rows of ``model`` written in the period."""
        return model.history.filter(
            organisation=self.organisation,
            history_date__date__gte=self.start,
            history_date__date__lte=self.as_of,
        )

    def overdue(self) -> Case:
        """Due before the as-of date (False when there is no due date)."""
        return Case(
            When(due_on__lt=self.as_of, then=True), default=False, output_field=BooleanField()
        )

    # NCs and treatment actions at the as-of date, judged by the dates they record.
    def nc_open(self) -> Q:
        closed = Q(status=NC.CLOSED) & (Q(closed_on__isnull=True) | Q(closed_on__lte=self.as_of))
        return Q(raised_on__lte=self.as_of) & ~closed

    def action_done(self) -> Q:
        return Q(status=TA.DONE) & (Q(completed_on__isnull=True) | Q(completed_on__lte=self.as_of))

    def action_open(self) -> Q:
        return ~Q(status=TA.CANCELLED) & ~self.action_done()
