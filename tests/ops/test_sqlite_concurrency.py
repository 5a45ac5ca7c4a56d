"""The embedded SQLite default takes concurrent writers: they queue for the write lock instead
of failing with "database is locked", and the audit chain they all append to stays intact.

Real threads on a real database file, in a separate process that loads the project's settings
(the test database is in memory, where SQLite's locking is not the file's). The file is a copy of
the migrated test database, so no migrations run."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
THREADS, WRITES = 8, 20
HOLD = 6.0  # seconds: longer than sqlite3's default busy timeout of 5 s

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite's file locking; PostgreSQL has row locks",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_writers_queue_instead_of_failing(tmp_path):
    database = tmp_path / "coplan.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)
    target.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DATABASE_URL": f"sqlite:///{database}",
        "COPLAN_DEBUG": "1",
        "COPLAN_LOG_LEVEL": "WARNING",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ops.sqlite_writers", str(THREADS), str(WRITES), str(HOLD)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])

    assert result["pragmas"] == {
        "journal_mode": "wal",
        "busy_timeout": 20000,
        "synchronous": 1,  # NORMAL
        "transaction_mode": "IMMEDIATE",
    }
    assert result["errors"] == []
    assert result["organisations"] == THREADS * WRITES + 1 + 4
    assert result["audit_events"] == THREADS * WRITES + 1 + 4
    assert result["audit_ok"], result["audit_problems"]
    # the four writers that arrived while the lock was held waited for it, past the 5 s at
    # which sqlite3's default timeout would have given up
    assert len(result["waits"]) == 4
    assert min(result["waits"]) > 5.0
