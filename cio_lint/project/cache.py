"""The on-disk cache: module summaries and per-file findings, as ruff and mypy keep theirs.

    <root>/.cio_lint_cache/            (or `cache-dir` / --cache-dir)
        .gitignore                     "*": the directory never shows up in `git status`
        CACHEDIR.TAG                   backup tools skip it; `cio-lint clean` checks it is ours
        <cio-lint version>/summaries/ab/<key>.json
        <cio-lint version>/results/cd/<key>.json
        <cio-lint version>/inventories/ef/<key>.json   what each file of the project sends
        <cio-lint version>/hooks/01/<key>.json         CIO503/CIO504's findings for those inventories

Keys are SHA-256 digests of everything an entry depends on: a summary of the module's bytes,
name and the project facts that change it (cio_lint.resolve.summaries); a file's findings of
its bytes, path, settings, rules, the project's SDK version, and, recorded inside the entry,
the digest of every module summary the check read (cio_lint.engine validates those before
trusting the entry). Each entry repeats the cio-lint version and its key: an entry written by
another version, truncated, or not JSON is ignored, never trusted.

Writes are atomic (a temporary file in the same directory, then os.replace), so concurrent
runs and `--jobs` workers can share one cache: a reader sees a whole entry or none. A cache
that cannot be written (read-only checkout, full disk) turns itself off for the run; it never
fails a check.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

from cio_lint import __version__
from cio_lint.project.summary import FORMAT, ModuleSummary

DEFAULT_DIR = ".cio_lint_cache"
#: https://bford.info/cachedir/ - the first line is fixed by that convention
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by cio-lint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")  # fmt: skip


def digest(*parts: Any) -> str:
    """A hex SHA-256 of `parts` (bytes as they are, anything else by its str)."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_code_version: Optional[str] = None


def code_version() -> str:
    """cio-lint's release and a digest of its own files' sizes, modification and change times,
    so that entries written by other code are never trusted: an editable install being worked on (a
    changed sdk.py must change findings at once), or another install of the same release.
    Computed once per process: one stat per file of the package."""
    global _code_version
    if _code_version is None:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        stamps = []
        for directory, dirnames, filenames in os.walk(package):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            for name in sorted(filenames):
                if not name.endswith((".pyc", ".pyo")):
                    path = os.path.join(directory, name)
                    st = os.stat(path)
                    # (the change time too: an edit that puts the mtime back still moves it)
                    stamps.append(f"{os.path.relpath(path, package)}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}")
        _code_version = f"{__version__}+{digest(*stamps)[:16]}"
    return _code_version


