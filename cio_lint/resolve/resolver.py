"""What an expression is, as far as Customer.io is concerned.

The resolver answers two questions for the rules, per file:
- `value(expr)`: is this a Customer.io class, a client or request instance, the CDP module,
  or a factory that returns a client? (`SdkValue`, or None for "not ours / cannot tell")
- `call_target(call)`: is this call constructing an SDK class, calling a client method, or
  calling the CDP module? (`CallTarget`, or None)

Matching is by qualified name (LibCST's QualifiedNameProvider and scopes), never by a bare
name, so a local `class CustomerIO`, Segment's `analytics` or an `io.StringIO` named `cio`
never resolve. Names are followed through their bindings (assignment, `with ... as`,
annotations, `self.<attr>`, functions that return clients, other project modules): each way
real code reaches a client is one case of `_binding_value`. When bindings disagree or cannot
be read, the answer is None: rules stay silent where the code cannot show the mistake.

It also evaluates literals (`literal(expr)`) through names whose only binding is a literal,
and binds a call's arguments to an SDK signature (`bind_arguments`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import (
    Assignment,
    ImportAssignment,
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)

from cio_lint import sdk
from cio_lint._libcst import lazy_value
from cio_lint.project import summary
from cio_lint.resolve.sdk_values import (  # noqa: F401 - re-exported: the resolver's vocabulary
    CLASS,
    DEFERRED,
    FACTORY,
    INSTANCE,
    MODULE,
    SdkValue,
    subclass,
)
from cio_lint.resolve.containers import item_value
from cio_lint.resolve.literals import literal_text
from cio_lint.resolve.own_scope import OwnScopeVisitor
from cio_lint.resolve.values import SplatKey, splat_keys

if TYPE_CHECKING:
    from cio_lint.resolve.protocols import SummaryLookup


CONSTRUCT = "construct"
METHOD = "method"
CDP_CALL = "cdp"


@dataclass(frozen=True)
class CallTarget:
    kind: str  # CONSTRUCT, METHOD or CDP_CALL
    sdk_class: Optional[sdk.SdkClass]
    name: str = ""  # method or CDP function name
    #: constructor parameters when a project subclass defines its own __init__
    init_params: Optional[Tuple[str, ...]] = None


@dataclass(frozen=True)
class Literal:
    """A value known from the source: a str, int, float, bool or None."""

    value: Union[str, int, float, bool, None]
    node: cst.CSTNode  # where the literal is written (may be far from the use)


_NONE_BINDING = object()  # `x = None`: a placeholder that does not decide what x is


@dataclass(frozen=True)
class SdkCall:
    """A call into the SDK, with the signature of the release the project runs."""

    target: CallTarget
    method: Optional[sdk.Method]  # METHOD: the SDK's method (None: a name the SDK lacks)
    shape: Optional[sdk.Shape]  # the signature in force (None: not in this release)
    args: Optional[BoundArguments]  # the call's arguments bound to `shape`
    #: a call of a project wrapper: the wrappers crossed and the SDK call reached
    #: ("shop.cio.track_event → CustomerIO.track"); the arguments are the call site's
    via: Optional[str] = None

    @property
    def kind(self) -> str:
        return self.target.kind

    @property
    def role(self) -> Optional[str]:
        return self.target.sdk_class.role if self.target.sdk_class else None

    def arg(self, param: str) -> Optional[cst.BaseExpression]:
        bound = self.args.params.get(param) if self.args else None
        if bound is None and self.args is not None and param in self.args.splat:
            return self.args.splat[param].value  # from a `**mapping` whose keys the code shows
        return bound.value if bound is not None else None

    def constructs(self, *roles: str, sdk_signature: bool = False) -> bool:
        """Does this call build an SDK class of one of `roles`, with its arguments bound?

        `sdk_signature`: only when the arguments follow the SDK's own constructor (not a
        project subclass with an __init__ of its own, which may convert them).
        """
        if self.kind != CONSTRUCT or self.role not in roles or self.args is None:
            return False
        return not (sdk_signature and self.target.init_params is not None)

    def credentials(self) -> Optional[List[Tuple[str, cst.BaseExpression]]]:
        """(parameter, argument) for the credentials this construction passes; None when a
        project subclass takes its credentials some other way."""
        params = self.target.sdk_class.credentials
        if self.target.init_params is not None and not set(params) <= set(self.target.init_params):
            return None
        return [(p, self.arg(p)) for p in params if self.arg(p) is not None]


class Resolver:
    def __init__(self, wrapper: MetadataWrapper, index: Optional["SummaryLookup"] = None,
                 module_name: str = "", version: sdk.SdkVersion = sdk.UNKNOWN_VERSION) -> None:  # fmt: skip
        self.wrapper = wrapper
        self.version = version
        self._calls: Dict[int, Optional[SdkCall]] = {}
        # per-file indexes built on first use, so each lookup is a dict access
        self._class_members: Dict[int, Dict[str, List[Member]]] = {}
        self._function_returns: Dict[int, List[cst.Return]] = {}
        self.module = wrapper.module
        self._scopes = wrapper.resolve(ScopeProvider)
        self._qualnames = wrapper.resolve(QualifiedNameProvider)
        self._parents = wrapper.resolve(ParentNodeProvider)
        self.index = index
        self.module_name = module_name
        self._values: Dict[int, Optional[SdkValue]] = {}
        self._in_progress: Set[int] = set()
        self._targets: Dict[int, Optional[CallTarget]] = {}

    # -- metadata access ----------------------------------------------------------------------

    def parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self._parents.get(node)

    def scope(self, node: cst.CSTNode) -> Optional[Scope]:
        return self._scopes.get(node)

    def qualified_names(self, node: cst.CSTNode) -> Set[str]:
        names = lazy_value(self._qualnames.get(node))
        return {q.name for q in names or () if q.source is QualifiedNameSource.IMPORT}

    def sdk_names(self, node: cst.CSTNode) -> Set[str]:
        """Qualified names of `node` inside the `customerio` package (empty if shadowed)."""
        if self.index is not None and self.index.shadows_sdk:
            return set()
        return {n for n in self.qualified_names(node) if sdk.in_package(n)}

    # -- what is this expression? ------------------------------------------------------------

    def value(self, expr: cst.BaseExpression) -> Optional[SdkValue]:
        key = id(expr)
        if key in self._values:
            return self._values[key]
        if key in self._in_progress:  # a binding cycle (x = f(x)): cannot tell
            return None
        self._in_progress.add(key)
        try:
            result = self._compute_value(expr)
        finally:
            self._in_progress.discard(key)
        self._values[key] = result
        return result

    def _compute_value(self, expr: cst.BaseExpression) -> Optional[SdkValue]:
        if isinstance(expr, (cst.Name, cst.Attribute)):
            by_name = self._value_by_qualified_name(expr)
            if by_name is not None:
                return by_name
            if isinstance(expr, cst.Name):
                return self._value_of_name(expr)
            return self._value_of_attribute(expr)
        if isinstance(expr, cst.Call):
            func = self.value(expr.func)
            if func is not None and func.kind in (CLASS, FACTORY):
                return func.instance()
            if func is not None and func.kind == DEFERRED:
                return func.then(summary.CALL)
            return item_value(self, expr)  # `_cache.get("client")`
        if isinstance(expr, cst.Await):
            return self.value(expr.expression)
        if isinstance(expr, cst.Subscript):
            return item_value(self, expr)  # `_clients[key]`, `self._clients[key]`, `_clients[0]`
        if isinstance(expr, cst.NamedExpr):
            return self.value(expr.value)
        return None

    def _value_by_qualified_name(self, expr: cst.BaseExpression) -> Optional[SdkValue]:
        for name in self.qualified_names(expr):
            value = self._value_of_qualname(name)
            if value is not None:
                return value
        return None

    def _value_of_qualname(self, name: str) -> Optional[SdkValue]:
        """An SDK class or module by its qualified name, else what the project index knows."""
        shadowed = self.index is not None and self.index.shadows_sdk
        if not shadowed and sdk.in_package(name):
            cls = sdk.sdk_class(name)
            if cls is not None:
                return SdkValue(CLASS, cls)
            if name == sdk.CDP_MODULE:
                return SdkValue(MODULE, module=name)
            return None
        if self.index is not None:
            return self.index.lookup(name, importer=self.module_name)
        return None

    def _value_of_name(self, name: cst.Name) -> Optional[SdkValue]:
        scope = self.scope(name)
        if scope is None:
            return None
        return self._agree(self._binding_value(a) for a in scope[name.value])

    def _value_of_attribute(self, attr: cst.Attribute) -> Optional[SdkValue]:
        """`self.client` / `cls.client` / `self.get_client` inside a class."""
        if not isinstance(attr.value, cst.Name):
            return None
        cls = self._enclosing_class_of_self(attr.value)
        if cls is None:
            return None
        return self.class_member_value(cls, attr.attr.value)

    def class_member_value(self, cls: cst.ClassDef, name: str) -> Optional[SdkValue]:
        """What `self.<name>` is in `cls`: every assignment in every method must agree."""
        values = []
        for kind, node in self.class_members(cls).get(name, ()):
            if kind == "method":
                values.append(self.function_value(node))
            elif kind == "annotation":
                values.append(self.annotation_value(node) or _NONE_BINDING)
            else:
                values.append(self._assigned(node))
        return self._agree(values)

    def class_members(self, cls: cst.ClassDef) -> Dict[str, List[Member]]:
        """How each `self.<name>` of `cls` gets its value (module function `class_members`, once
        per class)."""
        if id(cls) not in self._class_members:
            self._class_members[id(cls)] = class_members(cls)
        return self._class_members[id(cls)]

    def _enclosing_class_of_self(self, name: cst.Name) -> Optional[cst.ClassDef]:
        """The class whose method binds `name` as its first parameter (self / cls)."""
        node: Optional[cst.CSTNode] = name
        while node is not None and not isinstance(node, cst.FunctionDef):
            node = self.parent(node)
        if node is None:
            return None
        params = node.params.params or node.params.posonly_params
        if not params or params[0].name.value != name.value:
            return None
        block = self.parent(node)
        cls = self.parent(block) if block is not None else None
        return cls if isinstance(cls, cst.ClassDef) else None

    def _agree(self, values) -> Optional[SdkValue]:
        """One SdkValue if every binding says the same (ignoring `= None`), else None."""
        found: Optional[SdkValue] = None
        any_binding = False
        for value in values:
            any_binding = True
            if value is _NONE_BINDING:
                continue
            if value is None or (found is not None and value != found):
                return None
            found = value
        return found if any_binding else None

    def _binding_value(self, assignment) -> object:
        """What one binding of a name gives: an SdkValue, _NONE_BINDING, or None (unknown)."""
        if not isinstance(assignment, Assignment):
            return None  # builtins, imports (already tried by qualified name)
        node = assignment.node
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parent(parent)
            if isinstance(statement, cst.Assign):
                return self._assigned(statement.value)
        if isinstance(parent, cst.AnnAssign) and parent.target is node:
            if parent.value is not None and not _is_none(parent.value):
                return self._assigned(parent.value)
            return self.annotation_value(parent.annotation.annotation) or _NONE_BINDING
        if isinstance(parent, cst.AsName):
            item = self.parent(parent)
            if isinstance(item, cst.WithItem):
                return self.value(item.item)
        if isinstance(parent, cst.NamedExpr) and parent.target is node:
            return self.value(parent.value)
        if isinstance(node, cst.Param) or isinstance(parent, cst.Param):
            param = node if isinstance(node, cst.Param) else parent
            if param.annotation is not None:
                return self.annotation_value(param.annotation.annotation)
            return None
        if isinstance(node, cst.FunctionDef):
            return self.function_value(node)
        if isinstance(node, cst.ClassDef):
            return self.class_value(node)
        return None

    def _assigned(self, value: cst.BaseExpression) -> object:
        return _NONE_BINDING if _is_none(value) else self.value(value)

    def annotation_value(self, annotation: cst.BaseExpression) -> Optional[SdkValue]:
        """`CustomerIO`, `Optional[CustomerIO]`, `CustomerIO | None`, "customerio.CustomerIO"."""
        if isinstance(annotation, (cst.SimpleString, cst.ConcatenatedString)):
            return self._string_annotation_value(annotation)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            sides = [annotation.left, annotation.right]
            return self._agree(_NONE_BINDING if _is_none(side) else self.annotation_value(side) for side in sides)
        if isinstance(annotation, cst.Subscript):
            names = self.qualified_names(annotation.value) | {dotted_name(annotation.value) or ""}
            if names & {"typing.Optional", "Optional", "typing_extensions.Optional"} and annotation.slice:
                inner = annotation.slice[0].slice
                return self.annotation_value(inner.value) if isinstance(inner, cst.Index) else None
            return None
        value = self.value(annotation)
        if value is not None and value.kind == DEFERRED:
            return value.then(summary.ANNOTATION)
        return value.instance() if value is not None and value.kind == CLASS else None

    def _string_annotation_value(self, annotation: cst.BaseExpression) -> Optional[SdkValue]:
        text = literal_text(annotation)
        if not isinstance(text, str):
            return None
        text = text.strip()
        for prefix in ("Optional[", "typing.Optional["):
            if text.startswith(prefix) and text.endswith("]"):
                text = text[len(prefix):-1].strip()
        text = text.split("|")[0].strip()
        if not all(part.isidentifier() for part in text.split(".")):
            return None
        scope = self.scope(self.module)
        first = text.split(".")[0]
        for assignment in (scope[first] if scope is not None else ()):
            if not hasattr(assignment, "get_qualified_names_for"):
                continue
            for qualname in assignment.get_qualified_names_for(text):
                value = self._value_of_qualname(qualname.name)
                if value is not None and value.kind == CLASS:
                    return value.instance()
                if value is not None and value.kind == DEFERRED:
                    return value.then(summary.ANNOTATION)
        return None

    def function_value(self, func: cst.FunctionDef) -> Optional[SdkValue]:
        """A FACTORY when the function returns a client (any decorator; caches included)."""
        key = id(func)
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            declared = None
            if func.returns is not None:
                declared = self.annotation_value(func.returns.annotation)
                if declared is not None and declared.kind != DEFERRED:
                    return SdkValue(FACTORY, declared.sdk_class, init_params=declared.init_params,
                                    own_methods=declared.own_methods)
            returned = self._agree(self._assigned(r.value) if r.value is not None else _NONE_BINDING
                                   for r in self.function_returns(func))
        finally:
            self._in_progress.discard(key)
        if returned is not None and returned.kind == DEFERRED:
            return returned.then(summary.RETURNED)
        if (returned is None or returned.kind != INSTANCE) and declared is not None:
            return declared.then(summary.RETURNED)  # a project class in the annotation
        if returned is None or returned.kind != INSTANCE:
            return None
        return SdkValue(FACTORY, returned.sdk_class, init_params=returned.init_params,
                        own_methods=returned.own_methods)

    def function_returns(self, func: cst.FunctionDef) -> List[cst.Return]:
        """The return statements of `func`, found by one walk of its body per file: every
        call of a function asks what it returns, and a generated module can call one long
        function thousands of times (scipy's _lebedev.py: 1,300 calls, ~250 s walking)."""
        key = id(func)
        if key not in self._function_returns:
            self._function_returns[key] = _returns(func.body)
        return self._function_returns[key]

    def class_value(self, cls: cst.ClassDef) -> Optional[SdkValue]:
        """A project subclass of an SDK class is that class, with its own __init__ and methods."""
        key = id(cls)
        if key in self._in_progress:
            return None
        self._in_progress.add(key)
        try:
            bases = [self.value(base.value) for base in cls.bases]
        finally:
            self._in_progress.discard(key)
        base = next((b for b in bases if b is not None and b.kind in (CLASS, DEFERRED)), None)
        if base is None:
            return None
        methods = {
            stmt.name.value: stmt for stmt in cls.body.body if isinstance(stmt, cst.FunctionDef)
        }
        own_init = None
        if "__init__" in methods:
            params = methods["__init__"].params
            own_init = tuple(p.name.value for p in (*params.posonly_params, *params.params)[1:])
        own = frozenset(m for m in methods if not m.startswith("__"))
        if base.kind == DEFERRED:  # a project class's subclass: settled when it is looked up
            return base.then(summary.SUBCLASS, own_init, tuple(sorted(own)))
        return subclass(base, own_init, own)

    def module_level_value(self, name: str) -> Optional[SdkValue]:
        """What the module-level name `name` is (for other modules importing it)."""
        scope = self.scope(self.module)
        if scope is None:
            return None
        values = []
        for assignment in scope[name]:
            # (an ImportAssignment is an Assignment too: ask it first)
            if isinstance(assignment, ImportAssignment):  # a re-export: follow the import
                found = [self._value_of_qualname(q.name) for q in assignment.get_qualified_names_for(name)]
                values.append(next((v for v in found if v is not None), None))
            elif isinstance(assignment, Assignment):
                values.append(self._binding_value(assignment))
            else:
                values.append(None)
        return self._agree(values)

    # -- calls --------------------------------------------------------------------------------

    def call_target(self, call: cst.Call) -> Optional[CallTarget]:
        key = id(call)
        if key not in self._targets:
            self._targets[key] = self._compute_call_target(call)
        return self._targets[key]

    def _compute_call_target(self, call: cst.Call) -> Optional[CallTarget]:
        func = call.func
        if isinstance(func, cst.Attribute):
            owner = self.value(func.value)
            if owner is not None:
                name = func.attr.value
                if owner.kind == INSTANCE and name in owner.own_methods:
                    return None  # the project's own method on its subclass
                if owner.kind == INSTANCE and owner.sdk_class is None:
                    cls = next((c for c in sdk.CLASSES if name in c.methods), None)
                    return CallTarget(METHOD, cls, name) if cls is not None else None
                if owner.kind == INSTANCE and owner.sdk_class is not None:
                    return CallTarget(METHOD, owner.sdk_class, name)
                if owner.kind == MODULE and owner.module == sdk.CDP_MODULE:
                    return CallTarget(CDP_CALL, None, func.attr.value)
        value = self.value(func)
        if value is not None and value.kind == CLASS:
            return CallTarget(CONSTRUCT, value.sdk_class, init_params=value.init_params)
        return None

    def sdk_call(self, call: cst.Call) -> Optional[SdkCall]:
        """The SDK call `call` makes, bound to the signature of the newest admitted release."""
        key = id(call)
        if key not in self._calls:
            self._calls[key] = self._compute_sdk_call(call)
        return self._calls[key]

    def _compute_sdk_call(self, call: cst.Call) -> Optional[SdkCall]:
        target = self.call_target(call)
        if target is None:
            return None
        release = self.version.newest
        method, shape = None, None
        if target.kind == METHOD and target.sdk_class is not None:
            method = target.sdk_class.methods.get(target.name)
            shape = method.shape_for(release) if method else None
        elif target.kind == CONSTRUCT and target.sdk_class is not None:
            if target.init_params is not None:  # a project subclass with its own __init__
                shape = sdk.Shape(since="0", params=target.init_params, var_keyword=True)
            else:
                shape = target.sdk_class.constructor_for(release)
        args = bind_arguments(call, shape.params) if shape is not None else None
        if args is not None and args.dynamic:
            args.splat = splat_keys(self, call) or {}
        return SdkCall(target, method, shape, args)

    # -- literals -----------------------------------------------------------------------------

    def literal(self, expr: cst.BaseExpression, _depth: int = 0) -> Optional[Literal]:
        """The literal value of `expr`, directly or through a name bound once to a literal."""
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            value = literal_text(expr)
            return Literal(value, expr) if value is not None else None
        if isinstance(expr, cst.Integer):
            return Literal(int(expr.evaluated_value), expr)
        if isinstance(expr, cst.Float):
            return Literal(float(expr.evaluated_value), expr)
        if isinstance(expr, cst.Name):
            if expr.value in ("None", "True", "False") and self._is_builtin(expr):
                return Literal({"None": None, "True": True, "False": False}[expr.value], expr)
            if _depth < 5:
                bound = self._single_binding_value(expr)
                if bound is not None:
                    return self.literal(bound, _depth + 1)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
            inner = self.literal(expr.expression, _depth)
            if inner is not None and isinstance(inner.value, (int, float)):
                return Literal(-inner.value, inner.node)
        return None

    def _is_builtin(self, name: cst.Name) -> bool:
        scope = self.scope(name)
        return scope is None or not any(isinstance(a, Assignment) for a in scope[name.value])

    def _single_binding_value(self, name: cst.Name) -> Optional[cst.BaseExpression]:
        """The value of `name = <value>` when that is the name's only binding."""
        scope = self.scope(name)
        if scope is None:
            return None
        assignments = list(scope[name.value])
        if len(assignments) != 1:
            return None
        return self._single_binding_value_of(assignments[0])

    def _single_binding_value_of(self, assignment) -> Optional[cst.BaseExpression]:
        if not isinstance(assignment, Assignment):
            return None
        parent = self.parent(assignment.node)
        if isinstance(parent, cst.AssignTarget):
            statement = self.parent(parent)
            if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
                return statement.value
        if isinstance(parent, cst.AnnAssign) and parent.value is not None:
            return parent.value
        return None

    def bound_expression(self, expr: cst.BaseExpression) -> cst.BaseExpression:
        """`expr`, or the value a name is bound to when that is its only binding."""
        seen = 0
        while isinstance(expr, cst.Name) and seen < 5:
            bound = self._single_binding_value(expr)
            if bound is None:
                break
            expr, seen = bound, seen + 1
        return expr


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _returns(node: cst.CSTNode) -> List[cst.Return]:
    """The return statements of a function body, not of functions or classes nested in it."""
    visitor = _Returns()
    node.visit(visitor)
    return visitor.found


class _Returns(OwnScopeVisitor):
    # (one class for every search: the engine's fast visits plan per visitor class)
    def __init__(self) -> None:
        super().__init__()
        self.found: List[cst.Return] = []

    def visit_Return(self, ret: cst.Return) -> None:
        self.found.append(ret)


Member = Tuple[str, cst.CSTNode]


def class_members(cls: cst.ClassDef) -> Dict[str, List[Member]]:
    """How each `self.<name>` of `cls` gets its value, in one pass over the class:
    name -> [("value", expr) | ("annotation", expr) | ("method", FunctionDef)], from the class
    body and from every method's `self.<name> = ...` (nested functions and classes excluded)."""
    members: Dict[str, List[Member]] = {}

    def add(name: str, kind: str, node: cst.CSTNode) -> None:
        members.setdefault(name, []).append((kind, node))

    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef):
            add(stmt.name.value, "method", stmt)
            params = stmt.params.params or stmt.params.posonly_params
            if params:
                stmt.body.visit(_SelfAssignments(params[0].name.value, add))
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        if isinstance(target.target, cst.Name):
                            add(target.target.value, "value", small.value)
                elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                    _add_annotated(add, small.target.value, small)
    return members


