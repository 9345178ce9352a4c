"""Replay a `cio-lint check` whose inputs have not changed, before importing the linter.

The per-file cache (cio_lint/project/cache.py) spares LibCST on a warm run, but the run still
imports the linter (~0.1 s), walks the tree, reads every file and settles every file's
settings and project: 0.4 s on bench/realistic.py's 800 modules, where ruff takes 0.02 s.
Most repeated runs change nothing (pre-commit on an unchanged tree, a second `cio-lint check .`
after reading the first). So a run that can be replayed keeps a *record*: what it wrote
(cio_lint/command.py's writes, its exit status) and a fingerprint of everything it read. The
same command again (the same arguments, working directory, interpreter, relevant environment
variables and terminal) compares the fingerprint with `os.stat` alone and, when nothing
changed, writes the same text and exits with the same status. This module's fast path imports
only the standard library, so the replay costs Python's start-up and one stat per file.

The fingerprint (`take`) covers:
- every directory below each project root of the run (and below each directory the run's own
  walk entered, or the project rules' walk of a project would enter): its mtime, which changes
  when an entry is added, removed or renamed; and every file in them: mtime, size, inode (an
  editor that saves by rename changes the inode) and inode change time (a write moves it even
  when the writer puts the mtime back). A symlinked directory is followed (the module index
  follows it), each directory listed once. Left out: `__pycache__`, cio-lint's cache, `.git`'s
  insides (but `.git/info/exclude`), and hidden directories, virtualenvs (`pyvenv.cfg`) and
  `node_modules` that no walk of the run entered: the run reads nothing there (module names
  cannot start with a dot; a virtualenv holds no project module);
- the files named on the command line (and when a target is below a hidden directory, that
  directory whole: a configuration between the root and the target would appear there), the
  configuration and tracking-plan files the run read, and every file the SDK version
  detection reads (`-r ../shared.txt`, setup.cfg's `file:` targets included);
- every directory above each root, and the files there that decide roots, configuration and
  ignores (pyproject.toml, setup.cfg, setup.py, requirements*.txt, .gitignore, .git);
- the directories of `sys.path` (the installed SDK's version is an input when the project
  declares none) and cio-lint's own source files (an editable install being worked on).

A file modified less than RACY_SECONDS before the run began may change again within the file
system's timestamp granularity without its mtime moving (git's "racily clean" problem), so
such a run keeps no record; a directory that recent is fingerprinted by its sorted entry names
instead. Anything unexpected (a record of another version, a stat that fails, an unreadable
directory) means no replay: the run happens as usual.

A run that took longer than one file's time limit (cio_lint/parsing.py's FILE_TIME_LIMIT)
keeps no record: a file may have been abandoned, which the machine's load decided, not the
files.

Runs that write files or read stdin are never replayed: --fix, --diff, --add-noqa, -o, '-'
and --stdin-filename; nor are --no-cache runs, CIO_LINT_NO_CACHE (the test suite sets it) or
CIO_LINT_NO_REPLAY (the per-file cache without the replay).
"""

from __future__ import annotations

import json
import os
import sys
import time
import zlib

from cio_lint import __version__

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing: a tenth of a replay)
if TYPE_CHECKING:  # annotations only
    from typing import Dict, Iterable, List, Optional, Sequence

#: where a project's cache lives by default (cio_lint/project/cache.py's DEFAULT_DIR, kept
#: equal by tests/test_replay.py: importing that package here would cost the fast path)
DEFAULT_CACHE_DIR = ".cio_lint_cache"
NO_CACHE_VARIABLE = "CIO_LINT_NO_CACHE"
#: set (to anything but empty): neither replay nor record, but keep the per-file cache (its tests)
NO_REPLAY_VARIABLE = "CIO_LINT_NO_REPLAY"
#: see `trusted`: files younger than this when the run began keep it unrecorded (whole-second
#: timestamps; FINE_RACY_SECONDS where timestamps have sub-second digits)
RACY_SECONDS = 2.0
FINE_RACY_SECONDS = 0.1
#: how far a file system's timestamps may lag time.time_ns() (Linux stamps files with a clock
#: that advances once per kernel tick, 1 to 10 ms)
CLOCK_LAG_NS = 20_000_000
#: flags whose runs write files or read stdin (the slow path never records them either)
NOT_REPLAYED = ("--fix", "--diff", "--add-noqa", "-o", "--output-file", "--stdin-filename", "--no-cache", "-",
                "-h", "--help", "--version")  # fmt: skip
