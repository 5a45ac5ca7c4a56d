import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coplan.core import clock
from coplan.core.domain import issue_api_token


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="created with coplan api-token")
        parser.add_argument(
            "--read-only", action="store_true", help="The token may only read (GET)."
        )
        parser.add_argument("--expires-days", type=int, help="The token stops working after.")

    def handle(self, *args, email, name, read_only=False, expires_days=None, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        expires_at = clock.now() + dt.timedelta(days=expires_days) if expires_days else None
        _, raw = issue_api_token(user=user, name=name, read_only=read_only, expires_at=expires_at)
        self.stdout.write(raw)
