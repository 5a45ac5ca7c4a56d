"""A task worker killed (SIGKILL) in the middle of an import leaves no partial data, and the
import can be run again to completion. Real processes against a real database file: the
setup, the worker, and the checks each run in their own process."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROWS = 150_000


def run(env, *args, timeout=600):
    done = subprocess.run(
        [sys.executable, "-m", "tests.ops.import_scenario", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def worker(env):
    return subprocess.Popen(
        [sys.executable, "-m", "coplan.cli", "worker", "--batch", "--no-startup-delay"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.fixture
def env(tmp_path):
    database = tmp_path / "coplan.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DATABASE_URL": f"sqlite:///{database}",
        "COPLAN_DEBUG": "1",
        "COPLAN_TASK_WORKER": "1",
        "COPLAN_MEDIA_ROOT": str(tmp_path / "media"),
        "COPLAN_LOG_LEVEL": "WARNING",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "coplan.cli", "migrate", "-v0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    env["_DB"] = str(database)
    return env


def batch_state(database, batch_id):
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(
            "SELECT status, processed_rows FROM pilots_importbatch WHERE id = ?", [batch_id]
        ).fetchone()


@pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="the scenario uses its own SQLite file; the import path is the same",
)
def test_a_killed_import_leaves_nothing_and_can_be_rerun(env):
    ids = run(env, "setup", str(ROWS))

    first = worker(env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, _processed = batch_state(env["_DB"], ids["batch"])
        if status == "running":
            time.sleep(1.0)  # well into checking and writing the rows
            break
        assert first.poll() is None, first.stderr.read().decode()[-2000:]
        time.sleep(0.05)
    else:
        pytest.fail("the worker never started the import")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)

    after_kill = run(env, "check", str(ids["pilot"]))
    assert after_kill["batches"] == ["running"], "killed before it finished"
    assert (after_kill["records"], after_kill["rollups"], after_kill["problems"]) == (0, 0, [])

    run(env, "enqueue", str(ids["batch"]))
    second = worker(env)
    assert second.wait(timeout=600) == 0, second.stderr.read().decode()[-2000:]

    rerun = run(env, "check", str(ids["pilot"]))
    assert rerun["batches"] == ["imported"]
    assert rerun["records"] == ROWS
    assert rerun["rollups"] > 0
    assert rerun["problems"] == []