#: environment variables that change what a run prints (colour, encoding) or whether it caches
ENVIRONMENT = ("NO_COLOR", "FORCE_COLOR", "TERM", "PYTHONIOENCODING", "PYTHONUTF8", "LANG", "LC_ALL", "LC_CTYPE")
#: above a root: the files that decide roots (project/root.py), settings (config.py's walk up
#: for pyproject.toml) and what git ignores (gitignore.py); a `.git` appearing or going is in
#: its directory's mtime (its own mtime moves with every `git add`, so it is not kept)
ANCESTOR_FILES = ("pyproject.toml", "setup.cfg", "setup.py", ".gitignore")
#: directories below a root the run never reads unless its walk entered them
NEVER_READ = ("node_modules",)
#: a fingerprint larger than this is not taken (a run from a home directory without project
#: markers would stat everything below it twice); such runs are simply not replayed
MAX_ENTRIES = 20_000
#: records kept per cache (the newest)
MAX_RECORDS = 64

_argv: Optional[List[str]] = None


def remember_argv(argv: Sequence[str]) -> None:
    """The entry point's arguments: only a run started by `cio-lint` (not a test's CliRunner,
    whose sys.argv is pytest's) can be keyed by what was typed."""
    global _argv
    _argv = list(argv)


# ---------------------------------------------------------------------------------------------
# The fast path (standard library only)


def replay(argv: Sequence[str]) -> Optional[int]:
    """Write what the recorded run of `argv` wrote and return its exit status; None when there
    is no record or anything it read has changed (then the run happens as usual)."""
    try:
        return _replay(list(argv))
    except Exception:  # a replay is an optimisation: never the reason a run fails
        return None


def _replay(argv: List[str]) -> Optional[int]:
    if not argv or argv[0] != "check" or os.environ.get(NO_CACHE_VARIABLE) or os.environ.get(NO_REPLAY_VARIABLE):
        return None
    if any(arg in NOT_REPLAYED or arg.startswith(("--output-file=", "--stdin-filename=")) for arg in argv[1:]):
        return None
    cwd = os.getcwd()
    store = find_store(argv, cwd)
    if store is None:
        return None
    material = run_key(argv, cwd)
    key = record_key(material)
    try:
        with open(record_path(store, key), "rb") as handle:
            record = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    # (the record's version is cio_lint/project/cache.py's code_version(), this release plus a
    # digest of its files; those files are in the fingerprint, compared below)
    version = record.get("version") if isinstance(record, dict) else None
    if not isinstance(version, str) or version.partition("+")[0] != __version__ or record.get("key") != key \
            or record.get("material") != material:  # fmt: skip
        return None
    if not unchanged(record["fingerprint"]):
        return None
    writes = [(where, text) for where, text in record["writes"]]
    streams = {"err": sys.stderr, "out": sys.stdout, "report": sys.stdout}
    for where, text in writes:  # all or nothing: a text the stream cannot encode -> the usual run
        stream = streams[where]
        text.encode(stream.encoding or "utf-8", stream.errors or "strict")
    try:
        for where, text in writes:
            streams[where].write(text)
            streams[where].flush()
    except BrokenPipeError:  # `cio-lint check | head`, as the usual run answers it
        quiet_stdout()
        return 2
    return int(record["exit_code"])


def run_key(argv: Sequence[str], cwd: str) -> str:
    """What must be equal for two runs to print the same, besides the files they read (a
    record keeps it whole: `material`)."""
    def tty(stream) -> bool:
        try:
            return bool(stream.isatty())
        except (AttributeError, ValueError):
            return False

    environment = {name: value for name, value in os.environ.items()
                   if name in ENVIRONMENT or name.startswith("CIO_LINT")}  # fmt: skip
    parts = [__version__, list(argv), cwd, sorted(environment.items()), tty(sys.stdout), tty(sys.stderr),
             sys.executable, list(sys.path), getattr(sys.stdout, "encoding", None)]  # fmt: skip
    return json.dumps(parts)


