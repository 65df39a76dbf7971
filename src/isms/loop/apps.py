from django.apps import AppConfig


class LoopConfig(AppConfig):
    name = "isms.loop"
    label = "loop"
    verbose_name = "Audit loop"
