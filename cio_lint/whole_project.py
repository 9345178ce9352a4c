"""What needs the whole project, not one file: the rules' project hooks (CIO503/CIO504 judge
every file's inventory; CIO604 reports at the dependency lines), the project's inventories and
their on-disk snapshot, and the same findings for the front-ends that see one file at a time
(the flake8 plugin, the language server).

cio_lint/runner.py calls `project_findings` after checking a run's files.
"""

from __future__ import annotations

import importlib
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from cio_lint import codes
from cio_lint.config import Settings, SettingsSource
from cio_lint.engine import filtered, lint_bytes, might_use_sdk
from cio_lint.files import display, walk
from cio_lint.finding import Checked, Finding, ProjectFinding, ProjectRun
from cio_lint.globs import is_excluded
from cio_lint.inventory import InventorySink
from cio_lint.parsing import read_source
from cio_lint.project import Project, project_for
from cio_lint.project.root import find_root, has_marker

#: the `project_gate` of the rules that read every file's inventory (CIO503, CIO504)
INVENTORY_GATE = "inventories"


def project_findings(results: List[Checked], source: SettingsSource,
                     entered: Optional[Set[str]] = None) -> List[Checked]:  # fmt: skip
    """What the rules' project hooks report, once per project of the run.

    A rule module may define `check_project(run: ProjectRun) -> Iterable[ProjectFinding]`
    and a `PROJECT_GATE`: the cheap fact (a dotted ProjectRun attribute, no LibCST) that must
    hold for the hook to be worth importing the rule, so a run over files without Customer.io
    imports no rule (cio_lint/codes.py reads both from the module's source). The
    findings land in any file of the project (CIO604: the dependency lines) and obey exclude,
    per-file-ignores and `# noqa` there as a file's findings do. `entered` collects the
    directories a project's walk entered (cio_lint/replay.py fingerprints what a run read).
    """
    hooks = [e for e in codes.CATALOGUE if e.project_gate is not None]
    if not hooks:
        return []
    groups: Dict[Optional[Path], Tuple[Project, Settings, List[Checked]]] = {}
    seen_dirs: Dict[Path, Optional[Path]] = {}
    for result in results:
        where = result.config_path or result.path
        if where is None:
            continue
        if where.parent not in seen_dirs:  # settings and project are the same for a whole directory
            settings = source.for_path(where)
            project = project_for(where.absolute(), settings, use_cache=True)
            seen_dirs[where.parent] = project.root
            if project.root not in groups:
                groups[project.root] = (project, settings, [])
        groups[seen_dirs[where.parent]][2].append(result)
    out: List[Checked] = []
    for project, settings, members in groups.values():
        selected = codes.selected_codes(settings.select, settings.ignore, settings.extend_select)
        sdk_files = tuple(r.config_path or r.path for r in members if r.sdk)
        wanted = [e for e in hooks if e.code in selected]
        inventories: Dict[Path, dict] = {}
        if sdk_files and any(e.project_gate == INVENTORY_GATE for e in wanted):
            inventories = project_inventories(project, settings, members, entered)
        project_run = ProjectRun(
            project, settings,
            files=tuple(r.config_path or r.path for r in members),
            sdk_files=sdk_files,
            inventories=inventories,
        )  # fmt: skip
        for entry in wanted:
            if not _gate_holds(project_run, entry.project_gate):
                continue
            for found in _hook_findings(entry, project_run):
                checked = _project_finding(entry, found, source)
                if checked is not None:
                    out.append(checked)
    return out