def record_key(material: str) -> str:
    """The record's file name for `material` (run_key's). Not a cryptographic digest, which
    would cost the fast path hashlib's import (~2.5 ms, a tenth of a replay): two commands
    whose names collide only overwrite each other's record, since a record is replayed only
    when its `material` equals the command's exactly."""
    data = material.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{len(data) & 0xFFFF:04x}"


def find_store(argv: Sequence[str], cwd: str) -> Optional[str]:
    """Where records live: --cache-dir when given, else the nearest .cio_lint_cache at or above
    the working directory that cio-lint made (its CACHEDIR.TAG)."""
    for i, arg in enumerate(argv):
        if arg == "--cache-dir" and i + 1 < len(argv):
            return os.path.abspath(argv[i + 1])
        if arg.startswith("--cache-dir="):
            return os.path.abspath(arg.partition("=")[2])
    directory = cwd
    while True:
        candidate = os.path.join(directory, DEFAULT_CACHE_DIR)
        if os.path.isfile(os.path.join(candidate, "CACHEDIR.TAG")):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def record_path(store: str, key: str) -> str:
    """Where cio_lint/project/cache.py's Cache.put_run keeps the record under `key`."""
    version = "".join(c if c.isalnum() or c in ".-_" else "_" for c in __version__)
    return os.path.join(store, version, "runs", key[:2], f"{key}.json")


def unchanged(fingerprint: Dict[str, list]) -> bool:
    """Does every path still stat as the fingerprint says?"""
    for path, expected in fingerprint.items():
        if _state(path, expected[0]) != expected:
            return False
    return True


