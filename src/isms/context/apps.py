from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "isms.context"
    label = "context"
    verbose_name = "Context"

    def ready(self) -> None:
        from isms.context import registers  # noqa: F401  (declares this app's registers)
