"""The monitoring registers: importer, API and web pages all read these declarations."""

from isms.core.registers import register
from isms.monitoring.models import Metric, MetricResult

register(
    Metric,
    sheet="Metrics",
    key=("ref",),
    columns=(
        "ref",
        "measures",
        "method",
        "frequency",
        "owner",
        "analysed_by",
        "objective",
        "control",
    ),
    description="What is monitored and measured, how, how often and by whom (9.1).",
    example={
        "ref": "MET-01",
        "measures": "Critical patches applied within 14 days",
        "method": "Share of critical patches released in the month that were installed "
        "within 14 days, from the patch tool report",
        "frequency": "monthly",
        "owner": "it.ops@acme.example",
        "analysed_by": "ciso@acme.example",
        "objective": "OBJ-01",
        "control": "8.8",
    },
)
register(
    MetricResult,
    sheet="Metric results",
    key=("metric", "measured_on"),
    columns=("metric", "measured_on", "value", "analysed_on", "analysis"),
    description="Results of the metrics and their analysis and evaluation (9.1).",
    example={
        "metric": "MET-01",
        "measured_on": "2026-10-31",
        "value": "96.5",
        "analysed_on": "2026-11-06",
        "analysis": "Above the 95% target; two late patches were on the MES servers",
    },
)
