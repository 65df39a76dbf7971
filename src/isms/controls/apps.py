from django.apps import AppConfig


class ControlsConfig(AppConfig):
    name = "isms.controls"
    label = "controls"
    verbose_name = "Controls and objectives"

    def ready(self) -> None:
        from isms.controls import registers  # noqa: F401  (declares this app's registers)
