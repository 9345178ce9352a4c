"""Every parse of Python source in cio-lint, behind one guard.

The files the engine checks and the project modules the index reads to learn what they
provide are parsed here and nowhere else, with the same three bounds:

- a size cap (MAX_SOURCE_BYTES): LibCST's time and memory grow with the file (a 50 MB file
  took 9 minutes and 9.7 GB before this cap);
- a nesting guard: LibCST's native parser recurses on the C stack, and a few thousand nested
  brackets kill the process with a segfault no `except` can catch (with `--jobs`, a broken
  process pool; under `flake8 -j`, a hang);
- a time limit (FILE_TIME_LIMIT) that starts before the parse, not after it.

`parse_source` returns the module or a `ParseFailure` (line, column, reason) that the caller
turns into a CIO000; it never raises, except `FileTimeout` from a caller's own time limit,
which is the caller's to catch. `read_source` reads a file the same careful way: only a
regular file, and never more than the cap.

A low-level module: it imports nothing of cio_lint but the text and syntax-error helpers (both
leaves), and LibCST only when something is parsed.
"""

from __future__ import annotations

import ast
import os
import stat
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Tuple, Union

from cio_lint import sdk
from cio_lint.text import decode_source, foreign_bom

if TYPE_CHECKING:
    import libcst as cst

#: The largest source parsed (bytes). The largest file in CPython's standard library is
#: ~0.8 MB; LibCST parses ~0.7 MB/s on a loaded 2-core machine and the analysis costs a few
#: times that, so a file at the cap still finishes well inside FILE_TIME_LIMIT.
MAX_SOURCE_BYTES = 2_000_000
#: The nesting guard: before LibCST's native parser sees a file, CPython's own parser checks
#: it with a recursion limit this many frames above the caller's, which refuses expressions
#: nested deeper than about 3 x this (~900 levels; CPython refuses ~3,000 and more than 200
#: nested brackets). LibCST's parser recurses on the C stack: a few thousand levels overflow
#: it and kill the process, and long before that its time grows with the square of the depth.
NESTING_GUARD_FRAMES = 300
#: Seconds one file's parse and analysis may take before it is abandoned with a CIO000 that
#: says so (the run goes on). Real files take well under a second; this is a net for a rule or
#: resolver step that is quadratic on some pathological file (bench/torture.py found one).
#: Enforced with SIGALRM, so only in a main thread (CLI, --jobs and flake8 workers), never
#: over a shorter timer someone else set. LibCST's native parser does not look at signals:
#: an expiry during the parse is noticed as soon as it returns (the size cap bounds that).
FILE_TIME_LIMIT = 30.0
#: What is read of a file beyond the cap, at a time, to look for the SDK's name in it.
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class ParseFailure:
    """Why a source could not be parsed, and where (1-based line and column)."""

    line: int
    column: int
    reason: str
    #: where the problem ends (exclusive), when known (syntax errors)
    end_line: Optional[int] = None
    end_column: Optional[int] = None


class FileTimeout(BaseException):
    """Raised into a file's parse or analysis when it exceeds its time limit. A BaseException,
    so that the rules' per-rule guard (which catches Exception) lets it through."""


