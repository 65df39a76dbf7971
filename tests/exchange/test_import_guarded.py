"""The importer applies the same per-field permission as the API: an approval or an audit
result changes only if the acting user's role may set it; nothing is written otherwise."""

import pytest

from isms.core.actor import acting_as
from isms.core.permissions import Role
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import Sheet
from isms.risk.models import RiskMethod

pytestmark = pytest.mark.django_db

METHOD = {
    "name": "Method v1",
    "likelihood_levels": "5",
    "impact_levels": "5",
    "acceptance_threshold": "6",
    "high_threshold": "15",
}


def _method(**values) -> list[Sheet]:
    row = {**METHOD, **values}
    return [Sheet("Risk method", list(row), [(2, row)])]


def _people(user) -> list[Sheet]:
    row = {"email": user.email, "name": "Approver"}
    return [Sheet("People", list(row), [(2, row)])]


@pytest.fixture
def approver_row(organisation, make_member):
    def make(role, top_management=False):
        user, _ = make_member(organisation, role, top_management)
        user.email = f"{user.username}@acme.example"
        user.save()
        import_sheets(organisation, _people(user))
        return user

    return make


def test_a_role_without_approve_cannot_import_an_approval(organisation, approver_row):
    auditor = approver_row(Role.INTERNAL_AUDITOR)
    with acting_as(auditor), pytest.raises(ImportRejected) as rejected:
        import_sheets(organisation, _method(approved_by=auditor.email, approved_on="2026-11-01"))
    columns = {(p.sheet, p.row, p.column) for p in rejected.value.problems}
    assert columns == {("Risk method", 2, "approved_by"), ("Risk method", 2, "approved_on")}
    assert "may not approve" in rejected.value.problems[0].message
    assert not RiskMethod.objects.exists(), "nothing is written"


def test_unchanged_approvals_and_other_columns_pass(organisation, approver_row):
    manager = approver_row(Role.ISMS_MANAGER)
    with acting_as(manager):
        import_sheets(organisation, _method(approved_by=manager.email, approved_on="2026-11-01"))
    auditor = approver_row(Role.INTERNAL_AUDITOR)
    with acting_as(auditor):  # the same approval, re-imported: not a change
        import_sheets(organisation, _method(approved_by=manager.email, approved_on="2026-11-01"))
    assert RiskMethod.objects.get().approved_on.isoformat() == "2026-11-01"


def test_top_management_may_approve_whatever_the_role(organisation, approver_row):
    director = approver_row(Role.CONTRIBUTOR, top_management=True)
    with acting_as(director):
        import_sheets(organisation, _method(approved_by=director.email, approved_on="2026-11-01"))
    assert RiskMethod.objects.get().approved_by.email == director.email
