"""What the code sends to Customer.io: events, their properties, person attributes and
transactional messages, each with its locations and, where the code shows it, its type.

Two layers, so the result can be cached and compared:
- per file: `collector()` visits one parsed file with the resolver (only real SDK calls
  count; Segment, Mixpanel and local classes named CustomerIO never do) and produces plain
  JSON-able data (`FILE_FORMAT`): a pure function of the file's bytes, the settings and the
  summaries of the project modules it imports, so it can be cached by content hash;
- per project: `ProjectInventory` aggregates the files' data; the project-level rules
  (CIO503, CIO504), the `inventory` command and `--write-plan` read it.

`sends(resolver, call)` is the one place that says what an SDK call sends; the tracking-plan
rules use it directly on the nodes they report.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from cio_lint import sdk
# The kinds of send and the types of value live in cio_lint/sends.py (shared with the plan).
from cio_lint.sends import (  # noqa: F401 - the inventory's vocabulary, re-exported
    ARRAY, BOOLEAN, DATE_STRING, EVENT, FAMILY, FLOAT, INTEGER, KINDS, MESSAGE, NULL, OBJECT, PAGE,
    PERSON, SCREEN, STRING, TIMESTAMP, TYPES, UNKNOWN, variant_key,
)

if TYPE_CHECKING:
    import libcst as cst

    from cio_lint.resolve import Resolver

#: Bumped whenever the per-file data changes shape (it is part of a cache key).
FILE_FORMAT = 1

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
#: Integers read as epoch seconds: 10 digits (2001-09-09 to 2286). Milliseconds are CIO201's.
EPOCH_SECONDS = (1_000_000_000, 10_000_000_000)

Position = Tuple[int, int, int, int]  # line, column (1-based), end_line, end_column


# ---------------------------------------------------------------------------------------------
# What one call sends


@dataclass
class Field:
    """One key the call sends (a property, an attribute, a message_data key)."""

    key: str
    key_node: "cst.CSTNode"  # where the key is written (a keyword's name, a dict key)
    value: Optional["cst.BaseExpression"]
    type: str  # one of TYPES or UNKNOWN


@dataclass
class Send:
    """What one SDK call sends, as far as the code shows it."""

    kind: str
    call: str  # "track", "cdp.track", "SendEmailRequest"...
    node: "cst.Call"
    name_node: Optional["cst.BaseExpression"] = None  # event / page name, message id
    name: object = None  # its literal value (str; int or str for a message id); None: unknown
    fields: List[Field] = field(default_factory=list)
    #: more keys may be sent than `fields` lists (**kwargs, a dict built elsewhere)
    open: bool = False


def sends(resolver: "Resolver", call: "cst.Call") -> Optional[Send]:
    """What `call` sends to Customer.io, or None when it is not a call that sends data."""
    from cio_lint.resolve import CDP_CALL, CONSTRUCT, METHOD

    target = resolver.sdk_call(call)
    if target is None:
        return None
    if target.kind == METHOD and target.method is not None and target.role == sdk.TRACK:
        name = target.method.name
        if name in sdk.EVENT_METHODS:
            return _track_event(resolver, call, target, name)
        if name in sdk.PERSON_METHODS:
            return _identify(resolver, call, target, name)
        return None
    if target.kind == CDP_CALL and target.target.name in sdk.CDP_SENDS:
        return _cdp(resolver, call, target.target.name)
    if target.kind == CONSTRUCT and target.role == sdk.REQUEST and target.args is not None:
        return _message(resolver, call, target)
    return None


def _track_event(resolver, call, target, name) -> Send:
    send = Send(EVENT, name, call)
    send.name_node = target.arg(target.method.event_name)
    send.name = _string(resolver, send.name_node)
    shape_params = target.shape.params if target.shape else ()
    if target.args is None:
        send.open = True
        return send
    # The author's properties either way: keywords (2.x, and what 3.x rejects, CIO601) and
    # the `data=` dict (3.x; on 2.x the same dict is nested under `data`, also CIO601's).
    for keyword, arg in target.args.extra_keywords.items():
        send.fields.append(Field(keyword, arg.keyword, arg.value, value_type(resolver, arg.value)))
    data = target.args.params.get("data") if "data" in shape_params else target.args.extra_keywords.get("data")
    if data is not None:
        send.fields = [f for f in send.fields if f.key != "data"]
        _dict_fields(resolver, data.value, send, cdp=False)
    send.open = send.open or target.args.dynamic
    return send


def _identify(resolver, call, target, name) -> Send:
    send = Send(PERSON, name, call)
    if target.args is None:
        send.open = True
        return send
    for keyword, arg in target.args.extra_keywords.items():
        send.fields.append(Field(keyword, arg.keyword, arg.value, value_type(resolver, arg.value)))
    for arg in call.args:
        if arg.star == "**":  # identify(id, **{"plan": "pro"}) or **attrs
            _dict_fields(resolver, arg.value, send, cdp=False)
    send.open = send.open or any(a.star == "*" for a in call.args)
    return send


def _cdp(resolver, call, function) -> Optional[Send]:
    kind, name_param, fields_param = sdk.CDP_SENDS[function]
    params = sdk.CDP_PARAMS[function]
    args = _cdp_args(call, params)
    if args is None:
        return None
    send = Send(kind, f"cdp.{function}", call)
    if name_param is not None:
        send.name_node = args.get(name_param)
        send.name = _string(resolver, send.name_node)
    value = args.get(fields_param)
    if value is not None:
        _dict_fields(resolver, value, send, cdp=True)
    return send


def _cdp_args(call, params: Sequence[str]) -> Optional[Dict[str, "cst.BaseExpression"]]:
    """The CDP proxy's `*args, **kwargs` bound to the client method's parameters (None when
    a `*args`/`**kwargs` at the call hides where they go)."""
    bound: Dict[str, "cst.BaseExpression"] = {}
    position = 0
    for arg in call.args:
        if arg.star:
            return None
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
        else:
            if position < len(params):
                bound[params[position]] = arg.value
            position += 1
    return bound


def _message(resolver, call, target) -> Send:
    send = Send(MESSAGE, target.target.sdk_class.name, call)
    send.name_node = target.arg("transactional_message_id")
    if send.name_node is not None:
        literal = resolver.literal(send.name_node)
        if literal is not None and isinstance(literal.value, (str, int)) and not isinstance(literal.value, bool):
            send.name = literal.value
    data = target.arg("message_data")
    if data is not None:
        _dict_fields(resolver, data, send, cdp=False)
    else:
        # `request.message_data = {...}` after construction: what is sent is not here
        send.open = _assigns_attribute(resolver, "message_data")
    send.open = send.open or target.args.dynamic
    return send


def _dict_fields(resolver, expr, send: Send, cdp: bool) -> None:
    """The keys and value types of a dict literal (directly or through a name bound once to
    one); anything else leaves the send open."""
    import libcst as cst

    expr = resolver.bound_expression(expr)
    if isinstance(expr, cst.Call) and _is_builtin_call(resolver, expr, "dict"):
        for arg in expr.args:
            if arg.keyword is not None:
                send.fields.append(Field(arg.keyword.value, arg.keyword, arg.value,
                                         value_type(resolver, arg.value, cdp)))  # fmt: skip
            else:
                send.open = True
        return
    if not isinstance(expr, cst.Dict):
        if not _is_none(expr):
            send.open = True
        return
    for element in expr.elements:
        if not isinstance(element, cst.DictElement):
            send.open = True  # **other
            continue
        key = resolver.literal(element.key)
        if key is None or not isinstance(key.value, str):
            send.open = True
            continue
        send.fields.append(Field(key.value, element.key, element.value, value_type(resolver, element.value, cdp)))


def _string(resolver, expr) -> Optional[str]:
    if expr is None:
        return None
    literal = resolver.literal(expr)
    return literal.value if literal is not None and isinstance(literal.value, str) else None


def _is_none(expr) -> bool:
    import libcst as cst

    return isinstance(expr, cst.Name) and expr.value == "None"


def _assigns_attribute(resolver, attr: str) -> bool:
    """Does the module assign `<something>.<attr> = ...` anywhere? (rare: only asked for a
    request built without message_data). Read from the parent map the resolver already has
    (every node of the module): no walk of the tree, and not libcst.matchers, whose import
    (a generated module) costs about 0.2 s."""
    import libcst as cst
    from libcst.metadata import ParentNodeProvider

    return any(isinstance(node, cst.AssignTarget) and isinstance(node.target, cst.Attribute)
               and node.target.attr.value == attr
               for node in resolver.wrapper.resolve(ParentNodeProvider))  # fmt: skip


# ---------------------------------------------------------------------------------------------
# What type a value has, where the code shows it


def value_type(resolver: "Resolver", expr: Optional["cst.BaseExpression"], cdp: bool = False, _depth: int = 0) -> str:
    """The JSON type `expr` reaches the API as: one of TYPES, or UNKNOWN.

    Datetimes are converted by the libraries: the Track SDK sends epoch seconds, the CDP
    library an ISO string (sdk.DATETIME_WIRE_TYPES)."""
    import libcst as cst

    if expr is None or _depth > 5:
        return UNKNOWN
    literal = resolver.literal(expr)
    if literal is not None:
        return _literal_type(literal.value)
    if isinstance(expr, (cst.FormattedString,)):
        return STRING
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        return STRING  # a bytes or odd-prefix literal the resolver does not evaluate
    if isinstance(expr, cst.Dict) or isinstance(expr, cst.DictComp):
        return OBJECT
    if isinstance(expr, (cst.List, cst.Tuple, cst.ListComp)):
        return ARRAY
    if isinstance(expr, cst.Comparison) or (
        isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Not)
    ):
        return BOOLEAN
    if isinstance(expr, cst.Call):
        return _call_type(resolver, expr, cdp, _depth)
    if isinstance(expr, cst.BinaryOperation):
        return _binary_type(resolver, expr, cdp, _depth)
    if isinstance(expr, cst.Name):
        bound = resolver.bound_expression(expr)
        if bound is not expr:
            return value_type(resolver, bound, cdp, _depth + 1)
    return UNKNOWN


def _literal_type(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int):
        return TIMESTAMP if EPOCH_SECONDS[0] <= value < EPOCH_SECONDS[1] else INTEGER
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, str):
        return DATE_STRING if _ISO_DATE.fullmatch(value.strip()) else STRING
    return UNKNOWN


def _call_type(resolver, call, cdp: bool, depth: int) -> str:
    import libcst as cst

    func = call.func
    names = resolver.qualified_names(func)
    if names & sdk.EPOCH_CALLS:
        return TIMESTAMP
    if names & sdk.DATETIME_CALLS:
        return sdk.DATETIME_WIRE_TYPES["cdp" if cdp else "track"]
    if isinstance(func, cst.Name) and _is_builtin(resolver, func):
        converted = _BUILTIN_RESULTS.get(func.value)
        if func.value == "int" and call.args and value_type(resolver, call.args[0].value, cdp, depth + 1) == TIMESTAMP:
            return TIMESTAMP  # int(time.time())
        if converted is not None:
            return converted
    if isinstance(func, cst.Attribute):
        method = func.attr.value
        if method == "timestamp" and not call.args:
            return TIMESTAMP  # datetime.timestamp(): epoch seconds
        if method == "isoformat":
            return DATE_STRING
        if method in _STRING_METHODS and value_type(resolver, func.value, cdp, depth + 1) in (STRING, DATE_STRING):
            return STRING
        if method == "strftime":
            return STRING
    return UNKNOWN


def _binary_type(resolver, expr, cdp: bool, depth: int) -> str:
    import libcst as cst

    left = value_type(resolver, expr.left, cdp, depth + 1)
    if isinstance(expr.operator, cst.Modulo) and left in (STRING, DATE_STRING):
        return STRING  # "%s" % x
    right = value_type(resolver, expr.right, cdp, depth + 1)
    if UNKNOWN in (left, right):
        return UNKNOWN
    if isinstance(expr.operator, cst.Add) and {left, right} <= {STRING, DATE_STRING}:
        return STRING
    numbers = {left, right}
    if not numbers <= {INTEGER, FLOAT, TIMESTAMP}:
        return UNKNOWN
    if TIMESTAMP in numbers and isinstance(expr.operator, (cst.Add, cst.Subtract)) and numbers != {TIMESTAMP}:
        return TIMESTAMP  # int(time.time()) + 14 * 86400: still a point in time
    if isinstance(expr.operator, cst.Divide) or FLOAT in numbers:
        return FLOAT
    return INTEGER if numbers == {INTEGER} else UNKNOWN  # timestamp - timestamp, x * 1000: CIO201's


#: builtins whose result type does not depend on the argument
_BUILTIN_RESULTS = {"str": STRING, "repr": STRING, "int": INTEGER, "float": FLOAT, "bool": BOOLEAN,
                    "len": INTEGER, "dict": OBJECT, "list": ARRAY, "sorted": ARRAY}  # fmt: skip
_STRING_METHODS = ("format", "upper", "lower", "strip", "title", "capitalize", "replace", "join")


def _is_builtin(resolver, name) -> bool:
    from libcst.metadata import Assignment

    scope = resolver.scope(name)
    return scope is None or not any(isinstance(a, Assignment) for a in scope[name.value])


def _is_builtin_call(resolver, call, name: str) -> bool:
    import libcst as cst

    return isinstance(call.func, cst.Name) and call.func.value == name and _is_builtin(resolver, call.func)


# ---------------------------------------------------------------------------------------------
# One file -> plain data


def empty_file_inventory() -> dict:
    return {"format": FILE_FORMAT, "sends": []}


def send_record(send: Send, position) -> dict:
    """A send as plain data (positions as [line, column, end_line, end_column], 1-based)."""
    record = {
        "kind": send.kind,
        "call": send.call,
        "name": send.name,
        "at": _where(position, send.name_node if send.name_node is not None else send.node),
        "call_at": _where(position, send.node),
        "fields": [
            {"key": f.key, "type": f.type, "at": _where(position, f.key_node),
             "value_at": _where(position, f.value) if f.value is not None else None}
            for f in send.fields
        ],  # fmt: skip
        "open": send.open,
    }
    if send.name_node is not None and send.name is None:
        record["dynamic_name"] = True
    return record


def _where(position, node) -> List[int]:
    pos = position(node)
    return [pos.start.line, pos.start.column + 1, pos.end.line, pos.end.column + 1]


def _visitor_base():
    import libcst as cst

    return cst.BatchableCSTVisitor


_COLLECTOR: list = []  # the collector class, made once LibCST is imported


def collector(context):
    """A batched visitor recording what each SDK call of the file sends."""
    if not _COLLECTOR:
        _COLLECTOR.append(_collector_class())
    return _COLLECTOR[0](context)


def _collector_class():
    """One class for every file (LibCST is imported lazily, so it is made on first use). A
    class made per file, closing over that file's context, lived on in the engine's cache of
    visitor methods (keyed by class) and kept every checked file's tree alive."""
    base = _visitor_base()

    class _Collector(base):
        # (`failure` is the rules' protocol with the engine: a collector never has one)
        failure = None

        def __init__(self, context) -> None:
            super().__init__()
            self.context = context
            self.error: Optional[BaseException] = None
            self.found: List[Send] = []

        def visit_Call(self, node) -> None:
            if self.error is not None:
                return
            try:
                found = sends(self.context.resolver, node)
            except RecursionError:
                raise
            except Exception as exc:  # a bug here must not cost the file its findings
                self.error = exc
                return
            if found is not None:
                self.found.append(found)

        def result(self) -> dict:
            if self.error is not None:  # said in the data, so the inventory shows the gap
                return {**empty_file_inventory(), "error": f"{type(self.error).__name__}: {self.error}"}
            if not self.found:
                return empty_file_inventory()
            return {"format": FILE_FORMAT, "sends": [send_record(s, self.context.position) for s in self.found]}

    return _Collector


