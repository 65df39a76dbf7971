from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "isms.readiness"
    label = "readiness"
    verbose_name = "Mock audit"

    def ready(self) -> None:
        from isms.readiness import rules  # noqa: F401  (registers every rule)
