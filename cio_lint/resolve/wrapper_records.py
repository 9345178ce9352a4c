"""A wrapper as plain data: which of a project function's parameters reach which SDK call
(cio_lint.resolve.wrappers finds them with LibCST), and how wrappers compose across modules.

Module summaries carry wrappers as JSON (`ModuleSummary.wrappers`); reading them back and
following their refs (cio_lint.resolve.summaries) needs no LibCST, so a run answered from the
on-disk cache never imports it (README "Performance").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from cio_lint.project import summary

#: wrappers of wrappers deeper than this are not followed (real chains are 1 to 3 deep)
MAX_DEPTH = 8


@dataclass(frozen=True)
class Reach:
    """One SDK call a wrapper's parameters reach."""

    method: str  # the SDK method ("" for a constructor)
    #: (SDK parameter or keyword, wrapper parameter) for each parameter passed on as it is
    bind: Tuple[Tuple[str, str], ...] = ()
    forwards_kwargs: bool = False  # the wrapper's **kwargs is splatted into the call
    sdk_class: Optional[str] = None  # the SDK class's qualified name, when known here
    #: the receiver is a name of another module ("shop.cio.client") with summary steps
    receiver_ref: Optional[str] = None
    receiver_ops: Tuple[tuple, ...] = ()
    via: Tuple[str, ...] = ()  # the wrappers crossed, outermost first

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"method": self.method, "bind": [list(b) for b in self.bind]}
        if self.forwards_kwargs:
            out["forwards_kwargs"] = True
        if self.sdk_class:
            out["sdk_class"] = self.sdk_class
        if self.receiver_ref:
            out["receiver_ref"] = self.receiver_ref
            out["receiver_ops"] = [summary._op_to_json(op) for op in self.receiver_ops]
        if self.via:
            out["via"] = list(self.via)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Reach":
        ops = tuple(summary._op_from_json(op) for op in data.get("receiver_ops", ()))
        return cls(
            method=str(data["method"]),
            bind=tuple((str(a), str(b)) for a, b in data.get("bind", ())),
            forwards_kwargs=bool(data.get("forwards_kwargs", False)),
            sdk_class=data.get("sdk_class"),
            receiver_ref=data.get("receiver_ref"),
            receiver_ops=ops,
            via=tuple(str(v) for v in data.get("via", ())),
        )


@dataclass(frozen=True)
class CallsWrapper:
    """A call, in a wrapper's body, of another module's wrapper (followed on demand)."""

    ref: str  # "shop.cio.track_event"
    bind: Tuple[Tuple[str, str], ...] = ()  # (the inner wrapper's parameter, this wrapper's)
    forwards_kwargs: bool = False

    def to_json(self) -> Dict[str, Any]:
        return {"ref": self.ref, "bind": [list(b) for b in self.bind], "forwards_kwargs": self.forwards_kwargs}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "CallsWrapper":
        return cls(str(data["ref"]), tuple((str(a), str(b)) for a, b in data.get("bind", ())),
                   bool(data.get("forwards_kwargs", False)))  # fmt: skip


@dataclass(frozen=True)
class Wrapper:
    name: str  # qualified: "shop.cio.track_event", "shop.cio.Service.track"
    params: Tuple[str, ...]  # positional-or-keyword parameters, without self / cls
    kwonly: Tuple[str, ...] = ()
    var_keyword: Optional[str] = None
    reaches: Tuple[Reach, ...] = ()
    calls: Tuple[CallsWrapper, ...] = ()
    #: its *args: a bind ("*<n>", "*") says they fill the SDK call's positions from n on
    var_positional: Optional[str] = None

    def to_json(self) -> Dict[str, Any]:
        return {
            "name": self.name,
            "params": list(self.params),
            "kwonly": list(self.kwonly),
            "var_keyword": self.var_keyword,
            "var_positional": self.var_positional,
            "reaches": [r.to_json() for r in self.reaches],
            "calls": [c.to_json() for c in self.calls],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Wrapper":
        return cls(
            name=str(data["name"]),
            params=tuple(str(p) for p in data["params"]),
            kwonly=tuple(str(p) for p in data.get("kwonly", ())),
            var_keyword=data.get("var_keyword"),
            var_positional=data.get("var_positional"),
            reaches=tuple(Reach.from_json(r) for r in data.get("reaches", ())),
            calls=tuple(CallsWrapper.from_json(c) for c in data.get("calls", ())),
        )


# ---------------------------------------------------------------------------------------------
# Composition and refs


def _to_inner(inner: Wrapper, bind: Dict[str, str]) -> Dict[str, str]:
    """inner parameter -> outer parameter, from the slots of the call of `inner`."""
    mapped = {}
    for slot, param in bind.items():
        if param == "*":  # the outer *args passed on where the inner's *args begin
            if inner.var_positional is not None and int(slot[1:]) == len(inner.params):
                mapped["*"] = "*"
            continue
        if slot.startswith("#"):
            position = int(slot[1:])
            if position < len(inner.params):
                mapped[inner.params[position]] = param
        elif slot in inner.params or slot in inner.kwonly:
            mapped[slot] = param
    return mapped


def compose(inner: Wrapper, bind: Dict[str, str], forwards: bool, outer: str) -> Iterator[Reach]:
    """The reaches of `outer`, which calls `inner` passing its own parameters (`bind`: slot
    of the inner call -> outer parameter) and perhaps its **kwargs."""
    inner_params = _to_inner(inner, bind)
    for reach in inner.reaches:
        mapped = tuple((slot, inner_params[p]) for slot, p in reach.bind if p in inner_params)
        carries = forwards and reach.forwards_kwargs
        if mapped or carries:
            yield replace(reach, bind=mapped, forwards_kwargs=carries, via=(outer, *reach.via))


def compose_calls(inner: Wrapper, bind: Dict[str, str], forwards: bool) -> Iterator[CallsWrapper]:
    """`inner`'s calls of other modules' wrappers, seen from its caller."""
    inner_params = _to_inner(inner, bind)
    for calls in inner.calls:
        mapped = tuple((slot, inner_params[p]) for slot, p in calls.bind if p in inner_params)
        carries = forwards and calls.forwards_kwargs
        if mapped or carries:
            yield CallsWrapper(calls.ref, mapped, carries)


def resolve_ref(index, ref: str, depth: int = 0) -> Optional[Wrapper]:
    """Another module's wrapper, through its summary, with its own refs followed."""
    finder = getattr(index, "wrapper", None)
    if finder is None or depth > MAX_DEPTH:
        return None
    return finder(ref, depth)


def expand(index, wrapper: Wrapper, depth: int = 0) -> Iterator[Reach]:
    """The wrapper's reaches with refs followed: a call of another module's wrapper becomes
    that wrapper's reaches. (A receiver taken from another module got its SDK class when the
    wrapper was read from its summary: Summaries.wrapper; one still unknown is left out.)"""
    for reach in wrapper.reaches:
        if reach.sdk_class is not None:
            yield reach
    for calls in wrapper.calls:
        inner = resolve_ref(index, calls.ref, depth + 1)
        if inner is None:
            continue
        inner = replace(inner, reaches=tuple(expand(index, inner, depth + 1)), calls=())
        yield from compose(inner, dict(calls.bind), calls.forwards_kwargs, wrapper.name)
