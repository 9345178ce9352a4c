"""Helpers for tests that drive the real `cio-lint` command (click's runner on the real `cli`
object, in process) and real external tools (subprocesses)."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Optional, Sequence, Union

from click.testing import CliRunner

from cio_lint.cli import cli

LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>CIO\d{3}) (?P<msg>.+)$")

#: A module with two mistakes: an empty id (CIO101, no fix) and a CamelCase event name
#: (CIO501, unsafe fix to "signed_up").
BAD = '''\
from customerio import CustomerIO

cio = CustomerIO("site", "key")
cio.identify(id="")
cio.track("u1", "SignedUp")
'''
CLEAN = '''\
from customerio import CustomerIO

cio = CustomerIO("site", "key")
cio.identify(id="u1")
cio.track("u1", "signed_up")
'''


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def findings(self):
        """(path, line, code) of each text-format finding line in stdout."""
        return [
            (m["path"], int(m["line"]), m["code"]) for m in map(LINE.match, self.stdout.splitlines()) if m
        ]

    @property
    def codes(self):
        return [code for _, _, code in self.findings]


def _runner(env: Optional[Mapping[str, Optional[str]]]) -> CliRunner:
    if "mix_stderr" in inspect.signature(CliRunner.__init__).parameters:  # click < 8.2
        return CliRunner(mix_stderr=False, env=env)
    return CliRunner(env=env)


def cio_lint(*args: str, input: Union[str, bytes, None] = None,
             env: Optional[Dict[str, Optional[str]]] = None, **extra) -> Run:  # fmt: skip
    """`cio-lint ARGS` through click's runner on the real command, in the current directory."""
    env = {"NO_COLOR": None, "FORCE_COLOR": None, **(env or {})}
    result = _runner(env).invoke(cli, list(args), input=input, catch_exceptions=False,
                                 prog_name="cio-lint", **extra)  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return Run(result.exit_code, result.stdout, result.stderr)


def run(args: Sequence[str], cwd: Union[str, Path], input: Union[str, bytes, None] = None,
        env: Optional[Dict[str, str]] = None, timeout: float = 300) -> subprocess.CompletedProcess:  # fmt: skip
    """A real process (text mode unless `input` is bytes)."""
    full_env = {**os.environ, **(env or {})}
    for key in ("NO_COLOR", "FORCE_COLOR"):
        if env is None or key not in env:
            full_env.pop(key, None)
    text = not isinstance(input, bytes)
    return subprocess.run(list(args), cwd=cwd, input=input, capture_output=True, text=text,
                          env=full_env, timeout=timeout)  # fmt: skip


def cio_lint_process(*args: str, cwd: Union[str, Path], **kw) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "cio_lint", *args], cwd=cwd, **kw)


def flake8(*args: str, cwd: Union[str, Path], **kw) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "flake8", *args], cwd=cwd, **kw)


def write(root: Path, files: Mapping[str, str]) -> Path:
    """Write `files` (relative path -> dedented text) under `root`; returns root."""
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def parse_text(stdout: str):
    return [(m["path"], int(m["line"]), m["code"]) for m in map(LINE.match, stdout.splitlines()) if m]


def readme_blocks(section: str, lang: str):
    """The ```lang code blocks inside README.md's `<!-- section:start -->` markers."""
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {section}:start[^>]*-->(.*?)<!-- {section}:end -->", readme, re.S)
    assert match, f"README.md lost its {section}:start/{section}:end markers"
    return re.findall(rf"^```{lang}\n(.*?)^```$", match.group(1), re.S | re.M)


def readme_block(section: str, lang: str, containing: str) -> str:
    blocks = [b for b in readme_blocks(section, lang) if containing in b]
    assert len(blocks) == 1, f"expected one ```{lang} block with {containing!r} in README {section}"
    return blocks[0]
