"""Values whose type the code shows without a literal: strings (or None) from the environment,
configuration files, `str()`, f-strings and string methods.

`string_value(resolver, expr)` answers "is this expression a `str` (or `None`) on every path,
and how do we say where it comes from?". Rules use it where the SDK wants something that is
never a string (a `Regions` value, CIO402). The answer is None whenever one path could give
something else: a settings object whose type the code cannot see (`settings.CIO_REGION`,
`getattr(settings, ...)`, `config.get(...)` on an unknown `config`) stays unjudged, and so
does a lookup whose default is not a string (`os.getenv("R", Regions.US)`).

Receivers whose values are known to be strings:
- `os.environ[...]`, `os.environ.get(...)`, `os.getenv(...)` (str, or None when unset);
- `configparser` parsers and their sections (`cfg.get(s, o)`, `cfg[s][o]`, `cfg[s].get(o)`);
- `decouple.config(name, default=...)` without `cast=` (python-decouple returns the string);
- a dict display bound once, never stored into, whose entry for the key is a string.
A `.get(key, default)` on one of these is a string when its default is a string or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, List, Optional

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment
from cio_lint.resolve.literals import literal_text

if TYPE_CHECKING:
    from cio_lint.resolve.protocols import ResolverView as Resolver

_ENV_MAPPINGS = ("os.environ",)
#: The calls that read an environment variable (rules that judge credentials read them too).
ENV_CALLS = ("os.getenv", "os.environ.get")
_CONFIGPARSERS = ("configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser")
_DECOUPLE = ("decouple.config",)
#: str methods that return a str
_STR_METHODS = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "casefold", "title", "capitalize", "replace",
    "format", "removeprefix", "removesuffix", "zfill", "swapcase", "center", "ljust", "rjust",
})  # fmt: skip
_MAX_DEPTH = 8
#: dict methods that only read
_READS = ("get", "items", "keys", "values", "copy")


@dataclass(frozen=True)
class StrValue:
    """An expression that is a str (or None, when `maybe_none`) on every path."""

    what: str  # where it comes from, for messages: "an environment variable"
    maybe_none: bool = False

    def describe(self) -> str:
        if self.what == STRING:
            return "a string or None" if self.maybe_none else "a string"
        return f"{self.what} (a string or None)" if self.maybe_none else f"{self.what} (a string)"


ENVIRONMENT = "an environment variable"
CONFIG_FILE = "a configparser value"
STRING = "a string"


def string_value(resolver: "Resolver", expr: cst.BaseExpression, _depth: int = 0) -> Optional[StrValue]:
    """What `expr` is when it is a str or None on every path, else None (cannot tell)."""
    if _depth > _MAX_DEPTH:
        return None
    depth = _depth + 1
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return StrValue(STRING)
    if isinstance(expr, cst.Name):
        if expr.value == "None" and _is_builtin(resolver, expr):
            return StrValue("None", maybe_none=True)
        return _of_name(resolver, expr, depth)
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
        # "a" + x is a str (or a TypeError): never anything else
        left, right = string_value(resolver, expr.left, depth), string_value(resolver, expr.right, depth)
        if (left and not left.maybe_none) or (right and not right.maybe_none):
            return StrValue(STRING)
        return None
    if isinstance(expr, cst.BooleanOperation):
        left, right = string_value(resolver, expr.left, depth), string_value(resolver, expr.right, depth)
        either = _either(left, right)
        if either is not None and isinstance(expr.operator, cst.Or):
            return StrValue(either.what, right.maybe_none)  # a falsy left (None, "") gives the right
        return either
    if isinstance(expr, cst.IfExp):
        return _either(string_value(resolver, expr.body, depth), string_value(resolver, expr.orelse, depth))
    if isinstance(expr, cst.Subscript):
        return _of_subscript(resolver, expr, depth)
    if isinstance(expr, cst.Call):
        return _of_call(resolver, expr, depth)
    return None


def _either(left: Optional[StrValue], right: Optional[StrValue]) -> Optional[StrValue]:
    if left is None or right is None:
        return None
    what = left.what if left.what != "None" else right.what
    if what == "None":
        return None  # `None or None`: not worth a word
    return StrValue(what, left.maybe_none or right.maybe_none)


def _of_name(resolver: "Resolver", name: cst.Name, depth: int) -> Optional[StrValue]:
    """A name whose every binding is an assignment of a str (or None)."""
    values = assigned_values(resolver, name)
    return _all_strings(resolver, values, depth) if values else None


def assigned_values(resolver: "Resolver", name: cst.Name) -> Optional[List[cst.BaseExpression]]:
    """The values of every binding of `name` in its scope, when each is `name = value` (or
    `name: T = value`); None when one binding is anything else (a parameter, a loop, an import)."""
    scope = resolver.scope(name)
    if scope is None:
        return None
    values = []
    for assignment in scope[name.value]:
        if not isinstance(assignment, Assignment):
            return None
        parent = resolver.parent(assignment.node)
        if isinstance(parent, cst.AssignTarget):
            statement = resolver.parent(parent)
            if not isinstance(statement, cst.Assign):
                return None
            values.append(statement.value)
        elif isinstance(parent, cst.AnnAssign) and parent.target is assignment.node and parent.value is not None:
            values.append(parent.value)
        else:
            return None
    return values


def _is_builtin(resolver: "Resolver", name: cst.Name) -> bool:
    scope = resolver.scope(name)
    return scope is None or all(isinstance(a, BuiltinAssignment) for a in scope[name.value])


def _names(resolver: "Resolver", expr: cst.BaseExpression) -> set:
    return resolver.qualified_names(expr)


def _of_subscript(resolver: "Resolver", expr: cst.Subscript, depth: int) -> Optional[StrValue]:
    base = expr.value
    if _names(resolver, base) & set(_ENV_MAPPINGS):
        return StrValue(ENVIRONMENT)  # KeyError when unset, never None
    if _is_config_section(resolver, base, depth):
        return StrValue(CONFIG_FILE)
    entry = _dict_entry(resolver, base, expr)
    if entry is not None:
        return string_value(resolver, entry, depth)
    return None


def _of_call(resolver: "Resolver", call: cst.Call, depth: int) -> Optional[StrValue]:
    if any(arg.star for arg in call.args):
        return None
    func = call.func
    names = _names(resolver, func)
    if isinstance(func, cst.Name) and func.value == "str" and _is_builtin(resolver, func):
        return StrValue(STRING)
    if names & set(ENV_CALLS):
        return _with_default(resolver, call, ENVIRONMENT, ("default",), depth, missing_none=True)
    if names & set(_DECOUPLE):
        if any(a.keyword is not None and a.keyword.value == "cast" for a in call.args) or len(call.args) > 2:
            return None
        return _with_default(resolver, call, ENVIRONMENT, ("default",), depth, missing_none=False)
    if not isinstance(func, cst.Attribute):
        return None
    method = func.attr.value
    receiver = func.value
    if method in _STR_METHODS:
        inner = string_value(resolver, receiver, depth)
        return StrValue(inner.what) if inner is not None and inner.what != "None" else None
    if method != "get":
        return None
    if _is_configparser(resolver, receiver, depth):
        # cfg.get(section, option, *, raw, vars, fallback)
        fallback = [a.value for a in call.args if a.keyword is not None and a.keyword.value == "fallback"]
        return _default_of(resolver, fallback, CONFIG_FILE, depth, missing_none=False)
    if _is_config_section(resolver, receiver, depth):
        # section.get(option, fallback=None, ...)
        defaults = [a.value for a in call.args[1:2] if a.keyword is None]
        defaults += [a.value for a in call.args if a.keyword is not None and a.keyword.value == "fallback"]
        return _default_of(resolver, defaults, CONFIG_FILE, depth, missing_none=True)
    entry_values = _dict_get_values(resolver, receiver, call)
    if entry_values is not None:
        return _all_strings(resolver, entry_values, depth)
    return None


def _with_default(resolver: "Resolver", call: cst.Call, what: str, keywords, depth: int,
                  missing_none: bool) -> Optional[StrValue]:  # fmt: skip
    """getenv(name[, default]): the default decides what comes back when the variable is unset."""
    defaults = [a.value for a in call.args[1:2] if a.keyword is None]
    defaults += [a.value for a in call.args if a.keyword is not None and a.keyword.value in keywords]
    return _default_of(resolver, defaults, what, depth, missing_none)


def _default_of(resolver: "Resolver", defaults: List[cst.BaseExpression], what: str, depth: int,
                missing_none: bool) -> Optional[StrValue]:  # fmt: skip
    """A str from `what`, or the default when the value is missing (None without a default,
    when `missing_none`; an exception otherwise)."""
    if not defaults:
        return StrValue(what, missing_none)
    default = string_value(resolver, defaults[0], depth)
    if default is None:
        return None  # the default may be a Region, a number, anything
    return StrValue(what, default.maybe_none)


def _all_strings(resolver: "Resolver", values: List[cst.BaseExpression], depth: int) -> Optional[StrValue]:
    found: Optional[StrValue] = None
    for value in values:
        known = string_value(resolver, value, depth)
        if known is None:
            return None
        found = known if found is None else _either(found, known)
        if found is None:
            return None
    return found


# -- receivers -------------------------------------------------------------------------------


def _constructed_by(resolver: "Resolver", expr: cst.BaseExpression, classes, depth: int) -> bool:
    """`expr` is (a name whose every binding is) a call of one of `classes`."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, cst.Call):
        return bool(_names(resolver, expr.func) & set(classes))
    if isinstance(expr, cst.Name):
        values = assigned_values(resolver, expr)
        return bool(values) and all(_constructed_by(resolver, v, classes, depth + 1) for v in values)
    return False


