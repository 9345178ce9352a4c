"""The flake8 plugin: flake8 loads `Checker` for the `CIO` prefix (see pyproject.toml).

A plain checker class in flake8-bugbear's shape, thin over the engine. flake8 itself handles
`# noqa`, --select/--ignore, per-file-ignores and output; this class only produces findings.
Settings come from `[tool.cio-lint]` in the nearest pyproject.toml (not read under flake8's
`--isolated`), overridden by the `--cio-*` options flake8 reads from its own config files and
command line. `[tool.cio-lint]` per-file-ignores apply here too, so one table serves both
front-ends; flake8's own per-file-ignores and exclude work as always. A bad `--cio-*` option
(or a bad `[tool.cio-lint]` for the working directory) fails the run with one line, exit 2.
"""

from __future__ import annotations

import ast
import configparser
import os
import sys
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterator, List, Optional, Tuple

from cio_lint import __version__
from cio_lint import codes as catalogue
from cio_lint import rules as rule_registry
from cio_lint.config import (
    ORIGIN_STYLES,
    ConfigError,
    SettingsSource,
    find_pyproject,
    load_settings,
    settings_from_mapping,
)
from cio_lint.engine import lint_bytes, might_use_sdk, per_file_ignored
from cio_lint.inventory import InventorySink
from cio_lint.noqa import CIO_IGNORE_MARK, Suppressions
from cio_lint.project import project_for

#: flake8 option -> [tool.cio-lint] key
OPTIONS = {
    "cio_region": "region",
    "cio_sdk_version": "sdk-version",
    "cio_events": "events",
    "cio_event_name_pattern": "event-name-pattern",
    "cio_client_factories": "client-factories",
    "cio_cache_dir": "cache-dir",
}


class Checker:
    name = "cio-lint"
    version = __version__

    _flake8_options: ClassVar[Dict[str, Any]] = {}
    _named_off_rules: ClassVar[List[str]] = []  # codes
    _isolated: ClassVar[bool] = False
    _source: ClassVar[Optional[SettingsSource]] = None
    #: option key -> where its value was set ("cio-region in setup.cfg"), for messages
    _origins: ClassVar[Dict[str, str]] = {}

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
        manager.add_option("--cio-cache-dir", parse_from_config=True, default=None,
                           help="cio-lint: where its on-disk cache lives (default: .cio_lint_cache at the "
                                "project root; shared with `cio-lint check`)")
        manager.add_option("--cio-no-cache", parse_from_config=True, action="store_true", default=False,
                           help="cio-lint: read and write no on-disk cache")
        # Rules that are off by default stay off in flake8 until selected explicitly.
        off = [e.code for e in catalogue.CATALOGUE if not e.default_enabled]
        if off:
            manager.extend_default_ignore(off)

    @classmethod
    def parse_options(cls, options) -> None:
        # Off-by-default rules run only when named exactly (as in the CLI): flake8 lets a
        # prefix like `--select CIO` override its default ignore, which would turn them on.
        named = {*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())}
        cls._named_off_rules = [
            e.code for e in catalogue.CATALOGUE
            if not e.default_enabled and (e.code in named or e.name in named)
        ]  # fmt: skip
        cls._flake8_options = {
            key: getattr(options, opt) for opt, key in OPTIONS.items()
            if getattr(options, opt, None) not in (None, [], "")
        }  # fmt: skip
        if "cache-dir" in cls._flake8_options:  # relative to where flake8 runs, as the CLI's --cache-dir
            cls._flake8_options["cache-dir"] = os.path.abspath(str(cls._flake8_options["cache-dir"]))
        if getattr(options, "cio_no_cache", False):
            cls._flake8_options["cache"] = False
        # flake8 parses --isolated in its preliminary pass and leaves it out of `options`
        # (always False there), so the command line is where a plugin can see it.
        cls._isolated = bool(getattr(options, "isolated", False)) or "--isolated" in sys.argv[1:]
        cls._check_configuration(options)
        cls._source = None
        cls._context_cache = {}

    @classmethod
    def _check_configuration(cls, options) -> None:
        """Fail the whole flake8 run on a bad `--cio-*` option or `[tool.cio-lint]` table.

        Reported per file instead, the error would be a CIO000 that the common selections
        (`extend-ignore = CIO000`, `--select CIO1,CIO2`) hide, leaving the plugin silently
        off while flake8 exits 0. flake8 has no hook for a plugin's usage error, so this does
        what flake8 does for its own: one line on stderr and exit 2 (argparse's convention).
        """
        cls._origins = {}
        try:
            for key, value in cls._flake8_options.items():
                where, style = _option_origin(options, key)
                settings_from_mapping({key: value}, where, style=style)
                cls._origins[key] = (f"--cio-{key} on the command line" if where == "command line"
                                     else ORIGIN_STYLES[style].format(key=key, where=where))  # fmt: skip
            if not cls._isolated:  # the table that applies to the working directory
                load_settings(find_pyproject(Path.cwd()))
        except ConfigError as exc:
            sys.stderr.write(f"cio-lint (flake8 plugin): error: {exc}\n")
            sys.stderr.flush()
            raise SystemExit(2) from None

    def _path(self) -> Optional[Path]:
        """The file's absolute path (stdin: None, or the --stdin-display-name flake8 gives)."""
        if self.filename in ("stdin", "-"):
            return None
        return Path(self.filename).absolute()

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        source = "".join(self.lines)
        path = self._path()
        try:
            settings, project = self._context(path)
        except ConfigError as exc:
            if might_use_sdk(source):
                message = f"{catalogue.PARSE_ERROR_CODE} cannot check this file: configuration error: {exc}"
                yield 1, 0, message, type(self)
            return
        module_name = project.module_name(path) if path else ""
        if not might_use_sdk(source, project, module_name):  # the byte prefilter
            return
        codes = catalogue.selected_codes(settings.select, settings.ignore, settings.extend_select)
        codes += [c for c in self._named_off_rules if c not in codes]
        rules = [rule_registry.rule_class(c) for c in codes]
        project_rules = [r for r in rules if getattr(r, "PROJECT", False)]
        sink = InventorySink() if project_rules else None
        findings = lint_bytes(source, self.filename, settings, project, rules, module_name=module_name,
                              inventory=sink)  # fmt: skip
        if sink is not None:  # CIO503/CIO504 judge the whole project, reported at this file's lines
            from cio_lint.whole_project import file_project_findings

            findings += file_project_findings(project, settings, path, self.filename, sink.data, project_rules)
        ignored = per_file_ignored(self.filename, settings, path)  # flake8's own apply too
        if findings and CIO_IGNORE_MARK in source:
            # flake8 reads `# noqa` itself; the comment form for rule names is ours to read
            findings = Suppressions(source).filter(findings, cio_lint_only=True)
        for f in findings:
            if not ignored(f):
                yield f.line, f.column - 1, f"{f.code} {f.message}", type(self)

    _context_cache: ClassVar[Dict[Path, Any]] = {}

    def _context(self, path: Optional[Path]):
        """(settings, project) for the file's directory, computed once per directory."""
        directory = Path.cwd() if path is None else path.parent
        if directory not in self._context_cache:
            if self._source is None:
                # flake8 selects and ignores codes itself; run every rule [tool.cio-lint]
                # allows and every off-by-default rule (flake8's default ignore hides those).
                type(self)._source = SettingsSource(None, self._isolated, self._flake8_options, "flake8 options",
                                                    style="flake8", origins=self._origins)  # fmt: skip
            settings = self._source.for_path(path or Path.cwd())
            self._context_cache[directory] = (settings, project_for(path, settings, use_cache=True))
        return self._context_cache[directory]