def _add_annotated(add, name: str, node: cst.AnnAssign) -> None:
    if node.value is not None and not _is_none(node.value):
        add(name, "value", node.value)
    else:
        add(name, "annotation", node.annotation.annotation)


class _SelfAssignments(OwnScopeVisitor):
    """Collects `self.<attr> = value` in one method body."""

    def __init__(self, self_name: str, add) -> None:
        super().__init__()
        self.self_name, self.add = self_name, add

    def _attr(self, target: cst.BaseExpression) -> Optional[str]:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == self.self_name:  # fmt: skip
            return target.attr.value
        return None

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            name = self._attr(target.target)
            if name:
                self.add(name, "value", node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        name = self._attr(node.target)
        if name:
            _add_annotated(self.add, name, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        name = self._attr(node.target)
        if name:
            self.add(name, "value", node)  # rebinding by an operator: not a client any more


# ---------------------------------------------------------------------------------------------
# Binding a call's arguments to a signature


@dataclass
class BoundArguments:
    params: Dict[str, cst.Arg] = field(default_factory=dict)  # parameter -> its argument
    extra_keywords: Dict[str, cst.Arg] = field(default_factory=dict)  # go to **kwargs
    extra_positional: List[cst.Arg] = field(default_factory=list)  # more than the signature takes
    #: *args or **kwargs at the call: parameters not in `params` may still be passed
    dynamic: bool = False
    #: the keywords of `**mapping` arguments when the code shows every key (values.splat_keys);
    #: `dynamic` stays True: they are not written at the call
    splat: Dict[str, SplatKey] = field(default_factory=dict)

    def splat_extra(self, params: Sequence[str]) -> Dict[str, SplatKey]:
        """Keywords from `**mapping` that are not parameters of `params`."""
        return {k: v for k, v in self.splat.items() if k not in params and k not in self.params}


def bind_arguments(call: cst.Call, params: Sequence[str]) -> BoundArguments:
    bound = BoundArguments()
    position = 0
    positional_known = True
    for arg in call.args:
        if arg.star == "**":
            bound.dynamic = True
        elif arg.star == "*":
            bound.dynamic = True
            positional_known = False
        elif arg.keyword is not None:
            name = arg.keyword.value
            if name in params:
                bound.params[name] = arg
            else:
                bound.extra_keywords[name] = arg
        elif positional_known:
            if position < len(params):
                bound.params[params[position]] = arg
            else:
                bound.extra_positional.append(arg)
            position += 1
    return bound


def argument(call: cst.Call, index: int, keyword: str) -> Optional[cst.BaseExpression]:
    """The expression `call` passes for a parameter that is `keyword` by name or the
    `index`-th positional argument (before any `*args`), else None."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    return positional[index].value if len(positional) > index else None


def dotted_name(expr: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` -> "a.b.c"; None for anything that is not a plain dotted name."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        base = dotted_name(expr.value)
        return None if base is None else f"{base}.{expr.attr.value}"
    return None


_ENV_GETTERS = ("getenv", "get", "environ", "config", "env", "str", "secret", "get_secret")


def value_name(expr: cst.BaseExpression) -> Optional[str]:
    """The name a value is known by, as written: `settings.CIO_SITE_ID` -> "CIO_SITE_ID",
    `os.environ["TRACK_KEY"]` and `os.getenv("TRACK_KEY")` -> "TRACK_KEY"; None otherwise."""
    if isinstance(expr, cst.Name):
        return expr.value
    if isinstance(expr, cst.Attribute):
        return expr.attr.value
    if isinstance(expr, cst.Subscript) and len(expr.slice) == 1:
        index = expr.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            return literal_text(index.value)
    if isinstance(expr, cst.Call) and expr.args:
        func = expr.func
        callee = func.attr.value if isinstance(func, cst.Attribute) else getattr(func, "value", "")
        first = expr.args[0].value
        if callee in _ENV_GETTERS and isinstance(first, cst.SimpleString):
            return literal_text(first)
    return None
