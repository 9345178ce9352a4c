"""Source text as Python reads it: its encoding, and its lines.

A leaf module (imports nothing of cio_lint): the engine, the CLI, fixes and reports all map a
line number to text through `split_lines`, so a finding's line, its `# noqa`, its excerpt and
its diff are always the same line.

Python's tokenizer ends a line at "\\r\\n", "\\r" or "\\n" and nowhere else. `str.splitlines()`
also breaks at "\\v", "\\f", "\\x1c"-"\\x1e", NEL (U+0085) and U+2028/U+2029: after one of those
in a file, every later line number would name the wrong text (a mask on the wrong line, a
`# noqa` read from the wrong line, a diff `git apply` rejects).
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import List, Optional, Tuple

#: One line as Python's tokenizer reads it: up to and including "\r\n", "\r" or "\n".
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str, keepends: bool = False) -> List[str]:
    """`text` split into lines exactly where Python's tokenizer splits it.

    Like `str.splitlines()`: no empty last line for a text ending in a newline, and [] for "".
    """
    lines = _LINE.findall(text)
    if keepends:
        return lines
    return [line.rstrip("\r\n") for line in lines]


def line_starts(text: str) -> List[int]:
    """The character offset at which each 1-based line starts (index 0 unused)."""
    starts = [0, 0]
    offset = 0
    for line in _LINE.findall(text):
        offset += len(line)
        if line.endswith(("\n", "\r")):
            starts.append(offset)
    return starts


def detect_encoding(data: bytes) -> str:
    """The encoding Python would use for this source (PEP 263 cookie, BOM, else utf-8)."""
    # tokenize reads lines split at "\n" only: in a file with old Mac line endings (CR only)
    # the cookie would sit in one huge first "line"; look for it in lines as Python reads them.
    head = data[:4096]
    if b"\r" in head:
        head = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(head).readline)
    except SyntaxError:
        return "utf-8"
    return encoding


def decode_source(data: bytes) -> Optional[Tuple[str, str]]:
    """(text, encoding) with newlines untouched, or None when the bytes cannot be decoded."""
    encoding = detect_encoding(data)
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return None


#: Byte-order marks of encodings Python never reads source in (it reads UTF-8, or what a
#: coding cookie says, and a cookie cannot name these): such a file is not Python source.
_FOREIGN_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)


def foreign_bom(data: bytes) -> Optional[str]:
    """"UTF-16" or "UTF-32" when `data` starts with that encoding's byte-order mark."""
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            return name
    return None


#: A run of characters a credential is made of (hex, base62/64, CDP keys' `pk_eu_` prefix).
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_+/]+=*")
#: The shortest credential shape there is (16 hex characters).
_SHORTEST_CREDENTIAL = 16
#: How much of a masked credential stays visible: as much as a finding's message shows.
MASK_KEEP = 4


def credential_spans(text: str, looks_like) -> List[Tuple[int, int]]:
    """[start, end) of every run of `text` that `looks_like(run)` says is a credential. A run
    that does not look like one is also tried in its `_`, `/` and `+` separated pieces
    (`KEY_a3f9...` in a comment, a key inside a URL path)."""
    spans = []
    for match in _TOKEN_RUN.finditer(text):
        run = match.group()
        if len(run) < _SHORTEST_CREDENTIAL:
            continue
        if looks_like(run):
            spans.append(match.span())
            continue
        for piece in re.finditer(r"[^_/+]+=*", run):
            if len(piece.group()) >= _SHORTEST_CREDENTIAL and looks_like(piece.group()):
                spans.append((match.start() + piece.start(), match.start() + piece.end()))
    return spans


def mask_spans(text: str, spans) -> str:
    """`text` with each span but its first MASK_KEEP characters replaced by "*": the same
    width, so that columns and carets still line up."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(start + MASK_KEEP, min(end, len(chars))):
            chars[index] = "*"
    return "".join(chars)