class time_limit:
    """`with time_limit(seconds):` raises FileTimeout into the block after `seconds`.

    Does nothing outside the main thread, on platforms without setitimer, or when a timer is
    already running (someone else's, or an enclosing time_limit's: the outer one bounds the
    whole). `armed` says whether this one set the timer, so a FileTimeout can be told apart
    from an enclosing limit's.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def __enter__(self) -> "time_limit":
        import signal
        import threading

        if self.seconds <= 0 or not hasattr(signal, "setitimer") or \
                threading.current_thread() is not threading.main_thread():  # fmt: skip
            return self
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        if remaining:  # someone else's timer is running: leave it alone
            return self

        def expired(signum, frame):
            raise FileTimeout()

        try:
            self.previous = signal.signal(signal.SIGALRM, expired)
        except ValueError:  # not the main thread of the main interpreter
            return self
        # Armed before the timer starts, and undone here if it fires before the block begins
        # (a very short limit): the `with` statement calls __exit__ only once __enter__ returned.
        self.armed = True
        try:
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
            return self
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def __exit__(self, *exc) -> None:
        if self.armed:
            import signal

            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            finally:  # (the timer may fire on the way out: the handler goes back all the same)
                signal.signal(signal.SIGALRM, self.previous)


def too_large(size: Optional[int] = None) -> str:
    """The reason given for a source over the cap (it names the cap); `size` when known."""
    limit = f"cio-lint's limit of {MAX_SOURCE_BYTES:,} bytes (MAX_SOURCE_BYTES); not parsed"
    return f"it is {size:,} bytes, more than {limit}" if size is not None else f"it is more than {limit}"


def _stack_depth() -> int:
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


def nesting_problem(data: Union[str, bytes]) -> Optional[Tuple[int, str]]:
    """(line, reason) when `data` is nested too deeply for LibCST's parser to be safe, else None.

    CPython's parser (in C, ~20x faster than LibCST's) parses the file under a recursion limit
    a fixed distance above the current depth, so the verdict does not depend on the caller.
    A file CPython cannot parse for another reason (a syntax error, a newer grammar than this
    interpreter's) is left to LibCST, which reports it; CPython stops at the first error, so
    for such a file the guard only knows about brackets, which CPython checks as it reads.
    """
    old = sys.getrecursionlimit()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like
            sys.setrecursionlimit(_stack_depth() + NESTING_GUARD_FRAMES)
            try:
                ast.parse(data)
            finally:
                sys.setrecursionlimit(old)
    except (RecursionError, MemoryError):
        return 1, "nested too deeply to parse safely"
    except SyntaxError as exc:
        if "too many nested" in (exc.msg or "") or "too complex" in (exc.msg or ""):
            return exc.lineno or 1, f"nested too deeply to parse safely ({exc.msg})"
    except Exception:  # null bytes (ValueError), undecodable text: LibCST reports those
        pass
    return None


def parse_source(data: Union[str, bytes], seconds: Optional[float] = None) -> Union["cst.Module", ParseFailure]:
    """The LibCST module of `data`, or why it cannot be had. Bytes are preferred: LibCST then
    honours the coding cookie and BOM itself.

    `seconds` (default FILE_TIME_LIMIT) bounds the guard and the parse, unless the caller's
    own time limit is already running: then that one bounds everything, and its FileTimeout
    goes through to the caller.
    """
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > MAX_SOURCE_BYTES:
        return ParseFailure(1, 1, too_large(size))
    bom = foreign_bom(data) if isinstance(data, bytes) else None
    if bom is not None:
        return ParseFailure(1, 1, f"it is {bom} text (it starts with a {bom} byte-order mark); Python reads "
                            "source as UTF-8 or as a coding cookie says, and cannot run it: save it as UTF-8")
    limit = time_limit(FILE_TIME_LIMIT if seconds is None else seconds)
    try:
        with limit:
            deep = nesting_problem(data)
            if deep is not None:
                return ParseFailure(deep[0], 1, deep[1])
            return _parse(data)
    except FileTimeout:
        if not limit.armed:
            raise  # an enclosing limit's: the whole file's analysis is over
        return ParseFailure(1, 1, f"parsing it took longer than {limit.seconds:g}s; abandoned")
    except RecursionError:
        return ParseFailure(1, 1, "nested too deeply to parse")
    except MemoryError:
        return ParseFailure(1, 1, "out of memory while parsing it")
    except Exception as exc:  # the parser's own failure on odd input
        return ParseFailure(1, 1, f"parser failed: {type(exc).__name__}: {exc}")


def _parse(data: Union[str, bytes]) -> Union["cst.Module", ParseFailure]:
    import libcst as cst

    try:
        try:
            return cst.parse_module(data)
        except (UnicodeDecodeError, SyntaxError) as exc:
            # LibCST finds the coding cookie only in lines ending in "\n": a CR-only file
            # with a cookie fails here although Python reads it. Decode it as Python would.
            text = _decoded(data)
            if text is None:
                raise exc from None
            return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        from cio_lint.syntax_errors import describe_syntax_error

        problem = describe_syntax_error(data, exc)  # in words, where CPython places it
        return ParseFailure(problem.line, problem.column, problem.reason, problem.end_line, problem.end_column)
    except (UnicodeDecodeError, LookupError) as exc:
        return ParseFailure(1, 1, f"cannot decode the file: {exc}")
    except SyntaxError as exc:  # LibCST's own (bytes and str concatenated): say it as CPython does
        from cio_lint.syntax_errors import describe_syntax_error

        if "encoding" in str(exc):  # an unknown coding cookie
            return ParseFailure(1, 1, f"cannot decode the file: {exc}")

        problem = describe_syntax_error(data, exc)
        return ParseFailure(problem.line, problem.column, problem.reason, problem.end_line, problem.end_column)


def _decoded(data: Union[str, bytes]) -> Optional[str]:
    if not isinstance(data, bytes) or b"\r" not in data:
        return None
    decoded = decode_source(data)
    return decoded[0] if decoded is not None else None


# ---------------------------------------------------------------------------------------------
# Reading


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_source(path: Union[str, Path], needle: bytes = sdk.PACKAGE.encode()) -> Tuple[bytes, Optional[str]]:
    """(bytes, None) for a regular file of at most MAX_SOURCE_BYTES, else (b"", reason).

    Only a regular file is read: a FIFO named `x.py` would block the run forever and
    `/dev/zero` would be read until memory runs out. The file is opened without blocking and
    checked on the open descriptor (no race between a check and the open). A file over the cap
    is not kept: it is scanned in bounded chunks for `needle`, and only a file that mentions
    it gets a reason (a large generated file that never touches the SDK is no finding).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        return b"", "it is a directory"
    except OSError as exc:
        return b"", f"cannot read: {exc.strerror or exc}"
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return b"", "it is a directory"
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
            return b"", f"it is {kind}, not a regular file; not read"
        data = _read_at_most(fd, MAX_SOURCE_BYTES + 1)
        if len(data) <= MAX_SOURCE_BYTES:
            return data, None
        size = max(info.st_size, len(data))
        if needle in data or _scan_rest(fd, data[-len(needle):], needle):
            return b"", too_large(size)
        return b"", None
    except OSError as exc:
        return b"", f"cannot read: {exc.strerror or exc}"
    finally:
        os.close(fd)


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(fd, min(limit - total, _SCAN_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _scan_rest(fd: int, tail: bytes, needle: bytes) -> bool:
    """Does the rest of the file mention `needle`? Read in chunks, never held whole."""
    while True:
        chunk = os.read(fd, _SCAN_CHUNK)
        if not chunk:
            return False
        if needle in tail + chunk:
            return True
        tail = chunk[-len(needle):]


class paused_gc:
    """No cyclic garbage collection while one file is parsed and checked (the collector's
    previous state is restored after; use it around the call that holds the tree, so that
    the tree is gone when collection resumes). A parse allocates ~1000 LibCST nodes per 100 lines,
    almost none of them garbage until the file is done, and every few hundred allocations
    the collector walked them, and the older generations with them: ~25 % of the CPU time of
    a run over 200 SDK-heavy files (bench/run.py). Reference counting still frees what a
    check drops; the little cyclic garbage one file makes waits for the next collection."""

    def __enter__(self) -> None:
        import gc

        self._was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        import gc

        if self._was_enabled:
            gc.enable()