class Cache:
    def __init__(self, directory: Path, version: Optional[str] = None) -> None:
        self.directory = Path(directory)
        #: what every key and entry carries (code_version(): this very code)
        self.version = version if version is not None else code_version()
        # one directory per release (cio_lint/replay.py finds its records there); entries of
        # other code in it are told apart by `version`
        self._base = self.directory / "".join(c if c.isalnum() or c in ".-_" else "_" for c in __version__)
        self._prepared = False
        #: False once a write failed: the rest of the run reads, and writes nothing
        self.writable = True
        self.hits = 0
        self.misses = 0

    # -- summaries ------------------------------------------------------------------------------

    def summary_key(self, module: str, data: bytes, extra: str) -> str:
        return digest("summary", FORMAT, self.version, module, extra, hashlib.sha256(data).digest())

    def get_summary(self, module: str, data: bytes, extra: str) -> Optional[ModuleSummary]:
        entry = self._get("summaries", self.summary_key(module, data, extra))
        if entry is None:
            return None
        try:
            return ModuleSummary.from_json(entry["summary"])
        except Exception:  # malformed: ignored, and overwritten by the next put
            return None

    def put_summary(self, module: str, data: bytes, extra: str, summary: ModuleSummary) -> None:
        self._put("summaries", self.summary_key(module, data, extra), {"summary": summary.to_json()})

    # -- per-file results -----------------------------------------------------------------------

    def get_result(self, key: str) -> Optional[Dict[str, Any]]:
        """{"deps": {module: digest}, "findings": [...], "inventory"?: {...}} under `key`, or None."""
        entry = self._get("results", key)
        if entry is None or not isinstance(entry.get("deps"), dict) or not isinstance(entry.get("findings"), list):
            return None
        return entry

    def put_result(self, key: str, deps: Dict[str, str], findings: list, inventory: Optional[dict] = None) -> None:
        """`inventory`: what the file sends (cio_lint/inventory.py), kept beside its findings."""
        payload: Dict[str, Any] = {"deps": deps, "findings": findings}
        if inventory is not None:
            payload["inventory"] = inventory
        self._put("results", key, payload)

    # -- the project's inventories (cio_lint/whole_project.py: project_inventories) --------------------

    def get_inventories(self, key: str) -> Optional[Dict[str, Any]]:
        """{"written": ns, "files": {path: [mtime_ns, size, inventory, facts]}, "dirs": {...},
        "outside": {...}} under `key` (cio_lint/whole_project.py: _InventorySnapshot)."""
        entry = self._get("inventories", key)
        if entry is None or not isinstance(entry.get("files"), dict) or not isinstance(entry.get("written"), int):
            return None
        return entry

    def put_inventories(self, key: str, written: int, files: Dict[str, list], dirs: Dict[str, list],
                        outside: Dict[str, list]) -> None:  # fmt: skip
        """`dirs`, `outside`: the directories and the files outside the walk it depends on."""
        self._put("inventories", key, {"written": written, "files": files, "dirs": dirs, "outside": outside})

    # -- replay records (cio_lint/replay.py reads them without importing this module) ----------

    def put_run(self, key: str, record: Dict[str, Any]) -> None:
        """A run's record: its writes, exit status and fingerprint (cio_lint/replay.py)."""
        self._put("runs", key, record)

    # -- project hooks' findings (cio_lint/whole_project.py: _hook_findings) -----------------------------

    def get_project_findings(self, key: str) -> Optional[list]:
        entry = self._get("hooks", key)
        return entry["findings"] if entry is not None and isinstance(entry.get("findings"), list) else None

    def put_project_findings(self, key: str, findings: list) -> None:
        self._put("hooks", key, {"findings": findings})

    # -- storage --------------------------------------------------------------------------------

    def _path(self, kind: str, key: str) -> Path:
        return self._base / kind / key[:2] / f"{key}.json"

    def _get(self, kind: str, key: str) -> Optional[Dict[str, Any]]:
        try:
            with open(self._path(kind, key), "rb") as handle:
                entry = json.loads(handle.read())
        except (OSError, ValueError):
            self.misses += 1
            return None
        if not isinstance(entry, dict) or entry.get("version") != self.version or entry.get("key") != key:
            self.misses += 1
            return None  # another version's entry, or a file that is not ours
        self.hits += 1
        return entry

    def _put(self, kind: str, key: str, payload: Dict[str, Any]) -> None:
        if not self.writable:
            return
        path = self._path(kind, key)
        try:
            text = json.dumps(dict(payload, version=self.version, key=key), separators=(",", ":"))
        except (ValueError, TypeError):  # not JSON: this entry is not kept, the next ones are
            return
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8", "surrogatepass"))
        except OSError:
            self.writable = False

    def _prepare(self) -> None:
        """Create the directory with its .gitignore and CACHEDIR.TAG (once per run)."""
        if self._prepared:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "# created by cio-lint\n*\n"), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            if not (self.directory / name).exists():
                write_atomic(self.directory / name, text.encode())
        self._prepared = True


def write_atomic(path: Path, data: bytes) -> None:
    import tempfile  # only a run that writes pays for it (a warm run writes nothing)

    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def is_cache_dir(directory: Path) -> bool:
    """Does `directory` look like a cache cio-lint made (its CACHEDIR.TAG says so)?"""
    try:
        return "created by cio-lint" in (Path(directory) / "CACHEDIR.TAG").read_text(errors="replace")
    except OSError:
        return False


def clean(directory: Path) -> bool:
    """Remove the cache at `directory`; True if there was one. A directory that is not a
    cio-lint cache (no CACHEDIR.TAG of ours, e.g. a mistyped cache-dir) is never touched."""
    if not Path(directory).is_dir() or not is_cache_dir(directory):
        return False
    import shutil

    shutil.rmtree(directory, ignore_errors=True)
    return True
