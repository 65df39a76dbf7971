from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "isms.people"
    label = "people"
    verbose_name = "People and training"

    def ready(self) -> None:
        from isms.people import registers  # noqa: F401  (declares this app's registers)