def _state(path: str, kind: str) -> Optional[list]:
    """A path's state as the fingerprint keeps it: "f" a file (mtime, size, inode, and the inode
    change time, which a write moves even when the writer puts the mtime back and which
    nothing can set; "l" for a link that cannot be followed), "d" a directory (mtime, inode,
    change time), "n" a directory (its sorted names), "r" the requirements*.txt names in a
    directory, "e" whether it exists, "-" absent; None: cannot tell."""
    try:
        if kind == "n":
            return ["n", _names_digest(path)]
        if kind == "r":
            path = path[:-2] if path.endswith(os.sep + ".") else path  # "<dir>/." names the dir's entry
            return ["r", _names_digest(path, requirements_only=True)]
        if kind == "e":
            return ["e", os.path.lexists(path)]
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):  # (x/.git/info/exclude when .git is a file)
        return ["-"]
    except OSError:
        if kind not in ("f", "l"):
            return None
        try:  # a link that cannot be followed (a loop): the link itself
            st = os.lstat(path)
        except OSError:
            return None
        return ["l", st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns]
    if kind == "d":
        return ["d", st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
    return ["f", st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns]


def _names_digest(directory: str, requirements_only: bool = False) -> str:
    """A directory's sorted entry names, whole (few directories are kept this way: the recent
    ones, and the requirements files above a root)."""
    names = sorted(os.listdir(directory))
    if requirements_only:  # project/root.py's marker: requirements*.txt
        names = [n for n in names if n.startswith("requirements") and n.endswith(".txt")]
    return "\0".join(names)


def quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush cannot fail again (a
    reader that closed the pipe: `cio-lint check | head`). Here, not in report.py, because the
    fast path imports nothing else of cio-lint; report.py uses it from here."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


# ---------------------------------------------------------------------------------------------
# Recording (after a usual run; may import the rest of cio-lint)


def take(roots: Iterable[str], entered: Iterable[str] = (), skip: Iterable[str] = (),
         files: Iterable[str] = ()) -> Optional[Dict[str, list]]:  # fmt: skip
    """The fingerprint of a run over `roots` whose walk `entered` these directories, leaving
    out `skip` (cache directories), with `files` read from elsewhere (a tracking plan outside
    the project); None when something cannot be read."""
    entered = {os.path.abspath(d) for d in entered}
    skip = {os.path.abspath(d) for d in skip}
    fingerprint: Dict[str, list] = {}
    ok = True

    def keep(path: str, kind: str) -> None:
        nonlocal ok
        state = fingerprint[path] = _state(path, kind)
        ok = ok and state is not None

    tops = sorted({os.path.abspath(r) for r in roots} | entered)
    listed = set()  # (device, inode) of each directory listed: a link to one is not listed again
    visited = set()  # the paths of the directories met in the walk (a link not followed is not)
    for top in tops:
        if top in visited:
            continue
        stack = [top]
        while stack and ok:
            here = stack.pop()
            visited.add(here)
            try:
                st = os.stat(here)
                fingerprint[here] = ["d", st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
                if (st.st_dev, st.st_ino) in listed:  # a link back up (a loop), or listed already
                    continue
                listed.add((st.st_dev, st.st_ino))
                entries = list(os.scandir(here))
            except OSError:
                return None
            if len(fingerprint) + len(entries) > MAX_ENTRIES:
                return None
            for entry in entries:
                path = entry.path
                if path in skip or entry.name == "__pycache__":
                    continue
                linked = _links_to_a_directory(entry)
                if entry.is_dir(follow_symlinks=False) or linked and entry.name.isidentifier():
                    # (a symlinked package: the walk does not follow it, the module index does)
                    if entry.name == ".git":
                        keep(os.path.join(path, "info", "exclude"), "f")
                    elif path in entered or not _never_read(entry):
                        stack.append(path)
                else:  # (a link to a directory as the directory's own state: a walk may list it)
                    keep(path, "d" if linked else "f")
    # Above each root (the walk's directories are below one): what decides roots, settings and
    # ignores; not the directories' mtimes (/tmp or a home directory change all the time).
    for top in sorted({os.path.abspath(r) for r in roots}):
        parent = os.path.dirname(top)
        while ok and parent + os.sep + "." not in fingerprint:
            keep(parent + os.sep + ".", "r")
            for name in ANCESTOR_FILES:
                keep(os.path.join(parent, name), "f")
            keep(os.path.join(parent, ".git"), "e")
            keep(os.path.join(parent, ".git", "info", "exclude"), "f")
            if os.path.dirname(parent) == parent:
                break
            parent = os.path.dirname(parent)
    for path in files:
        keep(os.path.abspath(path), "f")
    for entry in sys.path:  # an installed SDK's version (pip install changes the directory)
        state = _state(entry, "d") if entry and entry not in fingerprint else None
        if state is not None and state[0] == "d":
            fingerprint[entry] = state
            for path in _sdk_metadata(entry):  # (an egg-info's name has no version to change)
                keep(path, "f")
    return fingerprint if ok else None


def _sdk_metadata(directory: str) -> List[str]:
    """The metadata files of the SDK's distributions in a sys.path directory, which
    cio_lint/project/declarations.py reads the installed version from: a `setup.py develop`
    checkout's customerio.egg-info/PKG-INFO is rewritten in place, its directory untouched."""
    from cio_lint.sdk import SDK_DISTRIBUTIONS

    wanted = {name.replace("-", "_").lower() for name in SDK_DISTRIBUTIONS}
    found = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return found
    for entry in entries:
        stem, _, suffix = entry.name.rpartition(".")
        if suffix in ("dist-info", "egg-info") and \
                stem.partition("-")[0].replace(".", "_").replace("-", "_").lower() in wanted:  # fmt: skip
            found += [os.path.join(entry.path, "METADATA"), os.path.join(entry.path, "PKG-INFO"), entry.path]
    return found


def trusted(fingerprint: Dict[str, list], started_ns: int) -> Optional[Dict[str, list]]:
    """`fingerprint` as a record may keep it, or None when a file changed too recently.

    A file written within the file system's timestamp granularity of a later write keeps its
    mtime (git's "racily clean" entries): a file younger than the window when the run began
    is not trusted, and a directory that young is kept by its entry names instead. The window
    is 0.1 s where timestamps carry sub-second digits (ext4, xfs, btrfs, APFS: a kernel tick at
    most), RACY_SECONDS for a timestamp that looks whole (FAT, HFS+, some network file systems).
    Decided per timestamp, not per run: a project on such a mount is checked by a cio-lint
    whose own files (fingerprinted too) sit on a file system with sub-second digits."""
    fine_after = started_ns - int(FINE_RACY_SECONDS * 1e9)
    coarse_after = started_ns - int(RACY_SECONDS * 1e9)

    def racy(stamp: int) -> bool:
        return stamp >= (coarse_after if stamp % 1_000_000_000 == 0 else fine_after)

    out: Dict[str, list] = {}
    for path, state in fingerprint.items():
        if state and state[0] in ("f", "l") and racy(state[1]):
            return None
        if state and state[0] == "d" and racy(state[1]):
            state = _state(path, "n")
            if state is None:
                return None
        out[path] = state
    return out


def _links_to_a_directory(entry: os.DirEntry) -> bool:
    """A symlinked directory. `take` lists it only when the module index may read through it,
    by a name a module path can go through (no walk follows a link; a link named on the
    command line is a top): a link to a data directory or to / is not listed to the bottom."""
    try:
        return entry.is_symlink() and entry.is_dir()
    except OSError:  # a loop: fingerprinted as the link itself
        return False


def _never_read(entry: os.DirEntry) -> bool:
    return entry.name.startswith(".") or entry.name in NEVER_READ or \
        os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))  # fmt: skip


