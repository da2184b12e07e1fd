from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self):
        from . import signals

        signals.connect()  # the dashboards' figures are counted again after changes commit
