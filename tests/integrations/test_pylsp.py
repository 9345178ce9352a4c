"""A real python-lsp-server over stdio, with its flake8 plugin, reports CIO findings.

This is what Neovim, Helix, Emacs and other LSP clients run: pylsp calls `flake8 -` with the
buffer on stdin and `--stdin-display-name`, flake8 loads the CIO plugin, and the findings come
back as `textDocument/publishDiagnostics`. The settings sent are the README's.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.integrations.helpers import BAD, readme_block, write

pytestmark = pytest.mark.slow
pytest.importorskip("pylsp")

TIMEOUT = 60.0


class LspClient:
    """A minimal JSON-RPC client over a server's stdio, with a reader thread and timeouts."""

    def __init__(self, args, cwd: Path) -> None:
        self.process = subprocess.Popen(args, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)  # fmt: skip
        self.messages: "queue.Queue[dict]" = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return  # the server exited
                line = line.decode("ascii").strip()
                if not line:
                    break
                key, _, value = line.partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, method: str, params: dict, request: bool = False) -> int:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.process.stdin.flush()
        return message.get("id", 0)

    def wait_for(self, predicate, timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching message within {timeout}s; saw: {seen}")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(message):
                return message
            seen.append(message.get("method") or f"response {message.get('id')}")

    def close(self) -> None:
        try:
            ident = self.send("shutdown", {}, request=True)
            self.wait_for(lambda m: m.get("id") == ident, timeout=10)
            self.send("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)


def _flake8_executable() -> str:
    beside = Path(sys.executable).with_name("flake8")
    return str(beside) if beside.exists() else (shutil.which("flake8") or "flake8")


def test_pylsp_publishes_cio_diagnostics_from_the_flake8_plugin(tmp_path):
    project = write(tmp_path, {"setup.cfg": "[flake8]\ncio-region = eu\n", "app/signup.py": BAD})
    settings = json.loads(readme_block("integrations", "json", '"pylsp"'))
    # the flake8 that belongs to this interpreter, whichever `flake8` is first on PATH
    settings["pylsp"]["plugins"]["flake8"]["executable"] = _flake8_executable()
    uri = (project / "app/signup.py").as_uri()

    client = LspClient([sys.executable, "-m", "pylsp"], cwd=project)
    try:
        ident = client.send("initialize", {
            "processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": {},
            "initializationOptions": settings["pylsp"],
        }, request=True)  # fmt: skip
        client.wait_for(lambda m: m.get("id") == ident)
        client.send("initialized", {})
        client.send("workspace/didChangeConfiguration", {"settings": settings})
        client.send("textDocument/didOpen", {
            "textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": BAD},
        })  # fmt: skip

        def cio_diagnostics(message):
            params = message.get("params") or {}
            return (message.get("method") == "textDocument/publishDiagnostics" and params.get("uri") == uri
                    and any(d.get("code", "").startswith("CIO") for d in params.get("diagnostics", ())))  # fmt: skip

        diagnostics = client.wait_for(cio_diagnostics)["params"]["diagnostics"]
    finally:
        client.close()

    found = {(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in diagnostics}
    # 0-based LSP positions of `id=""` (line 4, col 17) and "SignedUp" (line 5, col 17)
    assert ("CIO101", 3, 16) in found and ("CIO501", 4, 16) in found
    # the workspace's setup.cfg (cio-region = eu) applies: the client without region= is US
    assert ("CIO401", 2, 6) in found
    assert all(d["source"] == "flake8" for d in diagnostics)
    # pycodestyle/pyflakes are off, as the settings say: only flake8's diagnostics arrive
    assert {d["code"][:3] for d in diagnostics} <= {"CIO", "E99"}