class Recording:
    """What `start` saw before a run, for `keep` to compare with after it."""

    def __init__(self, store: str, roots: Sequence[str], started_ns: int, before: Dict[str, list],
                 store_existed: bool, named: Sequence[str] = (), hidden: Sequence[str] = ()) -> None:  # fmt: skip
        self.store, self.roots, self.started_ns, self.before = store, roots, started_ns, before
        self.store_existed = store_existed
        #: the files named on the command line (one in a hidden directory is read, not walked),
        #: and the hidden directories around them (see `_hidden_homes`)
        self.named, self.hidden = list(named), list(hidden)


def start(options) -> Optional[Recording]:
    """Before a usual `cio-lint check`: the fingerprint of what it is about to read, when its
    record can be kept (None otherwise). Comparing it with the one after the run catches a
    file changed while the run read it."""
    try:
        return _start(options)
    except Exception:  # a record is an optimisation: never the reason a run fails
        return None


def _start(options) -> Optional[Recording]:
    if _argv is None or os.environ.get(NO_CACHE_VARIABLE) or os.environ.get(NO_REPLAY_VARIABLE):
        return None
    if options.no_cache or options.fix or options.diff or options.add_noqa or options.output_file \
            or options.stdin_filename or "-" in options.targets():  # fmt: skip
        return None
    from cio_lint.project.root import find_root

    roots = sorted({os.fspath(find_root(os.path.abspath(t)).path) for t in options.targets()})
    store = _store_used(options, roots)
    if store is None:
        return None
    named = [os.path.abspath(t) for t in options.targets() if not os.path.isdir(t)]
    targets = [os.path.abspath(t) for t in options.targets()]
    # listed before the run as after it: the directories named (one may be a link the project's
    # listing keeps as a file) and the hidden ones around the targets
    hidden = _hidden_homes(targets, roots) + [t for t in targets if os.path.isdir(t)]
    started_ns = time.time_ns()
    before = take(roots, hidden, {store}, named)
    if before is None:
        return None
    return Recording(store, roots, started_ns, before, os.path.isdir(store), named, hidden)


def _hidden_homes(targets: Iterable[str], roots: Sequence[str]) -> List[str]:
    """For each target (a file or a directory) below a directory that the fingerprint's walk
    would leave out (hidden, a virtualenv, node_modules, a link it does not follow) and that
    git may keep the run's own walks out of, the outermost such directory below its root: the
    configuration, root markers and .gitignore files between the root and the target, which
    decide what is checked and how, are there."""
    found = []
    for path in targets:
        root = next((r for r in roots if path.startswith(os.path.join(r, ""))), None)
        if root is None:
            continue
        directory = root
        for part in os.path.relpath(os.path.dirname(path), root).split(os.sep):
            if part in ("", os.curdir):
                break
            directory = os.path.join(directory, part)
            if part.startswith(".") or part in NEVER_READ or os.path.exists(os.path.join(directory, "pyvenv.cfg")) \
                    or (os.path.islink(directory) and not part.isidentifier()):  # (see _links_to_a_directory)
                found.append(directory)
                break
    return found


def keep(recording: Optional[Recording], options, printed) -> None:
    """After a usual `cio-lint check`: keep its record, when it can be replayed."""
    if recording is None:
        return
    try:
        _keep(recording, options, printed)
    except Exception:  # a record is an optimisation: never the reason a run fails
        pass


