"""The code catalogue: every code, its name and default, and selection by code, prefix or name.

A leaf: it imports nothing of cio_lint, so config, noqa, report and both front-ends can select
and name rules without importing a rule module or LibCST (a run over files that never mention
Customer.io imports neither; README "Performance").

Rules are found by walking `cio_lint/rules/` (as Fixit and refurb do): each public module there
holds one rule class, and its `CODE`, `NAME` and `DEFAULT_ENABLED` are read from the module's
source without importing it (a few lines found by a regular expression, `ast` where they
are not plain). Adding a rule means adding its file. The walk costs about a millisecond once
per process; tests/test_codes.py keeps it equal to the imported classes.

CIO000 is not a rule module: the engine reports it for a file it cannot check. It is defined
here, once.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path
from typing import Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple

PARSE_ERROR_CODE = "CIO000"
PARSE_ERROR_NAME = "parse-error"
PARSE_ERROR_SUMMARY = ("A file cannot be parsed or checked (syntax error, undecodable bytes, too deep); "
                       "the message says why.")
PARSE_ERROR_DOC = """\
## What it does
Reports a file cio-lint cannot check: a syntax error (including Python 2 code), bytes that
do not decode, nesting too deep to parse, an unreadable file, or an internal error in a rule.
The message says which.

## Why is this bad?
A file that is not checked can hide every other mistake. flake8 reports its own `E999` for
syntax errors and never runs plugins on such a file, so CIO000 for syntax errors appears in
the CLI only.

## Fix safety
No fix."""

#: The package walked for rules, and its modules that are not rules: the rule API and shared
#: helpers (modules whose name starts with "_" are helpers too).
RULES_DIR = Path(__file__).parent / "rules"
NOT_RULES = frozenset({"__init__", "base", "context"})
#: When a rule module has a project hook (`check_project`) but names no `PROJECT_GATE`: run it
#: only for projects where some file passed the prefilter (the rules ran there anyway).
DEFAULT_PROJECT_GATE = "sdk_files"


class Entry(NamedTuple):
    code: str
    name: str
    default_enabled: bool
    module: str  # under cio_lint.rules
    cls: str
    #: the module offers `check_project(run)` (project-level findings, cio_lint/whole_project.py),
    #: worth importing it only when this dotted attribute of the ProjectRun holds
    project_gate: Optional[str] = None


class CatalogueError(Exception):
    """A rule module the walk cannot read: a bug in cio-lint, named precisely."""


#: The lines the catalogue needs, found without parsing the module: `class Name(`, and in
#: its body `CODE = "..."`, `NAME = "..."`, `DEFAULT_ENABLED = ...`; at module level
#: `def check_project(` and `PROJECT_GATE = "..."`. Parsing every rule module with `ast`
#: took ~60 ms, more than the rest of a run over files without Customer.io; a module these
#: lines do not describe unambiguously is parsed with `ast` instead.
_LINE = re.compile(
    r"^(?:class\s+(?P<cls>\w+)\b"
    r"|(?P<indent>[ \t]+)(?P<field>CODE|NAME|DEFAULT_ENABLED)\s*(?::[^=\n]*)?=\s*(?P<value>[^\n#]*)"
    r"|def\s+(?P<hook>check_project)\b"
    r"|PROJECT_GATE\s*(?::[^=\n]*)?=\s*(?P<gate>[^\n#]*))",
    re.MULTILINE,
)


def _literal(text: object, module: str, what: str):
    try:
        return ast.literal_eval(text)  # type: ignore[arg-type]
    except (ValueError, SyntaxError):
        raise CatalogueError(f"cio_lint/rules/{module}.py: {what} must be a literal") from None


def read_entry(module: str, source: str) -> Optional[Entry]:
    """The catalogue entry of one rule module, from its source; None when it defines no rule
    class (a class body that assigns CODE)."""
    classes, fields, gate, hook = [], {}, None, False
    for match in _LINE.finditer(source):
        if match.group("cls"):
            classes.append(match.group("cls"))
        elif match.group("field"):
            if match.group("field") in fields or not classes:
                return _read_entry_ast(module, source)  # two rules, or something unusual
            fields[match.group("field")] = (classes[-1], match.group("value").strip())
        elif match.group("hook"):
            hook = True
        else:
            gate = match.group("gate").strip()
    if "CODE" not in fields:
        return None if "CODE" not in source else _read_entry_ast(module, source)
    owner = fields["CODE"][0]
    if any(cls != owner for cls, _ in fields.values()):
        return _read_entry_ast(module, source)
    values = {k: _literal(v, module, f"{owner}.{k}") for k, (_, v) in fields.items()}
    return _entry(module, owner, values, _literal(gate, module, "PROJECT_GATE") if gate else None, hook)


def _entry(module: str, cls: str, values: Dict[str, object], gate: Optional[str], hook: bool) -> Entry:
    if "NAME" not in values:
        raise CatalogueError(f"cio_lint/rules/{module}.py: {cls} has a CODE but no NAME")
    return Entry(str(values["CODE"]), str(values["NAME"]), bool(values.get("DEFAULT_ENABLED", True)), module, cls,
                 (gate or DEFAULT_PROJECT_GATE) if hook else None)  # fmt: skip


def _read_entry_ast(module: str, source: str) -> Optional[Entry]:
    """read_entry's careful path: the module parsed with `ast`."""
    tree = ast.parse(source, f"cio_lint/rules/{module}.py")
    found = []
    gate, hook = None, False
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "check_project":
            hook = True
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PROJECT_GATE" for t in node.targets):
            gate = _literal(node.value, module, "PROJECT_GATE")
        if not isinstance(node, ast.ClassDef):
            continue
        values: Dict[str, object] = {}
        for item in node.body:
            if isinstance(item, ast.Assign):
                targets = item.targets
            elif isinstance(item, ast.AnnAssign) and item.value is not None:
                targets = [item.target]
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("CODE", "NAME", "DEFAULT_ENABLED"):
                    values[target.id] = _literal(item.value, module, f"{node.name}.{target.id}")
        if "CODE" in values:
            found.append((node.name, values))
    if len(found) > 1:
        raise CatalogueError(f"cio_lint/rules/{module}.py: one rule a module, found {[c for c, _ in found]}")
    if not found:
        return None
    return _entry(module, found[0][0], found[0][1], gate, hook)


