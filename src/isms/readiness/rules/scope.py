"""4.3 scope against reality: the sites, systems and interfaces the organisation records, set
against what the scope in force says."""

from isms.context.models import Interface, Site
from isms.operations.models import System
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import rule
from isms.readiness.rules.context import _scope_in_force


@rule(
    code="SCP001",
    name="scope-silent-on-sites-systems-interfaces",
    reference="4.3",
    stage=1,
    grade=Grade.MINOR,
    title="Sites, systems or interfaces the scope neither includes nor excludes",
    statement=(
        "The organisation has not determined the boundaries of the information security "
        "management system for all of its sites, systems and interfaces."
    ),
)
def scope_silent_on_sites_systems_interfaces(ctx):
    """
    What it checks: sites, systems and interfaces whose in-scope decision is blank and whose
    name the scope in force does not mention (in what it covers, what it excludes or its
    boundaries; the match ignores case). Not judged when no scope is approved (CTX001).

    Why an auditor cares: 4.3 asks the organisation to determine the boundaries of the ISMS,
    considering its interfaces and dependencies. An auditor walks from the scope statement to
    the sites, systems and interfaces the organisation actually has: one the scope is silent on
    is either covered without anyone deciding it, or outside the ISMS without a reason, and the
    certificate may not mean what the organisation thinks.

    How to fix: decide for each whether it is in or out of scope, record the decision (and the
    reason for an exclusion) in the register, and bring the scope statement up to date.

    Grade: minor at stage 2, area of concern at stage 1; one finding with an instance for each
    site, system or interface. Never major by effect.
    """
    scope = _scope_in_force(ctx)
    if scope is None:
        return
    text = " ".join((scope.in_scope, scope.out_of_scope, scope.boundaries)).casefold()
    registers = (
        ("Sites", Site, "site"),
        ("Systems", System, "system"),
        ("Interfaces", Interface, "interface"),
    )
    for sheet, model, label in registers:
        for name in ctx.q(model).filter(in_scope="").values_list("name", flat=True):
            if name.casefold() in text:
                continue
            yield ctx.observe(
                Subject(sheet, name),
                f"The {label} {name} is neither included nor excluded: the register leaves its "
                f"scope decision blank and scope {scope.version} does not mention it.",
            )
