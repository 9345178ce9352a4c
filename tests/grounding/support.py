"""Machinery for the grounding tests.

* `make_cert` / `RecordingTLSServer` / `HangingServer` / `refused_port`: the local endpoints.
  The SDK always builds `https://` URLs, so the recording server speaks TLS with a
  self-signed certificate for IP 127.0.0.1, trusted in the subprocess via REQUESTS_CA_BUNDLE.
* `SdkProvider`: one directory per SDK release (`pip install --target`), or a venv, cached
  across runs and keyed by what was installed.
* `run_snippet`: runs a snippet in a fresh interpreter against one of those installs and
  returns what happened (exception type, message, `__cause__`, values the snippet put in `OUT`,
  requests caught by the offline recorder). The subprocess refuses to resolve or connect to
  anything but 127.0.0.1, so nothing leaves the machine even if the SDK tries.
* `expect_flag` / `expect_no_flag`: the same snippet through `cio_lint.engine.lint_source`,
  skipped only while no rule with that code exists in `cio_lint.rules`.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import pytest

LOCALHOST = "127.0.0.1"

# SDK families the grounding tests run, as `pytest.param`s for parametrize. 3.2.0 is the
# project's test pin (usually already installed); 2.4 is pip-installed, hence `slow`.
V3 = "3.2.0"
V2 = "2.4"
FAMILIES = (
    pytest.param(V3, id=V3),
    pytest.param(V2, id=V2, marks=pytest.mark.slow),
)
CDP_VERSION = "1.1.0"

# ---------------------------------------------------------------------------------------------
# Certificates


def make_cert(directory: Path) -> Tuple[Path, Path]:
    """A self-signed certificate (and key) valid for IP 127.0.0.1, made with the openssl CLI."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    openssl = shutil.which("openssl") or "/usr/bin/openssl"
    if os.path.exists(openssl):
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return cert, key
    return _make_cert_with_cryptography(cert, key)


def _make_cert_with_cryptography(cert: Path, key: Path) -> Tuple[Path, Path]:
    import datetime
    import ipaddress

    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID
    except ImportError:  # pragma: no cover - depends on the machine
        pytest.skip("neither the openssl CLI nor the cryptography package is available")
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOCALHOST)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOCALHOST))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(private, hashes.SHA256())
    )
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert, key


# ---------------------------------------------------------------------------------------------
# Local endpoints


