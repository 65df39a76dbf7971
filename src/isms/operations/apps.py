from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "isms.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        from isms.operations import registers  # noqa: F401  (declares this app's registers)
