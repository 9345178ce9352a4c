"""scripts/new_rule.py: a scaffolded rule works as it is, in a copy of the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.conftest import REPO

IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache", "bench", "fixtures")


def test_a_scaffolded_rule_is_found_and_its_examples_pass(tmp_path):
    copy = tmp_path / "checkout"
    for name in ("cio_lint", "tests", "scripts"):
        shutil.copytree(REPO / name, copy / name, ignore=IGNORED)
    for name in ("pyproject.toml", "setup.cfg"):
        shutil.copy(REPO / name, copy / name)
    env = {**os.environ, "PYTHONPATH": str(copy)}

    made = subprocess.run([sys.executable, "scripts/new_rule.py", "identify-without-id", "CIO189"],
                          capture_output=True, text=True, cwd=copy, env=env, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (copy / "cio_lint" / "rules" / "identify_without_id.py").is_file()
    assert "IDENTIFY_WITHOUT_ID = Observed(" in (copy / "cio_lint" / "sdk.py").read_text()
    assert (copy / "tests" / "grounding" / "test_identify_without_id.py").is_file()

    # found without registering it anywhere, and its VALID/INVALID cases pass
    rules = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist",
         "tests/test_rules.py", "-k", "CIO189"],
        capture_output=True, text=True, cwd=copy, env=env, timeout=600,
    )  # fmt: skip
    assert rules.returncode == 0, rules.stdout[-3000:]
    # its two VALID cases, its INVALID case, and the metadata/docstring check
    assert "4 passed" in rules.stdout, rules.stdout[-500:]
    lint = subprocess.run([sys.executable, "-m", "flake8", "cio_lint/rules/identify_without_id.py", "scripts"],
                          capture_output=True, text=True, cwd=copy, env=env, timeout=120)  # fmt: skip
    assert lint.returncode == 0, lint.stdout

    again = subprocess.run([sys.executable, "scripts/new_rule.py", "other-name", "CIO189"],
                           capture_output=True, text=True, cwd=copy, env=env, timeout=60)  # fmt: skip
    assert again.returncode != 0 and "taken" in again.stderr
