from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "isms.risk"
    label = "risk"
    verbose_name = "Risk"

    def ready(self) -> None:
        from isms.risk import registers  # noqa: F401  (declares this app's registers)
