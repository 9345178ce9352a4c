"""Where a time value reaches the SDK. Shared by the time rules (CIO201, CIO202).

A time position is a parameter the SDK reads as a timestamp (`timestamp` of 3.x `track()` and
of `backfill()`, a request's `send_at`: `Shape.timestamps` in `cio_lint.sdk`) or a person /
event attribute value (keyword attributes, or the values of the `data={...}` dict, nested
dicts included), wherever the signature of the release the project runs puts them.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple, Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD, Resolver, SdkCall
from cio_lint.resolve.wrappers import sdk_calls


class TimePosition(NamedTuple):
    key: str  # the parameter or attribute name
    value: cst.BaseExpression  # the expression written there
    is_parameter: bool  # True: a timestamp parameter; False: an attribute value
    #: inside a nested dict of the attributes (converted only by releases that recurse into them)
    nested: bool = False
    #: reached through a project wrapper: which (SdkCall.via)
    via: Optional[str] = None


def time_call(resolver: Resolver, node: cst.Call) -> Optional[SdkCall]:
    """The SDK call `node` makes when it can carry time values: a client method or a request."""
    call = resolver.sdk_call(node)
    return call if call is not None and _carries_time(call) else None


def _carries_time(call: SdkCall) -> bool:
    if call.shape is None or call.args is None:
        return False
    return call.kind == METHOD or (call.kind == CONSTRUCT and call.role == sdk.REQUEST)


def time_positions(resolver: Resolver, node: cst.Call) -> Iterator[TimePosition]:
    """Every timestamp parameter and attribute value `node` passes to the SDK, itself or
    through a project wrapper (cio_lint.resolve.wrappers)."""
    for call in sdk_calls(resolver, node):
        if not _carries_time(call):
            continue
        for param in call.shape.timestamps:
            value = call.arg(param)
            if value is not None:
                yield TimePosition(param, value, True, via=call.via)
        for key, value, nested in _attribute_values(call, resolver):
            yield TimePosition(key, value, False, nested, via=call.via)


def _attribute_values(call: SdkCall, resolver: Resolver) -> Iterator[tuple]:
    """(name, value, nested) of the person / event attributes a call sends."""
    where = call.shape.attributes
    if where == "**":
        for key, arg in call.args.extra_keywords.items():
            yield key, arg.value, False
        for key, splat in call.args.splat_extra(call.shape.params).items():
            if splat.value is not None and key not in call.args.extra_keywords:
                yield key, splat.value, False  # from a `**mapping` whose keys the code shows
    elif where is not None:
        data = call.arg(where)
        if data is not None:
            yield from _dict_items(resolver.bound_expression(data), resolver, nested=False)


def _dict_items(expr: cst.BaseExpression, resolver: Resolver, nested: bool) -> Iterator[tuple]:
    """(key, value, nested) of a dict display or `dict(k=v)`, recursing into nested dicts."""
    if isinstance(expr, cst.Dict):
        for element in expr.elements:
            if isinstance(element, cst.DictElement):
                key = resolver.literal(element.key)
                if key is not None and isinstance(key.value, str):
                    if isinstance(element.value, cst.Dict):
                        yield from _dict_items(element.value, resolver, nested=True)
                    else:
                        yield key.value, element.value, nested
    elif isinstance(expr, cst.Call) and callee(expr) == "dict":
        for arg in expr.args:
            if arg.keyword is not None and not arg.star:
                yield arg.keyword.value, arg.value, nested


def callee(call: cst.Call) -> str:
    """The called name as written, for builtins and `module.function`: "int", "math.floor"."""
    func = call.func
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return f"{func.value.value}.{func.attr.value}"
    return ""
