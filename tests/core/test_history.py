"""Every change is kept with who made it, and before/after values."""

import pytest
from django.contrib.auth import get_user_model

from isms.core.actor import acting_as, current_user
from isms.core.models import Membership, Organisation
from isms.core.permissions import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return get_user_model().objects.create_user("alice")


@pytest.fixture
def bob():
    return get_user_model().objects.create_user("bob")


def test_an_edit_is_recorded_with_the_user_who_made_it(alice, bob):
    with acting_as(alice):
        organisation = Organisation.objects.create(slug="acme", name="Acme")
    with acting_as(bob):
        organisation.name = "Acme Components"
        organisation.save()

    latest, first = organisation.history.all()[:2]
    assert (first.history_type, first.history_user) == ("+", alice)
    assert (latest.history_type, latest.history_user) == ("~", bob)
    delta = latest.diff_against(first)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Acme", "Acme Components")]
    organisation.refresh_from_db()
    assert (organisation.created_by, organisation.updated_by) == (alice, bob)


def test_scoped_records_track_creator_editor_and_deletion(alice, bob, organisation):
    with acting_as(alice):
        membership = Membership.objects.create(
            organisation=organisation, user=bob, role=Role.CONTRIBUTOR
        )
    with acting_as(bob):
        membership.role = Role.ISMS_MANAGER
        membership.save(update_fields=["role"])
    membership.refresh_from_db()
    assert membership.created_by == alice
    assert membership.updated_by == bob
    membership_id = membership.id
    with acting_as(alice):
        membership.delete()
    deleted = Membership.history.filter(id=membership_id).first()
    assert (deleted.history_type, deleted.history_user, deleted.role) == (
        "-",
        alice,
        Role.ISMS_MANAGER,
    )


def test_acting_as_is_restored_after_the_block(alice, bob):
    assert current_user() is None
    with acting_as(alice):
        with acting_as(bob):
            assert current_user() == bob
        assert current_user() == alice
    assert current_user() is None


def test_a_change_without_an_acting_user_is_a_system_change(organisation):
    organisation.name = "Renamed"
    organisation.save()
    assert organisation.history.first().history_user is None
