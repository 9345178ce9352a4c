"""The words for what code sends to Customer.io: kinds of send and types of value.

A leaf shared by the inventory (which finds the sends) and the tracking plan (which names
the same kinds and types in its file), so neither imports the other's layer
(tests/test_layers.py).
"""

from __future__ import annotations

import re

# What a send is (the `kind` of a record).
EVENT = "event"  # a named event: track / track_anonymous / backfill, CDP track
PAGE = "page"  # CDP page(): a page view with a name
SCREEN = "screen"  # CDP screen(): a screen view with a name
PERSON = "person"  # person attributes: identify keywords, CDP identify traits
MESSAGE = "message"  # a transactional message request and its message_data
KINDS = (EVENT, PAGE, SCREEN, PERSON, MESSAGE)

# The types a value can be shown to have (the plan file uses the same words).
STRING = "string"
DATE_STRING = "date-string"  # an ISO 8601 date or date-time, as a string
INTEGER = "integer"
FLOAT = "float"
TIMESTAMP = "timestamp"  # epoch seconds, or a datetime the SDK turns into them
BOOLEAN = "boolean"
OBJECT = "object"
ARRAY = "array"
NULL = "null"
UNKNOWN = "unknown"
TYPES = (STRING, DATE_STRING, INTEGER, FLOAT, TIMESTAMP, BOOLEAN, OBJECT, ARRAY, NULL)

#: Types that reach the API as the same JSON type: Customer.io compares a segment or filter
#: condition against one of these, so values of two families never match the same condition.
#: Integers, floats and epoch seconds are all JSON numbers (`price=10` beside `price=9.99` is
#: no mistake); a date string is a string.
FAMILY = {
    STRING: "string",
    DATE_STRING: "string",
    INTEGER: "number",
    FLOAT: "number",
    TIMESTAMP: "number",
    BOOLEAN: "boolean",
    OBJECT: "object",
    ARRAY: "array",
}


_SEPARATORS = re.compile(r"[\s_\-.:/]+")


def variant_key(name: str) -> str:
    """What two spellings of one event share: "signed_up", "Signed Up", "signedUp" ->
    "signedup" (case, separators and whitespace ignored; CIO503, --write-plan)."""
    return _SEPARATORS.sub("", name).lower()
