import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from coplan.ops.privacy import apply_retention


class Command(BaseCommand):
    help = (
        "Apply each data category's retention rule (delete or anonymise what is past its time). "
        "Safe to rerun. --dry-run only reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report only; change nothing.")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(f"--today must be a date like 2027-04-01, got {today!r}") from None
        run = apply_retention(today=day, dry_run=dry_run)
        verb = "would remove or anonymise" if dry_run else "removed or anonymised"
        for category, count in run.results:
            self.stdout.write(f"{category.key}: {verb} {count}")
        done = "would be removed or anonymised" if dry_run else "removed or anonymised"
        self.stdout.write(
            f"{'Dry run: ' if dry_run else ''}{run.total} record(s) {done} as of {run.today}."
        )
