"""The tracking plan: the events, properties, person attributes and transactional messages a
project means to send, in a TOML file (`tracking-plan = "cio-plan.toml"` in [tool.cio-lint])
or inline in [tool.cio-lint] itself.

```toml
[events.signed_up.properties]
plan = { type = "string", required = true }
seats = "integer"                      # a type alone: not required

[attributes]
plan_id = "integer"

[messages.password_reset]              # the trigger name, or the message's id as a string
id = 12                                # optional: its numeric id
variables = ["reset_url"]              # what its templates read as {{trigger.<key>}}
```

Loaded and validated here into a frozen `TrackingPlan` (a mistake is a ConfigError naming the
file and the key); the JSON Schema shipped beside this module (plan.schema.json) describes the
same shape for editors. `bootstrap()` writes a plan from a project's inventory.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.9/3.10 only
    import tomli as tomllib

#: The types a plan can give a property or attribute. `number` is an integer or a float;
#: `any` accepts every value.
PLAN_TYPES = ("string", "date-string", "integer", "float", "number", "timestamp", "boolean",
              "object", "array", "any")  # fmt: skip
#: plan type -> the JSON family its values have (inventory.FAMILY): a value of another family
#: is the wrong type. Families, not exact types: 3 and 9.5 are both JSON numbers, and a date
#: string is a string (whether `str(x)` is a date, the code does not show).
PLAN_FAMILY = {"string": "string", "date-string": "string", "integer": "number", "float": "number",
               "number": "number", "timestamp": "number", "boolean": "boolean", "object": "object",
               "array": "array"}  # fmt: skip
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")


class PlanError(ValueError):
    """A mistake in the plan, phrased for the user (the config turns it into a ConfigError)."""


@dataclass(frozen=True)
class PlannedField:
    name: str
    type: str = "any"
    required: bool = False


@dataclass(frozen=True)
class PlannedEvent:
    name: str
    #: None: the plan does not list this event's properties (any are accepted)
    properties: Optional[Tuple[PlannedField, ...]] = None


@dataclass(frozen=True)
class PlannedMessage:
    key: str  # the trigger name, or the id written as a string
    id: Optional[int] = None
    #: None: the plan does not say what the templates read
    variables: Optional[Tuple[str, ...]] = None


@dataclass(frozen=True)
class TrackingPlan:
    source: str  # the file (or "[tool.cio-lint] tracking-plan") it was read from
    events: Optional[Tuple[PlannedEvent, ...]] = None  # None: no [events] table
    attributes: Optional[Tuple[PlannedField, ...]] = None
    messages: Optional[Tuple[PlannedMessage, ...]] = None

    @cached_property
    def _events(self) -> Dict[str, PlannedEvent]:
        return {e.name: e for e in self.events or ()}

    @cached_property
    def _attributes(self) -> Dict[str, PlannedField]:
        return {a.name: a for a in self.attributes or ()}

    @property
    def event_names(self) -> Tuple[str, ...]:
        return tuple(self._events)

    def event(self, name: str) -> Optional[PlannedEvent]:
        return self._events.get(name)

    def property(self, event: str, key: str) -> Optional[PlannedField]:
        planned = self._events.get(event)
        if planned is None or planned.properties is None:
            return None
        return next((p for p in planned.properties if p.name == key), None)

    def property_type(self, event: str, key: str) -> Optional[str]:
        found = self.property(event, key)
        return found.type if found is not None and found.type != "any" else None

    def attribute(self, key: str) -> Optional[PlannedField]:
        return self._attributes.get(key)

    def attribute_type(self, key: str) -> Optional[str]:
        found = self._attributes.get(key)
        return found.type if found is not None and found.type != "any" else None

    def message(self, message_id: object) -> Optional[PlannedMessage]:
        """The planned message a literal `transactional_message_id` names (its trigger name,
        or its numeric id, written as an int or a string)."""
        for message in self.messages or ():
            if str(message_id) == message.key or (message.id is not None and str(message_id) == str(message.id)):
                return message
        return None


def accepts(plan_type: str, value_type: str) -> bool:
    """Can a value of inventory type `value_type` be what the plan calls `plan_type`?"""
    from cio_lint.sends import FAMILY

    family = FAMILY.get(value_type)
    if plan_type == "any" or family is None:  # null clears; unknown is not judged
        return True
    return PLAN_FAMILY[plan_type] == family


# ---------------------------------------------------------------------------------------------
# Reading


def load(value: Any, where: str, base: Optional[Path]) -> TrackingPlan:
    """The plan `tracking-plan = value` names: a path (relative to `base`) or an inline table."""
    if isinstance(value, str):
        path = Path(value)
        if not path.is_absolute() and base is not None:
            path = base / path
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PlanError(f"cannot read the tracking plan {value!r}: {getattr(exc, 'strerror', None) or exc}") \
                from None  # fmt: skip
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PlanError(f"{path}: invalid TOML: {exc}") from None
        return parse(data, str(path))
    if isinstance(value, Mapping):
        return parse(value, where)
    raise PlanError(f"expected a file name or a table, got {value!r}")


def parse(data: Mapping[str, Any], source: str) -> TrackingPlan:
    """Validate a plan's tables (the same rules as plan.schema.json, with messages that name
    the key)."""
    unknown = set(data) - {"events", "attributes", "messages", "$schema"}
    if unknown:
        raise PlanError(f"{source}: unknown key {sorted(unknown)[0]!r} (expected events, attributes, messages)")
    events = None
    if "events" in data:
        events = tuple(_event(name, value, source) for name, value in _table(data["events"], "events", source).items())
    attributes = None
    if "attributes" in data:
        table = _table(data["attributes"], "attributes", source)
        attributes = tuple(_field(name, value, f"attributes.{name}", source) for name, value in table.items())
    messages = None
    if "messages" in data:
        table = _table(data["messages"], "messages", source)
        messages = tuple(_message(key, value, source) for key, value in table.items())
    return TrackingPlan(source, events, attributes, messages)


def _table(value: Any, key: str, source: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PlanError(f"{source}: {key}: expected a table, got {value!r}")
    return value


def _event(name: str, value: Any, source: str) -> PlannedEvent:
    table = _table(value, f"events.{name}", source)
    unknown = set(table) - {"properties", "description"}
    if unknown:
        raise PlanError(f"{source}: events.{name}: unknown key {sorted(unknown)[0]!r} (expected properties)")
    if "properties" not in table:
        return PlannedEvent(name)
    properties = _table(table["properties"], f"events.{name}.properties", source)
    return PlannedEvent(name, tuple(_field(key, spec, f"events.{name}.properties.{key}", source)
                                    for key, spec in properties.items()))  # fmt: skip


def _field(name: str, value: Any, key: str, source: str) -> PlannedField:
    if isinstance(value, str):
        value = {"type": value}
    table = _table(value, key, source)
    unknown = set(table) - {"type", "required", "description"}
    if unknown:
        raise PlanError(f"{source}: {key}: unknown key {sorted(unknown)[0]!r} (expected type, required)")
    kind = table.get("type", "any")
    if kind not in PLAN_TYPES:
        raise PlanError(f"{source}: {key}: type must be one of {', '.join(PLAN_TYPES)}, got {kind!r}")
    required = table.get("required", False)
    if not isinstance(required, bool):
        raise PlanError(f"{source}: {key}.required: expected true or false, got {required!r}")
    return PlannedField(name, kind, required)


def _message(key: str, value: Any, source: str) -> PlannedMessage:
    table = _table(value, f"messages.{key}", source)
    unknown = set(table) - {"id", "variables", "description"}
    if unknown:
        raise PlanError(f"{source}: messages.{key}: unknown key {sorted(unknown)[0]!r} (expected id, variables)")
    message_id = table.get("id")
    if message_id is not None and (not isinstance(message_id, int) or isinstance(message_id, bool)):
        raise PlanError(f"{source}: messages.{key}.id: expected the message's numeric id, got {message_id!r}")
    variables = table.get("variables")
    if variables is not None:
        if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
            raise PlanError(f"{source}: messages.{key}.variables: expected a list of names, got {variables!r}")
        # `trigger.reset_url` as the template writes it is the key `reset_url`
        variables = tuple(v[len("trigger."):] if v.startswith("trigger.") else v for v in variables)
    return PlannedMessage(key, message_id, variables)


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Writing: a plan bootstrapped from the code


def bootstrap(inventory, event_name_pattern: Optional[str] = None) -> dict:
    """A plan (as plain data, in the file's shape) that the project's code satisfies today,
    but for one spelling per event: of `signed_up` / `signedUp` the one that follows
    `event_name_pattern`, else the one most places send (CIO503's choice); the others are then
    CIO502 findings naming it."""
    from cio_lint.sends import EVENT, variant_key

    named = inventory.named(EVENT)
    fits = re.compile(event_name_pattern).search if event_name_pattern else (lambda name: True)
    chosen: Dict[str, str] = {}
    for name, uses in sorted(named.items()):
        key = variant_key(name)
        best = chosen.get(key)
        if best is None or (bool(fits(name)), len(uses)) > (bool(fits(best)), len(named[best])):
            chosen[key] = name
    plan: Dict[str, Any] = {"events": {}, "attributes": {}, "messages": {}}
    for name, uses in sorted(named.items()):
        if not name.strip() or chosen[variant_key(name)] != name:
            continue  # an empty name is CIO501's mistake; another spelling is CIO503's
        properties = {}
        closed = [u for u in uses if not u.open]
        for key, fields in sorted(inventory.properties(EVENT, name).items()):
            spec: Dict[str, Any] = {"type": plan_type([f.type for f in fields])}
            if closed and all(any(f.key == key for f in u.fields) for u in closed):
                spec["required"] = True
            properties[key] = spec
        plan["events"][name] = {"properties": properties}
    for key, fields in sorted(inventory.attributes().items()):
        plan["attributes"][key] = {"type": plan_type([f.type for f in fields])}
    for message_id, uses in sorted(inventory.messages().items(), key=lambda kv: str(kv[0])):
        closed = [u for u in uses if not u.open]
        keyed = [{f.key for f in u.fields} for u in (closed or uses)]
        # the keys every send passes: a key only some pass may be the bug CIO509 is for
        variables = sorted(set.intersection(*keyed)) if keyed else []
        entry: Dict[str, Any] = {}
        if isinstance(message_id, int):
            entry["id"] = message_id
        entry["variables"] = variables
        plan["messages"][str(message_id)] = entry
    return plan


def plan_type(types: List[str]) -> str:
    """The plan type for the types a key's values show: the most common family's."""
    from cio_lint.sends import FAMILY

    known = [t for t in types if t in FAMILY]
    if not known:
        return "any"
    families: Dict[str, List[str]] = {}
    for t in known:
        families.setdefault(FAMILY[t], []).append(t)
    family = max(families.items(), key=lambda kv: len(kv[1]))[0]
    members = set(families[family])
    if len(members) == 1:
        return next(iter(members))
    if family == "string":
        return "string"
    return "integer" if members == {"integer", "timestamp"} else "number"


def new_entries(plan: dict, existing: Optional[TrackingPlan]) -> dict:
    """The part of a bootstrapped `plan` that `existing` does not list yet (all of it: None)."""
    if existing is None:
        return plan
    from cio_lint.sends import variant_key

    out: Dict[str, Any] = {"events": {}, "attributes": {}, "messages": {}}
    spelt = {variant_key(name) for name in existing.event_names}
    for name, event in plan["events"].items():
        planned = existing.event(name)
        if planned is None:
            if variant_key(name) not in spelt:  # another spelling of a planned event: CIO502's
                out["events"][name] = event
        elif planned.properties is not None:
            missing = {k: v for k, v in event["properties"].items() if existing.property(name, k) is None}
            if missing:
                out["events"][name] = {"properties": missing}
    for key, spec in plan["attributes"].items():
        if existing.attributes is not None and existing.attribute(key) is None:
            out["attributes"][key] = spec
    for key, spec in plan["messages"].items():
        if existing.messages is not None and existing.message(spec.get("id", key)) is None:
            out["messages"][key] = spec
    return out


def is_empty(plan: dict) -> bool:
    return not any(plan.get(part) for part in ("events", "attributes", "messages"))


def to_toml(plan: dict, header: bool = True, existing: Optional[TrackingPlan] = None) -> str:
    """The plan as TOML, one table per event, attribute list and message, so that entries a
    later run adds can be appended as tables of their own (`[events.x.properties.y]`)."""
    lines: List[str] = []
    if header:
        lines += [
            "# The tracking plan cio-lint checks the code against (CIO502, CIO505-CIO510).",
            "# Bootstrapped by `cio-lint inventory --write-plan`; edit it to say what should be sent.",
            f"# Types: {', '.join(PLAN_TYPES)}.",
            "",
        ]
    for name, event in plan.get("events", {}).items():
        planned = existing.event(name) if existing is not None else None
        if planned is None:
            lines.append(f"[events.{_key(name)}.properties]")
            lines += [f"{_key(k)} = {_inline(v)}" for k, v in event["properties"].items()]
            lines.append("")
        else:  # new properties of an event the file has: tables of their own
            for key, spec in event["properties"].items():
                lines.append(f"[events.{_key(name)}.properties.{_key(key)}]")
                lines += [f"{k} = {_value(v)}" for k, v in spec.items()]
                lines.append("")
    attributes = plan.get("attributes", {})
    if attributes:
        if existing is None or existing.attributes is None:
            lines.append("[attributes]")
            lines += [f"{_key(k)} = {_inline(v)}" for k, v in attributes.items()]
            lines.append("")
        else:
            for key, spec in attributes.items():
                lines += [f"[attributes.{_key(key)}]", *(f"{k} = {_value(v)}" for k, v in spec.items()), ""]
    for key, message in plan.get("messages", {}).items():
        lines.append(f"[messages.{_key(key)}]")
        lines += [f"{k} = {_value(v)}" for k, v in message.items()]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _key(key: str) -> str:
    return key if key and all(c.isalnum() or c in "_-" for c in key) and key.isascii() else _value(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    # a JSON string is a TOML basic string (the same escapes; TOML also refuses a raw DEL, and
    # the surrogate pairs ensure_ascii would write)
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _inline(spec: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in spec.items()) + " }"


def updated_plan_text(existing_text: Optional[str], inventory, source: str,
                      event_name_pattern: Optional[str] = None) -> Tuple[Optional[str], List[str]]:  # fmt: skip
    """(the plan file's new text, one line per thing it adds) for `--write-plan`: a new plan
    when there is none; else the existing text, untouched, with tables for what the code
    sends and the plan does not list appended (so the user's edits and comments stay).
    None: nothing to add. Raises PlanError when the existing file is not a valid plan."""
    plan = bootstrap(inventory, event_name_pattern)
    if existing_text is None:
        return to_toml(plan), describe(plan, None)
    try:
        existing = parse(tomllib.loads(existing_text), source)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{source}: invalid TOML: {exc}") from None
    added = new_entries(plan, existing)
    if is_empty(added):
        return None, []
    text = existing_text if existing_text.endswith("\n") or not existing_text else existing_text + "\n"
    text += "\n" + to_toml(added, header=False, existing=existing)
    try:  # appending a table the file already defines in another form would break it
        parse(tomllib.loads(text), source)
    except (tomllib.TOMLDecodeError, PlanError) as exc:
        raise PlanError(f"{source}: cannot append the new entries to this file's layout ({exc}); "
                        "add them by hand (cio-lint inventory --write-plan NEW_FILE shows them)") from None
    return text, describe(added, existing)


def describe(added: dict, existing: Optional[TrackingPlan]) -> List[str]:
    """One line per planned thing in `added`: "event signed_up (2 properties)", "property
    order_completed.gift", "attribute plan_id", "message password_reset"."""
    lines = []
    for name, event in added.get("events", {}).items():
        properties = event.get("properties", {})
        if existing is not None and existing.event(name) is not None:
            lines += [f"property {name}.{key}" for key in properties]
        else:
            count = len(properties)
            lines.append(f"event {name} ({count} propert{'y' if count == 1 else 'ies'})")
    lines += [f"attribute {key}" for key in added.get("attributes", {})]
    lines += [f"message {key}" for key in added.get("messages", {})]
    return lines


def summary(plan) -> str:
    """`path (3 events, 1 attribute)`, for `cio-lint config`."""
    counts = [f"{len(part)} {name if len(part) != 1 else name[:-1]}" for part, name in
              ((plan.events, "events"), (plan.attributes, "attributes"), (plan.messages, "messages"))
              if part is not None]  # fmt: skip
    return f"{plan.source} ({', '.join(counts) or 'empty'})"
