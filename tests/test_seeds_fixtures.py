"""The fixture lines of issue 18's rules: each `# CIOnnn:` comment in these files announces a
finding of that code within the next few lines (off-by-default rules selected by name)."""

from __future__ import annotations

import re

import pytest

from cio_lint.config import settings_from_mapping
from tests.helpers import lint_file
from cio_lint.project import project_for
from tests.conftest import FIXTURES

FILES = ("shop/transactional.py", "shop/devices.py", "shop/errors.py", "shop/async_jobs.py", "shop/cdp_events.py")
ANNOUNCED = re.compile(r"#\s*(CIO\d{3})\b")
REACH = 4  # lines after the comment that the statement it describes may span


def announced(path: str):
    for number, text in enumerate((FIXTURES / path).read_text(encoding="utf-8").splitlines(), 1):
        for code in ANNOUNCED.findall(text):
            yield pytest.param(path, code, number, id=f"{path}:{number}:{code}")


CASES = [case for path in FILES for case in announced(path)]


def test_every_seeds_fixture_file_announces_a_finding():
    assert {case.values[0] for case in CASES} == set(FILES)


@pytest.mark.parametrize("path, code, comment_line", CASES)
def test_fixture_comment_is_followed_by_its_finding(path, code, comment_line):
    file = FIXTURES / path
    settings = settings_from_mapping({"region": "eu", "extend-select": [code]}, "test")
    findings = lint_file(file, settings, project_for(file, settings))
    lines = {f.line for f in findings if f.code == code}
    assert lines & set(range(comment_line, comment_line + REACH + 1)), (code, sorted(lines))
