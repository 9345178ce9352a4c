"""`# noqa` is read with flake8's grammar in both front-ends (issue 20, item 2): the same file
gives the same findings through a real `flake8` process and the `cio-lint` entry point."""

from __future__ import annotations

import pytest

from cio_lint.noqa import Suppressions, noqa_codes
from tests.test_frontends import cio_lint, flake8, parse

HEAD = "from customerio import CustomerIO\nc = CustomerIO('s', 'k')\n"


@pytest.mark.parametrize("comment,silenced", [
    ("  # noqa: E501 ci flaky", False),  # trailing words are not codes: E501 only
    ("  # noqa: E501,CIO101", True),
    ("  # NOQA:CIO1", True),  # a prefix
    ("  # noqa: cio101", False),  # flake8 compares codes case-sensitively
    ("  # noqa: empty-identifier", True),  # not a code list: a *blanket* noqa to flake8
    ("  # noqa:  CIO501", True),  # two spaces after the colon: blanket too
    ("  #noqa", False),  # flake8 wants '# noqa'
    ("  # noqa: CIO501", False),
    ("  # cio-lint: ignore[empty-identifier]", True),  # the form for rule names
    ("  # cio-lint: ignore[ms-timestamp, CIO2]", False),
])  # fmt: skip
def test_both_front_ends_read_noqa_alike(tmp_path, comment, silenced):
    (tmp_path / "app.py").write_text(HEAD + f"c.identify(id=''){comment}\n")
    expected = [] if silenced else [("3", "CIO101")]
    for result in (flake8("--select", "CIO", "app.py", cwd=tmp_path), cio_lint("check", "app.py", cwd=tmp_path)):
        assert [(f["line"], f["code"]) for f in parse(result.stdout)] == expected, (comment, result.stdout)


def test_a_comment_after_a_multiline_string_covers_its_lines(tmp_path):
    (tmp_path / "app.py").write_text(HEAD + "c.track(id='', name='''a\nb''')  # noqa: CIO101\n")
    assert "CIO101" not in flake8("--select", "CIO", "app.py", cwd=tmp_path).stdout
    assert "CIO101" not in cio_lint("check", "app.py", cwd=tmp_path).stdout


def test_the_rule_name_comment_is_invisible_to_flake8(tmp_path):
    """`# noqa: empty-identifier` hid an unrelated F401; `# cio-lint: ignore[...]` hides only ours."""
    (tmp_path / "app.py").write_text(HEAD + "import os  # cio-lint: ignore[empty-identifier]\n")
    result = flake8("--select", "F401", "app.py", cwd=tmp_path)
    assert result.stdout.startswith("app.py:3:1: F401 "), result.stdout


def test_noqa_codes_follow_flake8():
    assert noqa_codes("x  # noqa: E501 ci flaky") == ("E501",)
    assert noqa_codes("x  # noqa: ms-timestamp") == ()
    assert noqa_codes("x  # noqa") == ()
    assert noqa_codes("x  # no qa") is None


def test_add_noqa_extends_an_existing_list_or_ends_the_token_run():
    text = "s = '''a\nb'''  # noqa: E501 x\ny = 1 + \\\n  2\nz = 3  # why\n"
    found = Suppressions(text)
    assert found.add_noqa("CIO101", 1) == (2, 19, ",CIO101")  # after E501, before " x"
    assert found.add_noqa("CIO101", 3) == (4, 4, "  # noqa: CIO101")  # never after a backslash
    assert found.add_noqa("CIO101", 5) == (5, 13, "  # noqa: CIO101")
    assert Suppressions("x = 1  # noqa\n").add_noqa("CIO101", 1) is None  # already silenced


def test_add_noqa_after_a_multiline_string_in_a_file_without_comments():
    text = "x = f('''a\nb''')\n"  # no noqa anywhere: the fast path must still know the token run
    assert Suppressions(text).add_noqa("CIO101", 1) == (2, 6, "  # noqa: CIO101")
