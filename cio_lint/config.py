"""Settings: `[tool.cio-lint]` and flake8's `--cio-*` options, validated into one frozen object.

Both front-ends build a `Settings` here and hand it to the engine; nothing else reads config.
Every error names the file and the key, so the front-ends can print one line and exit 2.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import functools
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

from cio_lint import sdk
from cio_lint.codes import is_known_selector

if TYPE_CHECKING:
    from cio_lint.plan import TrackingPlan

DEFAULT_EVENT_NAME_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
#: The CDP library's (customerio.analytics) default: snake_case, or the Segment-style "Object
#: Action" Title Case that Customer.io's Data Pipelines document ("Video Started", semantic
#: events such as "User Deleted", "Device Created or Updated").
DEFAULT_CDP_EVENT_NAME_PATTERN = (DEFAULT_EVENT_NAME_PATTERN
                                  + r"|^[A-Z][A-Za-z0-9]*(?: (?:[A-Z][A-Za-z0-9]*|or|and))+$")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "__pycache__",
    "build", "dist", "node_modules", "*.egg-info", ".mypy_cache", ".pytest_cache",
    "site-packages", ".cio_lint_cache",
)  # fmt: skip
OUTPUT_FORMATS = ("text", "json", "json-lines", "sarif", "github", "gitlab", "junit", "pylint")


class ConfigError(Exception):
    """A configuration mistake, already phrased for the user: `file: key: what is wrong`."""


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ()  # empty: the rules that are on by default
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    region: Optional[str] = None  # the workspace's region, "us" or "eu"; None: not configured
    sdk_version: Optional[str] = None  # a PEP 440 specifier that overrides detection
    events: Tuple[str, ...] = ()
    #: the Track client's event-name pattern (`event-name-pattern` / `track-event-name-pattern`);
    #: also the CDP one when set and `cdp-event-name-pattern` is not
    event_name_pattern: str = DEFAULT_EVENT_NAME_PATTERN
    cdp_event_name_pattern: Optional[str] = None  # None: see event_name_pattern_for
    client_factories: Tuple[str, ...] = ()
    output_format: str = "text"
    #: the tracking plan (cio_lint/plan.py): `tracking-plan = "cio-plan.toml"` or inline tables
    tracking_plan: Optional["TrackingPlan"] = None
    #: where these settings came from (for `cio-lint config` and error messages)
    source: Optional[str] = field(default=None, compare=False)
    #: the pyproject.toml they were read from; relative globs (exclude, per-file-ignores)
    #: are relative to its directory
    config_file: Optional[str] = field(default=None, compare=False)
    #: (key, how a message names where its value was set): ("region", "--region on the
    #: command line"), ("events", "cio-events in setup.cfg"); keys not listed come from
    #: `[tool.cio-lint]` or are defaults
    origins: Tuple[Tuple[str, str], ...] = field(default=(), compare=False)
    #: the on-disk cache (cio_lint/project/cache.py) the front-ends keep: `cache-dir` (None:
    #: .cio_lint_cache at the project root; relative: to the config file's directory) and
    #: `cache` (false, or --no-cache: none). Neither changes a finding.
    cache_dir: Optional[str] = field(default=None, compare=False)
    cache: bool = field(default=True, compare=False)

    def event_name_pattern_for(self, api: str) -> str:
        """The event-name pattern for `api`: "track" (the Track client) or "cdp"."""
        if api != "cdp":
            return self.event_name_pattern
        if self.cdp_event_name_pattern is not None:
            return self.cdp_event_name_pattern
        if self.event_name_pattern != DEFAULT_EVENT_NAME_PATTERN:
            return self.event_name_pattern  # one project-wide pattern, as before per-API keys
        return DEFAULT_CDP_EVENT_NAME_PATTERN

    def with_overrides(self, **changes: Any) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def with_origins(self, origins: Iterable[Tuple[str, str]]) -> "Settings":
        merged = dict(self.origins)
        merged.update(origins)
        return replace(self, origins=tuple(merged.items()))

    def origin(self, key: str) -> str:
        """Where the value of `key` (a `[tool.cio-lint]` key) was set, for messages."""
        return dict(self.origins).get(key, f"[tool.cio-lint] {key}")

    @property
    def known_events(self) -> Tuple[str, ...]:
        """The workspace's event names: `events`, and the tracking plan's (CIO502)."""
        if self.tracking_plan is None:
            return self.events
        listed = set(self.events)  # a set: 200,000 events made this quadratic
        return self.events + tuple(e for e in self.tracking_plan.event_names if e not in listed)

    @property
    def config_dir(self) -> Optional[Path]:
        """The directory relative globs are read from (None: no config file)."""
        return Path(self.config_file).parent if self.config_file else None


# ---------------------------------------------------------------------------------------------
# Validation of raw values (from TOML or from flake8 option strings)


def _as_list(where: str, key: str, value: Any) -> Tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,\s]+", value) if v]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key}: expected a list of strings, got {value!r}")
    return tuple(value)


def _as_bool(where: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key}: expected true or false, got {value!r}")
    return value


def _as_str(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key}: expected a string, got {value!r}")
    return value


def _codes(where: str, key: str, value: Any) -> Tuple[str, ...]:
    codes = _as_list(where, key, value)
    for code in codes:
        if not is_known_selector(code):
            raise ConfigError(f"{where}: {key}: unknown rule code or name {code!r}")
    return codes


def _region(where: str, key: str, value: Any) -> str:
    region = _as_str(where, key, value).strip().lower()
    if region not in sdk.REGIONS:
        raise ConfigError(f"{where}: {key}: region must be one of {', '.join(sdk.REGIONS)}, got {value!r}")
    return region


def _sdk_version(where: str, key: str, value: Any) -> str:
    spec = sdk.parse_version_spec(_as_str(where, key, value))
    if spec is None:
        raise ConfigError(f"{where}: {key}: not a version or PEP 440 range: {value!r}")
    return spec


def _pattern(where: str, key: str, value: Any) -> str:
    pattern = _as_str(where, key, value)
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: {key}: invalid regular expression: {exc}") from None
    probe = _slow_probe(compiled)
    if probe is not None:
        raise ConfigError(f"{where}: {key}: the regular expression takes exponential time on a name like "
                          f"{probe!r} (a repeated group that can match the same text in many ways, "
                          "like (a+)+); write it so each character can be matched only one way")  # fmt: skip
    return pattern


#: CPU seconds one probe may take: a pattern that backtracks exponentially takes seconds on a
#: 20-character name, a sound one microseconds (CPU time, so a busy machine does not count).
_PROBE_SECONDS = 0.2


@functools.lru_cache(maxsize=32)
def _slow_probe(compiled: "re.Pattern") -> Optional[str]:
    """A short name on which `compiled` backtracks for longer than _PROBE_SECONDS, or None.

    Checked once per pattern, when the configuration is read, so that a catastrophic pattern
    is one configuration error rather than 30 seconds per file. The probes are runs of each
    character the pattern names (and of common ones), growing, each followed by a character
    that makes the match fail at the end: the input that makes nested repeats try every way
    of splitting the run."""
    import time

    characters = {c for c in compiled.pattern if c.isalnum() or c in "_-. "} | set("aA0_ -.")
    for length in (8, 12, 16, 20, 24):
        for char in sorted(characters):
            for tail in ("!", "\x00", "A", "a"):
                probe = char * length + tail
                start = time.process_time()
                compiled.search(probe)
                if time.process_time() - start > _PROBE_SECONDS:
                    return probe
    return None


def _factories(where: str, key: str, value: Any) -> Tuple[str, ...]:
    factories = _as_list(where, key, value)
    for item in factories:
        if not re.fullmatch(r"[\w.]+:[\w.]+", item):
            raise ConfigError(f"{where}: {key}: expected 'module:function', got {item!r}")
    return factories


def _per_file_ignores(where: str, key: str, value: Any) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if isinstance(value, str):  # flake8 style: "tests/*:CIO303 other.py:CIO1,CIO2"
        pairs: Dict[str, Any] = {}
        for item in re.split(r"\s+(?=[^\s:]+:)", value.strip()):
            if not item:
                continue
            pattern, _, codes = item.rpartition(":")
            if not pattern:
                raise ConfigError(f"{where}: {key}: expected 'glob:CODES', got {item!r}")
            pairs[pattern] = codes
        value = pairs
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where}: {key}: expected a table of glob = [codes], got {value!r}")
    return tuple((glob, _codes(where, f"{key}.{glob}", codes)) for glob, codes in value.items())


def _output_format(where: str, key: str, value: Any) -> str:
    fmt = _as_str(where, key, value)
    if fmt not in OUTPUT_FORMATS:
        raise ConfigError(f"{where}: {key}: expected one of {', '.join(OUTPUT_FORMATS)}, got {value!r}")
    return fmt


#: `cio-lint inventory --write-plan` writes the plan the configuration may already name: while
#: it runs, a plan file that does not exist yet means "no plan" instead of an error
_missing_plan_allowed: contextvars.ContextVar = contextvars.ContextVar("missing_plan_allowed", default=False)


@contextlib.contextmanager
def missing_plan_allowed():
    token = _missing_plan_allowed.set(True)
    try:
        yield
    finally:
        _missing_plan_allowed.reset(token)


def _tracking_plan(where: str, key: str, value: Any) -> Optional["TrackingPlan"]:
    from cio_lint.plan import PlanError, load

    base = Path(where).parent if Path(where).is_file() else Path.cwd()  # relative to its config file
    if isinstance(value, str) and _missing_plan_allowed.get() and not (base / value).exists():
        return None
    try:
        return load(value, where, base)
    except PlanError as exc:
        raise ConfigError(f"{where}: {key}: {exc}") from None


#: config key -> (Settings field, validator)
KEYS = {
    "select": ("select", _codes),
    "ignore": ("ignore", _codes),
    "extend-select": ("extend_select", _codes),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _as_list),
    "extend-exclude": ("extend_exclude", _as_list),
    "region": ("region", _region),
    "sdk-version": ("sdk_version", _sdk_version),
    "events": ("events", _as_list),
    "event-name-pattern": ("event_name_pattern", _pattern),
    "track-event-name-pattern": ("event_name_pattern", _pattern),
    "cdp-event-name-pattern": ("cdp_event_name_pattern", _pattern),
    "client-factories": ("client_factories", _factories),
    "output-format": ("output_format", _output_format),
    "tracking-plan": ("tracking_plan", _tracking_plan),
    "cache-dir": ("cache_dir", _as_str),
    "cache": ("cache", _as_bool),
}


#: how a key is named in error messages, by where the value came from
KEY_STYLES = {
    "toml": "[tool.cio-lint] {key}",
    "cli": "--{key}",
    "flake8": "--cio-{key}",
    "flake8-config": "[flake8] cio-{key}",
}
#: how a message names where a value was set, by where it came from (Settings.origin)
ORIGIN_STYLES = {
    "toml": "[tool.cio-lint] {key}",
    "cli": "--{key} on the command line",
    "flake8": "--cio-{key} ({where})",
    "flake8-config": "cio-{key} in {where}",
}


def settings_from_mapping(
    table: Mapping[str, Any], where: str, base: Settings = Settings(), style: str = "toml"
) -> Settings:
    """Validate a `[tool.cio-lint]`-shaped mapping; keys may use - or _.

    `style` only changes how keys are named in errors: `[tool.cio-lint] region` for TOML,
    `--region` for the command line, `--cio-region` for flake8 options, `[flake8] cio-region`
    for a flake8 configuration file.
    """
    changes: Dict[str, Any] = {}
    origins: List[Tuple[str, str]] = []
    label = KEY_STYLES[style]
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown key {raw_key!r} in [tool.cio-lint]{hint}")
        attr, validate = KEYS[key]
        try:
            changes[attr] = validate(where, label.format(key=key), value)
        except ConfigError:
            raise
        except Exception as exc:  # a shape no validator expected (a table where a list goes)
            raise ConfigError(f"{where}: {label.format(key=key)}: invalid value {value!r} "
                              f"({type(exc).__name__}: {exc})") from None  # fmt: skip
        origins.append((key, ORIGIN_STYLES[style].format(key=key, where=where)))
    return replace(base, source=where, **changes).with_origins(origins)


# ---------------------------------------------------------------------------------------------
# Files


def read_pyproject_table(path: Path) -> Optional[Mapping[str, Any]]:
    """The `[tool.cio-lint]` table of a pyproject.toml, None if it has none."""
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    # Valid TOML of the wrong shape (`tool = 3`) is the user's mistake, named in one line.
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool must be a table ([tool]), got {_toml_type(tool)}")
    table = tool.get("cio-lint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: tool.cio-lint must be a table ([tool.cio-lint]), got {_toml_type(table)}")
    return table


def _toml_type(value: Any) -> str:
    """What a TOML value is, as TOML calls it."""
    names = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"),
             (list, "an array"), (dict, "a table"))  # fmt: skip
    return next((f"{name} ({value!r})" for kind, name in names if isinstance(value, kind)), "a date or time")


def _configures_cio_lint(candidate: Path) -> bool:
    try:
        if not candidate.is_file():
            return False
    except OSError:  # a directory we may not search: no configuration can be read from it
        return False
    try:
        return read_pyproject_table(candidate) is not None
    except ConfigError:
        # A broken pyproject.toml nearest to the code is the user's config: say so.
        return True


def find_pyproject(start: Path, cache: Optional[Dict[Path, Optional[Path]]] = None) -> Optional[Path]:
    """The nearest pyproject.toml with a [tool.cio-lint] table, walking up from `start`.

    `cache` (directory -> answer) lets a run ask for every file without re-reading TOML.
    """
    try:
        directory = start if start.is_dir() else start.parent
    except OSError:  # inside a directory we may not search
        directory = start.parent
    walked = []
    found: Optional[Path] = None
    while True:  # up to the filesystem's root, stopping at the first answer known
        if cache is not None and directory in cache:
            found = cache[directory]
            break
        walked.append(directory)
        candidate = directory / "pyproject.toml"
        if _configures_cio_lint(candidate):
            found = candidate
            break
        if directory.parent == directory:
            break
        directory = directory.parent
    if cache is not None:
        for walked_dir in walked:
            cache[walked_dir] = found
    return found


def load_settings(path: Optional[Path]) -> Settings:
    """Settings from a pyproject.toml (or the defaults when `path` is None)."""
    if path is None:
        return Settings()
    table = read_pyproject_table(path)
    return settings_from_mapping(table or {}, str(path), Settings(config_file=str(path)))


class SettingsSource:
    """The settings for each file, for both front-ends: its nearest `[tool.cio-lint]` (or the
    `--config` file, or none under `--isolated`) with the front-end's options on top.

    `options` is a `[tool.cio-lint]`-shaped mapping (the CLI's flags, flake8's `--cio-*`
    options), validated once here: a mistake raises ConfigError naming the option as `style`
    spells it. Plain data (`args()`), so `--jobs` workers rebuild an equal source instead of
    pickling its caches.
    """

    def __init__(self, config_file: Optional[Path] = None, isolated: bool = False,
                 options: Optional[Mapping[str, Any]] = None, where: str = "command line",
                 style: str = "cli", origins: Optional[Mapping[str, str]] = None) -> None:  # fmt: skip
        self.config_file = config_file
        self.isolated = isolated
        self.options = dict(options or {})
        self.where = where
        self.style = style
        validated = settings_from_mapping(self.options, where, style=style)
        fields = [KEYS[key.replace("_", "-")][0] for key in self.options]
        self._overrides = {attr: getattr(validated, attr) for attr in fields}
        #: where each option was set, for messages; `origins` names them more exactly (flake8
        #: knows per option whether it came from its command line or a config file)
        self.origins = dict(origins or {})
        self._origins = {**dict(validated.origins), **{k.replace("_", "-"): v for k, v in self.origins.items()}}
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"--config {config_file}: no such file")
        self._cache: Dict[Optional[Path], Settings] = {}
        self._dirs: Dict[Path, Optional[Path]] = {}

    def args(self) -> Tuple[Optional[Path], bool, Dict[str, Any], str, str, Dict[str, str]]:
        return self.config_file, self.isolated, self.options, self.where, self.style, self.origins

    def for_path(self, path: Path) -> Settings:
        if self.isolated:
            pyproject = None
        elif self.config_file is not None:
            pyproject = self.config_file.absolute()
        else:
            pyproject = find_pyproject(path.absolute(), self._dirs)
        if pyproject not in self._cache:
            base = load_settings(pyproject).with_overrides(**self._overrides)
            self._cache[pyproject] = base.with_origins(self._origins.items())
        return self._cache[pyproject]

    def files_read(self) -> List[str]:
        """The configuration files (and tracking plans) read for the paths asked so far: inputs
        of a run besides its Python files (cio_lint/replay.py fingerprints them)."""
        out = [str(self.config_file.absolute())] if self.config_file is not None else []
        for pyproject, settings in self._cache.items():
            if pyproject is not None:
                out.append(str(pyproject))
            plan = settings.tracking_plan
            if plan is not None and os.path.isfile(plan.source):
                out.append(os.path.abspath(plan.source))
        return out


def parse_list_option(value: Optional[str]) -> Tuple[str, ...]:
    return tuple(v for v in re.split(r"[,\s]+", value or "") if v)


def flag_values(values: Iterable[str]) -> Tuple[str, ...]:
    """Flatten repeated/comma-separated CLI values: ("CIO1,CIO2", "CIO3") -> 3 items."""
    out = []
    for value in values:
        out.extend(parse_list_option(value))
    return tuple(out)
