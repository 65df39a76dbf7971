"""What each role may do: the one place that decides it.

Every register, page, API endpoint and CLI command asks :func:`can` or :func:`require` with an
:class:`Action`; nothing else compares roles. A member's role is one of :class:`Role`; the
top-management flag is separate because a person of any role can sit on the board.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ISMS_MANAGER = "isms_manager", "ISMS manager"
    INTERNAL_AUDITOR = "internal_auditor", "Internal auditor"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer (read-only, e.g. an external auditor)"


class Action(StrEnum):
    VIEW = "view"
    EXPORT = "export"
    EDIT_REGISTERS = "edit_registers"
    DELETE_RECORDS = "delete_records"
    IMPORT = "import"
    APPROVE = "approve"
    RUN_ASSESSMENT = "run_assessment"
    MANAGE_AUDITS = "manage_audits"
    MANAGE_NONCONFORMITIES = "manage_nonconformities"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_ORGANISATION = "manage_organisation"
    SIGN_MANAGEMENT_REVIEW = "sign_management_review"


_ALL = frozenset(Role)
_EDITORS = frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.CONTRIBUTOR})
_MANAGERS = frozenset({Role.OWNER, Role.ISMS_MANAGER})
_AUDITORS = frozenset({Role.OWNER, Role.ISMS_MANAGER, Role.INTERNAL_AUDITOR})

#: The roles allowed each action. SIGN_MANAGEMENT_REVIEW also needs the top-management flag.
ROLE_ACTIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW: _ALL,
    Action.EXPORT: _ALL,
    Action.EDIT_REGISTERS: _EDITORS,
    Action.DELETE_RECORDS: _MANAGERS,
    Action.IMPORT: _MANAGERS,
    Action.APPROVE: _MANAGERS,
    Action.RUN_ASSESSMENT: _AUDITORS,
    Action.MANAGE_AUDITS: _AUDITORS,
    Action.MANAGE_NONCONFORMITIES: _AUDITORS,
    Action.MANAGE_MEMBERS: frozenset({Role.OWNER}),
    Action.MANAGE_ORGANISATION: frozenset({Role.OWNER}),
    Action.SIGN_MANAGEMENT_REVIEW: _ALL - {Role.VIEWER},
}

#: Actions that only a member flagged as top management may take, whatever the role.
TOP_MANAGEMENT_ONLY = frozenset({Action.SIGN_MANAGEMENT_REVIEW})
#: Actions a member flagged as top management may take whatever the role (but viewer): the
#: approvals the standard expects of top management (the policy, resources, risk acceptance).
TOP_MANAGEMENT_ALSO = frozenset({Action.APPROVE})


def can(membership, action: Action) -> bool:
    """True when ``membership`` (a :class:`~isms.core.models.Membership` or None) may ``action``."""
    if membership is None or not membership.is_active:
        return False
    if action in TOP_MANAGEMENT_ONLY and not membership.is_top_management:
        return False
    if action in TOP_MANAGEMENT_ALSO and membership.is_top_management:
        return Role(membership.role) is not Role.VIEWER
    return Role(membership.role) in ROLE_ACTIONS[action]


def require(membership, action: Action) -> None:
    """Raise PermissionDenied, naming the role and the action, unless :func:`can` allows it."""
    if can(membership, action):
        return
    if membership is None:
        raise PermissionDenied(f"not a member of this organisation: cannot {action.value}")
    if not membership.is_active:
        raise PermissionDenied(f"membership is suspended: cannot {action.value}")
    if action in TOP_MANAGEMENT_ONLY and not membership.is_top_management:
        raise PermissionDenied(f"only top management may {action.value}")
    raise PermissionDenied(f"the role {Role(membership.role).label!r} may not {action.value}")
