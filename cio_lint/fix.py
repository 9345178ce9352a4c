"""Applying fixes: text edits on the decoded source, re-parsed, written atomically.

A fixed text that does not parse is never written. Files keep their encoding, BOM, line
endings and mode: edits are applied to the text decoded with the file's own encoding, and the
result is encoded back with it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Sequence, Set, Tuple

from cio_lint.finding import SAFE, Edit, Finding
from cio_lint.text import decode_source, detect_encoding  # noqa: F401 (re-exported)


@dataclass
class FixResult:
    text: str  # the fixed text (== the original when nothing applied)
    applied: List[Finding]  # findings whose fixes were applied
    rejected: List[Finding]  # fixes dropped (overlapping, or the result would not parse)


def wanted(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (unsafe or finding.fix.applicability == SAFE)


def _offsets(text: str) -> List[int]:
    """Character offset of the start of each 1-based line (index 0 unused)."""
    starts = [0, 0]
    for index, char in enumerate(text):
        if char == "\n" or (char == "\r" and text[index + 1 : index + 2] != "\n"):
            starts.append(index + 1)
    return starts


def _span(starts: Sequence[int], edit: Edit, length: int) -> Tuple[int, int]:
    def at(line: int, column: int) -> int:
        if line >= len(starts):
            return length
        return min(starts[line] + column - 1, length)

    return at(edit.line, edit.column), at(edit.end_line, edit.end_column)


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Apply non-overlapping edits; an edit given twice (two fixes adding the same import)
    is applied once."""
    starts = _offsets(text)
    spans = sorted({(*_span(starts, e, len(text)), e.content) for e in edits}, reverse=True)
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def _parses(text: str) -> bool:
    from cio_lint.parsing import ParseFailure, parse_source  # the same guard as every parse

    return not isinstance(parse_source(text), ParseFailure)


def _overlap(a: Tuple[int, int, str], b: Tuple[int, int, str]) -> bool:
    (s, e, _), (ts, te, _) = a, b
    return s < te and ts < e or s == e == ts == te  # two insertions at one place: order unknown


def fix_text(text: str, findings: Sequence[Finding], unsafe: bool = False) -> FixResult:
    """Apply the wanted fixes of `findings` to `text`, skipping overlapping ones."""
    starts = _offsets(text)
    chosen: List[Finding] = []
    rejected: List[Finding] = []
    taken: Set[Tuple[int, int, str]] = set()
    for finding in findings:
        if not wanted(finding, unsafe):
            continue
        spans = {(*_span(starts, e, len(text)), e.content) for e in finding.fix.edits}
        # An edit another fix already makes (the same import) is shared, not a conflict.
        # Overlapping edits cannot both apply; a second pass picks up what is left.
        if any(_overlap(s, t) for s in spans - taken for t in taken):
            rejected.append(finding)
            continue
        chosen.append(finding)
        taken |= spans
    if not chosen:
        return FixResult(text, [], rejected)
    fixed = apply_edits(text, [e for f in chosen for e in f.fix.edits])
    if not _parses(fixed):
        return FixResult(text, [], rejected + chosen)
    return FixResult(fixed, chosen, rejected)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path`'s content with `data` all at once, keeping its mode.

    The new content goes to a temporary file in the same directory, which then replaces the
    original with os.replace: a reader never sees half a file, and a failure at any step
    leaves the original as it was.
    """
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".cio-lint", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
