"""Transactional request objects as rules see them (CIO701-CIO704).

`request_call` answers "does this call build a `Send*Request` whose fields the code shows?",
and `later_fields` finds the fields the same scope sets afterwards (`request.to = ...`), or
says the request escapes somewhere its fields may be set (None).
"""

from __future__ import annotations

from typing import Optional, Set

import libcst as cst
from libcst.metadata import Assignment

from cio_lint import sdk
from cio_lint.resolve import METHOD, Resolver, SdkCall


def request_call(resolver: Resolver, node: cst.Call) -> Optional[SdkCall]:
    """The SDK request construction `node` makes, when its arguments are all visible: no
    `*args`/`**kwargs` (positional ones bind in the release's order, sdk.REQUEST_CLASSES)."""
    call = resolver.sdk_call(node)
    if call is None or not call.constructs(sdk.REQUEST) or call.shape is None or call.args.dynamic:
        return None
    return call


def is_dict(resolver: Resolver, expr: cst.BaseExpression) -> bool:
    value = resolver.bound_expression(expr)
    return isinstance(value, cst.Dict) or (
        isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict"
    )


def later_fields(resolver: Resolver, node: cst.Call) -> Optional[Set[str]]:
    """Fields set on the request after it is built, when the code shows all of them.

    The request must go straight into an SDK `send_*` call, or be bound once to a name whose
    every use is `name.<field> = ...`, a read of `name.<field>` or an SDK `send_*` call. Any
    other use (returned, passed elsewhere, stored) may set fields we cannot see: None.
    """
    parent = resolver.parent(node)
    if isinstance(parent, cst.Arg):
        return set() if _is_sdk_send(resolver, resolver.parent(parent)) else None
    if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
        return None
    target = parent.targets[0].target
    if not isinstance(target, cst.Name):
        return None
    scope = resolver.scope(target)
    if scope is None:
        return None
    assignments = list(scope[target.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    fields: Set[str] = set()
    for access in assignments[0].references:
        use = resolver.parent(access.node)
        if isinstance(use, cst.Attribute) and use.value is access.node:
            holder = resolver.parent(use)
            if isinstance(holder, cst.AssignTarget) or (isinstance(holder, cst.AugAssign) and holder.target is use):
                fields.add(use.attr.value)
            continue
        if isinstance(use, cst.Arg) and use.value is access.node and _is_sdk_send(resolver, resolver.parent(use)):
            continue
        return None
    return fields


def _is_sdk_send(resolver: Resolver, call: Optional[cst.CSTNode]) -> bool:
    if not isinstance(call, cst.Call):
        return False
    sdk_call = resolver.sdk_call(call)
    return sdk_call is not None and sdk_call.kind == METHOD and sdk_call.target.name in sdk.SEND_METHOD_REQUEST
