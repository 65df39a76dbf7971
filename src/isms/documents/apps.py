from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "isms.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from isms.documents import registers  # noqa: F401  (declares this app's registers)
