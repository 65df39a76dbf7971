from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "isms.catalog"
    label = "catalog"
    verbose_name = "Reference catalogue"
