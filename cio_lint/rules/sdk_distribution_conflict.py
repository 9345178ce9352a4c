from __future__ import annotations

from typing import Iterator

import libcst as cst

from cio_lint.finding import ProjectFinding, ProjectRun
from cio_lint.resolve import dotted_name
from cio_lint.rules.base import Invalid, Rule, Valid

#: The project hook below runs only for projects where this holds (cio_lint/codes.py reads it
#: without importing this module, so runs over projects without the conflict import no rule).
PROJECT_GATE = "project.distribution_conflict"

#: What goes wrong, in the finding at the import and in the CLI's at each dependency line.
BREAKAGE = ("ships an empty customerio/__init__.py, so when it installs second "
            "`from customerio import CustomerIO` raises ImportError")


def dependency_line_message(decl, other) -> str:
    """The message at the dependency line `decl` (the CLI reports one at each of the two)."""
    return (f"{decl.distribution} is declared beside {other.distribution}: customerio-cdp-analytics "
            f"{BREAKAGE}; drop one of the two, or import the SDK from customerio.track / customerio.api")


def check_project(run: ProjectRun) -> Iterator[ProjectFinding]:
    """The project-level hook: a finding at each of the two dependency lines, once per
    project, since the conflict is in the project's requirements, not only at the imports."""
    conflict = run.project.distribution_conflict()
    if conflict is None:
        return
    sdk_decl, cdp_decl = conflict
    for decl, other in ((sdk_decl, cdp_decl), (cdp_decl, sdk_decl)):
        yield ProjectFinding(decl.path, decl.line, dependency_line_message(decl, other))


class SdkDistributionConflict(Rule):
    """The project depends on both `customerio` and `customerio-cdp-analytics`.

    ## What it does
    When the project's dependency files declare both distributions, reports the first import
    of the `customerio` package in each file (and, in the CLI, the dependency line itself).

    ## Why is this bad?
    `customerio-cdp-analytics` installs `customerio/analytics/` plus an **empty**
    `customerio/__init__.py`. Whichever of the two installs last owns that file: when the CDP
    package comes second, `from customerio import CustomerIO` raises ImportError, and
    uninstalling it later deletes the SDK's `__init__.py`. Install order is up to pip, so it
    works on one machine and breaks on the next.

    ## Example
    ```toml
    dependencies = ["customerio>=3", "customerio-cdp-analytics>=1"]
    ```

    ## Use instead
    ```python
    # keep both, but import the SDK from its submodules, which the CDP package never shadows
    from customerio.track import CustomerIO
    from customerio.api import APIClient
    ```

    ## Fix safety
    No fix: which package to keep is the author's call.
    """

    CODE = "CIO604"
    NAME = "sdk-distribution-conflict"

    BOTH = ("customerio>=3", "customerio-cdp-analytics>=1")
    VALID = [
        Valid("from customerio import CustomerIO\n", dependencies=("customerio==3.2.0",)),
        Valid("import requests\n", dependencies=BOTH),
    ]
    INVALID = [
        Invalid("import os\nfrom customerio import CustomerIO\nimport customerio.api\n", dependencies=BOTH, line=2),
        Invalid("from customerio import analytics\n", dependencies=("python-customerio", "customerio-cdp-analytics")),
    ]

    def __init__(self, context) -> None:
        super().__init__(context)
        self.conflict = context.project.distribution_conflict()
        self.done = False

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._check(alias, dotted_name(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if not node.relative and node.module is not None:
            self._check(node, dotted_name(node.module) or "")

    def _check(self, node: cst.CSTNode, module: str) -> None:
        if self.done or self.conflict is None or self.context.project.index.shadows_sdk:
            return
        if module != "customerio" and not module.startswith("customerio."):
            return
        self.done = True
        sdk_decl, cdp_decl = self.conflict
        self.report(
            node,
            f"the project depends on both {sdk_decl.distribution} ({sdk_decl.path.name}:"
            f"{sdk_decl.line}) and {cdp_decl.distribution} ({cdp_decl.path.name}:{cdp_decl.line}): "
            f"the latter {BREAKAGE}; import from customerio.track / customerio.api, or drop one of the two",
        )
