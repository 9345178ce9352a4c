"""Shared test helpers: lint a snippet as a project with given config and SDK version."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from cio_lint import sdk
from cio_lint.config import settings_from_mapping
from cio_lint.engine import lint_source
from cio_lint.finding import Finding
from cio_lint.project import Project


def lint(code: str, config: Optional[Mapping] = None, sdk_version: str = "",
         rules: Optional[Sequence] = None, path: str = "snippet.py") -> list:  # fmt: skip
    settings = settings_from_mapping(config or {}, "test")
    version = sdk.SdkVersion(sdk_version, "test") if sdk_version else sdk.UNKNOWN_VERSION
    return lint_source(code, path=path, settings=settings, project=Project(None, version), rules=rules)


def codes(findings: Sequence[Finding]) -> list:
    return [f.code for f in findings]