class InventorySink:
    """Where the engine leaves a file's inventory (when asked for one)."""

    def __init__(self) -> None:
        self.data: dict = empty_file_inventory()


# ---------------------------------------------------------------------------------------------
# The project


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"

    @classmethod
    def of(cls, path: str, at: Sequence[int]) -> "Location":
        return cls(path, *at)


@dataclass
class FieldUse:
    key: str
    type: str
    at: Location  # the key
    value_at: Optional[Location]


@dataclass
class SendUse:
    """One send in one file (a record of the file inventory, with its path)."""

    path: str
    kind: str
    call: str
    name: object
    at: Location
    call_at: Location
    fields: List[FieldUse]
    open: bool
    dynamic_name: bool = False


class ProjectInventory:
    """Every file's sends, and the views the rules and reports need."""

    def __init__(self, files: Optional[Mapping[str, dict]] = None) -> None:
        self.files: Dict[str, dict] = {}
        self._uses: List[SendUse] = []
        self._sorted = True
        for path, data in (files or {}).items():
            self.add(path, data)

    @property
    def uses(self) -> List[SendUse]:
        """Every send, in path and line order."""
        if not self._sorted:
            self._uses.sort(key=lambda u: (u.at.path, u.at.line, u.at.column))
            self._sorted = True
        return self._uses

    def add(self, path: str, data: dict) -> None:
        self.files[path] = data
        if data.get("sends"):
            self._sorted = False
        for record in data.get("sends", ()):
            self._uses.append(SendUse(
                path, record["kind"], record["call"], record["name"],
                Location.of(path, record["at"]), Location.of(path, record["call_at"]),
                [FieldUse(f["key"], f["type"], Location.of(path, f["at"]),
                          Location.of(path, f["value_at"]) if f.get("value_at") else None)
                 for f in record["fields"]],
                record["open"], bool(record.get("dynamic_name")),
            ))  # fmt: skip

    def of_kind(self, *kinds: str) -> List[SendUse]:
        return [u for u in self.uses if u.kind in kinds]

    # -- views ------------------------------------------------------------------------------

    def named(self, kind: str) -> Dict[str, List[SendUse]]:
        """name -> its sends, for events, pages or screens with a literal name."""
        return _by_name(u for u in self.of_kind(kind) if isinstance(u.name, str))

    def properties(self, kind: str, name: str) -> Dict[str, List[FieldUse]]:
        return _fields_by_key(u for u in self.of_kind(kind) if u.name == name)

    def attributes(self) -> Dict[str, List[FieldUse]]:
        return _fields_by_key(self.of_kind(PERSON))

    def messages(self) -> Dict[object, List[SendUse]]:
        return _by_name(u for u in self.of_kind(MESSAGE) if u.name is not None)

    def unresolved(self) -> Dict[str, int]:
        """What the code does not show: names, field sets and values that are dynamic."""
        return {
            "dynamic names": sum(1 for u in self.uses if u.dynamic_name or (u.kind == MESSAGE and u.name is None)),
            "open field sets": sum(1 for u in self.uses if u.open),
            "values of unknown type": sum(1 for u in self.uses for f in u.fields if f.type == UNKNOWN),
        }

    # -- plain data -------------------------------------------------------------------------

    def to_dict(self) -> dict:
        def loc(where: Location) -> str:
            return f"{where.path}:{where.line}:{where.column}"

        def fields(groups: Mapping[str, List[FieldUse]]) -> List[dict]:
            return [{"name": key, "types": summarize_types(f.type for f in uses),
                     "locations": [loc(f.at) for f in uses]}
                    for key, uses in sorted(groups.items())]  # fmt: skip

        out = {"files": len(self.files), "events": [], "pages": [], "screens": [], "attributes": [],
               "messages": [], "unresolved": self.unresolved()}  # fmt: skip
        for kind, section in ((EVENT, "events"), (PAGE, "pages"), (SCREEN, "screens")):
            for name, uses in sorted(self.named(kind).items()):
                out[section].append({
                    "name": name, "calls": sorted({u.call for u in uses}),
                    "locations": [loc(u.at) for u in uses],
                    "properties": fields(self.properties(kind, name)),
                    "open": any(u.open for u in uses),
                })  # fmt: skip
        out["attributes"] = fields(self.attributes())
        for message_id, uses in sorted(self.messages().items(), key=lambda kv: str(kv[0])):
            keys = _fields_by_key(uses)
            out["messages"].append({
                "id": message_id, "requests": sorted({u.call for u in uses}),
                "locations": [loc(u.at) for u in uses], "message_data": fields(keys),
                "open": any(u.open for u in uses),
            })  # fmt: skip
        return out


