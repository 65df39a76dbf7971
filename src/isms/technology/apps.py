from django.apps import AppConfig


class TechnologyConfig(AppConfig):
    name = "isms.technology"
    label = "technology"
    verbose_name = "Technology"

    def ready(self) -> None:
        from isms.technology import registers  # noqa: F401  (declares this app's registers)
