"""Suppression comments, read exactly as flake8 reads them, for the front-ends that are not flake8.

The flake8 plugin leaves `# noqa` to flake8 itself; the CLI and the language server read it
here with flake8's own grammar (its `NOQA_INLINE_REGEXP`, imported, not copied) and flake8's
matching: the codes after `# noqa:` that look like codes (letters then digits), each matching
a finding's code exactly or as a prefix. Anything else after the colon is not a code list:
`# noqa: E501 ci flaky` silences E501 only, and `# noqa: ms-timestamp` is a *blanket* noqa to
flake8 (and an invalid directive to ruff), so it is one here too. Like flake8, a comment
applies to every physical line of the token run it ends (a triple-quoted string, a backslash
continuation).

Rule names go in a comment that other tools ignore, honoured by both front-ends:
`# cio-lint: ignore[ms-timestamp, CIO101]` (codes, prefixes or names; brackets required, so a
stray `# cio-lint: ignore` silences nothing).
"""

from __future__ import annotations

import re
import tokenize
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, TypeVar

from flake8.defaults import NOQA_INLINE_REGEXP as NOQA_INLINE

from cio_lint.text import split_lines as _split_lines

#: flake8 splits the codes of a `# noqa:` on commas and whitespace (flake8.utils)
_SEPARATOR = re.compile(r"[,\s]")
#: the comment form for rule names; flake8's and ruff's noqa parsers do not see it
CIO_IGNORE = re.compile(r"#\s*cio-lint:\s*ignore\[(?P<selectors>[^\]]*)\]")
#: text a file must contain for CIO_IGNORE to match: a cheap test before any tokenizing
CIO_IGNORE_MARK = "cio-lint:"

T = TypeVar("T")  # a finding: anything with .code and .line


def noqa_codes(text: str) -> Optional[Tuple[str, ...]]:
    """The codes of the first `# noqa` in `text`: None when there is none, () for a blanket one."""
    match = NOQA_INLINE.search(text)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return ()
    return tuple(c.strip() for c in _SEPARATOR.split(codes) if c.strip())


def noqa_silences(code: str, text: str) -> bool:
    """Would flake8 drop a finding with `code` reported on a line whose noqa text is `text`?"""
    codes = noqa_codes(text)
    if codes is None:
        return False
    return not codes or code in codes or code.startswith(codes)


def ignore_selectors(text: str) -> Tuple[str, ...]:
    """The selectors of every `# cio-lint: ignore[...]` in `text`."""
    out: List[str] = []
    for match in CIO_IGNORE.finditer(text):
        out.extend(s for s in _SEPARATOR.split(match.group("selectors")) if s)
    return tuple(out)


def split_lines(text: str) -> List[str]:
    """Lines with their ends, split where flake8 (and Python) split them: \r\n, \r, \n
    (the one helper every line number goes through, cio_lint/text.py)."""
    return _split_lines(text, keepends=True)


class Suppressions:
    """The suppression comments of one file: which findings they silence, and where a new
    `# noqa` for a line would go."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        #: no comment anywhere that could suppress: nothing to tokenize (most files)
        self.none = NOQA_INLINE.search(text) is None and CIO_IGNORE_MARK not in text
        self._ranges: Optional[Dict[int, Tuple[int, int]]] = None  # tokenized when first needed

    def line_range(self, line: int) -> Tuple[int, int]:
        """The physical lines (first, last; 1-based) a comment for `line` is read from."""
        if self._ranges is None:
            self._ranges = _token_runs(self.lines)
        return self._ranges.get(line, (line, line))

    def comment_text(self, line: int) -> str:
        first, last = self.line_range(line)
        return "".join(self.lines[first - 1 : last])

    def silences(self, code: str, line: int, cio_lint_only: bool = False) -> bool:
        """Is a finding with `code` on `line` suppressed? `cio_lint_only`: only by the
        `# cio-lint: ignore[...]` form (the flake8 plugin, where flake8 reads noqa itself)."""
        text = self.comment_text(line)
        if not cio_lint_only and noqa_silences(code, text):
            return True
        selectors = ignore_selectors(text)
        if not selectors:
            return False
        from cio_lint import codes

        return bool(codes.matches(code, selectors))

    def filter(self, findings: Iterable[T], cio_lint_only: bool = False) -> List[T]:
        if self.none:
            return list(findings)
        return [f for f in findings if not self.silences(f.code, f.line, cio_lint_only)]

    def add_noqa(self, code: str, line: int) -> Optional[Tuple[int, int, str]]:
        """(line, column, text) to insert so that `# noqa` silences `code` on `line` (1-based
        line and column), or None when it is already silenced or cannot be.

        An existing `# noqa: CODES` gets `,CODE` appended; otherwise `  # noqa: CODE` goes at
        the end of the last line of the token run (after a triple-quoted string ends; never
        after a backslash)."""
        if self.silences(code, line):
            return None
        first, last = self.line_range(line)
        for number in range(first, last + 1):
            physical = self.lines[number - 1]
            match = NOQA_INLINE.search(physical)
            if match is not None and match.group("codes") is not None:
                codes_end = match.end("codes")
                codes = match.group("codes")
                # "# noqa: E501 " ends in its separator: put the new code where it ends
                end = codes_end - (len(codes) - len(codes.rstrip(", \t")))
                return number, end + 1, f",{code}"
        if last > len(self.lines):
            return None
        body = self.lines[last - 1].rstrip("\r\n")
        if body.rstrip().endswith("\\"):
            return None
        return last, len(body.rstrip()) + 1, f"  # noqa: {code}"


def _token_runs(lines: Sequence[str]) -> Dict[int, Tuple[int, int]]:
    """flake8's noqa line mapping (FileProcessor._noqa_line_mapping): every line of a run of
    tokens that ends at a NEWLINE or NL maps to the whole run. {} when the file does not
    tokenize (flake8 runs no plugin on it; each line then stands alone)."""
    runs: Dict[int, Tuple[int, int]] = {}
    first, last = len(lines) + 2, -1
    readline = iter(lines).__next__
    try:
        for token in tokenize.generate_tokens(lambda: _next_or_empty(readline)):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                for number in range(first, last + 1):
                    runs[number] = (first, last)
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError, IndentationError, ValueError):
        return {}
    return runs


def _next_or_empty(readline) -> str:
    try:
        return readline()
    except StopIteration:
        return ""


def add_noqa_comments(text: str, findings: Iterable[T]) -> Tuple[str, int]:
    """`text` with a `# noqa` for each finding that none silences yet (`--add-noqa`): codes on
    one line share one comment (`# noqa: CIO101,CIO501`). Returns the text and how many codes
    were added."""
    added = 0
    for finding in sorted(findings, key=lambda f: (f.line, f.code)):
        insertion = Suppressions(text).add_noqa(finding.code, finding.line)
        if insertion is None:
            continue
        line, column, content = insertion
        lines = split_lines(text)
        body = lines[line - 1]
        ending = body[len(body.rstrip("\r\n")):]
        body = body[: len(body) - len(ending)]
        lines[line - 1] = body[: column - 1] + content + body[column - 1 :] + ending
        text = "".join(lines)
        added += 1
    return text, added
