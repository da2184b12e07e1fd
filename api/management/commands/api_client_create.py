"""manage.py api_client_create NAME --scope results:write --acting-user admin@example.org
[--local-authority <id>]: make a partner API client and print its token, once."""

from django.core.management.base import BaseCommand, CommandError

from api import services
from api.models import Scope
from naas.models import LocalAuthority, User


class Command(BaseCommand):
    help = "Create a partner API client and print its token (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            help="Repeat for each scope",
        )
        parser.add_argument(
            "--acting-user", required=True, help="Email of the account its writes run as"
        )
        parser.add_argument("--local-authority", type=int, help="The LA's id, for an HR client")

    def handle(self, *args, **options):
        acting_user = User.objects.filter(email__iexact=options["acting_user"]).first()
        if acting_user is None:
            raise CommandError("No account has that email address")
        local_authority = None
        if options["local_authority"] is not None:
            local_authority = LocalAuthority.objects.filter(pk=options["local_authority"]).first()
            if local_authority is None:
                raise CommandError("No local authority has that id")
        try:
            client, token = services.api_client_create(
                name=options["name"],
                scopes=options["scope"],
                acting_user=acting_user,
                local_authority=local_authority,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created API client {client.pk} ({client.name}).")
        self.stdout.write("Its token, shown only now (keep it in a secret store):")
        self.stdout.write(token)
