from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "isms.audits"
    label = "audits"
    verbose_name = "Audits and reviews"

    def ready(self) -> None:
        from isms.audits import registers  # noqa: F401  (declares this app's registers)
