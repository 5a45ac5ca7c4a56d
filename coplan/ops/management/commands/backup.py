from django.core.management.base import BaseCommand, CommandError

from coplan.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup or pg_dump) and every uploaded file into one "
        ".tar.gz with a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Archive file or directory (default: here).")

    def handle(self, *args, path=None, **options):
        try:
            written = backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(f"Backup written to {written}")