def _is_configparser(resolver: "Resolver", expr: cst.BaseExpression, depth: int) -> bool:
    return _constructed_by(resolver, expr, _CONFIGPARSERS, depth)


def _is_config_section(resolver: "Resolver", expr: cst.BaseExpression, depth: int) -> bool:
    """`cfg["section"]` of a configparser, directly or through a name bound once to it."""
    if isinstance(expr, cst.Subscript):
        return _is_configparser(resolver, expr.value, depth)
    if isinstance(expr, cst.Name) and depth <= _MAX_DEPTH:
        values = assigned_values(resolver, expr)
        return bool(values) and all(_is_config_section(resolver, v, depth + 1) for v in values)
    return False


def _dict_display(resolver: "Resolver", expr: cst.BaseExpression) -> Optional[cst.Dict]:
    """The dict display a name is bound to, when that is its only binding, every key is a
    string literal and nothing stores into it (`d[k] = ...`, `d.update(...)`)."""
    if isinstance(expr, cst.Dict):
        display = expr
    elif isinstance(expr, cst.Name):
        values = assigned_values(resolver, expr)
        if not values or len(values) != 1 or not isinstance(values[0], cst.Dict):
            return None
        display = values[0]
        if _is_mutated(resolver, expr):
            return None
    else:
        return None
    for element in display.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
            return None
    return display


