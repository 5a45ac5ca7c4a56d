"""``coplan serve``: the production server (granian, WSGI), configured from the environment.

- ``COPLAN_BIND``: address and port (default ``0.0.0.0:8000``);
- ``COPLAN_WORKERS``: processes (default 2);
- ``COPLAN_THREADS``: threads per process = requests at once = DB connections (default 8);
- ``COPLAN_CONNECTIONS``: open HTTP connections per process (default 256, at least the threads);
- ``COPLAN_DB_CONNECTION_BUDGET``: most database connections the app may hold (default 80).

Each thread holds at most one database connection, so the app holds at most
``COPLAN_WORKERS × COPLAN_THREADS``; ``serve`` refuses to start above the budget (leave room
under PostgreSQL's ``max_connections`` for the task worker, backups and psql). Requests beyond
the threads wait in granian's queue for a free thread instead of opening more connections; that
queue holds at most ``COPLAN_CONNECTIONS − COPLAN_THREADS`` requests per process (see
``plan``).
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

MAX_THREADS = 64
DEFAULT_CONNECTIONS = 256  # per process; see plan()
IDLE_TIMEOUT_MS = 10_000


def _int(env, name, default, low=1, high=None):
    raw = env.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise CommandError(f"{name} must be a whole number, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        raise CommandError(f"{name} must be between {low} and {high or 'any'}, got {value}")
    return value


def plan(env=None, budget=None) -> dict:
    """The server configuration the environment asks for, checked against the budget."""
    env = os.environ if env is None else env
    budget = settings.COPLAN_DB_CONNECTION_BUDGET if budget is None else budget
    bind = env.get("COPLAN_BIND", "0.0.0.0:8000")
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"COPLAN_BIND must be HOST:PORT, got {bind!r}")
    workers = _int(env, "COPLAN_WORKERS", 2, high=64)
    threads = _int(env, "COPLAN_THREADS", 8, high=MAX_THREADS)
    connections = _int(env, "COPLAN_CONNECTIONS", DEFAULT_CONNECTIONS, low=threads, high=10_000)
    if workers * threads > budget:
        raise CommandError(
            f"{workers} workers × {threads} threads = {workers * threads} database connections, "
            f"over the budget of {budget} (COPLAN_DB_CONNECTION_BUDGET). Lower COPLAN_WORKERS or "
            "COPLAN_THREADS, or raise the budget if PostgreSQL's max_connections allows."
        )
    from granian.constants import HTTPModes
    from granian.http import HTTP1Settings

    # How requests queue. granian's ``backpressure`` is not a request queue: each worker accepts
    # at most that many *connections*, and an accepted connection keeps its place while it
    # stays open — idle keep-alive included, until ``header_read_timeout`` closes it. Were it
    # equal to the threads, 32 keep-alive clients on 2 × 8 threads would leave 16 connections
    # unaccepted in the kernel's backlog behind idle ones (measured: requests waited 30–60 s).
    # So: accept many connections (cheap: a task each, no thread, no database connection), and
    # let their requests queue in order for the ``blocking_threads``, the only place Python
    # runs and connections to the database are held. The queue stays bounded: HTTP/1 only
    # (one request at a time per connection; an HTTP/2 connection could carry up to 200), so
    # at most ``connections − threads`` requests wait per process. An idle keep-alive
    # connection is closed after 10 s (granian's default 30 s) so that idle clients hand
    # their places back sooner; a request's headers must arrive within the same 10 s.
    return {
        "address": host.strip("[]"),
        "port": int(port),
        "workers": workers,
        "blocking_threads": threads,
        "backpressure": connections,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(header_read_timeout=IDLE_TIMEOUT_MS, keep_alive=True),
    }


class Command(BaseCommand):
    help = "Serve Coplan in production with granian (WSGI), configured from COPLAN_* variables."

    def add_arguments(self, parser):
        parser.add_argument("--host", help="Overrides the host part of COPLAN_BIND.")
        parser.add_argument("--port", type=int, help="Overrides the port part of COPLAN_BIND.")
        parser.add_argument("--workers", type=int, help="Overrides COPLAN_WORKERS.")
        parser.add_argument(
            "--threads",
            "--blocking-threads",
            dest="threads",
            type=int,
            help="Overrides COPLAN_THREADS.",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Skip collecting static files (already done at build time).",
        )
        parser.add_argument(
            "--check", action="store_true", help="Print the configuration and exit."
        )

    def handle(self, *args, host=None, port=None, workers=None, threads=None, **options):
        env = dict(os.environ)
        if host or port:
            default_host, _, default_port = env.get("COPLAN_BIND", "0.0.0.0:8000").rpartition(":")
            env["COPLAN_BIND"] = f"{host or default_host}:{port or default_port}"
        if workers:
            env["COPLAN_WORKERS"] = str(workers)
        if threads:
            env["COPLAN_THREADS"] = str(threads)
        config = plan(env)
        no_collectstatic, check = options["no_collectstatic"], options["check"]
        self.stdout.write(
            f"Coplan on http://{config['address']}:{config['port']} ({config['workers']} "
            f"workers × {config['blocking_threads']} threads = at most "
            f"{config['workers'] * config['blocking_threads']} database connections, "
            f"{config['backpressure']} HTTP connections per worker, debug={settings.DEBUG})"
        )
        if check:
            return
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        from granian.constants import Interfaces
        from granian.server import Server

        Server(
            "coplan.wsgi:application",
            interface=Interfaces.WSGI,
            respawn_failed_workers=True,
            **config,
        ).serve()
