from django.apps import AppConfig


class LeadershipConfig(AppConfig):
    name = "isms.leadership"
    label = "leadership"
    verbose_name = "Leadership"

    def ready(self) -> None:
        from isms.leadership import registers  # noqa: F401  (declares this app's registers)
