import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from isms.core import services
from isms.core.models import Membership, Organisation
from isms.core.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["", "Acme", "acme corp", "-acme", "acme-", "a" * 51, "ac/me"])
def test_bad_slugs_are_refused(slug):
    with pytest.raises(ValidationError) as error:
        services.create_organisation(slug, "Acme")
    assert "slug" in error.value.message_dict
    assert not Organisation.objects.exists()


def test_duplicate_slug_is_refused_and_existing_org_untouched(organisation):
    with pytest.raises(ValidationError, match="already exists"):
        services.create_organisation("acme", "Another")
    organisation.refresh_from_db()
    assert organisation.name == "Acme Ltd"


def test_weak_password_is_refused_with_reasons():
    with pytest.raises(ValidationError) as error:
        services.create_user("carol", password="123")
    assert any("too short" in message for message in error.value.message_dict["password"])


def test_user_without_password_cannot_log_in():
    user = services.create_user("carol", password=None)
    assert not user.has_usable_password()


def test_membership_is_added_then_updated(organisation):
    user = services.create_user("dave", password=None)
    membership, created = services.set_membership(organisation, user, Role.CONTRIBUTOR)
    assert created
    membership, created = services.set_membership(organisation, user, Role.VIEWER, True)
    assert not created
    assert (membership.role, membership.is_top_management) == (Role.VIEWER, True)
    assert Membership.objects.count() == 1


def test_unknown_role_is_refused(organisation):
    user = services.create_user("erin", password=None)
    with pytest.raises(ValidationError, match="not a role"):
        services.set_membership(organisation, user, "superuser")


def test_database_refuses_an_invalid_role(organisation):
    user = services.create_user("frank", password=None)
    with pytest.raises(IntegrityError):
        Membership.objects.create(organisation=organisation, user=user, role="god")


def test_queries_are_scoped_to_one_organisation(organisation, other_organisation, make_member):
    make_member(organisation, Role.OWNER)
    make_member(other_organisation, Role.OWNER)
    make_member(other_organisation, Role.VIEWER)
    assert Membership.objects.for_organisation(organisation).count() == 1
    assert Membership.objects.for_organisation(other_organisation).count() == 2


def test_membership_for_returns_only_that_organisation(
    organisation, other_organisation, make_member
):
    user, membership = make_member(organisation, Role.OWNER)
    assert services.membership_for(user, organisation) == membership
    assert services.membership_for(user, other_organisation) is None


def test_deleting_an_organisation_removes_all_its_records(organisation, other_organisation):
    from isms.exchange.importer import import_sheets
    from isms.exchange.readers import read_yaml
    from isms.people.models import Department, Person

    text = (
        "Departments: [{name: Ops, manager: a@x.example}]\n"
        "People: [{email: a@x.example, name: A, department: Ops}]\n"
        "Systems: [{name: CRM, owner: a@x.example}]\n"
    )
    import_sheets(organisation, read_yaml(text))
    import_sheets(other_organisation, read_yaml(text))
    organisation.delete()
    assert Person.objects.count() == 1 and Department.objects.count() == 1
    assert Person.objects.get().organisation == other_organisation