def _by_name(uses: Iterable[SendUse]) -> Dict[object, List[SendUse]]:
    """name -> its sends, in the order found."""
    out: Dict[object, List[SendUse]] = {}
    for use in uses:
        out.setdefault(use.name, []).append(use)
    return out


def _fields_by_key(uses: Iterable[SendUse]) -> Dict[str, List[FieldUse]]:
    """key -> every field sent under it by `uses`, in the order found (the one grouping the
    property, attribute and message_data views share)."""
    out: Dict[str, List[FieldUse]] = {}
    for use in uses:
        for f in use.fields:
            out.setdefault(f.key, []).append(f)
    return out


def summarize_types(types: Iterable[str]) -> List[str]:
    """The distinct known types, in TYPES order (UNKNOWN last, when it is the only one)."""
    seen = set(types)
    known = [t for t in TYPES if t in seen]
    return known or ([UNKNOWN] if UNKNOWN in seen else [])


# ---------------------------------------------------------------------------------------------
# Reports


def rows(inventory: ProjectInventory) -> Iterator[dict]:
    """One row per name/field and location: what csv writes and the tables group."""
    for use in inventory.uses:
        name = "" if use.name is None else str(use.name)
        base = {"kind": use.kind, "name": name, "call": use.call, "path": use.at.path}
        if use.kind == PERSON or not use.fields:
            if use.kind != PERSON:
                yield {**base, "field": "", "type": "", "line": use.at.line, "column": use.at.column}
        for f in use.fields:
            yield {**base, "field": f.key, "type": f.type, "line": f.at.line, "column": f.at.column}


