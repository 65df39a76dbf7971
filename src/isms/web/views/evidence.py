"""Evidence in the browser: the list (search, filter by clause or control, stale items
marked), an item with its links and file versions, uploads of several files at once or of a
new version, downloads (always attachments), and the evidence index per clause and control.

Files are stored and checked by isms.evidence.services, as for the API; new items are created
through the importer, like every register write."""

import datetime as dt
from functools import reduce
from operator import or_

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone

from isms.catalog.models import Clause, Control
from isms.controls.models import SoAEntry
from isms.core.actor import acting_as
from isms.core.choices import FREQUENCY_MONTHS
from isms.core.permissions import Action, can, require
from isms.core.registers import all_registers, by_sheet
from isms.evidence.models import Evidence, EvidenceFileVersion, EvidenceLink
from isms.evidence.services import (
    attach_file,
    attachment,
    check_upload,
    file_state,
    safe_file_name,
    stored_file,
)
from isms.exchange.importer import import_sheets, lock_for_update, serialise_writes
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.web.access import organisation_for

#: Items per page of the evidence list; newest items shown per clause or control in the index.
PAGE_SIZE = 50
INDEX_ITEMS = 3
#: The sheet of the SoA register: evidence of an Annex A control is linked to its SoA row.
SOA_SHEET = "SoA"
#: The clause (4-10) whose requirement a register's records evidence: evidence linked to a
#: record of one of these registers counts for that clause in the index and its filter.
REGISTER_CLAUSES = {
    "Context issues": ("4.1",),
    "Interested parties": ("4.2",),
    "Party requirements": ("4.2",),
    "Scope": ("4.3",),
    "ISMS roles": ("5.3",),
    "Risk method": ("6.1.2",),
    "Assets": ("6.1.2",),
    "Risks": ("6.1.2", "8.2"),
    "Treatment plan": ("6.1.3", "8.3"),
    "SoA versions": ("6.1.3",),
    "Objectives": ("6.2",),
    "Resources": ("7.1",),
    "People": ("7.2",),
    "Training courses": ("7.2",),
    "Training completions": ("7.2",),
    "Awareness checks": ("7.3",),
    "Awareness campaigns": ("7.3",),
    "Awareness invitations": ("7.3",),
    "Documents": ("5.2", "7.5"),
    "Document versions": ("7.5",),
    "Processes": ("8.1",),
    "Measurements": ("9.1",),
    "Internal audits": ("9.2.2",),
    "Audit checklist": ("9.2.2",),
    "Management reviews": ("9.3.3",),
    "Nonconformities": ("10.2",),
}
#: Clause documented-information kinds that call for something on record (a gap without it).
REQUIRES_RECORD = {"maintain", "retain", "available"}


def _sheets_of_clause(ref: str) -> list[str]:
    """The registers evidencing clause ``ref`` or one of its sub-clauses (9 takes 9.1-9.3)."""
    return [
        sheet
        for sheet, clauses in REGISTER_CLAUSES.items()
        if any(clause == ref or clause.startswith(f"{ref}.") for clause in clauses)
    ]


def stale_expression(organisation, today: dt.date, prefix: str = ""):
    """True for an evidence item older than the evidence frequency the SoA commits to for a
    control it is linked to (EVD002's measure, item by item), one EXISTS per frequency.
    ``prefix`` is the path to the evidence from the queryset's model (``evidence__``)."""
    soa_type = ContentType.objects.get_for_model(SoAEntry)
    outer = OuterRef(f"{prefix}pk" if prefix else "pk")
    stale = Q(pk__in=[])
    for frequency, months in FREQUENCY_MONTHS.items():
        entries = SoAEntry.objects.filter(
            organisation=organisation, applicable=True, evidence_frequency=frequency
        ).values("pk")
        linked = EvidenceLink.objects.filter(
            evidence=outer, content_type=soa_type, object_id__in=entries
        )
        cutoff = today - relativedelta(months=months)
        stale |= Q(**{f"{prefix}collected_on__lt": cutoff}) & Exists(linked)
    return ExpressionWrapper(stale, output_field=BooleanField())


