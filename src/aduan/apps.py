"""Django app configuration for Aduan."""

from django.apps import AppConfig


class AduanConfig(AppConfig):
    name = "aduan"
    verbose_name = "Aduan"
    default_auto_field = "django.db.models.BigAutoField"
