"""What an expression can be, as far as Customer.io is concerned: plain values, no LibCST.

Kept apart from the Resolver so that reading module summaries (a warm run answered from the
on-disk cache) never imports LibCST.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple

from cio_lint import sdk

CLASS = "class"
INSTANCE = "instance"
MODULE = "module"
FACTORY = "factory"
#: Only while a module summary is made (cio_lint.resolve.summaries): a value taken from another
#: project module, not looked up yet: `ref` is its qualified name, `ops` the steps applied to it
#: here (cio_lint.project.summary describes them). Rules never see one.
DEFERRED = "deferred"


@dataclass(frozen=True)
class SdkValue:
    kind: str  # CLASS, INSTANCE, MODULE or FACTORY (a callable returning an INSTANCE)
    sdk_class: Optional[sdk.SdkClass] = None
    module: Optional[str] = None  # for MODULE: the module's qualified name
    #: a project subclass: the parameters of its own __init__ when visible (for mapping args)
    init_params: Optional[Tuple[str, ...]] = None
    #: a project subclass: methods it defines itself (calls to them are the project's, not the SDK's)
    own_methods: FrozenSet[str] = frozenset()
    #: DEFERRED: the qualified name the value comes from, and the steps applied to it since
    ref: Optional[str] = None
    ops: Tuple[tuple, ...] = ()

    def instance(self) -> "SdkValue":
        return SdkValue(INSTANCE, self.sdk_class, init_params=self.init_params, own_methods=self.own_methods)

    def then(self, *step) -> "SdkValue":
        """A DEFERRED value with one more step (cio_lint.project.summary's CALL, ...)."""
        return SdkValue(DEFERRED, ref=self.ref, ops=(*self.ops, tuple(step)))


def subclass(base: SdkValue, init_params: Optional[Tuple[str, ...]], own_methods) -> SdkValue:
    """The project subclass of SDK class `base` that defines `own_methods` and, when not None,
    an __init__ taking `init_params`."""
    return SdkValue(CLASS, base.sdk_class, init_params=base.init_params if init_params is None else init_params,
                    own_methods=frozenset(own_methods) | base.own_methods)
