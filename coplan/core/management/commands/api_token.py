from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coplan.core.domain import issue_api_token


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="created with coplan api-token")

    def handle(self, *args, email, name, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        _, raw = issue_api_token(user=user, name=name)
        self.stdout.write(raw)
