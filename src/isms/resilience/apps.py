from django.apps import AppConfig


class ResilienceConfig(AppConfig):
    name = "isms.resilience"
    label = "resilience"
    verbose_name = "Resilience"

    def ready(self) -> None:
        from isms.resilience import registers  # noqa: F401  (declares this app's registers)
