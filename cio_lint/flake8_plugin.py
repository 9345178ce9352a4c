"""The flake8 plugin: flake8 loads `Checker` for the `CIO` prefix (see pyproject.toml).

A plain checker class in flake8-bugbear's shape, thin over the engine. flake8 itself handles
`# noqa`, --select/--ignore, per-file-ignores and output; this class only produces findings.
Settings come from `[tool.cio-lint]` in the nearest pyproject.toml, overridden by the
`--cio-*` options flake8 reads from its own config files and command line.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple

from cio_lint import __version__
from cio_lint import rules as rule_registry
from cio_lint.config import ConfigError, Settings, find_pyproject, load_settings, settings_from_mapping
from cio_lint.engine import lint_bytes, might_use_sdk
from cio_lint.project import project_for

#: flake8 option -> [tool.cio-lint] key
OPTIONS = {
    "cio_region": "region",
    "cio_sdk_version": "sdk-version",
    "cio_events": "events",
    "cio_event_name_pattern": "event-name-pattern",
    "cio_client_factories": "client-factories",
}


class Checker:
    name = "cio-lint"
    version = __version__

    _flake8_options: ClassVar[Dict[str, Any]] = {}
    _settings_cache: ClassVar[Dict[Optional[Path], Any]] = {}

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager) -> None:
        manager.add_option("--cio-region", parse_from_config=True, default=None,
                           help="cio-lint: the Customer.io workspace region, us or eu")
        manager.add_option("--cio-sdk-version", parse_from_config=True, default=None,
                           help="cio-lint: the customerio version or range (overrides detection)")
        manager.add_option("--cio-events", parse_from_config=True, comma_separated_list=True,
                           default=None, help="cio-lint: the workspace's event names (enables CIO502)")
        manager.add_option("--cio-event-name-pattern", parse_from_config=True, default=None,
                           help="cio-lint: regular expression event names must match")
        manager.add_option("--cio-client-factories", parse_from_config=True,
                           comma_separated_list=True, default=None,
                           help="cio-lint: module:function names that return Customer.io clients")
        # Rules that are off by default stay off in flake8 until selected explicitly.
        off = [r.CODE for r in rule_registry.ALL_RULES if not r.DEFAULT_ENABLED]
        if off:
            manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options) -> None:
        cls._flake8_options = {
            key: getattr(options, opt) for opt, key in OPTIONS.items()
            if getattr(options, opt, None) not in (None, [], "")
        }  # fmt: skip
        cls._settings_cache = {}
        cls._context_cache = {}

    def _settings(self) -> Settings:
        path = Path(self.filename).absolute() if self.filename not in ("stdin", "-") else Path.cwd()
        pyproject = find_pyproject(path)
        if pyproject not in self._settings_cache:
            base = load_settings(pyproject)
            # flake8 selects and ignores codes itself; run every rule [tool.cio-lint] allows
            # and every off-by-default rule (flake8's default ignore hides those).
            self._settings_cache[pyproject] = settings_from_mapping(self._flake8_options, "flake8 options", base)
        return self._settings_cache[pyproject]

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        source = "".join(self.lines)
        path = Path(self.filename)
        try:
            settings, project = self._context(path)
        except ConfigError as exc:
            if might_use_sdk(source):
                yield 1, 0, f"{rule_registry.PARSE_ERROR_CODE} cannot check this file: configuration error: {exc}", type(self)
            return
        # the byte prefilter, with the needles of the project's client modules
        if not might_use_sdk(source, project):
            return
        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
        rules += [r for r in rule_registry.ALL_RULES if not r.DEFAULT_ENABLED and r not in rules]
        findings = lint_bytes(source, self.filename, settings, project, rules,
                              module_name=project.module_name(path))  # fmt: skip
        for f in findings:
            yield f.line, f.column - 1, f"{f.code} {f.message}", type(self)

    _context_cache: ClassVar[Dict[Path, Any]] = {}

    def _context(self, path: Path):
        """(settings, project) for the file's directory, computed once per directory."""
        stdin = self.filename in ("stdin", "-")
        directory = Path.cwd() if stdin else path.absolute().parent
        if directory not in self._context_cache:
            settings = self._settings()
            self._context_cache[directory] = (settings, project_for(None if stdin else path.absolute(), settings))
        return self._context_cache[directory]
