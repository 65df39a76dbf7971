from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "isms.web"
    label = "web"
    verbose_name = "Web application"
