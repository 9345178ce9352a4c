"""Clients kept in containers: `_cache["client"] = CustomerIO(...)` then `_cache.get("client")`,
`_cache.setdefault("client", CustomerIO(...))`, `self._clients[key]`, `_clients.append(...)`
then `_clients[0]`.

`item_value(resolver, expr)` answers "is this read of a container a client?": yes when every
value the module puts into that container (its display, `c[k] = v`, `c.append(v)`,
`c.setdefault(k, v)`, `c.insert(i, v)`) is the same client, ignoring `None` placeholders. The
container is named as written (`_cache`, `self._clients`); containers of the same spelling in
one module are pooled, which can only make the values disagree (silence), never agree wrongly.
A container that is passed elsewhere may receive anything there: a value the module never
shows is not seen, which is the same trust the resolver gives `self.<attr>` assignments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional
from weakref import WeakKeyDictionary

import libcst as cst
from libcst.metadata import Assignment

from cio_lint.resolve.values import assigned_values

if TYPE_CHECKING:
    from cio_lint.resolve.protocols import ResolverView as Resolver
    from cio_lint.resolve.sdk_values import SdkValue

#: methods that read one item: c.get(k), c.setdefault(k, v), c.pop(k)
_ITEM_READS = ("get", "setdefault", "pop")
_EMPTY_FACTORIES = ("dict", "list", "set", "defaultdict", "OrderedDict", "WeakValueDictionary")


def item_value(resolver: "Resolver", expr: cst.BaseExpression) -> Optional["SdkValue"]:
    """What a read of one item of a container is, when every item the module stores is the
    same client (None otherwise)."""
    if isinstance(expr, cst.Subscript):
        container, extra = expr.value, []
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and expr.func.attr.value in _ITEM_READS:
        container = expr.func.value
        extra = [a.value for a in expr.args[1:2] if a.keyword is None and not a.star]
    else:
        return None
    if _spelling(container) is None:
        return None
    initial = _initial_items(resolver, container)  # first: it fails fast for imports, parameters
    if initial is None:
        return None
    stored = _stored(resolver, container)
    if stored is None or not (stored or initial):
        return None
    found = None
    for value in (*initial, *stored, *extra):
        if isinstance(value, cst.Name) and value.value == "None":
            continue
        known = resolver.value(value)
        if known is None or (found is not None and known != found):
            return None
        found = known
    return found


def _spelling(expr: cst.BaseExpression) -> Optional[str]:
    """`_cache` or `self._clients` (a name or one attribute of a name)."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name):
        return f"{expr.value.value}.{expr.attr.value}"
    return None


def _initial_items(resolver: "Resolver", container: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    """The items the container is created with, when every binding of it is a display or an
    empty factory call; None when one binding is anything else (it may hold other things)."""
    if isinstance(container, cst.Name):
        bindings = assigned_values(resolver, container)
    else:
        bindings = _attribute_bindings(resolver, container)
    if not bindings:
        return None
    items: List[cst.BaseExpression] = []
    for value in bindings:
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if not isinstance(element, cst.DictElement):
                    return None
                items.append(element.value)
        elif isinstance(value, (cst.List, cst.Set, cst.Tuple)):
            for element in value.elements:
                if not isinstance(element, cst.Element):
                    return None
                items.append(element.value)
        elif isinstance(value, cst.Call) and _callee_name(value.func) in _EMPTY_FACTORIES and not value.args:
            continue
        elif isinstance(value, cst.Call) and _callee_name(value.func) == "dict" and \
                all(a.keyword is not None and not a.star for a in value.args):  # fmt: skip
            items.extend(a.value for a in value.args)
        elif isinstance(value, cst.Call) and _callee_name(value.func) == "defaultdict" and len(value.args) == 1:
            continue  # defaultdict(factory): a read of a missing key calls the factory; stores decide
        else:
            return None
    return items


def _callee_name(func: cst.BaseExpression) -> str:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return ""


def _attribute_bindings(resolver: "Resolver", container: cst.Attribute) -> Optional[List[cst.BaseExpression]]:
    """`self._clients`: the values assigned to it in the enclosing class (class body and methods)."""
    cls = _enclosing_class(resolver, container)
    if cls is None:
        return None
    members = resolver.class_members(cls).get(container.attr.value, [])
    values = []
    for kind, node in members:
        if kind != "value" or not isinstance(node, cst.BaseExpression):
            return None
        values.append(node)
    return values


def _enclosing_class(resolver: "Resolver", node: cst.CSTNode) -> Optional[cst.ClassDef]:
    current: Optional[cst.CSTNode] = node
    while current is not None and not isinstance(current, cst.ClassDef):
        current = resolver.parent(current)
    return current


#: per resolver (one file): id(class) -> spelling -> values stored in that class's containers
_CLASS_STORES: "WeakKeyDictionary[Resolver, Dict[int, Dict[str, List[cst.BaseExpression]]]]" = WeakKeyDictionary()


def _stored(resolver: "Resolver", container: cst.BaseExpression) -> Optional[List[cst.BaseExpression]]:
    """Values the module puts into the container; None when it may receive others."""
    if isinstance(container, cst.Name):
        return _stored_in_name(resolver, container)
    cls = _enclosing_class(resolver, container)
    if cls is None:
        return None
    per_class = _CLASS_STORES.setdefault(resolver, {})
    if id(cls) not in per_class:
        visitor = _Stores()
        cls.visit(visitor)
        per_class[id(cls)] = visitor.found
    return per_class[id(cls)].get(_spelling(container) or "", [])


def _stored_in_name(resolver: "Resolver", name: cst.Name) -> Optional[List[cst.BaseExpression]]:
    """Through the references of the name's bindings (every scope that reads it)."""
    scope = resolver.scope(name)
    if scope is None:
        return None
    visitor = _Stores()
    for assignment in scope[name.value]:
        if not isinstance(assignment, Assignment):
            return None
        for access in assignment.references:
            parent = resolver.parent(access.node)
            if isinstance(parent, cst.Arg) and parent.star != "**":
                return None  # handed to other code, which may store anything
            if isinstance(parent, cst.Subscript):
                target = resolver.parent(parent)
                statement = resolver.parent(target) if isinstance(target, cst.AssignTarget) else None
                if isinstance(statement, cst.Assign):
                    visitor.visit_Assign(statement)
            elif isinstance(parent, cst.Attribute):
                call = resolver.parent(parent)
                if isinstance(call, cst.Call) and call.func is parent:
                    visitor.visit_Call(call)
    return visitor.found.get(name.value, [])


class _Stores(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: Dict[str, List[cst.BaseExpression]] = {}

    def _add(self, container: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name = _spelling(container)
        if name is not None:
            self.found.setdefault(name, []).append(value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                self._add(target.target.value, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if method in ("append", "add") and len(positional) == 1:
            self._add(func.value, positional[0])
        elif method in ("setdefault", "insert") and len(positional) == 2:
            self._add(func.value, positional[1])
        elif method in ("update", "extend") and node.args:
            self._add(func.value, cst.Ellipsis())  # items we cannot read: never a client
