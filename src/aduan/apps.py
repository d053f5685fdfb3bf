"""Django app configuration for Aduan."""

from django.apps import AppConfig


class AduanConfig(AppConfig):
    name = "aduan"
    verbose_name = "Aduan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The live-tracking hub's signal (NOTIFY on commit on PostgreSQL) must be connected in every process
        # that writes events — the worker and the commands too — not only in the web server.
        import aduan.services.events_hub  # noqa: F401
