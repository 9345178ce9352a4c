from __future__ import annotations

from typing import Iterator, Optional, Tuple

import libcst as cst
from libcst.metadata import Assignment

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD
from cio_lint.resolve.literals import literal_text
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.UNSERIALIZABLE
_ADVICE = {"date": "d.isoformat()", "time": "t.isoformat()", "timedelta": "td.total_seconds()",
           "Decimal": "float() or str()", "UUID": "str()", "set": "a list", "frozenset": "a list",
           "bytes": ".decode()", "bytearray": ".decode()", "datetime": "int(dt.timestamp())"}  # fmt: skip
_BUILTINS = ("set", "frozenset", "bytes", "bytearray")

Position = Tuple[str, cst.BaseExpression, bool]  # (key, value, nested)


class UnserializableValue(Rule):
    """A `date`, `Decimal`, `UUID`, set or bytes value in attributes, event data or `message_data`.

    ## What it does
    Looks at the values a Track call sends as person or event attributes (keyword attributes,
    `data={...}`, nested dicts and lists included) and at a request's `message_data`,
    `custom_data` and `custom_payload`, and reports values built by `datetime.date(...)`,
    `date.today()`, `time`/`timedelta`, `Decimal(...)`, `uuid.UUID(...)`/`uuid4()`, set
    displays and `set(...)`, and bytes, written there or bound once to a name. On releases
    before 3.1.0 it also reports a `datetime` nested in a dict or list (or in `add_device`'s
    keywords, which the SDK nests under `device`).

    ## Why is this bad?
    The SDK converts only datetimes (and NaN) before encoding the payload as JSON, and before
    3.1.0 only those at the top level. Anything else makes `json` fail: the SDK raises
    `CustomerIOException("Failed to receive valid response ... Object of type date is not
    JSON serializable")` and sends nothing (observed on customerio 3.2.0 and 2.4, grounded in
    `tests/grounding/test_seeds_values.py`).

    ## Example
    ```python
    cio.identify(id=user.id, birthday=date(1990, 5, 17), balance=Decimal("10.50"))
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, birthday=date(1990, 5, 17).isoformat(), balance=float(balance))
    ```

    ## Fix safety
    No fix: the representation (ISO text, epoch, float, string) is the author's choice.
    """

    CODE = "CIO203"
    NAME = "unserializable-value"

    VALID = [
        Valid("import datetime\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').identify('u', at=datetime.datetime.now())\n"),
        Valid("from datetime import date\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').identify('u', birthday=date(1990, 5, 17).isoformat())\n"),
        Valid("from decimal import Decimal\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').track('u', 'ev', data={'total': float(Decimal('1.5'))})\n"),
        # nested datetimes are converted from 3.1.0
        Valid("from datetime import datetime\nfrom customerio import CustomerIO\n"
              "CustomerIO('s', 'k').identify('u', meta={'at': datetime.now()})\n", sdk_version="==3.2.0"),
        # a local function named uuid4
        Valid("from customerio import CustomerIO\ndef uuid4():\n    return 'x'\n"
              "CustomerIO('s', 'k').identify('u', token=uuid4())\n"),
        # a look-alike client
        Valid("from datetime import date\nimport analytics\nanalytics.identify('u', {'d': date.today()})\n"),
    ]
    INVALID = [
        Invalid("""
            from datetime import date
            from decimal import Decimal
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            cio.identify(id='u', birthday=date(1990, 5, 17), balance=Decimal('10.50'))
            """, count=2, line=5),
        Invalid("""
            import uuid
            from customerio import CustomerIO
            CustomerIO('s', 'k').track('u', 'ev', data={'order': {'ids': {1, 2}}, 'ref': uuid.uuid4()})
            """, count=2),
        Invalid("""
            import datetime
            from customerio import SendEmailRequest
            today = datetime.date.today()
            r = SendEmailRequest(transactional_message_id=1, message_data={'day': today})
            """, line=4),
        Invalid("""
            from datetime import datetime
            from customerio import CustomerIO
            CustomerIO('s', 'k').add_device('u', 'tok', 'ios', last_used=datetime.now())
            """, sdk_version="==2.4"),
        Invalid("""
            from customerio import CustomerIO
            CustomerIO('s', 'k').identify('u', avatar=b'...')
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or call.shape is None or call.args is None:
            return
        for key, value, nested in self._positions(call):
            for inner_key, inner, inner_nested in _walk(key, value, nested):
                self._check(inner_key, inner, inner_nested)

    def _positions(self, call) -> Iterator[Position]:
        if call.kind == METHOD and call.role == sdk.TRACK:
            where = call.shape.attributes
            nested = call.method is not None and call.method.name in sdk.NESTED_KEYWORD_METHODS
            if where == "**":
                for key, arg in call.args.extra_keywords.items():
                    yield key, arg.value, nested
            elif where is not None and call.arg(where) is not None:
                data = self.resolver.bound_expression(call.arg(where))
                if isinstance(data, cst.Dict):
                    yield from _items(data, False)
        elif call.kind == CONSTRUCT and call.role == sdk.REQUEST:
            for field in sdk.REQUEST_DATA_FIELDS:
                value = call.arg(field)
                data = self.resolver.bound_expression(value) if value is not None else None
                if isinstance(data, cst.Dict):
                    yield from _items(data, True)

    def _check(self, key: str, value: cst.BaseExpression, nested: bool) -> None:
        kind = self._kind(value)
        if kind is None:
            bound = self.resolver.bound_expression(value)
            kind = self._kind(bound) if bound is not value else None
        if kind is None:
            return
        if kind == "datetime":
            version = self.context.sdk_version
            if not nested or not version.may_run(until=sdk.NESTED_DATETIME_SINCE):
                return
            self.report(
                value,
                f"{key}: a nested datetime before customerio {sdk.NESTED_DATETIME_SINCE} ({version.constraint}) "
                f"makes the SDK raise {_EFFECT.error}; send {_ADVICE[kind]}",
                help=f"Releases before {sdk.NESTED_DATETIME_SINCE} convert only top-level datetimes; a nested one "
                     f"fails JSON encoding (\"Object of type datetime {_EFFECT.says}\") and nothing is sent.",
            )
            return
        what = "bytes" if kind == "bytes" else f"a {kind}"
        self.report(
            value,
            f"{key} is {what}: JSON cannot encode it, so the SDK raises {_EFFECT.error} and sends "
            f"nothing; send {_ADVICE[kind]}",
            help=f"The SDK converts only datetimes before encoding: \"Object of type {kind} {_EFFECT.says}\" "
                 f"is wrapped in {_EFFECT.error} like a transport error, in every release.",
        )

    def _kind(self, expr: cst.BaseExpression) -> Optional[str]:
        """The unserializable type `expr` builds, "datetime" for a datetime, else None."""
        if isinstance(expr, cst.Set):
            return "set"
        if isinstance(expr, cst.SimpleString) and "b" in expr.prefix.lower():
            return "bytes"
        if not isinstance(expr, cst.Call):
            return None
        func = expr.func
        if isinstance(func, cst.Name) and func.value in _BUILTINS and self._builtin(func):
            return func.value
        names = self.resolver.qualified_names(func)
        for name in names:
            if name in sdk.UNSERIALIZABLE_CALLS:
                return sdk.UNSERIALIZABLE_CALLS[name]
            if name in sdk.DATETIME_CALLS:
                return "datetime"
        # dt.date() / dt.time() of a datetime built right there
        if isinstance(func, cst.Attribute) and func.attr.value in ("date", "time") and not expr.args:
            if self._kind(func.value) == "datetime":
                return func.attr.value
        return None

    def _builtin(self, name: cst.Name) -> bool:
        scope = self.resolver.scope(name)
        return scope is not None and not any(isinstance(a, Assignment) for a in scope[name.value])


def _items(data: cst.Dict, nested: bool) -> Iterator[Position]:
    for element in data.elements:
        if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
            key = literal_text(element.key)
            yield (key if key is not None else "?"), element.value, nested


def _walk(key: str, value: cst.BaseExpression, nested: bool) -> Iterator[Position]:
    """The value itself, and every value inside the dict and list displays it is made of."""
    if isinstance(value, cst.Dict):
        for inner_key, inner, _ in _items(value, True):
            yield from _walk(f"{key}.{inner_key}", inner, True)
    elif isinstance(value, (cst.List, cst.Tuple)):
        for element in value.elements:
            if not isinstance(element, cst.StarredElement):
                yield from _walk(f"{key}[]", element.value, True)
    else:
        yield key, value, nested
