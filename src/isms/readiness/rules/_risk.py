"""Helpers the risk rules share (this module registers no rule): :mod:`risk_assessment` and
:mod:`risk_treatment`.

Shared conventions of these rules:

- The method in force is the newest one approved on or before the audit date; without an
  approved one, the newest method recorded. Rules that need its scales or thresholds stay quiet
  when there is no method at all (RSK001 reports that).
- A risk last assessed after the audit date did not exist in that form on the audit day and is
  left out. A treatment action is *open* at the audit date when it is planned or in progress, or
  marked done with a completion date after the audit date.
- A person "has left" when their leave date is on or before the audit date.
"""

from django.db.models import Q

from isms.risk.models import Risk


def _risks(ctx):
    """Risks that existed at the audit date, with what findings print."""
    return (
        ctx.q(Risk)
        .exclude(last_assessed_on__gt=ctx.as_of)
        .select_related("owner", "asset__department", "process__department")
    )


def _left(prefix: str, ctx) -> Q:
    """``prefix`` person has left on or before the audit date."""
    return Q(**{f"{prefix}__leave_date__lte": ctx.as_of})


def _where(risk) -> dict:
    """Department, process and owner of a risk, for patterns of findings."""
    department = None
    if risk.asset_id and risk.asset.department_id:
        department = risk.asset.department.name
    elif risk.process_id and risk.process.department_id:
        department = risk.process.department.name
    return {
        "department": department,
        "process": risk.process.name if risk.process_id else None,
        "owner": risk.owner.email if risk.owner_id else None,
    }


def _label(risk) -> str:
    return f"Risk {risk.ref} ({risk.title})"


def _population(ctx):
    """The risks of the register at the audit date: the population of most risk issues."""
    return ctx.population("risks", _risks(ctx))