def _is_mutated(resolver: "Resolver", name: cst.Name) -> bool:
    """Any access of the name other than a plain read or `.get(...)` may change the dict."""
    scope = resolver.scope(name)
    if scope is None:
        return True
    for access in scope.accesses[name.value]:
        node = access.node
        parent = resolver.parent(node)
        if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value in _READS:
            continue
        if isinstance(parent, cst.Subscript) and parent.value is node:
            grand = resolver.parent(parent)
            if isinstance(grand, (cst.AssignTarget, cst.AugAssign, cst.Del)):
                return True
            continue
        if isinstance(parent, cst.Arg) or isinstance(parent, cst.Attribute):
            return True  # passed away or a mutating method: it may change
    return False


def _key(expr: cst.BaseExpression) -> Optional[str]:
    return literal_text(expr) if isinstance(expr, cst.SimpleString) else None


def _dict_entry(resolver: "Resolver", base: cst.BaseExpression, sub: cst.Subscript) -> Optional[cst.BaseExpression]:
    display = _dict_display(resolver, base)
    if display is None or len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return None
    key = _key(sub.slice[0].slice.value)
    found = [e.value for e in display.elements if isinstance(e, cst.DictElement) and _key(e.key) == key]
    return found[-1] if key is not None and found else None


def _dict_get_values(resolver: "Resolver", receiver: cst.BaseExpression,
                     call: cst.Call) -> Optional[List[cst.BaseExpression]]:  # fmt: skip
    """`d.get("key"[, default])` on a known dict display: the values it can return."""
    display = _dict_display(resolver, receiver)
    if display is None or not call.args or any(a.keyword is not None for a in call.args) or len(call.args) > 2:
        return None
    key = _key(call.args[0].value)
    if key is None:
        return None
    found = [e.value for e in display.elements if isinstance(e, cst.DictElement) and _key(e.key) == key]
    if found:
        return [found[-1]]
    if len(call.args) == 2:
        return [call.args[1].value]
    return [cst.Name("None")]  # a missing key without a default: None


# -- **kwargs dicts with known keys ----------------------------------------------------------

#: dict methods that add keys the call names: d.update(k=v) / d.update({"k": v}) / d.setdefault("k", v)
_ADDS = ("update", "setdefault")


@dataclass(frozen=True)
class SplatKey:
    """A keyword a `**mapping` argument passes, as the code shows it."""

    arg: cst.Arg  # the `**mapping` argument of the call
    value: Optional[cst.BaseExpression]  # its value when the code assigns it once, else None


