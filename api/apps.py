from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner API (/api/v1/): the top layer, calling the other apps' services and selectors."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "Partner API"

    def ready(self):
        from . import schema  # noqa: F401  (registers the token's description)