@dataclass(frozen=True)
class Recorded:
    """One request the TLS server received."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: Any  # parsed JSON, or the raw text when it is not JSON, or None when empty

    def header(self, name: str) -> Optional[str]:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class _Handler(BaseHTTPRequestHandler):
    server: "_TLSHTTPServer"

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        owner = self.server.owner
        with owner.lock:
            owner.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
            status, payload = owner.status, owner.body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _any

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass


class _TLSHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: "RecordingTLSServer"
    context: ssl.SSLContext

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        # The TLS handshake happens here, in the per-connection thread, so a client that
        # stalls in the handshake cannot block the accept loop.
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        super().finish_request(tls, client_address)


class RecordingTLSServer:
    """HTTPS on 127.0.0.1: records (method, path, headers, JSON body); answers `status`/`body`."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.lock = threading.Lock()
        self.requests: List[Recorded] = []
        self.status = 200
        self.body = b"{}"
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        self._httpd = _TLSHTTPServer((LOCALHOST, 0), _Handler)
        self._httpd.owner = self
        self._httpd.context = context
        self.port = self._httpd.server_address[1]
        self.url = f"https://{LOCALHOST}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="grounding-tls", daemon=True)
        self._thread.start()

    def answer(self, status: int = 200, body: bytes = b"{}") -> None:
        with self.lock:
            self.status, self.body = status, body

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.status, self.body = 200, b"{}"

    def seen(self) -> List[Recorded]:
        with self.lock:
            return list(self.requests)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class HangingServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte (nor completes TLS)."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOCALHOST, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.accepted = 0
        self._held: List[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="grounding-hang", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (socket.timeout, OSError):
                continue
            self.accepted += 1
            self._held.append(conn)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._sock.close()


def refused_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: bind, take the port, close."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCALHOST, 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# SDK installs


@dataclass(frozen=True)
class SdkEnv:
    """Where to run a snippet: an interpreter, extra sys.path entries, and the distributions
    that must be the ones imported (checked after every run)."""

    label: str
    python: str
    pythonpath: Tuple[str, ...] = ()
    expect: Mapping[str, str] = field(default_factory=dict)  # {"customerio": "2.4"}


def _pip(python: str, *args: str, timeout: int = 600) -> None:
    cmd = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        pytest.fail(f"pip failed: this test needs the package index (it is marked slow; offline, run "
                    f"-m 'not slow'). ({' '.join(cmd)}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)  # fmt: skip


class SdkProvider:
    """Installs SDK releases once per cache directory and hands out `SdkEnv`s.

    A finished install has a `.complete` marker; anything else found at its path is a leftover
    of an interrupted run and is rebuilt.
    """

    MARKER = ".complete"

    def __init__(self, cache_root: Path) -> None:
        self.root = Path(cache_root).resolve()  # PYTHONPATH entries must not depend on cwd
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._tag = f"py{sys.version_info[0]}{sys.version_info[1]}"

    def _build(self, name: str, build) -> Path:
        path = self.root / f"{name}-{self._tag}"
        with self._lock, _file_lock(self.root / f".{name}-{self._tag}.lock"):
            if (path / self.MARKER).exists():
                return path
            if path.exists():
                shutil.rmtree(path)
            build(path)
            (path / self.MARKER).write_text("ok\n")
            return path

    def target(self, *requirements: str, deps: bool = False) -> Path:
        """`pip install --target DIR requirements` (no deps: requests comes from this env)."""
        name = "target-" + "+".join(r.replace("==", "-") for r in requirements)

        def build(path: Path) -> None:
            args = ["--target", str(path), *requirements]
            _pip(sys.executable, *(args if deps else ["--no-deps", *args]))

        return self._build(name, build)

    def venv(self, *install_steps: str) -> Path:
        """A fresh venv (no system site-packages) with one `pip install` call per step."""
        name = "venv-" + "+".join(s.replace("==", "-") for s in install_steps)

        def build(path: Path) -> None:
            subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True, timeout=300)
            for step in install_steps:
                _pip(str(venv_python(path)), step)

        return self._build(name, build)

    def sdk(self, version: str) -> SdkEnv:
        """The `customerio` release `version`: this interpreter's own install when it is that
        release (the project's test extra pins 3.2.0), else a `--target` install."""
        try:
            from importlib.metadata import PackageNotFoundError, version as installed

            here = installed("customerio")
        except PackageNotFoundError:
            here = None
        if here == version:
            return SdkEnv(version, sys.executable, (), {"customerio": version})
        path = self.target(f"customerio=={version}")
        return SdkEnv(version, sys.executable, (str(path),), {"customerio": version})

    def cdp(self) -> SdkEnv:
        path = self.target(f"customerio-cdp-analytics=={CDP_VERSION}", deps=True)
        return SdkEnv(f"cdp-{CDP_VERSION}", sys.executable, (str(path),), {"customerio-cdp-analytics": CDP_VERSION})


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise installs between processes (pytest-xdist workers, parallel runs)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def venv_python(path: Path) -> Path:
    return path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


# ---------------------------------------------------------------------------------------------
# Running a snippet

# Runs inside the subprocess. argv[1] is a JSON config. It installs the network guard and, if
# asked, the offline recorder, runs the snippet with HOST/PORT/URL/OUT predefined, and prints
# one marked JSON line describing what happened.
_HARNESS = r'''
import importlib.metadata, json, os, socket, sys
cfg = json.loads(sys.argv[1])
LOCAL = {"127.0.0.1", "localhost", "::1"}
violations = []

_real_gai = socket.getaddrinfo
def _guarded_gai(host, *args, **kwargs):
    name = host.decode() if isinstance(host, (bytes, bytearray)) else host
    if name is not None and name not in LOCAL:
        violations.append("resolve %s" % name)
        raise OSError("grounding guard: nothing may leave 127.0.0.1 (resolve %r)" % name)
    return _real_gai(host, *args, **kwargs)
socket.getaddrinfo = _guarded_gai

def _check(addr):
    if isinstance(addr, tuple) and addr and addr[0] not in LOCAL:
        violations.append("connect %s" % (addr[0],))
        raise OSError("grounding guard: nothing may leave 127.0.0.1 (connect %r)" % (addr,))
_real_connect, _real_connect_ex = socket.socket.connect, socket.socket.connect_ex
def _connect(self, addr):
    _check(addr)
    return _real_connect(self, addr)
def _connect_ex(self, addr):
    _check(addr)
    return _real_connect_ex(self, addr)
socket.socket.connect, socket.socket.connect_ex = _connect, _connect_ex

offline = []
if cfg["offline"]:
    # Every requests transport (whatever adapter the SDK mounts) records the prepared request
    # and answers 200 "{}" without opening a socket.
    from requests.adapters import HTTPAdapter
    from requests.models import Response
    from requests.structures import CaseInsensitiveDict
    def _record(self, request, **kwargs):
        body = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        try:
            body = json.loads(body) if body else None
        except ValueError:
            pass
        offline.append({"method": request.method, "url": request.url,
                        "headers": dict(request.headers), "body": body})
        response = Response()
        response.status_code, response.reason = 200, "OK"
        response._content = b"{}"
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.encoding, response.url, response.request = "utf-8", request.url, request
        response.connection = self
        return response
    HTTPAdapter.send = _record

def qualname(cls):
    return None if cls is None else "%s.%s" % (cls.__module__, cls.__qualname__)

ns = {"__name__": "__main__", "HOST": "127.0.0.1", "PORT": cfg["port"],
      "URL": "https://127.0.0.1:%s" % cfg["port"], "OUT": {}}
result = {"raised": None, "raised_mro": [], "message": "", "cause": None, "cause_mro": [], "context": None}
try:
    exec(compile(cfg["snippet"], "snippet.py", "exec"), ns)
except BaseException as exc:
    result.update(raised=qualname(type(exc)), raised_mro=[qualname(c) for c in type(exc).__mro__],
                  message=str(exc), cause=qualname(type(exc.__cause__)) if exc.__cause__ else None,
                  cause_mro=[qualname(c) for c in type(exc.__cause__).__mro__] if exc.__cause__ else [],
                  context=qualname(type(exc.__context__)) if exc.__context__ else None)

module = sys.modules.get("customerio")
dists, where = {}, None
if module is not None and getattr(module, "__file__", None):
    where = module.__file__
    root = os.path.dirname(os.path.dirname(where))
    for dist in importlib.metadata.distributions(path=[root]):
        name = (dist.metadata["Name"] or "").lower()
        if name.startswith("customerio"):
            dists[name] = dist.version
result.update(out=ns["OUT"], offline=offline, guard=violations, dists=dists, module_file=where)
sys.stdout.flush()
print("\n" + cfg["marker"] + json.dumps(result, default=repr))
'''


@dataclass
class Outcome:
    """What a snippet did in the subprocess."""

    raised: Optional[str]  # qualified class name of the exception that escaped, or None
    raised_mro: List[str]  # (not `mro`: dataclass would read type.mro as its default)
    message: str
    cause: Optional[str]  # qualified class name of __cause__
    cause_mro: List[str]
    context: Optional[str]
    out: Dict[str, Any]  # what the snippet stored in OUT
    offline: List[Dict[str, Any]]  # requests the offline recorder caught
    guard: List[str]  # attempts to leave 127.0.0.1 (must stay empty)
    dists: Dict[str, str]
    module_file: Optional[str]
    stdout: str
    stderr: str

    def raised_a(self, name: str) -> bool:
        """Is the escaped exception an instance of `name` (qualified, or a bare class name)?"""
        return _matches(self.raised_mro, name)

    def cause_is_a(self, name: str) -> bool:
        return _matches(self.cause_mro, name)

    def describe(self) -> str:
        return (
            f"raised={self.raised} message={self.message!r} cause={self.cause} context={self.context}\n"
            f"out={self.out}\noffline={self.offline}\nstderr={self.stderr[-2000:]}"
        )


def _matches(mro: Sequence[str], name: str) -> bool:
    if "." in name:
        return name in mro
    return any(entry.rsplit(".", 1)[-1] == name for entry in mro)


_CLEAN_ENV_DROP = (
    "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
    "http_proxy", "https_proxy", "all_proxy",
)  # fmt: skip


def run_snippet(
    env: SdkEnv,
    snippet: str,
    *,
    cert: Path,
    port: Optional[int] = None,
    offline: bool = False,
    extra_env: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    timeout: float = 60,
) -> Outcome:
    """Run `snippet` in a fresh interpreter against `env`; HOST/PORT/URL name `port`."""
    marker = f"@@grounding-{uuid.uuid4().hex}@@"
    cfg = {"snippet": snippet, "port": port, "offline": offline, "marker": marker}
    environ = {k: v for k, v in os.environ.items() if k not in _CLEAN_ENV_DROP}
    environ.update(
        REQUESTS_CA_BUNDLE=str(cert),
        CURL_CA_BUNDLE=str(cert),
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONNOUSERSITE="1",
        PYTHONWARNINGS="ignore",
    )
    if env.pythonpath:
        environ["PYTHONPATH"] = os.pathsep.join(env.pythonpath)
    environ.update(extra_env or {})
    proc = subprocess.run(
        [env.python, "-c", _HARNESS, json.dumps(cfg)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environ,
        cwd=str(cwd or cert.parent),
    )
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith(marker)), None)
    if line is None:
        pytest.fail(
            f"the snippet harness printed no result (exit {proc.returncode}) on SDK {env.label}\n"
            f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}",
            pytrace=False,
        )
    data = json.loads(line[len(marker):])
    outcome = Outcome(stdout=proc.stdout, stderr=proc.stderr, **data)
    assert not outcome.guard, f"the snippet tried to leave 127.0.0.1: {outcome.guard}"
    for dist, version in env.expect.items():
        if outcome.module_file is not None:
            assert outcome.dists.get(dist) == version, (
                f"expected {dist}=={version} to be imported, got {outcome.dists} from {outcome.module_file}"
            )
    return outcome


