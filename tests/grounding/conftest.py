"""Fixtures for the grounding tests: certificate, local servers, SDK installs, the runner."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from .support import (
    HangingServer,
    RecordingTLSServer,
    SdkEnv,
    SdkProvider,
    make_cert,
    refused_port as _refused_port,
    run_snippet,
)


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory):
    """(cert, key) for IP 127.0.0.1; the cert is what the subprocess trusts."""
    return make_cert(tmp_path_factory.mktemp("grounding-tls"))


@pytest.fixture(scope="session")
def _tls_server(tls_cert) -> Iterator[RecordingTLSServer]:
    server = RecordingTLSServer(*tls_cert)
    yield server
    server.stop()


@pytest.fixture
def server(_tls_server: RecordingTLSServer) -> RecordingTLSServer:
    """The session's TLS server, emptied and answering 200 "{}"."""
    _tls_server.reset()
    return _tls_server


@pytest.fixture(scope="session")
def hanging_server() -> Iterator[HangingServer]:
    server = HangingServer()
    yield server
    server.stop()


@pytest.fixture
def refused_port() -> int:
    return _refused_port()


@pytest.fixture(scope="session")
def sdks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> SdkProvider:
    """SDK installs, cached in pytest's cache dir (reused across runs), else a temp dir."""
    cache = getattr(request.config, "cache", None)
    root = Path(cache.mkdir("cio-lint-grounding-sdks")) if cache is not None else tmp_path_factory.mktemp("sdks")
    return SdkProvider(root)


@pytest.fixture
def run(tls_cert, server: RecordingTLSServer):
    """run(env, snippet, port=None, offline=False, extra_env=None) -> Outcome.

    `port` defaults to the recording TLS server's; HOST/PORT/URL in the snippet name it.
    """
    cert, _key = tls_cert

    def _run(env: SdkEnv, snippet: str, *, port=None, **kwargs):
        return run_snippet(env, snippet, cert=cert, port=server.port if port is None else port, **kwargs)

    return _run
