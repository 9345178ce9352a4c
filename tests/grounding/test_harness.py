"""The grounding machinery itself: if these fail, no other grounding result means anything."""

from __future__ import annotations

import pytest

from .support import FAMILIES, SdkEnv

WHICH_SDK = """\
import customerio
OUT["file"] = customerio.__file__
"""


@pytest.mark.parametrize("version", FAMILIES)
def test_each_family_imports_its_own_release(run, sdks, version):
    env = sdks.sdk(version)
    outcome = run(env, WHICH_SDK)
    assert outcome.raised is None, outcome.describe()
    assert outcome.dists["customerio"] == version
    for entry in env.pythonpath:  # a --target install must shadow this env's own copy
        assert outcome.out["file"].startswith(entry)


def test_guard_refuses_to_leave_localhost(run, sdks):
    snippet = 'import socket\nsocket.create_connection(("example.com", 443), timeout=1)\n'
    with pytest.raises(AssertionError, match="tried to leave 127.0.0.1"):
        run(sdks.sdk("3.2.0"), snippet)


def test_guard_refuses_non_local_ip(run, sdks):
    snippet = 'import socket\nsocket.socket().connect(("192.0.2.1", 443))\n'
    with pytest.raises(AssertionError, match="connect 192.0.2.1"):
        run(sdks.sdk("3.2.0"), snippet)


def test_offline_recorder_answers_without_a_socket(run, sdks):
    snippet = 'import requests\nOUT["status"] = requests.get("https://track.customer.io/x").status_code\n'
    outcome = run(sdks.sdk("3.2.0"), snippet, offline=True)
    assert outcome.raised is None, outcome.describe()
    assert outcome.out["status"] == 200
    assert [r["url"] for r in outcome.offline] == ["https://track.customer.io/x"]


def test_tls_server_records(run, server):
    import sys

    server.answer(201, b'{"ok": true}')
    snippet = 'import requests\nr = requests.put(URL + "/p", json={"a": 1})\nOUT["r"] = [r.status_code, r.json()]\n'
    outcome = run(SdkEnv("plain", sys.executable), snippet)
    assert outcome.raised is None, outcome.describe()
    assert outcome.out["r"] == [201, {"ok": True}]
    [request] = server.seen()
    assert (request.method, request.path, request.body) == ("PUT", "/p", {"a": 1})
