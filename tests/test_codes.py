"""cio_lint/codes.py: the catalogue found by reading the rules package, without importing it."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cio_lint.rules
from cio_lint import codes
from cio_lint.rules.base import Rule

REPO = Path(__file__).resolve().parent.parent


def _imported_rules():
    """Every Rule subclass with a CODE defined in a module of cio_lint/rules, by importing them all."""
    found = {}
    for info in pkgutil.iter_modules(cio_lint.rules.__path__):
        module = importlib.import_module(f"cio_lint.rules.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__ \
                    and "CODE" in vars(value):  # fmt: skip
                found[value.CODE] = (value, module)
    return found


def test_the_walk_finds_every_rule_class_and_reads_it_as_importing_it_would():
    imported = _imported_rules()
    assert [e.code for e in codes.CATALOGUE] == sorted(imported)
    for entry in codes.CATALOGUE:
        cls, module = imported[entry.code]
        assert (entry.name, entry.default_enabled, entry.cls) == (cls.NAME, cls.DEFAULT_ENABLED, cls.__name__)
        assert module.__name__ == f"cio_lint.rules.{entry.module}"
        has_hook = callable(getattr(module, "check_project", None))
        assert (entry.project_gate is not None) == has_hook, entry
        if has_hook:
            assert entry.project_gate == getattr(module, "PROJECT_GATE", codes.DEFAULT_PROJECT_GATE)


def test_the_quick_reading_agrees_with_ast_for_every_rule_module():
    for path in sorted(codes.RULES_DIR.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert codes.read_entry(path.stem, source) == codes._read_entry_ast(path.stem, source), path.name


@pytest.mark.parametrize("source", [
    # annotated, and a second class that is not a rule
    '''
    class Helper:
        pass

    class Odd(Rule):
        CODE: ClassVar[str] = "CIO999"
        NAME = 'odd-rule'  # a comment
        DEFAULT_ENABLED = False
    ''',
    # CODE assigned in a nested class body: the regular expression cannot tell, ast can
    '''
    class Odd(Rule):
        class Meta:
            CODE = "CIO998"
        CODE = "CIO999"
        NAME = "odd-rule"
        DEFAULT_ENABLED = False

    def check_project(run):
        return ()

    PROJECT_GATE = "project.root"
    ''',
])
def test_unusual_rule_modules_are_read_correctly(source):
    entry = codes.read_entry("odd_rule", textwrap.dedent(source))
    assert (entry.code, entry.name, entry.default_enabled, entry.cls) == ("CIO999", "odd-rule", False, "Odd")
    assert entry.project_gate in (None, "project.root")


def test_a_module_without_a_rule_class_is_not_a_rule():
    assert codes.read_entry("helpers", "def f():\n    return 1\n") is None


def test_two_rules_in_one_module_or_a_shared_code_are_errors(tmp_path):
    two = 'class A(Rule):\n    CODE = "CIO901"\n    NAME = "a"\n\nclass B(Rule):\n    CODE = "CIO902"\n    NAME = "b"\n'
    with pytest.raises(codes.CatalogueError, match="one rule a module"):
        codes.read_entry("two", two)
    (tmp_path / "one.py").write_text('class A(Rule):\n    CODE = "CIO901"\n    NAME = "a"\n')
    (tmp_path / "other.py").write_text('class B(Rule):\n    CODE = "CIO901"\n    NAME = "b"\n')
    with pytest.raises(codes.CatalogueError, match="share the code CIO901"):
        codes.walk(tmp_path)
    with pytest.raises(codes.CatalogueError, match="must be a literal"):
        codes.read_entry("dyn", 'class A(Rule):\n    CODE = make_code()\n    NAME = "a"\n')


def test_codes_is_a_leaf():
    """codes.py imports nothing of cio_lint, so anything may use it without an import cycle."""
    source = (REPO / "cio_lint" / "codes.py").read_text()
    assert not re.search(r"^\s*(from|import)\s+cio_lint\b|^\s*from\s+\.", source, re.M)
    run = subprocess.run([sys.executable, "-c", "import sys, cio_lint.codes as c; c.CATALOGUE; "
                          "print(sorted(m for m in sys.modules if m.startswith('cio_lint')))"],
                         capture_output=True, text=True, cwd=REPO, timeout=60)  # fmt: skip
    assert run.stdout.strip() == "['cio_lint', 'cio_lint.codes']", run.stderr


def test_cio000_is_defined_once():
    """Its code, name and wording live in codes.py; elsewhere they are imported."""
    package = REPO / "cio_lint"
    for path in package.rglob("*.py"):
        if path.name == "codes.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']CIO000["']|["']parse-error["']""", text), path
