"""The JSON form of an assessment. Its shape is docs/assessment.schema.json; bump
SCHEMA_VERSION (and the schema) on any change that could break a reader."""

from isms.readiness.engine import Result

SCHEMA_VERSION = "1.0"


def result_to_dict(result: Result) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "organisation": {"slug": result.organisation.slug, "name": result.organisation.name},
        "as_of": result.as_of.isoformat(),
        "stage": result.stage,
        "run_at": result.run_at.isoformat(timespec="seconds"),
        "verdict": result.verdict,
        "readiness_score": result.score,
        "counts": result.counts,
        "profile": {
            "name": result.profile.name,
            "major_days": result.profile.major_days,
            "minor_days": result.profile.minor_days,
            "escalation_threshold": result.profile.escalation_threshold,
        },
        "findings": [finding.as_dict() for finding in result.findings],
        "errors": [{"code": e.code, "message": e.message} for e in result.errors],
        "rules": {
            "run": [rule.code for rule in result.rules_run],
            "passed": [rule.code for rule in result.passed],
        },
    }
