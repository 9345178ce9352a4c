"""The engine's speed work must not change what it computes.

The engine replaces three pieces of LibCST machinery with cheaper equivalents (a parent map by
a plain walk, qualified names on demand, one traversal dispatching to every rule) and imports
LibCST only for files that pass the prefilter. Each test here holds one of those to LibCST's
own answer, on code that exercises every kind of node.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from cio_lint import _libcst, engine
from cio_lint import rules as rule_registry
from cio_lint.config import Settings
from cio_lint.project import ModuleIndex, Project
from cio_lint.rules.context import FileContext
from tests.conftest import FIXTURES, REPO

#: Every statement and expression form the grammar has, in one module.
KITCHEN_SINK = textwrap.dedent('''\
    """Docstring."""
    from __future__ import annotations
    import os, sys as system
    from customerio import CustomerIO as C, APIClient
    from . import sibling
    from ..pkg.mod import (a, b as bee)
    import customerio.analytics

    x: int = 1
    y = z = [1, *range(3), {**{}, "k": (yield_ := 2)}]
    x += 1; del y
    lam = lambda a, /, b=1, *c, d, **e: (a, b, c, d, e)
    s = f"{x!r:>{10}} {'nested'}" "concat"; bs = rb"raw" b"bytes"
    comp = {k: v for k, v in zip("ab", "cd") if k if v}
    gen = (i async for i in aiter()) if False else [j for j in ()]
    t = x if x else -~+x ** 2 // 3 @ x % 4 << 1 >> 2 & 3 | 4 ^ 5
    cmp = 1 < x <= 2 != 3 is not None in [] not in ()
    sl = y[1:2:3, ..., ::-1]

    @decorator(arg)
    class K(Base, metaclass=Meta):
        attr: "Annotated[int, 1]" = 0

        def __init__(self, client: C) -> None:
            self.client = client
            global G
            nonlocal_holder = 1

            def inner():
                nonlocal nonlocal_holder
                nonlocal_holder = 2
            return None

        async def run(self, *args, **kwargs):
            async with lock as held, other():
                async for item in source:
                    await self.client.track(item, "evt")
            try:
                pass
            except* (ValueError, TypeError) as group:
                raise RuntimeError from group
            finally:
                pass

    def gen_func():
        yield from range(3)
        while True:
            break
        else:
            pass
        for a, (b, *c) in []:
            continue
        with open("f") as (handle):
            assert handle, "msg"
        match command:
            case {"k": [1, 2, *rest]} | Point(x=0) if rest:
                pass
            case str() as s:
                pass
            case _:
                pass

    if __name__ == "__main__":
        C("site", "key").identify(id="", created_at=1700000000000)
''')


def _sources():
    yield "kitchen_sink", KITCHEN_SINK
    for path in sorted(FIXTURES.rglob("*.py")):
        yield path.name, path.read_bytes()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for name in ("textwrap.py", "json/decoder.py", "string.py", "dataclasses.py"):
        if (stdlib / name).is_file():
            yield name, (stdlib / name).read_bytes()


def _parsed():
    for name, source in _sources():
        try:
            yield name, cst.parse_module(source)
        except cst.ParserSyntaxError:
            continue  # legacy_py2.py


PARSED = list(_parsed())
IDS = [name for name, _ in PARSED]


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_parent_map_is_libcsts(module):
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    ours = _libcst.parent_map(module)
    assert len(ours) == len(expected)
    assert all(ours[node] is parent for node, parent in expected.items())


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_expression_contexts_are_libcsts(module):
    expected = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(ExpressionContextProvider))
    ours = _libcst.expression_contexts(module)
    assert ours == expected


def test_scopes_from_our_expression_contexts_are_libcsts():
    def assignments(wrapper):
        scopes = wrapper.resolve(ScopeProvider)
        seen = {}
        for node, scope in scopes.items():
            if scope is not None and id(scope) not in seen:
                seen[id(scope)] = sorted((a.name, type(a.node).__name__) for a in scope.assignments)
        return sorted(seen.values())

    module = cst.parse_module(KITCHEN_SINK)
    primed = MetadataWrapper(module, unsafe_skip_copy=True)
    _libcst.prime_resolver_metadata(primed)
    assert assignments(primed) == assignments(MetadataWrapper(module, unsafe_skip_copy=True))


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_qualified_names_on_demand_are_libcsts(module):
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = wrapper.resolve(QualifiedNameProvider)
    ours = _libcst.QualifiedNames(wrapper.resolve(ScopeProvider), _libcst.parent_map(module), module)
    assert set(ours) == set(expected)
    assert len(ours) == len(expected)
    for node, names in expected.items():
        names = names() if callable(names) else names
        assert ours[node] == names
    with pytest.raises(KeyError):
        ours[cst.Name("not_in_the_tree")]


class Recorder(cst.BatchableCSTVisitor):
    """Records every visit and leave, attribute visits included, in order."""

    def __init__(self, events):
        super().__init__()
        self.events = events

    def on_event(self, kind, node, attribute=""):
        self.events.append((kind, type(node).__name__, attribute, id(node)))

    def visit_Call(self, node):
        self.on_event("visit", node)

    def leave_Call(self, node):
        self.on_event("leave", node)

    def visit_Name(self, node):
        self.on_event("visit", node)

    def leave_FunctionDef(self, node):
        self.on_event("leave", node)

    def visit_Call_func(self, node):
        self.on_event("visit_attr", node, "func")

    def leave_Call_args(self, node):
        self.on_event("leave_attr", node, "args")


class EveryNode(cst.BatchableCSTVisitor):
    """Records a visit and a leave of every node type, without attribute hooks."""

    def __init__(self, events):
        super().__init__()
        self.events = events


def _record_every_node(cls):
    for name in dir(cst.BatchableCSTVisitor):
        if name.startswith(("visit_", "leave_")) and "_" not in name.split("_", 1)[1]:
            def hook(self, node, _n=name):
                self.events.append((_n, id(node)))

            hook.__name__ = name  # LibCST discovers methods by their __name__
            setattr(cls, name, hook)
    return cls


_record_every_node(EveryNode)


@pytest.mark.parametrize("recorder", [Recorder, EveryNode])
@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_one_traversal_calls_what_visit_batched_calls_in_the_same_order(module, recorder):
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    theirs, ours = [], []
    wrapper.visit_batched([recorder(theirs), recorder(theirs)])
    _libcst.run_visitors(wrapper, [recorder(ours), recorder(ours)])
    assert ours == theirs
    assert ours or not module.body


@pytest.mark.parametrize("rule", rule_registry.ALL_RULES, ids=lambda r: r.CODE)
def test_visitor_discovery_finds_what_libcst_finds(rule):
    context = FileContext("x.py", MetadataWrapper(cst.parse_module("pass\n")), Settings(),
                                 Project(None), "")  # fmt: skip
    visitor = rule(context)
    assert set(_libcst._visitor_methods(visitor)) == set(visitor.get_visitors())


def test_parse_error_code_is_the_registrys():
    assert (engine.PARSE_ERROR, engine.PARSE_ERROR_NAME) == (
        rule_registry.PARSE_ERROR_CODE,
        rule_registry.PARSE_ERROR_NAME,
    )


def test_a_file_without_customerio_never_imports_libcst_or_the_rules(tmp_path):
    code = textwrap.dedent("""
        import sys
        from pathlib import Path
        from cio_lint.config import Settings
        from cio_lint.engine import lint_bytes
        from tests.helpers import lint_file
        from cio_lint.project import project_for
        settings = Settings()
        project = project_for(Path(sys.argv[1]), settings)
        assert lint_bytes(b"import analytics\\nanalytics.track('', 'x')\\n", "a.py", settings, project) == []
        assert lint_file(Path(sys.argv[1]), settings) == []
        loaded = sorted(m for m in sys.modules if m == "libcst" or m.startswith(("libcst.", "cio_lint.rules")))
        print(loaded)
        assert not loaded, loaded
    """)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "clients.py").write_text("import customerio\n")  # a project client module
    target = tmp_path / "app.py"
    target.write_text("import analytics\n\nanalytics.track('', 'Signed Up')\n")
    result = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True,
                            cwd=REPO, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_cli_run_over_files_without_customerio_never_imports_libcst_or_a_rule(tmp_path):
    """Start-up is most of such a run (README "Performance"): the catalogue answers selection."""
    code = textwrap.dedent("""
        import sys
        from cio_lint.cli import main
        sys.argv = ["cio-lint", "check", "--statistics", sys.argv[1]]
        try:
            main()
        except SystemExit as exit:
            assert exit.code == 0, exit.code
        loaded = sorted(m for m in sys.modules if m == "libcst" or m.startswith(("libcst.", "cio_lint.rules.")))
        assert not loaded, loaded
    """)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\ndependencies = ['customerio']\n")
    (tmp_path / "app.py").write_text("import analytics\n\nanalytics.track('', 'Signed Up')\n")
    (tmp_path / "util.py").write_text("from . import app\nimport os\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                            cwd=REPO, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout


def test_prefilter_lets_through_files_that_import_a_project_client_module(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "clients.py").write_text("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n")
    (tmp_path / "shop" / "api.py").write_text("from shop.clients import cio as client\n")  # a re-export
    (tmp_path / "shop" / "other.py").write_text("x = 1\n")
    project = Project(tmp_path, index=ModuleIndex(tmp_path))
    assert engine.might_use_sdk(b"from shop.clients import cio\n", project)
    assert engine.might_use_sdk(b"from shop import api\n", project)
    assert engine.might_use_sdk(b"from . import clients\n", project, "shop.orders")
    assert engine.might_use_sdk(b"import os; import shop.api as a\n", project)
    assert engine.might_use_sdk("import customerio\n")
    assert not engine.might_use_sdk(b"from shop import other\n", project)
    assert not engine.might_use_sdk(b"from . import other\n", project, "shop.orders")
    assert not engine.might_use_sdk("import analytics  # Segment\n")


def test_metadata_is_computed_only_when_a_rule_asks():
    wrapper = MetadataWrapper(cst.parse_module("import customerio\n"), unsafe_skip_copy=True)
    context = FileContext("x.py", wrapper, Settings(), Project(None), "")
    assert wrapper._metadata == {}
    assert context.resolver is context.resolver
    assert ScopeProvider in wrapper._metadata and ParentNodeProvider in wrapper._metadata


class EveryCall(cst.CSTVisitor):
    """Records every hook LibCST's traversal calls, and skips the children of some nodes."""

    def __init__(self):
        super().__init__()
        self.events = []

    def on_visit(self, node):
        self.events.append(("visit", id(node)))
        return not isinstance(node, (cst.Lambda, cst.Decorator))  # some subtrees skipped

    def on_leave(self, node):
        self.events.append(("leave", id(node)))

    def on_visit_attribute(self, node, attribute):
        self.events.append(("visit_attr", id(node), attribute))

    def on_leave_attribute(self, node, attribute):
        self.events.append(("leave_attr", id(node), attribute))


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_fast_visit_calls_every_hook_libcsts_visit_calls(module):
    theirs, ours = EveryCall(), EveryCall()
    module.visit(theirs)
    with _libcst.FastVisits():
        module.visit(ours)
    assert ours.events == theirs.events
    assert _libcst._FAST.get() is False  # LibCST's own visit again after the block


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_scopes_computed_with_fast_visits_are_libcsts(module):
    in_tree = {id(node) for node in _libcst.parent_map(module)} | {id(module)}

    def key(node):  # nodes parsed from string annotations are new objects on every run
        return id(node) if id(node) in in_tree else type(node).__name__

    def describe(wrapper):
        scopes = wrapper.resolve(ScopeProvider)
        out = []
        for node, scope in scopes.items():
            out.append((key(node), type(scope).__name__, sorted((a.name, key(a.node)) for a in scope.assignments),
                        sorted((key(a.node), len(a.referents)) for a in scope.accesses)))
        return sorted(out, key=repr)

    plain = describe(MetadataWrapper(module, unsafe_skip_copy=True))
    primed = MetadataWrapper(module, unsafe_skip_copy=True)
    _libcst.prime_resolver_metadata(primed)
    assert describe(primed) == plain


@pytest.mark.parametrize("module", [m for _, m in PARSED], ids=IDS)
def test_positions_are_libcsts(module):
    expected = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    assert dict(_libcst.positions(MetadataWrapper(module, unsafe_skip_copy=True))) == expected