CSV_COLUMNS = ("kind", "name", "field", "type", "call", "path", "line", "column")


def render(inventory: ProjectInventory, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(inventory.to_dict(), indent=2, sort_keys=False) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows(inventory):
            writer.writerow(row)
        return buffer.getvalue()
    if fmt == "markdown":
        return _markdown(inventory.to_dict())
    return _table(inventory.to_dict())


def _types(entry: dict) -> str:
    return "/".join(entry["types"]) or UNKNOWN


def _sections(data: dict):
    """(title, [(name, detail, types, locations)]) for each part of the inventory."""
    for key, title in (("events", "Events"), ("pages", "Pages (CDP page)"), ("screens", "Screens (CDP screen)")):
        entries = []
        for event in data[key]:
            extra = " (+ keys the code does not show)" if event["open"] else ""
            name = event["name"] if event["name"].strip() else repr(event["name"])  # '' / ' ' shown as such
            entries.append((name, "", ", ".join(event["calls"]) + extra, event["locations"]))
            entries.extend((name, p["name"], _types(p), p["locations"]) for p in event["properties"])
        yield title, entries
    yield "Person attributes", [("", a["name"], _types(a), a["locations"]) for a in data["attributes"]]
    entries = []
    for message in data["messages"]:
        extra = " (+ keys the code does not show)" if message["open"] else ""
        entries.append((str(message["id"]), "", ", ".join(message["requests"]) + extra, message["locations"]))
        entries.extend((str(message["id"]), k["name"], _types(k), k["locations"]) for k in message["message_data"])
    yield "Transactional messages (message_data keys)", entries


def _locations(locations: Sequence[str], limit: int = 3) -> str:
    shown = ", ".join(locations[:limit])
    return shown + (f" (+{len(locations) - limit} more)" if len(locations) > limit else "")


def _footer(data: dict) -> str:
    """The last line of the table and the Markdown: how much was read, what was not shown."""
    return (f"{data['files']} files; not shown by the code: "
            + ", ".join(f"{n} {what}" for what, n in data["unresolved"].items()))  # fmt: skip


def _table(data: dict) -> str:
    out: List[str] = []
    for title, entries in _sections(data):
        if not entries:
            continue
        out.append(f"{title}")
        name_w = max(len(e[0]) for e in entries)
        field_w = max([len(e[1]) for e in entries] + [0])
        type_w = max(len(e[2]) for e in entries)
        for name, detail, types, locations in entries:
            if detail:
                out.append(f"  {'':<{name_w}}  .{detail:<{field_w}}  {types:<{type_w}}  {_locations(locations)}")
            else:
                out.append(f"  {name:<{name_w}}   {'':<{field_w}}  {types:<{type_w}}  {_locations(locations)}")
        out.append("")
    out.append(_footer(data))
    return "\n".join(out) + "\n"


def _markdown(data: dict) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    out: List[str] = []
    for title, entries in _sections(data):
        if not entries:
            continue
        out += [f"## {title}", "", "| name | key | type | locations |", "|---|---|---|---|"]
        for name, detail, types, locations in entries:
            where = "<br>".join(f"`{cell(loc)}`" for loc in locations)
            name_cell = f"`{cell(name)}`" if name else ""
            key_cell = f"`{cell(detail)}`" if detail else ""
            out.append(f"| {name_cell} | {key_cell} | {cell(types)} | {where} |")
        out.append("")
    out.append(_footer(data))
    return "\n".join(out) + "\n"
