import pytest
from django.core.exceptions import PermissionDenied

from isms.core.permissions import ROLE_ACTIONS, Action, Role, can, require

pytestmark = pytest.mark.django_db

EXPECTED = {
    Role.OWNER: set(Action),
    Role.ISMS_MANAGER: set(Action) - {Action.MANAGE_MEMBERS, Action.MANAGE_ORGANISATION},
    Role.INTERNAL_AUDITOR: {
        Action.VIEW,
        Action.EXPORT,
        Action.RUN_ASSESSMENT,
        Action.MANAGE_AUDITS,
        Action.MANAGE_NONCONFORMITIES,
        Action.SIGN_MANAGEMENT_REVIEW,
        Action.APPROVE,
    },
    Role.CONTRIBUTOR: {
        Action.VIEW,
        Action.EXPORT,
        Action.EDIT_REGISTERS,
        Action.SIGN_MANAGEMENT_REVIEW,
        Action.APPROVE,
    },
    Role.VIEWER: {Action.VIEW, Action.EXPORT},
}


def test_every_action_has_a_rule():
    assert set(ROLE_ACTIONS) == set(Action)


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix_for_top_management(role, organisation, make_member):
    _, membership = make_member(organisation, role, top_management=True)
    assert {action for action in Action if can(membership, action)} == EXPECTED[role]


def test_approving_is_for_managers_and_top_management(organisation, make_member):
    _, contributor = make_member(organisation, Role.CONTRIBUTOR)
    assert not can(contributor, Action.APPROVE)
    _, board = make_member(organisation, Role.CONTRIBUTOR, top_management=True)
    assert can(board, Action.APPROVE), "top management approves the policy and resources"
    _, viewer = make_member(organisation, Role.VIEWER, top_management=True)
    assert not can(viewer, Action.APPROVE)


def test_signing_a_management_review_needs_top_management(organisation, make_member):
    _, manager = make_member(organisation, Role.ISMS_MANAGER)
    assert not can(manager, Action.SIGN_MANAGEMENT_REVIEW)
    with pytest.raises(PermissionDenied, match="only top management"):
        require(manager, Action.SIGN_MANAGEMENT_REVIEW)
    _, viewer = make_member(organisation, Role.VIEWER, top_management=True)
    assert not can(viewer, Action.SIGN_MANAGEMENT_REVIEW)


def test_viewer_is_read_only_and_told_why(organisation, make_member):
    _, viewer = make_member(organisation, Role.VIEWER)
    with pytest.raises(PermissionDenied, match=r"'Viewer .*' may not edit_registers"):
        require(viewer, Action.EDIT_REGISTERS)


def test_non_members_and_suspended_members_may_do_nothing(organisation, make_member):
    assert not any(can(None, action) for action in Action)
    with pytest.raises(PermissionDenied, match="not a member"):
        require(None, Action.VIEW)
    _, owner = make_member(organisation, Role.OWNER)
    owner.is_active = False
    owner.save()
    assert not any(can(owner, action) for action in Action)
    with pytest.raises(PermissionDenied, match="suspended"):
        require(owner, Action.VIEW)