def current_version():
    """The number of an evidence item's latest file version (None: no file)."""
    latest = EvidenceFileVersion.objects.filter(evidence=OuterRef("pk")).order_by("-number")
    return Subquery(latest.values("number")[:1])


def evidence_matching(organisation, *, text: str = "", clause: str = "", control: str = ""):
    """The organisation's evidence, searched (ref, title, note) and filtered by the clause or
    control it is linked to, newest first, each with its stale flag and current version."""
    queryset = Evidence.objects.filter(organisation=organisation)
    if text:
        fields = ("ref", "title", "note", "file_name")
        queryset = queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": text}) for f in fields)))
    if clause:
        links = EvidenceLink.objects.filter(
            organisation=organisation, record_type__in=_sheets_of_clause(clause)
        )
        queryset = queryset.filter(pk__in=links.values("evidence_id"))
    if control:
        links = EvidenceLink.objects.filter(
            organisation=organisation, record_type=SOA_SHEET, record_key=control
        )
        queryset = queryset.filter(pk__in=links.values("evidence_id"))
    return queryset.annotate(
        stale=stale_expression(organisation, timezone.localdate()), version=current_version()
    ).order_by("-collected_on", "-pk")


def printable(text: str, limit: int = 200) -> str:
    """A query parameter reduced to printable characters (a NUL is a 500 on PostgreSQL)."""
    return "".join(ch for ch in text if ch.isprintable()).strip()[:limit]


def filters_of(request) -> dict:
    return {
        "text": printable(request.GET.get("q", "")),
        "clause": printable(request.GET.get("clause", ""), 10),
        "control": printable(request.GET.get("control", ""), 10),
    }