@functools.lru_cache(maxsize=None)
def walk(rules_dir: Path = RULES_DIR) -> Tuple[Entry, ...]:
    """Every rule under `rules_dir`, sorted by code; duplicate codes or names are an error."""
    entries = []
    for path in sorted(rules_dir.glob("*.py")):
        module = path.stem
        if module in NOT_RULES or module.startswith("_"):
            continue
        entry = read_entry(module, path.read_text(encoding="utf-8"))
        if entry is not None:
            entries.append(entry)
    entries.sort(key=lambda e: e.code)
    for attr in ("code", "name"):
        values = [getattr(e, attr) for e in entries] + [PARSE_ERROR_CODE if attr == "code" else PARSE_ERROR_NAME]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise CatalogueError(f"cio_lint/rules: two rules share the {attr} {', '.join(duplicates)}")
    return tuple(entries)


class _Catalogue:
    """The walk's result and its indexes, built on first use."""

    @functools.cached_property
    def entries(self) -> Tuple[Entry, ...]:
        return walk()

    @functools.cached_property
    def by_code(self) -> Dict[str, Entry]:
        return {e.code: e for e in self.entries}

    @functools.cached_property
    def code_by_name(self) -> Dict[str, str]:
        return {e.name: e.code for e in self.entries}

    @functools.cached_property
    def name_by_code(self) -> Dict[str, str]:
        return {PARSE_ERROR_CODE: PARSE_ERROR_NAME, **{e.code: e.name for e in self.entries}}


_catalogue = _Catalogue()


def __getattr__(name: str):
    if name == "CATALOGUE":  # every rule, by code (the walk runs on first use)
        return _catalogue.entries
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def entry(code: str) -> Entry:
    return _catalogue.by_code[code]


def code_for(selector: str) -> Optional[str]:
    """The code of a rule given its code ("CIO101") or name ("empty-identifier")."""
    code = selector.upper()
    return code if code in _catalogue.by_code else _catalogue.code_by_name.get(selector.lower())


def name_of(code: str) -> str:
    return _catalogue.name_by_code.get(code, code)


def is_known_selector(selector: str) -> bool:
    """A code, a code prefix ("CIO", "CIO2") or a rule name that matches something."""
    return _specificity(selector, PARSE_ERROR_CODE) > 0 or any(
        _specificity(selector, e.code) > 0 for e in _catalogue.entries
    )


def _specificity(selector: str, code: str) -> int:
    """How closely `selector` names `code`: 0 not at all, longer is more specific."""
    sel = selector.strip()
    if sel.lower() == name_of(code):
        return 100  # a name is as specific as it gets
    if code.startswith(sel.upper()) and sel:
        return len(sel)
    return 0


def matches(code: str, selectors: Iterable[str]) -> int:
    return max((_specificity(s, code) for s in selectors), default=0)


def enabled(code: str, default: bool, select: Sequence[str], ignore: Sequence[str],
            extend_select: Sequence[str] = ()) -> bool:  # fmt: skip
    """flake8's rule: the more specific of select and ignore wins.

    Rules that are off by default are enabled only when named exactly (code or name).
    """
    chosen = select or ()
    picked = max(matches(code, chosen), matches(code, extend_select))
    if not default and picked < len(code):
        return False
    if not select and not picked:
        picked = 1 if default else 0
    if not picked:
        return False
    return matches(code, ignore) < picked or matches(code, ignore) == 0


def parse_error_enabled(select: Sequence[str], ignore: Sequence[str], extend_select: Sequence[str] = ()) -> bool:
    """CIO000 is on by default and selectable like any code (flake8 treats its E999 the same)."""
    return enabled(PARSE_ERROR_CODE, True, select, ignore, extend_select)


def selected_codes(select: Sequence[str] = (), ignore: Sequence[str] = (),
                   extend_select: Sequence[str] = ()) -> List[str]:  # fmt: skip
    """The codes of the rules a selection enables, in catalogue order (imports no rule)."""
    return [e.code for e in _catalogue.entries if enabled(e.code, e.default_enabled, select, ignore, extend_select)]
