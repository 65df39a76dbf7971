"""Register lists: filters (choices, yes/no, a date range), sorting, pagination that keeps
them, "Export this list" as CSV and xlsx, and the SoA's 93 controls listed for a decision."""

import csv
import datetime as dt
import io
import re

import pytest

from isms.controls.models import SoAEntry
from isms.core.permissions import Role
from isms.operations.models import Supplier

pytestmark = pytest.mark.django_db


def _suppliers(organisation, count=6):
    """Suppliers S00.. with tiers cycling low, high, critical; every other one a cloud service;
    contracts signed on the first of successive months of 2026."""
    tiers = ("low", "high", "critical")
    Supplier.objects.bulk_create(
        Supplier(
            organisation=organisation,
            name=f"S{n:02}",
            service="Hosting" if n % 2 else '=HYPERLINK("http://x")',
            tier=tiers[n % 3],
            data_access="internal",
            is_cloud_service=bool(n % 2),
            contract_signed_on=dt.date(2026, 1 + n % 12, 1),
        )
        for n in range(count)
    )


def _names(page: str) -> list[str]:
    return re.findall(r'/registers/suppliers/\d+/">(S\d+)</a>', page)


def test_a_list_filters_by_choice_yes_no_and_a_date_range(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    page = client.get("/orgs/acme/registers/suppliers/").content.decode()
    assert '<label for="id_f_tier">tier</label>' in page, "a labelled control per choice column"
    assert '<label for="id_from">contract_signed_on from</label>' in page
    high = client.get("/orgs/acme/registers/suppliers/", {"tier": "high"}).content.decode()
    assert _names(high) == ["S01", "S04"] and "2 records matching the filters" in high
    cloud = client.get("/orgs/acme/registers/suppliers/", {"is_cloud_service": "yes"})
    assert _names(cloud.content.decode()) == ["S01", "S03", "S05"]
    dated = client.get(
        "/orgs/acme/registers/suppliers/", {"from": "2026-02-01", "to": "2026-04-01"}
    ).content.decode()
    assert _names(dated) == ["S01", "S02", "S03"]
    both = client.get("/orgs/acme/registers/suppliers/", {"tier": "low", "is_cloud_service": "no"})
    assert _names(both.content.decode()) == ["S00"]
    unknown = client.get("/orgs/acme/registers/suppliers/", {"tier": "enormous"}).content.decode()
    assert len(_names(unknown)) == 6, "a value that is not a choice filters nothing"


def test_a_bad_date_is_named_on_its_field(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    page = client.get("/orgs/acme/registers/suppliers/", {"from": "last week"})
    html = page.content.decode()
    assert page.status_code == 200 and len(_names(html)) == 6
    assert '<p class="error" id="id_from_error">expected a date like 2026-03-31' in html


def test_a_list_sorts_by_a_column_either_way_with_a_stable_tie_break(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    ascending = client.get("/orgs/acme/registers/suppliers/", {"sort": "tier"}).content.decode()
    # critical < high < low, equal tiers by name
    assert _names(ascending) == ["S02", "S05", "S01", "S04", "S00", "S03"]
    assert 'aria-sort="ascending"' in ascending
    assert 'href="?sort=tier&amp;dir=desc"' in ascending, "the sorted header turns the order"
    descending = client.get(
        "/orgs/acme/registers/suppliers/", {"sort": "tier", "dir": "desc"}
    ).content.decode()
    assert _names(descending) == ["S00", "S03", "S01", "S04", "S02", "S05"]
    assert 'aria-sort="descending"' in descending
    forged = client.get("/orgs/acme/registers/suppliers/", {"sort": "organisation__name"})
    assert forged.status_code == 200 and _names(forged.content.decode())[0] == "S00"


def test_pages_keep_the_filters_and_the_sort(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation, 160)  # 54 of them low tier: two pages
    first = client.get(
        "/orgs/acme/registers/suppliers/", {"tier": "low", "sort": "name", "dir": "desc"}
    ).content.decode()
    assert "54 records matching the filters" in first and "Page 1 of 2" in first
    low = sorted((f"S{n:02}" for n in range(0, 160, 3)), reverse=True)
    assert _names(first) == low[:50]
    next_link = re.search(r'<a href="\?([^"]*)">Next</a>', first).group(1).replace("&amp;", "&")
    assert next_link == "tier=low&sort=name&dir=desc&page=2"
    second = client.get("/orgs/acme/registers/suppliers/?" + next_link).content.decode()
    assert _names(second) == low[50:], "still low tier, still descending"
    previous = re.search(r'<a href="\?([^"]*)">Previous</a>', second).group(1)
    assert "tier=low" in previous and "dir=desc" in previous


def test_export_this_list_as_csv_keeps_the_filters_and_every_column(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    page = client.get("/orgs/acme/registers/suppliers/", {"tier": "low"}).content.decode()
    assert 'href="/orgs/acme/registers/suppliers/export.csv?tier=low"' in page
    response = client.get("/orgs/acme/registers/suppliers/export.csv", {"tier": "low"})
    assert response.status_code == 200
    today = dt.date.today().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="acme-suppliers-{today}.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    from isms.core.registers import by_sheet

    assert rows[0] == list(by_sheet("Suppliers").columns), "every column, as the import has it"
    assert [row[0] for row in rows[1:]] == ["S00", "S03"]
    assert rows[1][1].startswith("'="), "a formula is written as text"


def test_export_as_xlsx_in_the_list_order(signed_in, organisation):
    from openpyxl import load_workbook

    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    response = client.get(
        "/orgs/acme/registers/suppliers/export.xlsx", {"sort": "tier", "dir": "desc"}
    )
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="acme-suppliers-'
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["Suppliers"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "name"
    assert [row[0] for row in values[1:]] == ["S00", "S03", "S01", "S04", "S02", "S05"]
    formula = sheet.cell(row=2, column=2)
    assert formula.data_type == "s" and formula.value.startswith("=HYPERLINK")
    assert client.get("/orgs/acme/registers/suppliers/export.pdf").status_code == 404


def test_exports_are_scoped_to_the_organisation(signed_in, organisation, other_organisation):
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(other_organisation)
    assert client.get("/orgs/globex/registers/suppliers/export.csv").status_code == 404
    mine = client.get("/orgs/acme/registers/suppliers/export.csv")
    assert b"".join(mine.streaming_content).decode().count("\n") == 1, "the header only"


def test_the_soa_lists_all_93_controls_for_a_decision(signed_in, organisation):
    from isms.catalog.models import Control

    client = signed_in(organisation)
    SoAEntry.objects.create(
        organisation=organisation,
        control=Control.objects.get(ref="5.1"),
        applicable=True,
        justification="Policy",
    )
    page = client.get("/orgs/acme/registers/soa/").content.decode()
    assert "<strong>1 of 93</strong> Annex A controls decided" in page
    assert "Not decided yet (92)" in page
    assert '<a href="/orgs/acme/registers/soa/new/?control=A.5.2" aria-label="Decide A.5.2">' in (
        page
    )
    assert '?control=A.5.1"' not in page, "a decided control is not offered again"
    viewer = signed_in(organisation, Role.VIEWER)
    seen = viewer.get("/orgs/acme/registers/soa/").content.decode()
    assert "Not decided yet (92)" in seen and "Decide" not in seen


def test_decide_opens_the_form_filled_in_and_saves_the_decision(signed_in, organisation):
    client = signed_in(organisation)
    form = client.get("/orgs/acme/registers/soa/new/", {"control": "A.5.2"}).content.decode()
    assert 'name="control" value="5.2"' in form
    made = client.post(
        "/orgs/acme/registers/soa/new/",
        {"control": "5.2", "applicable": "yes", "justification": "Roles are needed"},
    )
    assert made.status_code == 302
    entry = SoAEntry.objects.get(organisation=organisation, control__ref="5.2")
    assert entry.applicable and entry.history.first().history_user == client.user
    page = client.get("/orgs/acme/registers/soa/").content.decode()
    assert "<strong>1 of 93</strong>" in page and '?control=A.5.2"' not in page


def test_a_new_record_form_takes_initial_values_for_any_column(signed_in, organisation):
    client = signed_in(organisation)
    form = client.get(
        "/orgs/acme/registers/people/new/", {"name": "Ann\x00 Example", "kind": "contractor"}
    ).content.decode()
    assert 'name="name" value="Ann Example"' in form, "printable characters only"
    assert '<option value="contractor" selected>' in form
    viewer = signed_in(organisation, Role.VIEWER)
    assert viewer.get("/orgs/acme/registers/people/new/", {"name": "x"}).status_code == 403


def test_the_register_index_counts_in_one_query(signed_in, organisation, other_organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation, 4)
    _suppliers(other_organisation, 7)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/orgs/acme/registers/").content.decode()
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 1, "every register counted in one query"
    assert len(queries.captured_queries) <= 10
    row = re.search(
        r'registers/suppliers/">Suppliers</a></td>.*?<td class="num[^"]*">(\d+)</td>', page, re.S
    )
    assert row.group(1) == "4"
    assert re.search(
        r'registers/people/">People</a></td>.*?<td class="num empty">0</td>', page, re.S
    )


def test_the_sort_is_also_a_menu_in_the_form(signed_in, organisation):
    """At phone width the table's headers are hidden: the form's own menus sort too."""
    client = signed_in(organisation, Role.VIEWER)
    _suppliers(organisation)
    page = client.get(
        "/orgs/acme/registers/suppliers/", {"sort": "tier", "dir": "desc"}
    ).content.decode()
    assert '<label for="id_sort">Sort by</label>' in page
    assert '<option value="tier" selected>tier</option>' in page
    assert '<option value="desc" selected>descending</option>' in page
    assert _names(page) == ["S00", "S03", "S01", "S04", "S02", "S05"]
