"""What is wrong with source that does not parse, in words a person reads (CIO000's message).

LibCST's parser error is a list of the thirty tokens it expected, at a position that is often
the start of the statement rather than the mistake. CPython's own parser says what is wrong
("'(' was never closed", "expected ':'") and where, so the message and the position come from
it; the Python 2 forms that still turn up in old code are named as such ("Python 2 print
statement"), as ruff and CPython do. Only when CPython accepts what LibCST refuses (a grammar
LibCST does not know yet) is LibCST's own position used, without its token list.

A leaf module (standard library only), called wherever a parse fails: the engine's guarded
parse, and the language server.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass
from typing import Optional, Union


@dataclass(frozen=True)
class SyntaxProblem:
    """Where (1-based, end exclusive) and what: `reason` reads after "cannot check this file: "."""

    line: int
    column: int
    end_line: int
    end_column: int
    reason: str


#: CPython's message (a prefix of it) -> what the Python 2 form is called and its Python 3 form
_PYTHON2_MESSAGES = (
    ("Missing parentheses in call to 'print'", "Python 2 print statement (Python 3: print(...))"),
    ("Missing parentheses in call to 'exec'", "Python 2 exec statement (Python 3: exec(...))"),
    ("leading zeros in decimal integer literals", "Python 2 octal literal (Python 3 writes 0o17, not 017)"),
    ("Function parameters cannot be parenthesized", "Python 2 tuple parameter (unpack it in the body)"),
)
_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")


def describe_syntax_error(data: Union[str, bytes], libcst_error: Optional[BaseException] = None) -> SyntaxProblem:
    """The problem with `data`, which LibCST failed to parse with `libcst_error`."""
    cpython = _cpython_error(data)
    if cpython is not None:
        return cpython
    return _from_libcst(libcst_error)


def _cpython_error(data: Union[str, bytes]) -> Optional[SyntaxProblem]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like
            ast.parse(data)
    except SyntaxError as exc:
        return _describe(exc)
    except (ValueError, RecursionError, MemoryError):  # null bytes; too deep (the engine's guard says so)
        return None
    return None


def _describe(exc: SyntaxError) -> SyntaxProblem:
    line = max(exc.lineno or 1, 1)
    column = max(exc.offset or 1, 1)
    end_line = exc.end_lineno if (getattr(exc, "end_lineno", None) or 0) >= line else line
    end_column = getattr(exc, "end_offset", None) or 0
    if end_line == line and end_column <= column:
        end_column = column + 1 if exc.text and column <= len(exc.text.rstrip("\r\n")) else column
    message = (exc.msg or "invalid syntax").strip()
    text = (exc.text or "").rstrip("\r\n")
    reason = _python2_form(message, text, column) or _plain(message, text, column, end_column, end_line == line)
    return SyntaxProblem(line, column, end_line, max(end_column, 1), f"syntax error: {reason}")


def _python2_form(message: str, text: str, column: int) -> Optional[str]:
    """The Python 2 construct at the error, named, or None."""
    for prefix, said in _PYTHON2_MESSAGES:
        if message.startswith(prefix):
            return said
    before, at = text[: column - 1], text[column - 1 :]
    if at.startswith("`"):
        return "Python 2 backquotes (Python 3: repr(...))"
    if at.startswith("<>"):
        return "Python 2 '<>' operator (Python 3: !=)"
    if message in ("invalid decimal literal", "invalid syntax") and re.search(r"(?<![\w.])\d+[lL](?!\w)", text):
        return "Python 2 long integer suffix L (Python 3 integers need none)"
    if re.search(r"(?<![\w\"'])[uU][rR]$", before):
        return "Python 2 string prefix ur (Python 3: r or u alone)"
    if re.match(r"\s*raise\s+[^,]+,", text) and message == "invalid syntax":
        return "Python 2 raise statement (Python 3: raise Error(message))"
    return None


def _plain(message: str, text: str, column: int, end_column: int, one_line: bool) -> str:
    """CPython's message; its bare "invalid syntax" also quotes what it stopped at."""
    message = message.rstrip(".")
    if message != "invalid syntax" or not one_line:
        return message
    found = text[column - 1 : max(end_column - 1, column)].strip()
    return f"invalid syntax at {found!r}" if found else "invalid syntax"


def _from_libcst(exc: Optional[BaseException]) -> SyntaxProblem:
    """CPython parses it but LibCST does not: a grammar LibCST does not support yet."""
    raw = str(getattr(exc, "message", None) or exc or "")
    match = _LIBCST_POSITION.search(raw)
    if match:
        line, column = int(match.group(1)), int(match.group(2)) + 1
    else:
        line = max(getattr(exc, "raw_line", 1) or 1, 1)
        column = max((getattr(exc, "raw_column", 0) or 0) + 1, 1)
    return SyntaxProblem(line, column, line, column + 1,
                         "syntax that Python accepts but LibCST's parser does not support")  # fmt: skip
