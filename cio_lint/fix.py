"""Applying fixes: text edits on the decoded source, re-parsed, written atomically.

A fixed text that does not parse is never written. Files keep their encoding, BOM, line
endings and mode: edits are applied to the text decoded with the file's own encoding, and the
result is encoded back with it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Set, Tuple

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


class NotWritten(Exception):
    """A fixed file that was not written, and why (one line, shown to the user)."""


#: Our temporary files: `.NAME.XXXXXXXX.cio-lint` beside the file being written.
TEMP_SUFFIX = ".cio-lint"
#: A temporary file of ours older than this (seconds) is left over from a run that was killed
#: (SIGKILL cannot be caught) and is removed; a younger one may be a concurrent run's.
STALE_TEMP_SECONDS = 600


def write_fixed(path: Path, original: bytes, data: bytes) -> None:
    """Write `data` over `path`, which held `original` when it was read; raise NotWritten
    (never half-write) when it cannot be done safely.

    - The file is re-checked just before the write: if its bytes are no longer `original`
      (an edit saved while cio-lint ran), it is left alone.
    - A symlink is written through: its target gets the fix, the link stays a link.
    - A read-only file (no write permission bit, or not writable by us) is refused.
    - Owner, group and mode are kept. A file with other hard links, or whose owner we could
      not give back to a new file, is rewritten in place (the links stay one file);
      otherwise a temporary file in the same directory replaces it (os.replace), so that a
      reader never sees half a file.
    """
    target = Path(os.path.realpath(path))
    try:
        before = os.stat(target)
    except OSError as exc:
        raise NotWritten(f"cannot read it again: {exc.strerror or exc}") from None
    if not stat.S_ISREG(before.st_mode):
        raise NotWritten("it is no longer a regular file")
    if not before.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise NotWritten("it is read-only; make it writable to fix it")
    if before.st_size != len(original) or _current_bytes(target, len(original)) != original:
        raise NotWritten("it changed while cio-lint was running (an edit was saved?); run again")
    _remove_stale_temps(target)
    try:
        if before.st_nlink > 1 or not _replace(target, data, before):
            _rewrite_in_place(target, data, before)
    except NotWritten:
        raise
    except OSError as exc:
        raise NotWritten(f"cannot write it: {exc.strerror or exc}") from None


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path`'s content with `data` all at once, keeping its mode (and owner, group,
    links and symlinks: see write_fixed, which also re-checks the file first). OSError when
    it cannot be written; the original is then as it was."""
    target = Path(os.path.realpath(path))
    before = os.stat(target)
    if before.st_nlink > 1 or not _replace(target, data, before):
        _rewrite_in_place(target, data, before)


def _current_bytes(path: Path, expected: int) -> Optional[bytes]:
    try:
        with open(path, "rb") as handle:
            return handle.read(expected + 1)
    except OSError:
        return None


def _replace(target: Path, data: bytes, before: os.stat_result) -> bool:
    """Write `data` to a temporary file beside `target`, give it `target`'s owner, group and
    mode, and move it over `target`. False (nothing changed) when the owner cannot be given
    back: the caller then rewrites in place, which keeps it."""
    with _signals_held():
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if hasattr(os, "chown"):
                try:
                    os.chown(tmp, before.st_uid, before.st_gid)
                except PermissionError:  # someone else's file in our directory
                    os.unlink(tmp)
                    return False
            os.chmod(tmp, stat.S_IMODE(before.st_mode))
            now = os.stat(target)  # the last look: nothing may have changed since the check
            if (now.st_size, now.st_mtime_ns, now.st_ino) != (before.st_size, before.st_mtime_ns, before.st_ino):
                raise NotWritten("it changed while cio-lint was running (an edit was saved?); run again")
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    return True


def _rewrite_in_place(target: Path, data: bytes, before: os.stat_result) -> None:
    """Overwrite `target` itself: the inode, its owner, group, mode and hard links stay."""
    with _signals_held():
        with open(target, "r+b") as handle:
            now = os.fstat(handle.fileno())
            if (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                raise NotWritten("it changed while cio-lint was running (an edit was saved?); run again")
            handle.write(data)
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())


def _remove_stale_temps(target: Path) -> None:
    """Remove our temporary files for `target` left by a run that was killed (SIGKILL)."""
    import time

    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    for name in names:
        middle = name[len(prefix) : -len(TEMP_SUFFIX)]
        leftover = target.parent / name
        try:  # only mkstemp's names (8 random characters), only regular files, only old ones
            if len(middle) == 8 and leftover.is_file() and not leftover.is_symlink() \
                    and time.time() - leftover.stat().st_mtime > STALE_TEMP_SECONDS:  # fmt: skip
                leftover.unlink()
        except OSError:
            pass


class _signals_held:
    """Hold SIGINT, SIGTERM and SIGHUP for the few system calls of a write, so that Ctrl-C or a
    kill never lands between creating the temporary file and removing or renaming it; a signal
    that came meanwhile is delivered right after."""

    SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")

    def __enter__(self):
        import signal
        import threading

        self.held = None
        if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
            wanted = {getattr(signal, name) for name in self.SIGNALS if hasattr(signal, name)}
            self.held = signal.pthread_sigmask(signal.SIG_BLOCK, wanted)
        return self

    def __exit__(self, *exc) -> None:
        if self.held is not None:
            import signal

            signal.pthread_sigmask(signal.SIG_SETMASK, self.held)