def _hook_findings(entry, project_run: ProjectRun) -> List[ProjectFinding]:
    """What the rule module's `check_project` reports. A hook that reads the inventories
    (CIO503, CIO504) is answered from the on-disk cache while the inventories, the run's
    files and the settings are what they were: importing the rule module imports LibCST
    (~0.15 s), which a run whose changed files never touch the SDK otherwise never needs."""
    import json

    cache = project_run.project.cache
    key = None
    if cache is not None and entry.project_gate == INVENTORY_GATE:
        from cio_lint.engine import settings_fingerprint
        from cio_lint.project.cache import digest

        root = project_run.project.root
        relative = (lambda p: os.path.relpath(p, root)) if root is not None else os.fspath
        key = digest("hook", cache.version, entry.code, root, settings_fingerprint(project_run.settings),
                     json.dumps(sorted(relative(p) for p in project_run.files)),
                     json.dumps(sorted((relative(p), d) for p, d in project_run.inventories.items()),
                                sort_keys=True, default=str))  # fmt: skip
        cached = cache.get_project_findings(key)
        if cached is not None:
            try:
                return [ProjectFinding(Path(f["path"]), f["line"], f["message"], f["column"], f["end_line"],
                                       f["end_column"], f["help"]) for f in cached]  # fmt: skip
            except (KeyError, TypeError):
                pass  # not ours: computed again, and overwritten
    module = importlib.import_module(f"cio_lint.rules.{entry.module}")
    found = list(module.check_project(project_run))
    if key is not None:
        cache.put_project_findings(key, [{"path": os.fspath(f.path), "line": f.line, "message": f.message,
                                          "column": f.column, "end_line": f.end_line, "end_column": f.end_column,
                                          "help": f.help} for f in found])  # fmt: skip
    return found


def file_inventory(data, settings, project, module_name: str = "", path: str = "file.py") -> dict:
    """The inventory of one file's bytes (plain data; empty when it cannot involve the SDK)."""
    sink = InventorySink()
    lint_bytes(data, path, settings, project, rules=[], module_name=module_name, inventory=sink)
    return sink.data


def project_inventories(project: Project, settings: Settings, members: Sequence[Checked] = (),
                        entered: Optional[Set[str]] = None) -> Dict[Path, dict]:  # fmt: skip
    """What every file of `project` sends, by absolute path: this run's files from their
    check, the project's other files (a run over some files of it: pre-commit, an editor)
    read and inventoried here, so project-level rules judge the whole project in both
    front-ends. A directory without a project marker is only what the run checked.

    With the on-disk cache, the other files are not read again while they are unchanged
    (`_InventorySnapshot`): a one-file run costs a walk and a stat per file."""
    inventories: Dict[Path, dict] = {}
    done = set()  # files this run checked: what they send is known already (or nothing)
    for r in members:
        where = r.config_path or r.path
        if where is None:
            continue
        absolute = where.absolute()
        if r.inventory is not None:
            inventories[absolute] = r.inventory
            done.add(os.fspath(absolute))
        elif not r.sdk:  # the prefilter rejected it (or it could not be read): it sends nothing
            done.add(os.fspath(absolute))
    root = project.root
    if root is None or not has_marker(root):
        return inventories
    roots: Dict[str, Optional[Path]] = {}  # directory -> its project's root (nested projects)
    walked: List[str] = []
    for path in walk(root, lambda where: settings, [], True, entered):  # an unreadable directory: not judged
        text = os.path.abspath(path)
        directory = os.path.dirname(text)
        if directory not in roots:
            roots[directory] = find_root(directory).path
        if roots[directory] == root:  # else a nested project's own
            walked.append(text)
    if all(text in done for text in walked):
        return inventories  # the run checked the whole project
    snapshot = _InventorySnapshot(project, settings) if project.cache is not None else None
    reused = snapshot.reuse(walked, done) if snapshot is not None else None
    for text in walked:
        if text in done:
            continue
        if reused is not None and text in reused:
            found = reused[text]
        else:
            data = snapshot.read(text) if snapshot is not None else _read_or_none(text)
            found = _inventory_of(project, settings, text, data) if data is not None else None
            if snapshot is not None:
                snapshot.computed(text, found)
        if found is not None:
            inventories[Path(text)] = found
    if snapshot is not None:
        snapshot.save(walked)
    return inventories


def _read_or_none(text: str) -> Optional[bytes]:
    data, problem = read_source(Path(text))  # the size cap, never a FIFO
    return data if problem is None else None


