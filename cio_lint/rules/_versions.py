"""Version questions the rules ask, with "unknown" read as "the newest release" (DESIGN.md §3)."""

from __future__ import annotations

from typing import Optional

from cio_lint import sdk


def may_run(version: sdk.SdkVersion, since: Optional[str] = None, until: Optional[str] = None) -> bool:
    """Can the project run a release in [since, until)?

    A known range answers by the releases it admits; an unknown version only by the newest
    release, so a rule about old releases stays silent until a pin or range says they apply.
    """
    if not version.specifier:
        return sdk.SdkVersion(f"=={version.newest}").admits(since, until)
    return version.admits(since, until)


def constraint(version: sdk.SdkVersion) -> str:
    """How a message names the project's range: "customerio==2.4", "customerio<3"."""
    return f"{sdk.DISTRIBUTION}{version.specifier}" if version.specifier else "the newest release"