# ---------------------------------------------------------------------------------------------
# The lint side


def line_of(source: str, needle: str) -> int:
    """The 1-based number of the only line of `source` that contains `needle`."""
    hits = [n for n, text in enumerate(source.splitlines(), 1) if needle in text]
    assert len(hits) == 1, f"{needle!r} occurs on lines {hits} of the snippet; make it unique"
    return hits[0]


def implemented_codes() -> frozenset:
    """Codes of the rules that exist in `cio_lint.rules` (classes with a `CODE` attribute)."""
    try:
        package = importlib.import_module("cio_lint.rules")
    except ModuleNotFoundError as exc:
        if exc.name in ("cio_lint", "cio_lint.rules"):
            return frozenset()
        raise
    codes = set()
    modules = [package]
    for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
        modules.append(importlib.import_module(info.name))  # a broken rule module fails loudly
    for module in modules:
        for value in vars(module).values():
            code = getattr(value, "CODE", None)
            if isinstance(value, type) and isinstance(code, str):
                codes.add(code)
    return frozenset(codes)


def _require_rule(code: str) -> None:
    if code not in implemented_codes():
        pytest.skip(f"rule not built yet: {code} (the runtime side of this test ran and passed)")


def lint(source: str, *, code: str, path: str = "snippet.py", project: Any = None, **settings: Any) -> list:
    """`lint_source` with `code` explicitly selected (on top of the defaults), so a grounding
    test asks "does this rule flag this snippet?" whatever the rule's default state."""
    from cio_lint.config import Settings
    from cio_lint.engine import lint_source

    config = Settings(extend_select=(code,), **settings)
    if project == "auto":  # the project around `path` (its pyproject.toml etc.), as the CLI sees it
        from cio_lint.project import project_for

        project = project_for(Path(path), config)
    kwargs = {"project": project} if project is not None else {}
    return list(lint_source(source, path=path, settings=config, **kwargs))


