from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "isms.evidence"
    label = "evidence"
    verbose_name = "Evidence"

    def ready(self) -> None:
        from isms.evidence import registers  # noqa: F401  (declares this app's registers)
