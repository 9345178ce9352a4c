"""Wrappers: project functions and methods whose parameters reach SDK arguments.

Most integrations wrap the SDK once (`def track_event(user_id, name, **props):
cio.track(user_id, name, **props)`) and make their mistakes at the wrapper's call sites. A
`Wrapper` says which of a function's parameters reach which argument of which SDK call
(`Reach`): a parameter passed as it is (not converted, not tested, never rebound), the
function's own `**kwargs` splatted into the call, through other wrappers too. At a call of the
wrapper, `Wrappers.calls(call)` binds the call's arguments to the wrapper's parameters and
gives one virtual `SdkCall` per SDK call reached, whose arguments are the call site's own
expressions: the rules judge them there, and say which SDK call they reach (`via`).

A parameter the wrapper tests (`if not user_id: return`), converts (`str(user_id)`), rebinds
or passes on in any way other than as an SDK argument may never reach the SDK as written: it
is not bound, so the wrapper's callers are not judged on it. Only what the call site writes is
judged; what the wrapper adds itself is judged in the wrapper's own body.

Across modules a wrapper travels in its module's summary (`ModuleSummary.wrappers`, plain
JSON): an SDK call on a client taken from another module is kept as a ref to that name, and a
call of another module's wrapper as a ref to that wrapper; both are followed when a call site
asks (`resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary, ref
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Set, Tuple

import libcst as cst
from libcst.metadata import Assignment

from cio_lint import sdk
from cio_lint.resolve.own_scope import OwnScopeVisitor
from cio_lint.resolve.wrapper_records import (  # noqa: F401 - re-exported
    MAX_DEPTH, CallsWrapper, Reach, Wrapper, compose, compose_calls, expand, resolve_ref)

if TYPE_CHECKING:
    from cio_lint.resolve.resolver import Resolver, SdkCall

_STATIC = ("staticmethod",)


# ---------------------------------------------------------------------------------------------
# Finding wrappers in one module


@dataclass
class _Signature:
    params: Tuple[str, ...]
    kwonly: Tuple[str, ...]
    var_keyword: Optional[str]
    first: Optional[str]
    var_positional: Optional[str] = None  # self / cls of a method (not a parameter callers pass)


class Wrappers:
    """The wrappers of one module, found with that module's Resolver, and the calls of
    wrappers (this module's or others') made in it."""

    def __init__(self, resolver: "Resolver", module: str) -> None:
        # weakly: _PER_FILE maps each Resolver to its Wrappers, and a value that held its
        # WeakKeyDictionary key strongly kept every checked file's Resolver, metadata and
        # tree alive for the whole run (132 MB on 200 SDK-heavy files, and the garbage
        # collector walking all of it again and again)
        self._resolver = ref(resolver)
        self.module = module
        self._of: Dict[int, Optional[Wrapper]] = {}
        self._making: Set[int] = set()
        self._calls: Dict[int, List["SdkCall"]] = {}

    @property
    def resolver(self) -> "Resolver":
        found = self._resolver()
        assert found is not None, "a file's Wrappers outlived its Resolver"
        return found

    # -- the wrapper a call calls -----------------------------------------------------------

    def wrapper_called(self, call: cst.Call, depth: int = 0) -> Optional[Wrapper]:
        """The wrapper `call` calls: a function or method of this module, or another module's
        (through its summary)."""
        found = self._local_callee(call.func)
        if found is not None:
            func, qualname, is_method = found
            return self.of_function(func, qualname, is_method)
        ref = self._imported_ref(call.func)
        if ref is not None:
            return resolve_ref(self.resolver.index, ref, depth)
        return None

    def _local_callee(self, func: cst.BaseExpression) -> Optional[Tuple[cst.FunctionDef, str, bool]]:
        resolver = self.resolver
        if isinstance(func, cst.Name):
            node = _only_definition(resolver, func)
            if isinstance(node, cst.FunctionDef):
                return node, self._qualname(node), False
            return None
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        cls = self._class_of(func.value)
        if cls is None:
            return None
        through_class = isinstance(_only_definition(resolver, func.value), cst.ClassDef)
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef) and stmt.name.value == method:
                if through_class and not _is_static(stmt) and not _is_classmethod(stmt):
                    return None  # Class.method(instance, ...): the instance comes first
                return stmt, self._qualname(stmt), not _is_static(stmt)
        return None

    def _class_of(self, expr: cst.BaseExpression) -> Optional[cst.ClassDef]:
        """The class of `self`, of `ClassName`, of `ClassName(...)`, or of a name bound once to
        `ClassName(...)` (a module-level service object), in this module."""
        resolver = self.resolver
        if isinstance(expr, cst.Call):
            cls = _only_definition(resolver, expr.func) if isinstance(expr.func, cst.Name) else None
            return cls if isinstance(cls, cst.ClassDef) else None
        if not isinstance(expr, cst.Name):
            return None
        node = _only_definition(resolver, expr)
        if isinstance(node, cst.ClassDef):
            return node
        if isinstance(node, cst.Param):
            return _class_of_first_param(resolver, node)
        if isinstance(node, cst.Call):
            return self._class_of(node)
        return None

    def _imported_ref(self, func: cst.BaseExpression) -> Optional[str]:
        """The qualified name of a callable imported from another project module."""
        index = self.resolver.index
        modules = getattr(index, "index", None)  # the ModuleIndex behind Summaries / summary mode
        if modules is None:
            return None
        for name in sorted(self.resolver.qualified_names(func)):
            absolute = modules.absolute(name, self.module)
            if absolute and modules.is_project_name(absolute) and not sdk.in_package(absolute):
                return absolute
        return None

    def _qualname(self, func: cst.FunctionDef) -> str:
        parts = [func.name.value]
        node = self.resolver.parent(func)
        while node is not None:
            if isinstance(node, (cst.ClassDef, cst.FunctionDef)):
                parts.append(node.name.value)
            node = self.resolver.parent(node)
        dotted = ".".join(reversed(parts))
        return f"{self.module}.{dotted}" if self.module else dotted

    # -- summarising one function ------------------------------------------------------------

    def of_function(self, func: cst.FunctionDef, qualname: str, is_method: bool) -> Optional[Wrapper]:
        key = id(func)
        if key in self._of:
            return self._of[key]
        if key in self._making:
            return None  # recursion: a wrapper that calls itself adds nothing
        self._making.add(key)
        try:
            found = self._summarise(func, qualname, is_method)
        finally:
            self._making.discard(key)
        self._of[key] = found
        return found

    def _summarise(self, func: cst.FunctionDef, qualname: str, is_method: bool) -> Optional[Wrapper]:
        if not all(_keeps_signature(d.decorator) for d in func.decorators):
            return None  # @app.task(bind=True), @retry...: what the caller calls is something else
        sig = _signature(func, is_method)
        if sig is None:
            return None
        reaches: List[Reach] = []
        calls: List[CallsWrapper] = []
        for call in _own_calls(func.body):
            bind, forwards = self._bound_params(func, call, sig)
            if not bind and not forwards:
                continue
            reach = self._direct_reach(call, bind, forwards, qualname)
            if reach is not None:
                reaches.append(reach)
                continue
            local = self._local_callee(call.func)
            if local is not None:
                inner = self.of_function(*local)
                if inner is not None:
                    reaches.extend(compose(inner, bind, forwards, qualname))
                    calls.extend(compose_calls(inner, bind, forwards))
                continue
            ref = self._imported_ref(call.func)
            if ref is not None:  # another module's wrapper, perhaps: followed when asked
                calls.append(CallsWrapper(ref, tuple(bind.items()), forwards))
        if not reaches and not calls:
            return None
        return Wrapper(qualname, sig.params, sig.kwonly, sig.var_keyword, tuple(reaches), tuple(calls),
                       sig.var_positional)  # fmt: skip

    def _bound_params(self, func: cst.FunctionDef, call: cst.Call,
                      sig: _Signature) -> Tuple[Dict[str, str], bool]:  # fmt: skip
        """{argument slot: parameter} for each argument of `call` that is one of `func`'s
        parameters passed as it is, and whether `**kwargs` is forwarded. A slot is a keyword
        name or "#<position>"."""
        bind: Dict[str, str] = {}
        forwards = False
        positional_known = True
        for position, arg in enumerate(call.args):
            if arg.star == "**":
                if sig.var_keyword and _is_pure_param(self.resolver, func, call, arg.value, sig.var_keyword):
                    forwards = True
                continue
            if arg.star == "*":
                # the wrapper's own *args: the call site's extra positionals fill these positions
                if positional_known and sig.var_positional \
                        and _is_pure_param(self.resolver, func, call, arg.value, sig.var_positional):  # fmt: skip
                    bind[f"*{position}"] = "*"
                positional_known = False  # positions after *args are unknown; keywords are not
                continue
            if arg.keyword is None and not positional_known:
                continue
            if not isinstance(arg.value, cst.Name) or arg.value.value not in (*sig.params, *sig.kwonly):
                continue
            if not _is_pure_param(self.resolver, func, call, arg.value, arg.value.value):
                continue
            slot = arg.keyword.value if arg.keyword is not None else f"#{position}"
            bind[slot] = arg.value.value
        return bind, forwards

    def _direct_reach(self, call: cst.Call, bind: Dict[str, str], forwards: bool,
                      qualname: str) -> Optional[Reach]:  # fmt: skip
        """The SDK call `call` makes, with the slots mapped to SDK parameter names."""
        from cio_lint.resolve.resolver import CONSTRUCT, DEFERRED, INSTANCE, METHOD

        resolver = self.resolver
        target = resolver.call_target(call)
        if target is not None and target.kind in (METHOD, CONSTRUCT) and target.sdk_class is not None:
            if target.kind == CONSTRUCT and target.init_params is not None:
                return None  # a project subclass's own __init__ converts what it gets
            return Reach(target.name if target.kind == METHOD else "", tuple(bind.items()), forwards,
                         sdk_class=target.sdk_class.qualnames[0], via=(qualname,))  # fmt: skip
        if isinstance(call.func, cst.Attribute):
            owner = resolver.value(call.func.value)
            if owner is not None and owner.kind == DEFERRED:
                return Reach(call.func.attr.value, tuple(bind.items()), forwards,
                             receiver_ref=owner.ref, receiver_ops=owner.ops, via=(qualname,))  # fmt: skip
            if owner is not None and owner.kind == INSTANCE and owner.sdk_class is None:
                return None  # a declared factory's client: the method name decides, below
        return None

    # -- calls of wrappers in this module ---------------------------------------------------

    def sdk_calls(self, call: cst.Call) -> List["SdkCall"]:
        """The virtual SDK calls that `call`, a call of a wrapper, makes with its arguments."""
        key = id(call)
        if key not in self._calls:
            self._calls[key] = self._compute_calls(call)
        return self._calls[key]

    def _compute_calls(self, call: cst.Call) -> List["SdkCall"]:
        wrapper = self.wrapper_called(call)
        if wrapper is None:
            return []
        out = []
        for reach in expand(self.resolver.index, wrapper):
            virtual = self._virtual_call(call, wrapper, reach)
            if virtual is not None:
                out.append(virtual)
        return out

    def _virtual_call(self, call: cst.Call, wrapper: Wrapper, reach: Reach) -> Optional["SdkCall"]:
        from cio_lint.resolve.resolver import CONSTRUCT, METHOD, BoundArguments, CallTarget, SdkCall

        resolver = self.resolver
        cls = _reach_class(resolver, reach)
        if cls is None:
            return None
        release = resolver.version.newest
        if reach.method:
            method = cls.methods.get(reach.method)
            shape = method.shape_for(release) if method else None
            target = CallTarget(METHOD, cls, reach.method)
        else:
            method, shape = None, cls.constructor_for(release)
            target = CallTarget(CONSTRUCT, cls)
        if shape is None:
            return None  # a method this release lacks: judged in the wrapper's own body
        given, extra, rest = bind_to_wrapper(call, wrapper, resolver)
        bound = BoundArguments(dynamic=True)  # the wrapper passes more than the call site shows
        for slot, param in reach.bind:
            if param == "*":  # the call site's extra positionals, from SDK position n on
                for offset, arg in enumerate(rest, int(slot[1:])):
                    if offset < len(shape.params):
                        bound.params[shape.params[offset]] = arg
                    else:
                        bound.extra_positional.append(arg)
                continue
            arg = given.get(param)
            if arg is None:
                continue
            if slot.startswith("#"):  # a position of the SDK call, in the release in force
                position = int(slot[1:])
                if position < len(shape.params):
                    bound.params[shape.params[position]] = arg
                else:
                    bound.extra_positional.append(arg)
            else:
                (bound.params if slot in shape.params else bound.extra_keywords)[slot] = arg
        if reach.forwards_kwargs:
            for keyword, arg in extra.items():
                (bound.params if keyword in shape.params else bound.extra_keywords)[keyword] = arg
        if not bound.params and not bound.extra_keywords and not bound.extra_positional:
            return None
        via = " → ".join((*reach.via, f"{cls.name}.{reach.method}" if reach.method else cls.name))
        return SdkCall(target, method, shape, bound, via=via)


# ---------------------------------------------------------------------------------------------
# Helpers


def _signature(func: cst.FunctionDef, is_method: bool) -> Optional[_Signature]:
    params = func.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)]
    first = None
    if is_method:
        if not positional:
            return None
        first = positional.pop(0)
    var_keyword = params.star_kwarg.name.value if params.star_kwarg is not None else None
    kwonly = tuple(p.name.value for p in params.kwonly_params)
    star = params.star_arg
    var_positional = star.name.value if isinstance(star, cst.Param) else None
    return _Signature(tuple(positional), kwonly, var_keyword, first, var_positional)


def _is_static(func: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value in _STATIC for d in func.decorators)


#: decorators that leave a function's parameters and body as they are
_TRANSPARENT = frozenset({"staticmethod", "classmethod", "lru_cache", "cache", "functools.lru_cache",
                          "functools.cache", "wraps", "functools.wraps"})  # fmt: skip


def _keeps_signature(decorator: cst.BaseExpression) -> bool:
    if isinstance(decorator, cst.Call):
        decorator = decorator.func
    name = decorator.value if isinstance(decorator, cst.Name) else None
    if isinstance(decorator, cst.Attribute) and isinstance(decorator.value, cst.Name):
        name = f"{decorator.value.value}.{decorator.attr.value}"
    return name in _TRANSPARENT


def _is_classmethod(func: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod" for d in func.decorators)


def _only_definition(resolver: "Resolver", name: cst.BaseExpression) -> Optional[cst.CSTNode]:
    """The node a name's only binding is: a FunctionDef, ClassDef, Param, or an assigned value."""
    if not isinstance(name, cst.Name):
        return None
    scope = resolver.scope(name)
    if scope is None:
        return None
    assignments = list(scope[name.value])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return None
    node = assignments[0].node
    if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Param)):
        return node
    parent = resolver.parent(node)
    if isinstance(parent, cst.AssignTarget):
        statement = resolver.parent(parent)
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            return statement.value
    return None


