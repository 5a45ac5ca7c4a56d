import datetime as dt

from django.core.management.base import BaseCommand

from coplan.governance import domain


class Command(BaseCommand):
    help = (
        "Email action owners about actions due soon or overdue. Run it daily (or more often): "
        "each action gets at most one reminder a day, so running it again sends nothing new."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Treat this date (YYYY-MM-DD) as today.",
        )

    def handle(self, *args, today, **options):
        run = domain.send_reminders(today=today)
        self.stdout.write(
            f"Sent {run.emails} reminder email{'s' if run.emails != 1 else ''} about "
            f"{len(run.reminders)} action{'s' if len(run.reminders) != 1 else ''}."
        )
