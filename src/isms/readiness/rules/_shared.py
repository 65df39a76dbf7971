"""Small helpers several rule modules use (this module registers no rule)."""


def department_of(person) -> str | None:
    """The department name findings about ``person`` are grouped under (for escalation)."""
    if person is None or person.department is None:
        return None
    return person.department.name