def _class_of_first_param(resolver: "Resolver", param: cst.Param) -> Optional[cst.ClassDef]:
    """`self` (or `cls`) of a method: its class."""
    params = resolver.parent(param)
    func = resolver.parent(params) if params is not None else None
    if not isinstance(func, cst.FunctionDef) or _is_static(func):
        return None
    first = (*func.params.posonly_params, *func.params.params)[:1]
    if not first or first[0] is not param:
        return None
    block = resolver.parent(func)
    cls = resolver.parent(block) if block is not None else None
    return cls if isinstance(cls, cst.ClassDef) else None


class _OwnCalls(OwnScopeVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: List[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        self.found.append(node)


def _own_calls(body: cst.CSTNode) -> List[cst.Call]:
    visitor = _OwnCalls()
    body.visit(visitor)
    return visitor.found


#: where a parameter may appear and still reach the SDK as written: nothing else reads it
_GUARDS = (cst.If, cst.While, cst.IfExp, cst.Assert, cst.BooleanOperation, cst.Comparison,
           cst.UnaryOperation, cst.Subscript, cst.Attribute, cst.Match)  # fmt: skip


#: calls that only show a value (logging): passing a parameter to them changes nothing
_SHOWS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "print"})


def _is_pure_param(resolver: "Resolver", func: cst.FunctionDef, call: cst.Call, expr: cst.BaseExpression,
                   name: str) -> bool:  # fmt: skip
    """`expr` is the parameter `name` of `func`, never rebound, and used nowhere but as an
    argument of `call`, of SDK calls and of logging calls: a guard (`if not name: return`), a
    conversion or a check elsewhere means the SDK may never see the value the caller passed."""
    if not isinstance(expr, cst.Name) or expr.value != name:
        return False
    scope = resolver.scope(expr)
    if scope is None:
        return False
    assignments = list(scope[name])
    if len(assignments) != 1 or not isinstance(assignments[0], Assignment):
        return False
    param = assignments[0].node
    if not isinstance(param, cst.Param) or not _belongs_to(resolver, param, func):
        return False
    for access in assignments[0].references:
        node = access.node
        parent = resolver.parent(node)
        if isinstance(parent, cst.FormattedStringExpression):
            continue  # shown in a message
        if not isinstance(parent, cst.Arg) or parent.value is not node:
            return False
        user = resolver.parent(parent)
        if user is call or (isinstance(user, cst.Call) and _only_shows(resolver, user)):
            continue
        return False
    return True


