"""``coplan serve`` takes its configuration from the environment and refuses settings that
could exhaust PostgreSQL's connections."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.core.management.base import CommandError

from coplan.core.management.commands.serve import plan


def test_defaults():
    assert plan({}, budget=80) == {
        "address": "0.0.0.0",
        "port": 8000,
        "workers": 2,
        "blocking_threads": 8,
        "backpressure": 8,
    }


def test_from_the_environment():
    env = {"COPLAN_BIND": "127.0.0.1:9001", "COPLAN_WORKERS": "3", "COPLAN_THREADS": "4"}
    config = plan(env, budget=12)
    assert (config["address"], config["port"], config["workers"], config["blocking_threads"]) == (
        "127.0.0.1",
        9001,
        3,
        4,
    )


def test_more_connections_than_the_budget_is_refused():
    with pytest.raises(CommandError, match=r"4 workers × 16 threads = 64 database connections"):
        plan({"COPLAN_WORKERS": "4", "COPLAN_THREADS": "16"}, budget=40)


@pytest.mark.parametrize(
    "env, message",
    [
        ({"COPLAN_THREADS": "0"}, "COPLAN_THREADS must be between 1 and 64"),
        ({"COPLAN_THREADS": "500"}, "COPLAN_THREADS must be between 1 and 64"),
        ({"COPLAN_WORKERS": "two"}, "COPLAN_WORKERS must be a whole number"),
        ({"COPLAN_BIND": "8000"}, "COPLAN_BIND must be HOST:PORT"),
    ],
)
def test_nonsense_is_refused(env, message):
    with pytest.raises(CommandError, match=message):
        plan(env, budget=80)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_healthz(tmp_path):
    """The real server, in a subprocess, on a free port."""
    port = _free_port()
    env = {
        **os.environ,
        "COPLAN_BIND": f"127.0.0.1:{port}",
        "COPLAN_WORKERS": "1",
        "COPLAN_THREADS": "2",
        "COPLAN_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "coplan.cli", "serve", "--no-collectstatic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    assert (r.status, r.read()) == (200, b"ok")
                    assert len(r.headers["X-Request-ID"]) == 32
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("coplan serve did not answer /healthz")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_command_line_options_override_the_environment(monkeypatch, capsys, db):
    from django.core.management import call_command

    monkeypatch.setenv("COPLAN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("COPLAN_WORKERS", "2")
    call_command("serve", "--port", "8001", "--threads", "3", "--check")
    assert capsys.readouterr().out.startswith(
        "Coplan on http://0.0.0.0:8001 (2 workers × 3 threads = at most 6 database connections"
    )
