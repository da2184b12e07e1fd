from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from naas.demo import DEMO_PASSWORD, seed_core


class Command(BaseCommand):
    help = "Create (or find again) the demo LAs, social workers and one account per role."

    @transaction.atomic
    def handle(self, *args, **options):
        today = timezone.localdate()
        accounts = seed_core(today)
        # Each later app may add its own demo data in a `demo.seed(accounts, today)` function;
        # they run in INSTALLED_APPS order, so the core app never imports them.
        for app_config in apps.get_app_configs():
            if app_config.name == "naas":
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app_config.name}.demo":
                    raise
                continue
            module.seed(accounts, today)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/"))
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        for role, user in accounts.items():
            self.stdout.write(f"  {role.replace('_', ' '):<14} {user.email}")
