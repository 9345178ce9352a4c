from __future__ import annotations

from typing import Iterator

import libcst as cst

from cio_lint import sdk
from cio_lint.finding import ProjectFinding, ProjectRun
from cio_lint.resolve import dotted_name
from cio_lint.rules.base import Invalid, Rule, Valid

#: The project hook below runs only for projects where this holds (cio_lint/codes.py reads it
#: without importing this module, so runs over projects without the conflict import no rule).
PROJECT_GATE = "project.distribution_conflict"


def breakage(name: str = "CustomerIO") -> str:
    """What goes wrong: the import the CDP package's empty __init__.py breaks (sdk.CANNOT_IMPORT,
    observed in tests/grounding/test_cdp.py::test_cdp_installed_after_the_sdk_breaks_its_import)."""
    return f"{name} from customerio raises {sdk.CANNOT_IMPORT.name} if customerio-cdp-analytics installs last"


def dependency_line_message(decl, other) -> str:
    """The message at the dependency line `decl` (the runner reports one at each of the two)."""
    return f"{decl.distribution} beside {other.distribution}: {breakage()}; drop one or import from submodules"


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
    When the project's dependency files declare both distributions, reports the first
    `from customerio import <name>` in each file that needs the SDK's `__init__.py` (imports
    from `customerio.track`, `customerio.api`, `customerio.analytics`... are fine), and, in the
    CLI, the two dependency lines themselves (those obey `# noqa`, per-file-ignores and
    exclude like any file's findings).

    ## Why is this bad?
    `customerio-cdp-analytics` installs `customerio/analytics/` plus an **empty**
    `customerio/__init__.py`. Whichever of the two installs last owns that file: when the CDP
    package comes second, `from customerio import CustomerIO` raises ImportError
    (`sdk.CANNOT_IMPORT`; observed: `tests/grounding/test_cdp.py::
    test_cdp_installed_after_the_sdk_breaks_its_import`, while the submodule imports still
    work), and
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
        # the rule's own recommended fix, and the CDP package's own import
        Valid("from customerio.track import CustomerIO\nfrom customerio.api import APIClient\n", dependencies=BOTH),
        Valid("from customerio import analytics\n", dependencies=BOTH),
    ]
    INVALID = [
        Invalid("import os\nfrom customerio import CustomerIO\nimport customerio.api\n", dependencies=BOTH, line=2),
        Invalid("from customerio import analytics, APIClient\n",
                dependencies=("python-customerio", "customerio-cdp-analytics")),
    ]

    def __init__(self, context) -> None:
        super().__init__(context)
        self.conflict = context.project.distribution_conflict()
        self.done = False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        if dotted_name(node.module) != sdk.PACKAGE or self.done or self.conflict is None:
            return
        if self.context.project.index.shadows_sdk:
            return
        # only names that live in the SDK's __init__.py break; submodules import fine
        names = [dotted_name(a.name) or "" for a in node.names]
        broken = [n for n in names if f"{sdk.PACKAGE}.{n}" not in sdk.MODULES]
        if not broken:
            return
        self.done = True
        sdk_decl, cdp_decl = self.conflict
        name = broken[0]
        where = sdk.SUBMODULE_OF.get(name, sdk.SUBMODULE_OF_OTHERS)
        self.report(
            node,
            f"{breakage(name)} ({cdp_decl.path.name}:{cdp_decl.line}); use {where}",
            help=(f"The project depends on both {sdk_decl.distribution} ({sdk_decl.path.name}:{sdk_decl.line}) "
                  f"and {cdp_decl.distribution} ({cdp_decl.path.name}:{cdp_decl.line}). The latter ships an "
                  f"empty customerio/__init__.py: installed second, it replaces the SDK's, and this import "
                  f"raises {sdk.CANNOT_IMPORT.says()}. Import from the submodules ({where}), which it never "
                  f"shadows, or drop one of the two."),
        )