def _only_shows(resolver: "Resolver", call: cst.Call) -> bool:
    func = call.func
    name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
    return name in _SHOWS or resolver.call_target(call) is not None


def _belongs_to(resolver: "Resolver", param: cst.Param, func: cst.FunctionDef) -> bool:
    params = resolver.parent(param)
    return params is not None and resolver.parent(params) is func


def _reach_class(resolver: "Resolver", reach: Reach) -> Optional[sdk.SdkClass]:
    if reach.sdk_class is not None:
        return sdk.sdk_class(reach.sdk_class)
    return None


def bind_to_wrapper(call: cst.Call, wrapper: Wrapper,
                    resolver: "Resolver") -> Tuple[Dict[str, cst.Arg], Dict[str, cst.Arg], List[cst.Arg]]:  # fmt: skip
    """(wrapper parameter -> the call's argument, extra keywords -> argument, positionals
    beyond the parameters) for a call of the wrapper. `**mapping` arguments with keys the code
    shows count as keywords."""
    from cio_lint.resolve.values import dict_keys

    given: Dict[str, cst.Arg] = {}
    extra: Dict[str, cst.Arg] = {}
    rest: List[cst.Arg] = []
    position = 0
    unknown_positions = False
    for arg in call.args:
        if arg.star == "*":
            position = len(wrapper.params) + 1  # where later positionals land is unknown
            unknown_positions = True
            continue
        if arg.star == "**":
            keys = dict_keys(resolver, arg.value)
            for key, values in (keys or {}).items():
                if len(values) == 1:
                    synthetic = cst.Arg(values[0], keyword=cst.Name(key))
                    _put(key, synthetic, wrapper, given, extra)
            continue
        if arg.keyword is not None:
            _put(arg.keyword.value, arg, wrapper, given, extra)
        elif unknown_positions:
            continue
        elif position < len(wrapper.params):
            given[wrapper.params[position]] = arg
            position += 1
        elif wrapper.var_positional is not None:
            rest.append(arg)
    return given, extra, rest


