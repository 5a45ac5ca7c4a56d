from django.core.management import call_command
from django.core.management.base import BaseCommand

from coplan.demo.loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Migrate, load the demo story (idempotent) and serve it on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Load the data only.")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins, created = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data loaded." if created else "Demo data already present: nothing changed."
            )
        )
        self.stdout.write("\nDemo logins (every figure is illustrative):")
        width = max(len(label) for label, _ in logins)
        for label, email in logins:
            self.stdout.write(f"  {label.ljust(width)}  {email}")
        self.stdout.write(f"\nPassword for every demo login: {DEMO_PASSWORD}\n")
        if not no_serve:
            self.stdout.write(f"Open http://127.0.0.1:{port}/ and sign in.\n")
            call_command(
                "runserver", f"127.0.0.1:{port}", use_reloader=False, use_static_handler=False
            )
