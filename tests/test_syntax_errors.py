"""CIO000 says what is wrong in words a person reads, at the column of the mistake (issue 20, item 6)."""

from __future__ import annotations

import json

import pytest

from cio_lint.syntax_errors import describe_syntax_error
from tests.test_frontends import cio_lint


@pytest.mark.parametrize("source,line,column,words", [
    ('print "sending"\n', 1, 1, "Python 2 print statement"),
    ('exec "x = 1"\n', 1, 1, "Python 2 exec statement"),
    ("x = `y`\n", 1, 5, "Python 2 backquotes"),
    ("if a <> b:\n    pass\n", 1, 6, "Python 2 '<>' operator"),
    ("x = 0777\n", 1, 5, "Python 2 octal literal"),
    ("x = 10L\n", 1, 6, "Python 2 long integer suffix"),
    ('raise E, "m"\n', 1, 8, "Python 2 raise statement"),
    ("x = (1,\ny = 2\n", 1, 5, "'(' was never closed"),
    ("if x\n    pass\n", 1, 5, "expected ':'"),
    ("for x in 1 2:\n  pass\n", 1, 12, "invalid syntax at '2'"),
])  # fmt: skip
def test_problem_is_named_where_it_is(source, line, column, words):
    problem = describe_syntax_error(source)
    assert (problem.line, problem.column) == (line, column)
    assert problem.reason.startswith("syntax error: " + words)
    assert "expected one of" not in problem.reason


def test_cli_reports_the_python2_statement_at_its_column(tmp_path):
    (tmp_path / "legacy.py").write_text('import customerio\n\nif True:\n    print "sending", customerio\n')
    result = cio_lint("check", "legacy.py", cwd=tmp_path)
    assert result.stdout.startswith(
        "legacy.py:4:5: CIO000 cannot check this file: syntax error: Python 2 print statement"), result.stdout
    finding = json.loads(cio_lint("check", "legacy.py", "--format", "json", cwd=tmp_path).stdout)[0]
    assert (finding["line"], finding["column"], finding["end_line"]) == (4, 5, 4)
    assert finding["end_column"] > finding["column"]  # the whole statement, for editors
