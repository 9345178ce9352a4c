"""cio_lint/text.py: lines split exactly where Python's tokenizer splits them."""

from __future__ import annotations

import ast

from hypothesis import given
from hypothesis import strategies as st

from cio_lint.text import line_starts, split_lines

#: every character str.splitlines() breaks at, and some that nothing breaks at
PIECES = st.lists(st.sampled_from(["\r\n", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85",
                                   "\u2028", "\u2029", "a", " ", "#"]), max_size=30).map("".join)  # fmt: skip


@given(PIECES)
def test_split_lines_is_what_python_reads(text):
    # bytes.splitlines() breaks only at \r\n, \r and \n: Python's own notion of a line
    expected = [line.decode("utf-8") for line in text.encode("utf-8").splitlines()]
    assert split_lines(text) == expected
    assert "".join(split_lines(text, keepends=True)) == text
    starts = line_starts(text)
    for number, line in enumerate(split_lines(text, keepends=True), 1):
        assert text[starts[number]:].startswith(line)


def test_python_numbers_lines_the_same_way():
    source = "# a\x0cb\x1cc\x85d\u2028e\u2029f\x0bg\nx = 1\ry = 2\r\nz = (\n  3)\n"
    tree = ast.parse(source)
    lines = split_lines(source)
    for node in tree.body:
        assert lines[node.lineno - 1].lstrip().startswith(ast.unparse(node.targets[0]))
    assert [n.lineno for n in tree.body] == [2, 3, 4]