def _keep(recording: Recording, options, printed) -> None:
    outcome = printed.outcome
    if outcome is None or outcome.errors or printed.exit_code not in (0, 1):  # 2: the run was incomplete
        return
    if any(where not in ("err", "out", "report") or "\x1b" in text and where != "report"
           for where, text in printed.writes):  # fmt: skip
        return  # raw bytes, or colour that click.echo may strip: replayed differently
    from cio_lint import parsing

    if time.time_ns() - recording.started_ns >= parsing.FILE_TIME_LIMIT * 1e9:
        return  # a file may have been abandoned (a CIO000 that the load decided, or none shown)
    cwd = os.getcwd()
    found = find_store(_argv, cwd)
    if found is not None and found != recording.store:  # the next run would look elsewhere
        return
    walked = set(outcome.walked) | set(recording.hidden)  # (the project rules' walk is in outcome.walked)
    from cio_lint.project.declarations import files_read as declaration_files

    read = [*printed.files_read, *recording.named, *declaration_files()]
    after = take(recording.roots, walked, {recording.store}, read)
    if after is None or _changed_during_run(recording, after, walked, read):
        return
    package = os.path.dirname(os.path.abspath(__file__))  # cio-lint's own code (editable installs)
    own = take([package])
    if own is None:
        return
    after.update(own)
    fingerprint = trusted(after, recording.started_ns)
    if fingerprint is None:
        return
    from pathlib import Path

    from cio_lint.project.cache import Cache

    material = run_key(_argv, cwd)
    key = record_key(material)
    Cache(Path(recording.store)).put_run(key, {"argv": _argv, "material": material, "writes": printed.writes,
                                               "exit_code": printed.exit_code, "fingerprint": fingerprint})
    _forget_old_records(os.path.dirname(os.path.dirname(record_path(recording.store, key))))


def _forget_old_records(runs: str) -> None:
    """Keep the MAX_RECORDS newest records: pre-commit runs a new command line per commit, and
    each would otherwise stay (a record of a big project is ~100 KB)."""
    found = []
    for sub in os.scandir(runs):
        if sub.is_dir(follow_symlinks=False):
            found += [(entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(sub.path)
                      if entry.name.endswith(".json")]  # fmt: skip
    for _, path in sorted(found, reverse=True)[MAX_RECORDS:]:
        try:
            os.unlink(path)
        except OSError:
            pass


def _changed_during_run(recording: Recording, after: Dict[str, list], walked: Iterable[str],
                        files_read: Iterable[str]) -> bool:  # fmt: skip
    """Did anything the run read change between `start` and now? Paths only `after` knows
    are those the run showed it read: below a directory its walk entered that the first
    fingerprint leaves out (a hidden one), and configuration files outside the roots. For
    them only the inode change time can tell: one at or after the run began (less a kernel
    tick, by which the file system's clock may lag) is a change during the run."""
    grown = os.path.dirname(recording.store) if not recording.store_existed else None  # the run made its cache
    for path, state in recording.before.items():
        if after.get(path) != state and path != grown:
            return True
    new = {d for d in walked if d not in recording.before}
    entered = tuple(d + os.sep for d in new)
    known = set(recording.before) | {os.path.abspath(f) for f in files_read} | new
    fine, coarse = recording.started_ns - CLOCK_LAG_NS, recording.started_ns - int(RACY_SECONDS * 1e9)
    for path, state in after.items():
        if path in recording.before:
            continue
        if path not in known and not path.startswith(entered):
            return True
        if state and state[0] in ("f", "l", "d"):
            changed = state[-1]  # (the change time is last; a whole second may be one begun earlier)
            if changed >= (coarse if changed % 1_000_000_000 == 0 else fine):
                return True
    return False


def _store_used(options, roots: Sequence[str]) -> Optional[str]:
    """Where this run's record goes: --cache-dir, else the cache at the working directory's
    project root when every target is in that project (a run from elsewhere would make a
    cache where the run itself makes none); None when the run keeps no cache, or keeps it where
    `find_store` would not look (a `cache-dir` key)."""
    if options.cache_dir:
        return os.path.abspath(options.cache_dir)
    from pathlib import Path

    from cio_lint.project import cache_dir_for
    from cio_lint.project.root import find_root

    cwd = Path.cwd()
    settings = options.settings_source().for_path(cwd)
    root = find_root(cwd).path
    if not settings.cache or settings.cache_dir or list(roots) != [os.fspath(root)]:
        return None
    used = cache_dir_for(root, settings)
    return os.path.abspath(used) if used is not None else None
