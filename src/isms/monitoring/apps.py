from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "isms.monitoring"
    label = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from isms.monitoring import registers  # noqa: F401  (declares this app's registers)