def _inventory_of(project: Project, settings: Settings, text: str, data: bytes) -> Optional[dict]:
    """What the file at `text` sends (None: the prefilter says it cannot involve the SDK)."""
    module_name = project.module_name_at(text)
    if not might_use_sdk(data, project, module_name):
        return None
    return file_inventory(data, settings, project, module_name, display(Path(text)))


class _InventorySnapshot:
    """What each file of a project sent when last read, kept in the on-disk cache with the
    file's size and modification time, so that a run over one file (flake8, an editor,
    pre-commit) does not read and prefilter the whole project again for CIO503/CIO504.

    A file's inventory depends on its bytes and on what the modules it imports offer (their
    summaries); whether it may involve the SDK at all, on which modules may provide (bytes
    that mention `customerio`, and the import graph). So the saved inventories of unchanged
    files hold as long as every file that changed (by size or time) keeps the same *facts*:
    whether it mentions `customerio`, the project names it imports, and, when another file
    may read it (it is imported by name, or lies in a package imported whole), the digest of
    its summary (cio_lint.resolve.summaries). When a fact differs, or a file appeared or
    disappeared, every file is read again; so it is when a module the walk does not list (an
    excluded or git-ignored one some file imports) changed, or a module-like name appeared in
    or left a directory of the project (an import may now resolve). As git does, a file modified within `RACY_NS` of
    the snapshot is not trusted by its time (it may have changed within the same tick), and a
    file this run checked is saved with no time (its text may be an editor's buffer): next
    time it is compared by its facts."""

    RACY_NS = 2_000_000_000

    def __init__(self, project: Project, settings: Settings) -> None:
        from cio_lint.engine import settings_fingerprint
        from cio_lint.project.cache import digest

        self.project = project
        self.cache = project.cache
        self.key = digest("inventories", self.cache.version, project.root, settings_fingerprint(settings),
                          repr(project.sdk_version), project.index.shadows_sdk)  # fmt: skip
        self.started = time.time_ns()
        #: absolute path -> [mtime_ns or None, size or None, inventory or None, facts]
        self.new: Dict[str, list] = {}
        self._data: Dict[str, Optional[bytes]] = {}
        self.dirty = False

    def _relative(self, text: str) -> str:
        prefix = os.path.join(os.fspath(self.project.root), "")
        return text[len(prefix):] if text.startswith(prefix) else os.path.relpath(text, self.project.root)

    def read(self, text: str) -> Optional[bytes]:
        if text not in self._data:
            self._data[text] = _read_or_none(text)
        return self._data[text]

    def facts(self, text: str) -> Optional[list]:
        """[mentions customerio, [[project module, name or ""], ...] it imports] of the file as
        it is on disk (None: unreadable, or in an encoding whose bytes cannot tell)."""
        from cio_lint.engine import SDK_NEEDLE
        from cio_lint.text import foreign_bom

        data = self.read(text)
        if data is None or foreign_bom(data) is not None:
            return None
        module = self.project.module_name_at(text)
        imported = sorted({(m, n or "") for m, n in self.project.index.imported_names(data, module)})
        return [SDK_NEEDLE in data, [list(pair) for pair in imported]]

    def summary_digest(self, text: str, readable) -> str:
        """The digest of the file's summary when another file may read it, else "-"."""
        from cio_lint.resolve.summaries import for_project

        module = self.project.module_name_at(text)
        if not module or not readable(module):
            return "-"
        return for_project(self.project).digest_of(module)

    @staticmethod
    def readable_in(all_facts) -> Callable[[str], bool]:
        """Which modules other files may read the summary of: those imported by name, and any
        module inside one imported whole (`import shop` reads shop.cio.client by attribute)."""
        named, whole = set(), set()
        for facts in all_facts:
            for module, name in (facts[1] if facts else ()):
                named.add(module)
                if not name:
                    whole.add(module)
        return lambda module: module in named or any(module.startswith(w + ".") for w in whole)

    def _stat(self, text: str) -> List[Optional[int]]:
        try:
            st = os.stat(text)
        except OSError:
            return [None, None]
        return [st.st_mtime_ns, st.st_size]

    def reuse(self, walked: Sequence[str], done) -> Optional[Dict[str, Optional[dict]]]:
        """The saved inventory of each unchanged file this run did not check, or None when
        the snapshot cannot be trusted (then every file is read)."""
        entry = self.cache.get_inventories(self.key)
        if entry is None:
            return None
        files = entry["files"]
        if set(files) != {self._relative(t) for t in walked}:
            return None  # a file appeared or disappeared: module names may resolve elsewhere
        trusted_before = entry["written"] - self.RACY_NS
        if not self._same_places(entry.get("dirs"), entry.get("outside"), trusted_before):
            return None
        if not all(isinstance(v, list) and len(v) == 4 and isinstance(v[3], list) and len(v[3]) == 3
                   for v in files.values()):  # fmt: skip
            return None
        readable = self.readable_in(v[3][:2] for v in files.values())
        reused: Dict[str, Optional[dict]] = {}
        for text in walked:
            saved = files[self._relative(text)]
            stat = self._stat(text)
            if saved[0] is not None and stat == saved[:2] and saved[0] < trusted_before:
                self.new[text] = saved
                if text not in done:
                    reused[text] = saved[2] if isinstance(saved[2], dict) else None
                continue
            # changed, or not trusted by its time: do the others still see the same file?
            facts = self.facts(text)
            if facts is None or facts != saved[3][:2]:
                return None
            digest = self.summary_digest(text, readable)
            if digest != saved[3][2]:
                return None
            keep = text not in done  # a checked file: no time, no inventory (see the docstring)
            self.new[text] = [stat[0] if keep else None, stat[1] if keep else None, None, facts + [digest]]
            self.dirty = self.dirty or self.new[text] != saved
        return reused

    def computed(self, text: str, inventory: Optional[dict]) -> None:
        """`text` was read and inventoried (it changed, or the snapshot was not trusted)."""
        self.dirty = True
        stat = self._stat(text)
        facts = self.new[text][3] if text in self.new else None
        self.new[text] = [stat[0], stat[1], inventory, facts]

    @staticmethod
    def _module_names(directory: str) -> Optional[List[str]]:
        """The entries of `directory` that could be modules or packages (what module lookups
        see; an editor's swap file is none)."""
        try:
            names = os.listdir(directory)
        except OSError:
            return None
        return sorted(n for n in names if n.isidentifier() or (n.endswith((".py", ".pyi")) and n.rpartition(".")[0]))

    def _places(self, walked: Sequence[str], all_facts) -> Tuple[Dict[str, list], Dict[str, list]]:
        """What the snapshot also depends on besides the walked files: each directory they
        are in (the module-like names it holds: a module that appears there, even one the walk
        excludes, may be imported), and each project module they import, at any depth, that
        the walk does not list (in an excluded or git-ignored place): by size and time."""
        index = self.project.index
        inside = set(walked)
        outside: Dict[str, list] = {}
        todo = [m for facts in all_facts for m, _ in facts[1]]
        seen = set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            seen.add(module)
            path = index.path_of(module)
            if path is None:
                continue
            text = os.path.abspath(path)
            if text not in inside:
                outside[text] = self._stat(text)
                todo.extend(m for m, _ in index.imports_of(module))
        dirs: Dict[str, list] = {}
        for directory in sorted({os.path.dirname(t) for t in (*walked, *outside)}):
            dirs[directory] = [self._stat(directory)[0], self._module_names(directory)]
        return dirs, outside

    def _same_places(self, dirs, outside, trusted_before: int) -> bool:
        if not isinstance(dirs, dict) or not isinstance(outside, dict):
            return False
        for directory, saved in dirs.items():
            if not (isinstance(saved, list) and len(saved) == 2):
                return False
            mtime = self._stat(directory)[0]
            if mtime is None:
                return False
            if mtime != saved[0] or saved[0] is None or saved[0] >= trusted_before:
                if self._module_names(directory) != saved[1]:
                    return False  # a module appeared or went: imports may resolve elsewhere
        for text, saved in outside.items():
            if self._stat(text) != saved or saved[0] is None or saved[0] >= trusted_before:
                return False
        return True

    def save(self, walked: Sequence[str]) -> None:
        if not self.dirty:
            return
        for text in walked:
            if text not in self.new:  # checked in this run: its facts from disk, no time
                self.new[text] = [None, None, None, None]
        pending = [t for t in walked if self.new[t][3] is None]
        for text in pending:
            self.new[text][3] = self.facts(text)
        if any(self.new[t][3] is None for t in pending):
            return  # a file whose facts cannot be told: no snapshot
        readable = self.readable_in(self.new[t][3][:2] for t in walked)
        for text in pending:
            self.new[text][3] = self.new[text][3][:2] + [self.summary_digest(text, readable)]
        files = {self._relative(t): self.new[t] for t in walked}
        dirs, outside = self._places(walked, (self.new[t][3] for t in walked))
        self.cache.put_inventories(self.key, self.started, files, dirs, outside)