def splat_keys(resolver: "Resolver", call: cst.Call) -> Optional[Dict[str, SplatKey]]:
    """The keywords the call's `**mapping` arguments pass, when the code shows every key of
    every one of them; None when one mapping may hold keys the code does not show."""
    found: Dict[str, SplatKey] = {}
    any_splat = False
    for arg in call.args:
        if arg.star != "**":
            continue
        any_splat = True
        keys = dict_keys(resolver, arg.value)
        if keys is None:
            return None
        for key, values in keys.items():
            found[key] = SplatKey(arg, values[0] if len(values) == 1 else None)
    return found if any_splat else None


def dict_keys(resolver: "Resolver", expr: cst.BaseExpression) -> Optional[Dict[str, List[cst.BaseExpression]]]:
    """key -> the values assigned to it, for a dict whose every key the code shows: a display or
    `dict(k=v)` written there, or a local name bound once to one, then only read, stored into
    with literal keys (`d["k"] = v`), `d.update(k=v)`, `d.update({"k": v})`, `d.setdefault("k", v)`."""
    if isinstance(expr, (cst.Dict, cst.Call)):
        return _display_keys(expr)
    if not isinstance(expr, cst.Name):
        return None
    scope = resolver.scope(expr)
    if scope is None:
        return None
    assignments = list(scope[expr.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    values = assigned_values(resolver, expr)
    if not values or len(values) != 1:
        return None
    keys = _display_keys(values[0])
    if keys is None:
        return None
    for access in assignments[0].references:
        if not _adds_known_keys(resolver, access.node, keys):
            return None
    return keys


def _display_keys(expr: cst.BaseExpression) -> Optional[Dict[str, List[cst.BaseExpression]]]:
    keys: Dict[str, List[cst.BaseExpression]] = {}
    if isinstance(expr, cst.Dict):
        for element in expr.elements:
            key = _key(element.key) if isinstance(element, cst.DictElement) else None
            if key is None:
                return None  # a computed key or a `**other` inside the display
            keys.setdefault(key, []).append(element.value)
        return keys
    if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
        for arg in expr.args:
            if arg.keyword is None or arg.star:
                return None
            keys.setdefault(arg.keyword.value, []).append(arg.value)
        return keys
    return None


def _adds_known_keys(resolver: "Resolver", node: cst.CSTNode, keys: Dict[str, List[cst.BaseExpression]]) -> bool:
    """One use of the dict's name: True when it only reads the dict or adds keys the code
    names (recorded into `keys`), False when it may add keys we cannot see."""
    parent = resolver.parent(node)
    if isinstance(parent, cst.Arg) and parent.star == "**":
        return True  # splatted into a call: read
    if isinstance(parent, cst.Subscript) and parent.value is node:
        target = resolver.parent(parent)
        if isinstance(target, cst.AssignTarget):
            statement = resolver.parent(target)
            key = _subscript_key(parent)
            if key is None or not isinstance(statement, cst.Assign):
                return False
            keys.setdefault(key, []).append(statement.value)
            return True
        return not isinstance(target, (cst.Del, cst.AugAssign))  # a read (d["k"] += 1 keeps keys, but changes values)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        call = resolver.parent(parent)
        if parent.attr.value in _READS:
            return True
        if parent.attr.value in _ADDS and isinstance(call, cst.Call) and call.func is parent:
            return _record_added(parent.attr.value, call, keys)
        return False
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.If, cst.BooleanOperation)):
        return True  # `if d:`, `"k" in d`
    return False  # passed to a function, returned, aliased, deleted: anything may happen to it


def _subscript_key(sub: cst.Subscript) -> Optional[str]:
    if len(sub.slice) != 1 or not isinstance(sub.slice[0].slice, cst.Index):
        return None
    return _key(sub.slice[0].slice.value)


def _record_added(method: str, call: cst.Call, keys: Dict[str, List[cst.BaseExpression]]) -> bool:
    if method == "setdefault":
        if len(call.args) != 2 or any(a.keyword is not None or a.star for a in call.args):
            return False
        key = _key(call.args[0].value)
        if key is None:
            return False
        keys.setdefault(key, []).append(call.args[1].value)
        return True
    # update(k=v, ...) or update({"k": v})
    for arg in call.args:
        if arg.star:
            return False
        if arg.keyword is not None:
            keys.setdefault(arg.keyword.value, []).append(arg.value)
            continue
        added = _display_keys(arg.value)
        if added is None:
            return False
        for key, values in added.items():
            keys.setdefault(key, []).extend(values)
    return True
