from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "isms.core"
    label = "core"
    verbose_name = "Organisations and members"
