"""Concurrent audited writers against a SQLite file, with the project's own database settings
(``python -m tests.ops.sqlite_writers THREADS WRITES HOLD``, with ``DATABASE_URL`` set to a
migrated SQLite file). Prints one JSON line:

- ``pragmas``: what each connection runs with (journal mode, busy timeout, synchronous,
  Django's transaction mode);
- ``burst``: THREADS threads, released together, each create WRITES organisations through the
  domain function (a read, an insert and an audit-chain append in one transaction);
- ``held``: one transaction holds the write lock for HOLD seconds (longer than sqlite3's default
  5 s timeout) while four more writers arrive: they must wait for it, not fail;
- ``errors`` (every exception, as text), then the organisations and audit events written and
  whether the audit chain is intact.
"""

import json
import os
import sys
import threading
import time


def main(threads: int, writes: int, hold: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coplan.settings")
    import django

    django.setup()
    from django.db import connection, connections, transaction

    from coplan.core import audit
    from coplan.core.domain import create_organisation
    from coplan.core.models import AuditEvent, Organisation, OrganisationType

    errors: list[str] = []

    def write(name: str) -> None:
        try:
            create_organisation(actor=None, name=name, type=OrganisationType.CHARITY)
        except Exception as error:
            errors.append(f"{name}: {type(error).__name__}: {error}")

    def burst_writer(i: int, start: threading.Barrier) -> None:
        try:
            start.wait()
            for j in range(writes):
                write(f"Burst {i}-{j}")
        finally:
            connections.close_all()

    events_before = AuditEvent.objects.count()
    organisations_before = Organisation.objects.count()
    with connection.cursor() as cursor:
        pragmas = {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "busy_timeout", "synchronous")
        }
    pragmas["transaction_mode"] = connection.transaction_mode
    connection.close()

    started = time.monotonic()
    start = threading.Barrier(threads)
    pool = [threading.Thread(target=burst_writer, args=(i, start)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    burst_seconds = time.monotonic() - started

    locked = threading.Event()
    waits: list[float] = []

    def holder() -> None:
        try:
            with transaction.atomic():
                create_organisation(actor=None, name="Holder", type=OrganisationType.CHARITY)
                locked.set()
                time.sleep(hold)
        except Exception as error:
            errors.append(f"holder: {type(error).__name__}: {error}")
            locked.set()
        finally:
            connections.close_all()

    def waiter(i: int) -> None:
        locked.wait()
        began = time.monotonic()
        try:
            write(f"Waiter {i}")
            waits.append(time.monotonic() - began)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=holder)]
    pool += [threading.Thread(target=waiter, args=(i,)) for i in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()

    verification = audit.verify()
    print(
        json.dumps(
            {
                "pragmas": pragmas,
                "burst_seconds": burst_seconds,
                "waits": sorted(waits),
                "errors": errors,
                "organisations": Organisation.objects.count() - organisations_before,
                "audit_events": AuditEvent.objects.count() - events_before,
                "audit_ok": verification.ok,
                "audit_problems": verification.problems[:5],
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
