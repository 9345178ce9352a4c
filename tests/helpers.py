"""Shared test helpers: lint a snippet as a project with given config and SDK version."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from cio_lint import sdk
from cio_lint.config import settings_from_mapping
from cio_lint.engine import lint_source
from cio_lint.finding import Finding
from cio_lint.project.declarations import Declaration
from cio_lint.project import Project
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pathlib import Path


def lint(code: str, config: Optional[Mapping] = None, sdk_version: str = "",
         rules: Optional[Sequence] = None, path: str = "snippet.py",
         dependencies: Sequence[str] = ()) -> list:  # fmt: skip
    settings = settings_from_mapping(config or {}, "test")
    version = sdk.SdkVersion(sdk_version, "test") if sdk_version else sdk.UNKNOWN_VERSION
    project = Project(None, version, declarations=[_declaration(d, i) for i, d in enumerate(dependencies, 1)])
    return lint_source(code, path=path, settings=settings, project=project, rules=rules)


def _declaration(line: str, number: int) -> Declaration:
    requirement = Requirement(line)
    return Declaration(canonicalize_name(requirement.name), str(requirement.specifier),
                       Path("pyproject.toml"), number)  # fmt: skip


def codes(findings: Sequence[Finding]) -> list:
    return [f.code for f in findings]


def lint_file(path: Path, settings, project=None, display_path: Optional[str] = None) -> list:
    """The engine's findings for one file on disk (no noqa, no per-file-ignores): the tests'
    shortcut for what the runner does per file."""
    from cio_lint import codes as catalogue
    from cio_lint import parsing
    from cio_lint.engine import lint_bytes
    from cio_lint.project import project_for

    shown = display_path or str(path)
    data, problem = parsing.read_source(path)
    if problem is not None:
        return [Finding(shown, 1, 1, catalogue.PARSE_ERROR_CODE, catalogue.PARSE_ERROR_NAME,
                        f"cannot check this file: {problem}", 1, 1)]  # fmt: skip
    project = project or project_for(path, settings)
    return lint_bytes(data, shown, settings, project, module_name=project.module_name(path))
