"""A committed credential is never printed whole: not in source excerpts, not in diffs."""

from __future__ import annotations

import subprocess
import sys

import pytest

SITE = "a3f9c2e81b7d4f60e5c2"
KEY = "9b4e7d2a1c8f3e6b5a0d"
APP = f'from customerio import CustomerIO\ncio = CustomerIO("{SITE}", "{KEY}", region="eu")\n'


@pytest.mark.parametrize("args", [
    ["--show-source"],
    ["--show-source", "--color", "always"],
    ["--diff"],
    ["--diff", "--show-source"],
    ["--show-source", "--format", "json"],
    ["--show-source", "--format", "sarif"],
    ["--show-source", "--format", "github"],
    ["--show-source", "--statistics"],
])  # fmt: skip
def test_credentials_are_masked(tmp_path, args):
    (tmp_path / "app.py").write_text(APP)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "app.py", "--isolated", *args],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1, result.stderr
    everything = result.stdout + result.stderr
    assert "CIO303" in everything or "a3f9" in everything  # the check ran and reported it
    assert SITE not in everything and KEY not in everything
    assert (tmp_path / "app.py").read_text() == APP  # --diff wrote nothing


def test_show_source_keeps_carets_aligned(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    out = subprocess.run([sys.executable, "-m", "cio_lint", "check", "app.py", "--isolated", "--show-source",
                          "--select", "CIO402"], cwd=tmp_path, capture_output=True, text=True).stdout  # fmt: skip
    source, caret = out.splitlines()[1:3]
    assert len(source) == len(APP.splitlines()[1]) + 4
    assert source[caret.index("^"):].startswith('"eu"')
