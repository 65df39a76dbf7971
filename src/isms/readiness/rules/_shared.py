"""Small helpers several rule modules use (this module registers no rule)."""


def department_of(person) -> str | None:
    """The department name findings about ``person`` are grouped under (for escalation)."""
    if person is None or person.department is None:
        return None
    return person.department.name


#: The issue the rules about leavers' responsibilities share (led by LDR003, 5.3).
LEAVER_ISSUE = "LDR003"


def responsibilities(ctx):
    """The population of the leaver issue: the ISMS responsibilities a person can hold at the
    audit date (ISMS role assignments in effect, risks, assets and objectives), counted once per
    run. LDR003, RSK017, RSK018 and OBJ003 draw their leaver instances from it."""
    from django.db.models import Q

    from isms.controls.models import Objective
    from isms.leadership.models import RoleAssignment
    from isms.risk.models import Asset, Risk

    def compute() -> int:
        as_of = ctx.as_of
        roles = ctx.q(RoleAssignment).filter(
            Q(assigned_on__isnull=True) | Q(assigned_on__lte=as_of),
            Q(ended_on__isnull=True) | Q(ended_on__gt=as_of),
        )
        risks = ctx.q(Risk).exclude(last_assessed_on__gt=as_of)
        return roles.count() + risks.count() + ctx.q(Asset).count() + ctx.q(Objective).count()

    return ctx.population("ISMS responsibilities", ctx.cached("responsibilities", compute))


def leaver(ctx, person) -> bool:
    """``person`` left on or before the audit date."""
    return bool(person and person.leave_date and person.leave_date <= ctx.as_of)
