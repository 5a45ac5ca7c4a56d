"""``coplan serve`` takes its configuration from the environment and refuses settings that
could exhaust PostgreSQL's connections."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from coplan.core.management.commands.serve import plan

ROOT = Path(__file__).resolve().parents[2]


def test_defaults():
    from granian.constants import HTTPModes
    from granian.http import HTTP1Settings

    assert plan({}, budget=80) == {
        "address": "0.0.0.0",
        "port": 8000,
        "workers": 2,
        "blocking_threads": 8,
        "backpressure": 256,
        "http": HTTPModes.http1,
        "http1_settings": HTTP1Settings(header_read_timeout=10_000, keep_alive=True),
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


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_serve_answers_healthz_readyz_and_static_files_and_logs_json(tmp_path):
    """The real server, in a subprocess, on a free port: liveness, readiness (503 naming the
    unapplied migrations of its fresh database), a static file from WhiteNoise, and one JSON
    log line per request on stderr carrying the request id."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "COPLAN_BIND": f"127.0.0.1:{port}",
        "COPLAN_WORKERS": "1",
        "COPLAN_THREADS": "2",
        "COPLAN_DEBUG": "1",
        "COPLAN_LOG_FORMAT": "json",
        "COPLAN_LOG_LEVEL": "INFO",
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
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(f"{base}/healthz", **{"X-Request-ID": "probe-1"})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("coplan serve did not answer /healthz")
                time.sleep(0.1)
        assert (status, body, headers["X-Request-ID"]) == (200, b"ok", "probe-1")

        status, _headers, body = _get(f"{base}/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["migrations"]["ok"] is False

        status, headers, body = _get(f"{base}/static/coplan/coplan.css")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert body == (ROOT / "coplan/core/static/coplan/coplan.css").read_bytes()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=10)

    lines = []
    for raw in output.decode(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            lines.append(json.loads(raw))
    requests = {
        line["path"]: line
        for line in lines
        if isinstance(line, dict) and line.get("logger") == "coplan.request"
    }
    assert requests["/healthz"]["request_id"] == "probe-1"
    assert requests["/healthz"]["status"] == 200
    assert requests["/readyz"]["status"] == 503
    assert len(requests["/readyz"]["request_id"]) == 32


def test_command_line_options_override_the_environment(monkeypatch, capsys, db):
    from django.core.management import call_command

    monkeypatch.setenv("COPLAN_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("COPLAN_WORKERS", "2")
    call_command("serve", "--port", "8001", "--threads", "3", "--check")
    assert capsys.readouterr().out.startswith(
        "Coplan on http://0.0.0.0:8001 (2 workers × 3 threads = at most 6 database connections"
    )