def _show(findings: Sequence[Any]) -> str:
    return "\n".join(f"  {f.line}: {f.code} {f.message}" for f in findings) or "  (no findings)"


def expect_flag(source: str, code: str, *, line: Optional[int] = None, says: Sequence[str] = (),
                **settings: Any) -> None:
    """cio-lint reports `code` (on `line`, when given) for `source`, and the message states each
    of `says`: the words of the sdk.py record whose effect the test just observed, so a
    message that stops reading its claim from that record fails here."""
    _require_rule(code)
    findings = lint(source, code=code, **settings)
    hits = [f for f in findings if f.code == code]
    assert hits, f"cio-lint did not report {code} (settings {settings}):\n{_show(findings)}\n--- source:\n{source}"
    if line is not None:
        assert any(f.line == line for f in hits), (
            f"cio-lint reported {code} on lines {[f.line for f in hits]}, expected line {line}:\n{_show(findings)}"
        )
        hits = [f for f in hits if f.line == line]
    for words in ([says] if isinstance(says, str) else says):
        assert any(words in f.message for f in hits), (
            f"{code}'s message does not state what the SDK was observed to do ({words!r}):\n{_show(hits)}"
        )


def expect_no_flag(source: str, code: str, **settings: Any) -> None:
    """cio-lint does not report `code` for `source` (the runtime showed it is fine there)."""
    _require_rule(code)
    findings = lint(source, code=code, **settings)
    hits = [f for f in findings if f.code == code]
    assert not hits, (
        f"cio-lint reported {code} where the SDK accepts the code (settings {settings}):\n{_show(findings)}"
    )


def sdk_settings(version: str) -> Dict[str, str]:
    """Lint settings that pin the SDK family a test ran on."""
    return {"sdk_version": f"=={version}"}
