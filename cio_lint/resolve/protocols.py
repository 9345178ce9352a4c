"""What the resolver's helpers need of the resolver, and the resolver of the summaries.

The resolver calls the value, container and literal helpers (resolve/values.py,
resolve/containers.py), which call back into it; the summaries build resolvers, which read
summaries. The helpers and the resolver name each other's type through these Protocols, so
the modules import one way only (resolver -> helpers -> protocols; summaries -> resolver),
type-checking imports included (tests/test_layers.py).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Protocol, Set, Tuple

import libcst as cst
from libcst.metadata import Scope

from cio_lint.resolve.sdk_values import SdkValue


class ResolverView(Protocol):
    """The part of resolve.resolver.Resolver the value and container helpers use."""

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]: ...

    def scope(self, node: cst.CSTNode) -> Optional[Scope]: ...

    def qualified_names(self, node: cst.CSTNode) -> Set[str]: ...

    def value(self, expr: cst.BaseExpression) -> Optional[SdkValue]: ...

    def class_members(self, cls: cst.ClassDef) -> Dict[str, List[Tuple[str, cst.CSTNode]]]: ...


class SummaryLookup(Protocol):
    """The part of resolve.summaries.Summaries a resolver reads: other modules' names."""

    def lookup(self, qualname: str, importer: str = "") -> Optional[SdkValue]: ...

    shadows_sdk: bool  # the project has its own package named customerio
