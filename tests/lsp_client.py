"""A small Language Server Protocol client over stdio, as an editor drives `cio-lint server`.

Used by tests/test_server.py and bench/lsp_latency.py. Plain threads and JSON-RPC framing
(`Content-Length` headers), no asyncio: a reader thread collects the server's messages, and
answers the requests a server may send an editor (registerCapability, configuration,
workDoneProgress/create) the way a plain editor does.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional


class LspError(Exception):
    pass


class LspClient:
    def __init__(self, cwd: Path, command: Optional[List[str]] = None, env: Optional[Dict[str, str]] = None) -> None:
        self.command = command or [sys.executable, "-m", "cio_lint", "server"]
        self.process = subprocess.Popen(
            self.command, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
        self._next_id = 0
        self._responses: Dict[int, dict] = {}
        self._notifications: "queue.Queue[dict]" = queue.Queue()
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self.server_requests: List[dict] = []
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()
        self._stderr: List[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # -- framing -----------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        with self._write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read_message(self) -> Optional[dict]:
        stdout = self.process.stdout
        length = None
        while True:
            line = stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            return None
        return json.loads(stdout.read(length).decode("utf-8"))

    def _read_loop(self) -> None:
        while True:
            message = self._read_message()
            if message is None:
                with self._cond:
                    self._cond.notify_all()
                return
            if "method" in message and "id" in message:  # a request from the server
                self.server_requests.append(message)
                result: Any = None
                if message["method"] == "workspace/configuration":
                    result = [None for _ in message.get("params", {}).get("items", [])]
                self._send({"id": message["id"], "result": result})
            elif "method" in message:
                message["received"] = time.perf_counter()
                self._notifications.put(message)
            else:
                with self._cond:
                    self._responses[message["id"]] = message
                    self._cond.notify_all()

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self._stderr.append(line)

    @property
    def stderr(self) -> str:
        return b"".join(self._stderr).decode("utf-8", "replace")

    # -- API ---------------------------------------------------------------------------------

    def request(self, method: str, params: Any = None, timeout: float = 60) -> Any:
        with self._cond:
            self._next_id += 1
            ident = self._next_id
        self._send({"id": ident, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while ident not in self._responses:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise LspError(f"no answer to {method} (stderr: {self.stderr[-2000:]})")
                self._cond.wait(remaining)
            response = self._responses.pop(ident)
        if "error" in response:
            raise LspError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, predicate: Callable[[dict], bool] = lambda p: True,
                 timeout: float = 60) -> dict:  # fmt: skip
        """The params of the next notification `method` that satisfies `predicate`."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LspError(f"no {method} notification in {timeout}s (stderr: {self.stderr[-2000:]})")
            try:
                message = self._notifications.get(timeout=remaining)
            except queue.Empty:
                continue
            if message["method"] == method and predicate(message["params"]):
                message["params"]["_received"] = message["received"]
                return message["params"]

    def diagnostics(self, uri: str, version: Optional[int] = None, timeout: float = 60) -> List[dict]:
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version),
            timeout,
        )
        return params["diagnostics"]

    def initialize(self, root: Path, capabilities: Optional[dict] = None) -> dict:
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": capabilities if capabilities is not None else {
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
                "textDocument": {"publishDiagnostics": {"versionSupport": True}},
            },
        })  # fmt: skip
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: Optional[str] = None, version: int = 1) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version,
            "text": path.read_text(encoding="utf-8") if text is None else text}})  # fmt: skip
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})  # fmt: skip

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.request("shutdown", timeout=20)
                self.notify("exit")
                self.process.wait(timeout=20)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                try:
                    stream.close()
                except OSError:
                    pass


def apply_text_edits(text: str, edits: List[dict]) -> str:
    """Apply LSP TextEdits (UTF-16 positions, lines split at \\r\\n, \\r, \\n) as an editor does."""
    import re

    lines = re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", text)

    def offset(position: dict) -> int:
        line, units = position["line"], position["character"]
        if line >= len(lines):
            return len(text)
        start = sum(len(part) for part in lines[:line])
        body = lines[line].rstrip("\r\n")
        chars = 0
        for char in body:
            if units <= 0:
                break
            units -= len(char.encode("utf-16-le")) // 2
            chars += 1
        return start + chars

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"]) for e in edits),
                   reverse=True)  # fmt: skip
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
