from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "isms.changes"
    label = "changes"
    verbose_name = "Changes"

    def ready(self) -> None:
        from isms.changes import registers  # noqa: F401  (declares this app's registers)