def _put(keyword: str, arg: cst.Arg, wrapper: Wrapper, given, extra) -> None:
    if keyword in wrapper.params or keyword in wrapper.kwonly:
        given[keyword] = arg
    elif wrapper.var_keyword is not None:
        extra[keyword] = arg


_PER_FILE: "WeakKeyDictionary[Resolver, Wrappers]" = WeakKeyDictionary()


def sdk_calls(resolver: "Resolver", call: cst.Call) -> List["SdkCall"]:
    """The SDK calls `call` makes with the arguments written there: the call itself, or the
    SDK calls a project wrapper it calls passes them to (each with `via`)."""
    direct = resolver.sdk_call(call)
    if direct is not None:
        return [direct]
    finder = _PER_FILE.get(resolver)
    if finder is None:
        finder = _PER_FILE[resolver] = Wrappers(resolver, resolver.module_name)
    return finder.sdk_calls(call)


def module_wrappers(resolver: "Resolver", module: str) -> Dict[str, Any]:
    """name inside the module ("track_event", "Service.track", "service.track") -> the JSON
    of its wrapper, for the module's summary."""
    finder = Wrappers(resolver, module)
    out: Dict[str, Any] = {}
    classes: Dict[str, cst.ClassDef] = {}
    for stmt in resolver.module.body:
        if isinstance(stmt, cst.FunctionDef):
            found = finder.of_function(stmt, finder._qualname(stmt), False)
            if found is not None:
                out[stmt.name.value] = found.to_json()
        elif isinstance(stmt, cst.ClassDef):
            classes[stmt.name.value] = stmt
            for member in stmt.body.body:
                if isinstance(member, cst.FunctionDef):
                    found = finder.of_function(member, finder._qualname(member), not _is_static(member))
                    if found is not None:
                        out[f"{stmt.name.value}.{member.name.value}"] = found.to_json()
    # module-level service objects: `service = Service(...)` offers Service's wrappers
    for stmt in resolver.module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.Assign) or len(small.targets) != 1:
                continue
            target, value = small.targets[0].target, small.value
            if isinstance(target, cst.Name) and isinstance(value, cst.Call) and isinstance(value.func, cst.Name) \
                    and value.func.value in classes:  # fmt: skip
                prefix = value.func.value + "."
                for key in [k for k in out if k.startswith(prefix)]:
                    out[target.value + "." + key[len(prefix):]] = out[key]
    if module and _is_package_init(resolver):
        out.update(_reexports(resolver, module, out))
    return out


def _is_package_init(resolver: "Resolver") -> bool:
    modules = getattr(resolver.index, "index", None)
    return modules is not None and modules.is_package(resolver.module_name)


def _reexports(resolver: "Resolver", module: str, own: Mapping[str, Any]) -> Dict[str, Any]:
    """A package's `from .cio import track_event`: {"track_event": {"ref": "shop.cio.track_event"}},
    followed when read (Summaries.wrapper); whether it is a wrapper is decided there."""
    modules = getattr(resolver.index, "index", None)
    out: Dict[str, Any] = {}
    for stmt in resolver.module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            source = "." * len(small.relative) + (_dotted(small.module) if small.module is not None else "")
            base = modules.absolute(source, module)
            if not base or not modules.is_project_name(base):
                continue
            for alias in small.names:
                name = _dotted(alias.name)
                bound = alias.asname.name.value if alias.asname is not None and \
                    isinstance(alias.asname.name, cst.Name) else name  # fmt: skip
                if name and "." not in bound and bound not in own:
                    out[bound] = {"ref": f"{base}.{name}"}
    return out


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
