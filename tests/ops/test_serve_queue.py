"""``coplan serve`` never leaves a request waiting behind idle keep-alive connections: it accepts
many more connections than it has threads, and only the requests queue for the threads."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from coplan.core.management.commands.serve import plan

ROOT = Path(__file__).resolve().parents[2]


def test_connections_are_configurable_but_never_fewer_than_the_threads():
    assert plan({"COPLAN_CONNECTIONS": "64"}, budget=80)["backpressure"] == 64
    with pytest.raises(CommandError, match="COPLAN_CONNECTIONS must be between 8 and 10000"):
        plan({"COPLAN_CONNECTIONS": "4"}, budget=80)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(conn):
    conn.request("GET", "/healthz")
    response = conn.getresponse()
    return response.status, response.read()


def test_a_new_client_is_answered_while_idle_keep_alive_clients_hold_connections(tmp_path):
    """One process with two threads; eight clients each make a request and keep their
    connection open, idle. A ninth client is answered at once, not after an idle connection
    times out (10 s here, 30 s by granian's default)."""
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "COPLAN_BIND": f"127.0.0.1:{port}",
        "COPLAN_WORKERS": "1",
        "COPLAN_THREADS": "2",
        "COPLAN_DEBUG": "1",
        "COPLAN_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "coplan.cli", "serve", "--no-collectstatic"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    parked = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                assert _get(probe) == (200, b"ok")
                probe.close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("coplan serve did not answer /healthz")
                time.sleep(0.1)

        for _ in range(8):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
            assert _get(conn) == (200, b"ok")
            parked.append(conn)  # open and idle: keep-alive

        newcomer = http.client.HTTPConnection("127.0.0.1", port, timeout=8)
        try:
            assert _get(newcomer) == (200, b"ok")  # a timeout here: queued behind idle ones
        finally:
            newcomer.close()
        assert _get(parked[0]) == (200, b"ok")  # and the parked connections still serve
    finally:
        for conn in parked:
            conn.close()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
