"""Module summaries: what one project module offers the others, as plain data.

Another module needs little from a project module: which of its top-level names are SDK
classes (the SDK's own, re-exported, or a project subclass), clients (instances), request
objects, the CDP module, client factories, and which names it takes from elsewhere. A
`ModuleSummary` says exactly that and nothing else, so it can be kept, compared and written to
the on-disk cache as JSON.

A summary depends on its module's own bytes only (and on its name and whether the project
shadows the SDK). What a module takes from another project module is not looked up when the
summary is made: it is an entry of kind `ref` naming the other module's name, with the steps
applied to it (`client = get_client()` is `ref shop.cio.get_client`, then `call`). Whoever
reads summaries follows refs at lookup time (cio_lint.resolve.summaries). So a summary never
goes stale because another module changed, import cycles need no special order, and the cache
keys a summary by the module's content alone.

Room to grow: `wrappers` holds project functions whose parameters reach SDK arguments (the
value-flow work); its entries are plain JSON objects owned by that work. Readers that do not
know an entry's shape ignore it. Bump FORMAT when the meaning of a field changes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple

#: the version of the summary's shape (part of every cache key)
FORMAT = 2  # 2: `wrappers` is filled (cio_lint.resolve.wrappers)

# Entry kinds: the same words as cio_lint.resolve's SdkValue kinds, plus REF.
CLASS = "class"
INSTANCE = "instance"
MODULE = "module"
FACTORY = "factory"
REF = "ref"

# Steps applied to what a REF resolves to, in order (each a tuple, the step's name first):
#: ("call",): the name is called: a class gives an instance, a factory what it returns
CALL = "call"
#: ("annotation",): the name annotates a value: a class gives an instance
ANNOTATION = "annotation"
#: ("factory",): a function returns it: an instance gives a factory of that class
RETURNED = "factory"
#: ("subclass", init_params or None, own_methods): a project class derives from it
SUBCLASS = "subclass"


@dataclass(frozen=True)
class Entry:
    """One top-level name of a summarised module."""

    kind: str  # CLASS, INSTANCE, MODULE, FACTORY or REF
    #: CLASS/INSTANCE/FACTORY: the SDK class's qualified name ("customerio.CustomerIO")
    sdk_class: Optional[str] = None
    #: MODULE: the module's qualified name
    module: Optional[str] = None
    #: a project subclass: the parameters of its own __init__ (None: the SDK's)
    init_params: Optional[Tuple[str, ...]] = None
    #: a project subclass: the methods it defines itself
    own_methods: Tuple[str, ...] = ()
    #: REF: the absolute qualified name this value comes from ("shop.cio.client")
    ref: Optional[str] = None
    #: REF: the steps applied to what `ref` resolves to
    ops: Tuple[tuple, ...] = ()

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"kind": self.kind}
        for key in ("sdk_class", "module", "ref"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.init_params is not None:
            out["init_params"] = list(self.init_params)
        if self.own_methods:
            out["own_methods"] = list(self.own_methods)
        if self.ops:
            out["ops"] = [_op_to_json(op) for op in self.ops]
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Entry":
        init = data.get("init_params")
        return cls(
            kind=str(data["kind"]),
            sdk_class=_opt_str(data.get("sdk_class")),
            module=_opt_str(data.get("module")),
            init_params=tuple(str(p) for p in init) if init is not None else None,
            own_methods=tuple(str(m) for m in data.get("own_methods", ())),
            ref=_opt_str(data.get("ref")),
            ops=tuple(_op_from_json(op) for op in data.get("ops", ())),
        )


def _opt_str(value: Any) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _op_to_json(op: tuple) -> list:
    if op[0] == SUBCLASS:
        _, init, own = op
        return [SUBCLASS, list(init) if init is not None else None, list(own)]
    return [op[0]]


def _op_from_json(data: Any) -> tuple:
    if not isinstance(data, list) or not data or data[0] not in (CALL, ANNOTATION, RETURNED, SUBCLASS):
        raise ValueError(f"not a summary step: {data!r}")
    if data[0] == SUBCLASS:
        init = tuple(str(p) for p in data[1]) if data[1] is not None else None
        return (SUBCLASS, init, tuple(str(m) for m in data[2]))
    return (data[0],)


@dataclass(frozen=True)
class ModuleSummary:
    """What a module offers other modules: its top-level names that may be SDK values."""

    names: Mapping[str, Entry] = field(default_factory=dict)
    #: reserved for the value-flow work: function name -> a JSON object describing which of
    #: its parameters reach which SDK argument (see the module docstring)
    wrappers: Mapping[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.names or self.wrappers)

    def to_json(self) -> Dict[str, Any]:
        return {
            "names": {name: entry.to_json() for name, entry in sorted(self.names.items())},
            "wrappers": dict(sorted(self.wrappers.items())),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "ModuleSummary":
        """The summary `data` describes; ValueError (or KeyError/TypeError) when it is not one."""
        names = {str(name): Entry.from_json(entry) for name, entry in data["names"].items()}
        wrappers = data.get("wrappers", {})
        if not isinstance(wrappers, dict):
            raise ValueError("wrappers is not an object")
        return cls(names, wrappers)

    @property
    def digest(self) -> str:
        """A short stable fingerprint of the summary (cache keys of the files that read it)."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:20]


EMPTY = ModuleSummary()
