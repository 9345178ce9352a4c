"""The Track rules' checks applied to `customerio.analytics` (customerio-cdp-analytics 1.1.0).

CIO101, CIO201 and CIO601 each call one function here for CDP calls, so their own modules
keep a single line for it. Each function returns what to report (node, message), or None.
The CDP library validates with `assert` before queueing (`client.py:323-327`): the effects
are the `CDP_*` records in `cio_lint.sdk`, grounded in tests/grounding/test_seeds_cdp.py.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CDP_CALL, BoundArguments, Resolver, bind_arguments

Report = Tuple[cst.CSTNode, str]


def cdp_arguments(resolver: Resolver, node: cst.Call) -> Optional[Tuple[str, BoundArguments]]:
    """(function, its arguments bound to the library's signature) for `analytics.<function>(...)`
    calls whose arguments are all visible."""
    target = resolver.call_target(node)
    if target is None or target.kind != CDP_CALL or target.name not in sdk.CDP_PARAMS:
        return None
    args = bind_arguments(node, sdk.CDP_PARAMS[target.name])
    return None if args.dynamic else (target.name, args)


def blank_identity(resolver: Resolver, node: cst.Call) -> Optional[Report]:
    """CIO101: no usable user_id ("" or None, or none at all) and no anonymous_id."""
    bound = cdp_arguments(resolver, node)
    if bound is None or bound[0] not in sdk.CDP_IDENTITY_FUNCTIONS:
        return None
    function, args = bound
    anonymous = args.params.get("anonymous_id")
    if anonymous is not None and not _blank(resolver, anonymous.value):
        return None
    user = args.params.get("user_id")
    if user is not None and not _blank(resolver, user.value):
        return None
    literal = resolver.literal(user.value) if user is not None else None
    shown = "missing" if literal is None else ("None" if literal.value is None else repr(literal.value))
    error = sdk.CDP_NO_IDENTITY
    return (user.value if user is not None else node,
            f"user_id is {shown}, with no anonymous_id: analytics.{function}() raises {error.name} before "
            f"queueing; pass an id or an anonymous_id")  # fmt: skip


def epoch_timestamp(resolver: Resolver, node: cst.Call) -> Optional[Report]:
    """CIO201: `timestamp=` given an epoch number where the library asserts a datetime."""
    bound = cdp_arguments(resolver, node)
    if bound is None or "timestamp" not in bound[1].params:
        return None
    function, args = bound
    value = args.params["timestamp"].value
    if not _is_epoch(resolver, value, 0):
        return None
    error = sdk.CDP_TIMESTAMP_NOT_DATETIME
    return (value, f"timestamp= is an epoch number: analytics.{function}() raises {error.name} (wants a "
                   f"datetime); pass a datetime")  # fmt: skip


def keyword_properties(resolver: Resolver, node: cst.Call) -> Optional[Tuple[cst.CSTNode, List[str], bool, str]]:
    """CIO601: `analytics.track(uid, "ev", plan="pro")`: (where, keywords, fixable, message)."""
    bound = cdp_arguments(resolver, node)
    if bound is None or bound[0] != "track" or not bound[1].extra_keywords:
        return None
    args = bound[1]
    names = list(args.extra_keywords)
    error = sdk.UNEXPECTED_KEYWORD.format(callable=sdk.CDP_TRACK_CALLABLE, keyword=names[0])
    fixable = sdk.CDP_PROPERTIES_PARAM not in args.params and not args.extra_positional
    return (args.extra_keywords[names[0]].value, names, fixable,
            f"analytics.track() has no **properties: {'=, '.join(names)}= raise {error.name} (unexpected "
            f"keyword argument); pass {sdk.CDP_PROPERTIES_PARAM}={{...}}")  # fmt: skip


def _blank(resolver: Resolver, expr: cst.BaseExpression) -> bool:
    """None or "": the library's check rejects those; "  " passes it (observed)."""
    literal = resolver.literal(expr)
    return literal is not None and literal.value in (None, "")


def _is_epoch(resolver: Resolver, expr: cst.BaseExpression, depth: int) -> bool:
    """A number: a numeric literal, time.time()/time_ns(), `<x>.timestamp()`, and int()/round()/
    arithmetic over those (a name bound once is followed)."""
    if depth > 5:
        return False
    literal = resolver.literal(expr)
    if literal is not None:
        return isinstance(literal.value, (int, float)) and not isinstance(literal.value, bool)
    expr = resolver.bound_expression(expr)
    if isinstance(expr, cst.BinaryOperation):
        return _is_epoch(resolver, expr.left, depth + 1) or _is_epoch(resolver, expr.right, depth + 1)
    if not isinstance(expr, cst.Call):
        return False
    if resolver.qualified_names(expr.func) & {"time.time", "time.time_ns"}:
        return True
    func = expr.func
    if isinstance(func, cst.Attribute) and func.attr.value == "timestamp" and not expr.args:
        return True
    if isinstance(func, cst.Name) and func.value in ("int", "round", "float") and expr.args:
        return _is_epoch(resolver, expr.args[0].value, depth + 1)
    return False