@login_required
def evidence_list(request, slug: str) -> HttpResponse:
    """The evidence list, searched and filtered, 50 a page (a fixed number of queries)."""
    organisation, membership = organisation_for(request, slug)
    filters = filters_of(request)
    page = Paginator(evidence_matching(organisation, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": page,
        "filters": filters,
        "clauses": clause_choices(),
        "controls": Control.objects.only("ref", "title"),
        "may_upload": can(membership, Action.EDIT_REGISTERS),
        "max_mb": _max_mb(),
        "today": timezone.localdate(),
    }
    return render(request, "web/evidence/list.html", context)


def clause_choices():
    """The clauses 4-10 and their sub-clauses that registers evidence."""
    wanted = set()
    for ref in (ref for clauses in REGISTER_CLAUSES.values() for ref in clauses):
        parts = ref.split(".")
        wanted.update(".".join(parts[: n + 1]) for n in range(len(parts)))
    return Clause.objects.filter(ref__in=wanted).only("ref", "title")


def _max_mb() -> int:
    return settings.MAX_UPLOAD_MB


def _evidence_or_404(organisation, pk: int) -> Evidence:
    evidence = (
        Evidence.objects.filter(organisation=organisation, pk=pk)
        .annotate(stale=stale_expression(organisation, timezone.localdate()))
        .select_related("collected_by")
        .first()
    )
    if evidence is None:
        raise Http404("no such evidence")
    return evidence


def evidence_links(evidence: Evidence) -> list[dict]:
    """An item's links, each with the page of the record it points to."""
    sheets = {register.sheet: register for register in all_registers()}
    rows = []
    for link in evidence.links.order_by("record_type", "record_key"):
        register = sheets.get(link.record_type)
        rows.append({"link": link, "register": register})
    return rows


@login_required
def evidence_detail(request, slug: str, pk: int) -> HttpResponse:
    """One item: what it is, what it is linked to, and every file version (who, when, size,
    SHA-256), with the form for a new version."""
    organisation, membership = organisation_for(request, slug)
    evidence = _evidence_or_404(organisation, pk)
    return _render_detail(request, organisation, membership, evidence)


def _render_detail(request, organisation, membership, evidence, status=200, **extra):
    versions = evidence.versions.select_related("created_by").order_by("-number")
    context = {
        "organisation": organisation,
        "membership": membership,
        "evidence": evidence,
        "links": evidence_links(evidence),
        "versions": versions,
        "may_upload": can(membership, Action.EDIT_REGISTERS),
        "max_mb": _max_mb(),
        **extra,
    }
    return render(request, "web/evidence/detail.html", context, status=status)


def _next_refs(organisation, count: int) -> list[str]:
    """``count`` unused evidence ids after the highest EV-NNNN (call under the write turn)."""
    numbers = [
        int(ref[3:])
        for ref in Evidence.objects.filter(organisation=organisation, ref__startswith="EV-")
        .values_list("ref", flat=True)
        .iterator()
        if ref[3:].isdigit() and len(ref) < 15
    ]
    start = max(numbers, default=0) + 1
    return [f"EV-{number:04d}" for number in range(start, start + count)]


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@login_required
def evidence_upload(request, slug: str) -> HttpResponse:
    """Several files at once, each into a new evidence item (titled by its file name, collected
    on the date given, linked to a control if one is chosen). All or nothing: a file refused
    (empty, too large) or a bad date writes nothing and says which."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    context = {
        "organisation": organisation,
        "membership": membership,
        "controls": Control.objects.only("ref", "title"),
        "max_mb": _max_mb(),
        "collected_on": timezone.localdate().isoformat(),
        "control": "",
        "problems": {},
    }
    if request.method != "POST":
        return render(request, "web/evidence/upload.html", context)
    uploads = request.FILES.getlist("files")
    collected_text = request.POST.get("collected_on", "").strip()
    control = printable(request.POST.get("control", ""), 10)
    context.update(collected_on=collected_text, control=control)
    problems: dict[str, list[str]] = {}
    if not uploads:
        problems["files"] = ["choose at least one file"]
    for upload in uploads:
        try:
            check_upload(upload)
        except ValidationError as error:
            problems.setdefault("files", []).append(
                f"{safe_file_name(upload.name)}: {'; '.join(error.messages)}"
            )
    collected_on = parse_date(collected_text)
    if collected_on is None:
        problems["collected_on"] = ["a date, e.g. 2026-04-02"]
    elif collected_on > timezone.localdate():
        problems["collected_on"] = ["evidence cannot be collected in the future"]
    if (
        control
        and not SoAEntry.objects.filter(organisation=organisation, control__ref=control).exists()
    ):
        problems["control"] = [f"control {control} has no row in the SoA yet"]
    if not problems:
        created, problems = _create_items(request, organisation, uploads, collected_on, control)
        if not problems:
            if len(created) == 1:
                return redirect("web:evidence", slug=organisation.slug, pk=created[0])
            return redirect(reverse("web:evidence_list", args=[organisation.slug]))
    context["problems"] = problems
    return render(request, "web/evidence/upload.html", context, status=422)


def _create_items(request, organisation, uploads, collected_on, control):
    """Create one item per upload through the importer, then store each file as its first
    version, in one transaction; returns (the new items' ids, problems by field)."""
    stored: list[str] = []
    try:
        with transaction.atomic(), acting_as(request.user):
            serialise_writes(organisation)
            refs = _next_refs(organisation, len(uploads))
            rows = [
                {
                    "ref": ref,
                    "title": safe_file_name(upload.name),
                    "kind": Evidence.Kind.FILE,
                    "collected_on": collected_on.isoformat(),
                }
                for ref, upload in zip(refs, uploads, strict=True)
            ]
            sheets = [_sheet("Evidence", rows)]
            if control:
                links = [
                    {"evidence": ref, "record_type": SOA_SHEET, "record_key": control}
                    for ref in refs
                ]
                sheets.append(_sheet("Evidence links", links))
            import_sheets(organisation, sheets, locked=True)
            items = dict(
                Evidence.objects.filter(organisation=organisation, ref__in=refs).values_list(
                    "ref", "pk"
                )
            )
            for ref, upload in zip(refs, uploads, strict=True):
                evidence = Evidence.objects.get(pk=items[ref])
                version = attach_file(evidence, upload)
                stored.append(version.file.name)
            return [items[ref] for ref in refs], {}
    except ImportRejected as rejected:
        _delete_stored(stored)
        problems: dict[str, list[str]] = {}
        for problem in rejected.problems:
            problems.setdefault("files", []).append(problem.message)
        return [], problems
    except ValidationError as error:
        _delete_stored(stored)
        return [], {"files": error.messages}
    except BaseException:
        _delete_stored(stored)
        raise


def _sheet(name: str, rows: list[dict]) -> Sheet:
    return Sheet(name, list(rows[0]), list(enumerate(rows, start=1)), row_label="file")


def _delete_stored(names: list[str]) -> None:
    """Remove the bytes stored for a transaction that was rolled back."""
    storage = Evidence._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


@login_required
def version_upload(request, slug: str, pk: int) -> HttpResponse:
    """A new version of an item's file; earlier versions stay. The form carries the item's
    version: if the item changed since it was opened (someone else uploaded), nothing is
    stored and the page says so."""
    organisation, membership = organisation_for(request, slug)
    require(membership, Action.EDIT_REGISTERS)
    evidence = _evidence_or_404(organisation, pk)
    if request.method != "POST":
        return redirect("web:evidence", slug=organisation.slug, pk=pk)
    upload = request.FILES.get("file")
    sent_version = request.POST.get("row_version", "")
    problems: dict[str, list[str]] = {}
    if upload is None:
        problems["file"] = ["choose a file"]
    else:
        try:
            check_upload(upload)
        except ValidationError as error:
            problems["file"] = error.messages
    if problems:
        return _render_detail(request, organisation, membership, evidence, 422, problems=problems)
    register = by_sheet("Evidence")
    stored = None
    try:
        with transaction.atomic(), acting_as(request.user):
            current = lock_for_update(register, organisation, pk)
            if current is None:
                raise Http404("no such evidence")
            if sent_version != str(current):
                stale = current
            else:
                stale = None
                locked = Evidence.objects.get(pk=pk)
                stored = attach_file(locked, upload).file.name
    except ValidationError as error:
        return _render_detail(
            request, organisation, membership, evidence, 422, problems={"file": error.messages}
        )
    except BaseException:
        if stored:
            _delete_stored([stored])
        raise
    if stale is not None:
        return _render_detail(request, organisation, membership, evidence, 409, stale=stale)
    return redirect("web:evidence", slug=organisation.slug, pk=pk)


def download_response(request, evidence: Evidence, template_context: dict) -> HttpResponse:
    """The file of ``evidence`` (``?version=N`` or the latest) as an attachment; a page
    saying why when there is none (404), it is missing (410) or its bytes changed (409)."""
    number = request.GET.get("version")
    if number is not None and not (number.isascii() and number.isdigit() and len(number) < 9):
        raise Http404("no such version")
    stored = stored_file(evidence, int(number) if number is not None else None)
    if stored is None:
        raise Http404("this evidence item has no such file")
    state = file_state(stored)
    if state == "ok":
        return attachment(stored)
    status = 410 if state == "missing" else 409
    context = {**template_context, "evidence": evidence, "state": state}
    return render(request, "web/evidence/file_refused.html", context, status=status)


@login_required
def evidence_download(request, slug: str, pk: int) -> HttpResponse:
    organisation, membership = organisation_for(request, slug)
    evidence = _evidence_or_404(organisation, pk)
    context = {"organisation": organisation, "membership": membership}
    return download_response(request, evidence, context)


def evidence_index(organisation, today: dt.date | None = None) -> dict:
    """The evidence index: every clause 4-10 and every Annex A control with the number of
    items linked to it, the newest ones (current version, date, stale flag) and whether it is
    a gap. Six queries whatever the number of items."""
    today = today or timezone.localdate()
    links = EvidenceLink.objects.filter(organisation=organisation)
    item = {
        "ref": F("evidence__ref"),
        "title": F("evidence__title"),
        "collected_on": F("evidence__collected_on"),
        "version": _link_version(),
        "stale": stale_expression(organisation, today, prefix="evidence__"),
    }

    def grouped(queryset, field: str):
        """Per value of ``field``: the count and newest date (one GROUP BY), and the newest
        INDEX_ITEMS items (one query, ranked by a window function)."""
        stats = {
            row[field]: row
            for row in queryset.values(field).annotate(
                count=Count("evidence_id", distinct=True), newest=Max("evidence__collected_on")
            )
        }
        rank = Window(
            RowNumber(),
            partition_by=[F(field)],
            order_by=[F("evidence__collected_on").desc(), F("evidence_id").desc()],
        )
        newest: dict[str, list] = {}
        ranked = queryset.annotate(rank=rank).filter(rank__lte=INDEX_ITEMS)
        for row in ranked.values(field, "evidence_id", **item):
            newest.setdefault(row[field], []).append(row)
        return stats, newest

    # Controls: the SoA row of each, the evidence linked to it.
    soa = SoAEntry.objects.filter(organisation=organisation, control=OuterRef("pk"))
    controls = list(
        Control.objects.annotate(
            applicable=Subquery(soa.values("applicable")[:1]),
            status=Subquery(soa.values("implementation_status")[:1]),
            frequency=Subquery(soa.values("evidence_frequency")[:1]),
        ).only("ref", "title", "theme")
    )
    counts, items = grouped(links.filter(record_type=SOA_SHEET), "record_key")
    control_rows = []
    for control in controls:
        stats = counts.get(control.ref, {})
        months = FREQUENCY_MONTHS.get(control.frequency) if control.frequency else None
        newest_on = stats.get("newest")
        control_rows.append(
            {
                "control": control,
                "count": stats.get("count", 0),
                "newest": newest_on,
                "items": items.get(control.ref, []),
                "stale": bool(
                    months and newest_on and newest_on < today - relativedelta(months=months)
                ),
                "gap": bool(control.applicable) and not stats,
            }
        )
    # Clauses: evidence linked to the records of the registers that evidence each.
    by_sheet_counts, by_sheet_items = grouped(
        links.filter(record_type__in=list(REGISTER_CLAUSES)), "record_type"
    )
    clause_rows = []
    for clause in Clause.objects.only("ref", "title", "documented_information", "parent_id"):
        sheets = _sheets_of_clause(clause.ref)
        found = [by_sheet_counts[s] for s in sheets if s in by_sheet_counts]
        clause_items = sorted(
            (row for s in sheets for row in by_sheet_items.get(s, [])),
            key=lambda row: (row["collected_on"], row["evidence_id"]),
            reverse=True,
        )
        unique = list({row["evidence_id"]: row for row in clause_items}.values())
        clause_rows.append(
            {
                "clause": clause,
                "sheets": sheets,
                "count": sum(row["count"] for row in found),
                "newest": max((row["newest"] for row in found), default=None),
                "items": unique[:INDEX_ITEMS],
                "gap": clause.documented_information in REQUIRES_RECORD and not found,
            }
        )
    return {"clauses": clause_rows, "controls": control_rows, "today": today}


def _link_version():
    latest = EvidenceFileVersion.objects.filter(evidence=OuterRef("evidence_id")).order_by(
        "-number"
    )
    return Subquery(latest.values("number")[:1])


@login_required
def evidence_index_page(request, slug: str) -> HttpResponse:
    organisation, membership = organisation_for(request, slug)
    context = {"organisation": organisation, "membership": membership}
    context.update(evidence_index(organisation))
    return render(request, "web/evidence/index.html", context)


urlpatterns = [
    path("orgs/<slug:slug>/evidence/", evidence_list, name="evidence_list"),
    path("orgs/<slug:slug>/evidence/index/", evidence_index_page, name="evidence_index"),
    path("orgs/<slug:slug>/evidence/upload/", evidence_upload, name="evidence_upload"),
    path("orgs/<slug:slug>/evidence/<int:pk>/", evidence_detail, name="evidence"),
    path("orgs/<slug:slug>/evidence/<int:pk>/upload/", version_upload, name="evidence_version"),
    path("orgs/<slug:slug>/evidence/<int:pk>/file/", evidence_download, name="evidence_file"),
]
