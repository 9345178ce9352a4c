"""The README's rule table is generated from the rule classes; this fails when they drift."""

import re

from cio_lint.rules import rule_table_markdown
from tests.conftest import REPO


def test_readme_rule_table_is_current():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- rules:start[^>]*-->\n(.*?)<!-- rules:end -->", readme, re.S)
    assert table, "README.md lost its rules:start/rules:end markers"
    assert table.group(1) == rule_table_markdown(), "regenerate it with: cio-lint rule --all --format markdown"


def test_ci_runs_exactly_the_readme_test_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "pip install -e '.[test]' && python -m pytest"
    assert command in readme
    assert command in (REPO / ".ci" / "run").read_text(encoding="utf-8")
