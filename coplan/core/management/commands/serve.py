import os

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Coplan in production with granian (WSGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
        parser.add_argument(
            "--blocking-threads",
            type=int,
            default=8,
            help="Threads per worker; bounded so PostgreSQL connections are not exhausted.",
        )

    def handle(self, *args, host, port, workers, blocking_threads, **options):
        from granian.constants import Interfaces
        from granian.server import Server

        self.stdout.write(
            f"Coplan on http://{host}:{port} ({workers} workers, "
            f"{blocking_threads} threads each, debug={settings.DEBUG})"
        )
        Server(
            "coplan.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=workers,
            blocking_threads=blocking_threads,
        ).serve()
