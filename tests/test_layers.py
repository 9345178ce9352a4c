"""The shape of the package: no import cycle, no import from a lower layer to a higher one, and
LibCST's internals named in one module only. Read from the source with `ast` (nothing imported).

Every import counts, also one inside a function (a run-time import still ties two modules
together), except under `if TYPE_CHECKING:`. Importing `a.b.c` also runs `a.b`, so it counts as
importing that package too (except from inside `a.b`, which Python has loaded already).

Layers, lowest first: a module may import its own layer or lower ones. Data flows files ->
project -> engine -> rules -> findings -> report/fix; in imports, the engine drives the rules,
so the rule API sits below the engine, and the front-ends sit on top.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from pathlib import Path
from typing import Dict, List, Set, Tuple

from tests.conftest import REPO

PACKAGE = REPO / "cio_lint"

LAYERS: List[Tuple[str, Tuple[str, ...]]] = [
    ("leaves: data and helpers that import nothing of cio_lint above them",
     ("cio_lint", "cio_lint.codes", "cio_lint.sdk", "cio_lint.finding", "cio_lint.text",
      "cio_lint.syntax_errors", "cio_lint.gitignore", "cio_lint._libcst", "cio_lint.project.summary",
      "cio_lint.resolve.values", "cio_lint.resolve.literals", "cio_lint.sends")),
    ("settings, globs and parsing", ("cio_lint.config", "cio_lint.globs", "cio_lint.plan", "cio_lint.parsing")),
    ("the project: root, declarations, module index", ("cio_lint.project", "cio_lint.project.*")),
    ("what an expression is", ("cio_lint.resolve", "cio_lint.resolve.*")),
    ("the rule API, the rules, and the inventory collected beside them",
     ("cio_lint.rules", "cio_lint.rules.*", "cio_lint.inventory")),
    ("one file: the engine and the suppressions it reads", ("cio_lint.engine", "cio_lint.noqa")),
    ("a run: files, fixes, reports, what a command prints and its replay",
     ("cio_lint.files", "cio_lint.whole_project", "cio_lint.runner", "cio_lint.fix", "cio_lint.report",
      "cio_lint.command", "cio_lint.replay")),
    ("front-ends", ("cio_lint.cli", "cio_lint.flake8_plugin", "cio_lint.server", "cio_lint.__main__", "cio_lint.entry",
                    "cio_lint.scaffold")),
]  # fmt: skip

#: Imports known to break the rules above, each with why and whose it is to remove. The test
#: fails when one of them is gone (delete it here) or a new one appears.
KNOWN: Dict[Tuple[str, str], str] = {
}  # fmt: skip


def _name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return getattr(test, "id", None) == "TYPE_CHECKING" or getattr(test, "attr", None) == "TYPE_CHECKING"


def import_graph(type_checking: bool = False) -> Dict[str, Set[str]]:
    """Module -> the cio_lint modules it imports (function-level imports included; with
    `type_checking`, those under `if TYPE_CHECKING:` too)."""
    modules = {_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: Dict[str, Set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: Set[str] = set()

        def add(target: str) -> None:
            explicit = True
            while target:  # a.b.c runs a.b (and a) first, unless this module is inside a.b
                if target in modules and target != name and (explicit or not name.startswith(target + ".")):
                    found.add(target)
                target, explicit = target.rpartition(".")[0], False

        def walk(node: ast.AST) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.If) and _is_type_checking(child) and not type_checking:
                    for other in child.orelse:
                        walk(other)
                    continue
                if isinstance(child, ast.Import):
                    for alias in child.names:
                        add(alias.name)
                elif isinstance(child, ast.ImportFrom):
                    if child.level:
                        base = package.split(".")[: len(package.split(".")) - child.level + 1]
                        module = ".".join(base + ([child.module] if child.module else []))
                    else:
                        module = child.module or ""
                    for alias in child.names:
                        add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in modules else module)
                walk(child)

        walk(ast.parse(path.read_text(encoding="utf-8")))
        graph[name] = {m for m in found if m.startswith("cio_lint")}
    return graph


def layer_of(module: str) -> int:
    for index, (_, patterns) in enumerate(LAYERS):
        if any(fnmatch.fnmatchcase(module, pattern) for pattern in patterns):
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_import_reaches_up_a_layer():
    graph = import_graph()
    upward = sorted(
        (module, target) for module, targets in graph.items() for target in targets
        if layer_of(target) > layer_of(module) and (module, target) not in KNOWN
    )  # fmt: skip
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(
        f"  {a} ({LAYERS[layer_of(a)][0]}) -> {b} ({LAYERS[layer_of(b)][0]})" for a, b in upward
    )


def test_no_import_cycle():
    graph = {module: targets - {t for (m, t) in KNOWN if m == module} for module, targets in import_graph().items()}
    assert _cycles(graph) == []


def test_no_import_cycle_even_through_type_checking_imports():
    # An annotation-only import still ties two modules together for a reader; the resolver's
    # helpers name it through resolve/protocols.py instead.
    assert _cycles(import_graph(type_checking=True)) == []


def test_the_known_exceptions_still_exist():
    """When one is fixed, remove it from KNOWN, so that it cannot come back unnoticed."""
    graph = import_graph()
    gone = [edge for edge in KNOWN if edge[1] not in graph.get(edge[0], ())]
    assert not gone, f"fixed (remove from KNOWN): {gone}"


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_private_libcst_names_only_in_the_quarantine():
    """cio_lint/_libcst.py is the one module that reads LibCST's internals (each with a tested
    public fallback there)."""
    private = re.compile(r"(?<![\w.])libcst\._\w")
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py")) if path.name != "_libcst.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]  # fmt: skip
    assert not offenders, "\n".join(offenders)
