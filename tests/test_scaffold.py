"""scripts/new_rule.py: a scaffolded rule works as it is, in a copy of the package.

Only what the scaffold touches is copied (cio_lint/, scripts/, setup.cfg, pyproject.toml);
the new rule's cases then run in one fresh interpreter that imports the copy, through the
same checks tests/test_rules.py applies to every rule (no reinstall, no second pytest run).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys

from tests.conftest import REPO
from tests.test_flake8_clean import WITHOUT_CIO

IGNORED = shutil.ignore_patterns("__pycache__", "*.egg-info")

#: In the copy: the rule is found by walking the rules package (nothing registers it), and
#: test_rules.py's own checks pass on each of its cases; sdk.py with the appended fact still
#: builds its records with keyword fields.
RUN_CASES = """\
import sys
from cio_lint.rules import ALL_RULES, CATALOGUE
from tests import test_rules, test_sdk_records

[rule] = [r for r in ALL_RULES if r.CODE == sys.argv[1]]
assert rule.__module__ == "cio_lint.rules." + sys.argv[2], rule.__module__
assert any(e.code == rule.CODE for e in CATALOGUE)
test_rules.test_rule_metadata(rule)
test_rules.test_the_catalogue_matches_the_rule_classes()
for case in rule.VALID:
    test_rules.test_valid(rule, case)
for case in rule.INVALID:
    test_rules.test_invalid(rule, case)
test_sdk_records.test_no_record_is_built_with_positional_fields()
print("cases", len(rule.VALID), len(rule.INVALID))
"""


def test_a_scaffolded_rule_is_found_and_its_examples_pass(tmp_path):
    copy = tmp_path / "checkout"
    for name in ("cio_lint", "scripts"):
        shutil.copytree(REPO / name, copy / name, ignore=IGNORED)
    for name in ("pyproject.toml", "setup.cfg"):
        shutil.copy(REPO / name, copy / name)
    (copy / "tests" / "grounding").mkdir(parents=True)  # where the grounding test goes
    # the copy's cio_lint first; the checkout's tests (test_rules, helpers) after it
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(REPO)]), "CIO_LINT_NO_CACHE": "1"}

    made = subprocess.run([sys.executable, "scripts/new_rule.py", "identify-without-id", "CIO189"],
                          capture_output=True, text=True, cwd=copy, env=env, timeout=60)  # fmt: skip
    assert made.returncode == 0, made.stderr
    rule_path = copy / "cio_lint" / "rules" / "identify_without_id.py"
    grounding = copy / "tests" / "grounding" / "test_identify_without_id.py"
    assert rule_path.is_file()
    assert "IDENTIFY_WITHOUT_ID = Observed(" in (copy / "cio_lint" / "sdk.py").read_text()
    ast.parse(grounding.read_text(), str(grounding))  # its grounding test is Python

    cases = subprocess.run([sys.executable, "-c", RUN_CASES, "CIO189", "identify_without_id"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)  # fmt: skip
    assert cases.returncode == 0, cases.stderr[-3000:]
    assert cases.stdout.split() == ["cases", "2", "1"]  # its two VALID cases and its INVALID one

    # the new module and the script pass flake8 under setup.cfg (the CIO plugin's part is
    # left out, as in tests/test_flake8_clean.py)
    lint = subprocess.run([sys.executable, "-c", WITHOUT_CIO, str(rule_path), "scripts"],
                          capture_output=True, text=True, cwd=copy, env=env, timeout=120)  # fmt: skip
    assert lint.returncode == 0, lint.stdout

    again = subprocess.run([sys.executable, "scripts/new_rule.py", "other-name", "CIO189"],
                           capture_output=True, text=True, cwd=copy, env=env, timeout=60)  # fmt: skip
    assert again.returncode != 0 and "taken" in again.stderr