#: (root, settings, rule codes) -> [inventories by path relative to the root, the findings
#: they give (None: to compute)]: the project is walked once per process for the front-ends
#: that see one file at a time (the flake8 plugin, the language server); each file checked
#: since then replaces what the walk read for it (an editor's buffer: the latest text)
_walked: Dict[tuple, list] = {}


def file_project_findings(project: Project, settings: Settings, path: Optional[Path], shown: str,
                          inventory: dict, rules: Sequence) -> List[Finding]:  # fmt: skip
    """The project-level findings (CIO503, CIO504) in one file, for front-ends that see one
    file at a time: the rest of the project is read once per process, and `inventory` (from
    the file's current text) replaces what is on disk. Findings carry `shown` as their path."""
    from cio_lint.engine import project_findings
    from cio_lint.inventory import ProjectInventory
    from cio_lint.rules._project import relative_to_root

    key = (project.root, settings, tuple(rule.CODE for rule in rules))
    walked = _walked.get(key)
    if walked is None:
        # this file's inventory is the one given (its current text): the walk does not read it
        this = Checked(path, shown, b"", [], path, sdk=True, inventory=inventory) if path is not None else None
        found = project_inventories(project, settings, [this]) if this is not None else {}
        walked = _walked[key] = [{relative_to_root(p, project.root): d for p, d in found.items()}, None]
    files = walked[0]
    name = relative_to_root(path, project.root) if path is not None else shown
    if files.get(name) != inventory:
        files[name] = inventory
        walked[1] = None
    if walked[1] is None:
        walked[1] = project_findings(ProjectInventory(files), settings, rules)
    return [replace(f, path=shown) for f in walked[1] if f.path == name]


def forget_project_inventories() -> None:
    """Read the projects again on the next file (the language server: files changed on disk)."""
    _walked.clear()


def _gate_holds(project_run: ProjectRun, gate: str) -> bool:
    """`gate` is a dotted attribute of the ProjectRun ("sdk_files", "project.distribution_conflict"),
    called when callable: a fact computed without LibCST."""
    value: object = project_run
    for part in gate.split("."):
        value = getattr(value, part)
    if callable(value):
        value = value()
    return bool(value)


def _project_finding(entry, found: ProjectFinding, source: SettingsSource) -> Optional[Checked]:
    settings = source.for_path(found.path)
    if is_excluded(found.path, settings):
        return None
    shown = display(found.path)
    end_line = found.end_line if found.end_line is not None else found.line
    end_column = found.end_column if found.end_column is not None else found.column
    finding = Finding(shown, found.line, found.column, entry.code, entry.name, found.message, end_line, end_column,
                      help=found.help)  # fmt: skip
    data, _ = read_source(found.path)  # b"" when it cannot be read (or is not a regular file)
    kept = filtered([finding], shown, settings, found.path, data)
    # data stays empty: these files are not Python, and nothing fixes or shows them
    return Checked(found.path, shown, b"", kept, found.path) if kept else None
