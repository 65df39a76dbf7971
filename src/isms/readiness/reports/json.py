"""The JSON form of an assessment. Its shape is docs/assessment.schema.json; bump
SCHEMA_VERSION (and the schema) on any change that could break a reader."""

from isms.readiness.engine import DISCLAIMER, SAMPLING, Result

SCHEMA_VERSION = "2.0"


def result_to_dict(result: Result) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "organisation": {"slug": result.organisation.slug, "name": result.organisation.name},
        "as_of": result.as_of.isoformat(),
        "stage": result.stage,
        "run_at": result.run_at.isoformat(timespec="seconds"),
        "self_assessment": DISCLAIMER,
        "sampling": SAMPLING,
        "verdict": result.verdict,
        "conclusion": result.conclusion,
        "counts": result.counts,
        "figures": result.figures,
        "conformity_percent": result.score,
        "profile": result.profile.as_dict(),
        "upcoming_audit": (
            {
                "ref": result.upcoming.ref,
                "kind": result.upcoming.kind,
                "first_day": result.upcoming.first_day.isoformat(),
            }
            if result.upcoming
            else None
        ),
        "certification_body_deadlines": result.cb_deadlines(),
        "findings": [finding.as_dict() for finding in result.findings],
        "credited": [finding.as_dict() for finding in result.credited],
        "patterns": [pattern.as_dict() for pattern in result.patterns],
        "advisories": [advisory.as_dict() for advisory in result.advisories],
        "observations": len(result.observations),
        "errors": [{"code": e.code, "message": e.message} for e in result.errors],
        "rules": {
            "run": [rule.code for rule in result.rules_run],
            "passed": [rule.code for rule in result.passed],
        },
    }
