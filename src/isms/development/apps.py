from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "isms.development"
    label = "development"
    verbose_name = "Development"

    def ready(self) -> None:
        from isms.development import registers  # noqa: F401  (declares this app's registers)