def _option_origin(options, key: str) -> Tuple[str, str]:
    """(where, key style) of a `--cio-*` option's value, for error messages: the command
    line (which wins in flake8) or the flake8 configuration file that sets it."""
    flag = f"--cio-{key}"
    if any(arg == flag or arg.startswith(flag + "=") for arg in sys.argv[1:]):
        return "command line", "flake8"
    for path in _flake8_config_files(options):
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError, OSError):
            continue
        if parser.has_section("flake8") and any(
            parser.has_option("flake8", name) for name in (f"cio-{key}", f"cio_{key.replace('-', '_')}")
        ):
            return _shown(path), "flake8-config"
    return "flake8 options", "flake8"


def _flake8_config_files(options) -> List[str]:
    """The files flake8 read its configuration from, the one whose values win first:
    --append-config files (read last), then --config or the file flake8 finds as it does
    (setup.cfg, tox.ini, .flake8 with a [flake8] section, from the working directory up)."""
    files = list(reversed(getattr(options, "append_config", None) or []))
    config = getattr(options, "config", None)
    if config:
        return files + [config]
    directory = os.path.abspath(".")
    home = os.path.expanduser("~")
    while True:
        for name in ("setup.cfg", "tox.ini", ".flake8"):
            candidate = os.path.join(directory, name)
            parser = configparser.RawConfigParser()
            try:
                parser.read(candidate, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError, OSError):
                continue
            if "flake8" in parser or "flake8:local-plugins" in parser:
                return files + [candidate]
        parent = os.path.dirname(directory)
        if parent == directory or parent == home:
            return files
        directory = parent


def _shown(path: str) -> str:
    relative = os.path.relpath(os.path.abspath(path))
    return path if relative.startswith("..") else relative
