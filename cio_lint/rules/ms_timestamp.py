from __future__ import annotations

import re
from typing import Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.rules import _cdp
from cio_lint.rules._time_positions import callee as _callee
from cio_lint.rules._time_positions import time_positions
from cio_lint.rules.base import Invalid, Rule, Valid

# Epoch seconds stay 10 digits until 2286; a 13-digit value is milliseconds, 16 micro, 19 nano.
_UNITS = ((10**18, "nanoseconds"), (10**15, "microseconds"), (10**12, "milliseconds"))
_FACTORS = {1_000: "milliseconds", 1_000_000: "microseconds", 1_000_000_000: "nanoseconds"}
_SECONDS_CALLS = ("time.time", "time.mktime", "calendar.timegm")
#: an attribute whose name states a finer unit is the author's choice (duration_ms, ts_millis)
_UNIT_IN_NAME = re.compile(r"(^|_)(ms|msec|millis|milliseconds|us|micros|ns|nanos)$|[a-z0-9](Ms|Millis|Ns)$")
#: only for bare integer literals: the attribute must say it holds a point in time
_TIME_NAME = re.compile(r"(^|_)(at|on|time|timestamp|date|ts|datetime|epoch)$|^(timestamp|time|date)", re.I)
#: the observed effect the message states (sdk.py OBSERVED; tests/grounding/test_time.py)
SENT_UNCHANGED = "sent unchanged"


class MsTimestamp(Rule):
    """An epoch in milliseconds (or finer) reaches a timestamp or attribute that Customer.io reads as seconds.

    ## What it does
    Finds `time.time() * 1000`, `dt.timestamp() * 1000`, `time.time_ns()`, 13-digit epoch
    literals and names bound to them, where they reach the SDK: the `timestamp` of `track()`
    (3.x) and `backfill()`, a request's `send_at`, and person or event attribute values.
    Durations (`(time.time() - start) * 1000`) are not epochs and are left alone, and so are
    attributes whose name states the unit (`load_ms`, `ts_millis`).

    ## Why is this bad?
    Customer.io reads epoch timestamps in seconds, the unit the SDK itself sends datetimes in
    (`sdk.EPOCH_UNIT`; grounded by `tests/grounding/test_time.py::
    test_the_sdk_itself_sends_epoch_seconds`). The SDK sends integers unchanged in every
    release (`test_identify_sends_ms_attribute_unchanged`, `test_backfill_sends_ms_timestamp_
    unchanged`), so a millisecond value read as seconds lands tens of thousands of years ahead
    (1704067200000 is about the year 55,969): date segments, filters and campaign waits on
    that attribute never match. The message names that year, not the one the author meant.

    ## Example
    ```python
    cio.identify(id=user.id, created_at=int(time.time() * 1000))
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, created_at=int(time.time()))
    ```

    ## Fix safety
    No fix yet: the right change depends on where the value comes from.
    """

    CODE = "CIO201"
    NAME = "ms-timestamp"

    VALID = [
        Valid("import time\n"
              "from customerio import CustomerIO\n"
              "CustomerIO('s','k').identify('u', created_at=int(time.time()))\n"),
        Valid("import time\n"
              "from customerio import CustomerIO\n"
              "CustomerIO('s','k').identify('u', load_ms=int(time.time() * 1000))\n"),
        Valid("import time\n"
              "from customerio import CustomerIO\n"
              "start = time.time()\n"
              "CustomerIO('s','k').identify('u', took=(time.time() - start) * 1000)\n"),
        # a 13-digit number that is not a time (a phone number) is left alone
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').identify('u', phone=4915112345678)\n"),
        # Mixpanel's track takes milliseconds happily: not ours
        Valid("import time, mixpanel\nmixpanel.Mixpanel('t').track('u', 'ev', {'time': time.time() * 1000})\n"),
        Valid("from datetime import datetime, timezone\nfrom customerio import analytics\n"
              "analytics.track('u', 'Signed Up', timestamp=datetime.now(timezone.utc))\n"),
    ]
    INVALID = [
        Invalid("import time\n"
                "from customerio import CustomerIO\n"
                "CustomerIO('s','k').identify('u', created_at=int(time.time() * 1000))\n"),
        Invalid("import time\n"
                "from customerio import CustomerIO\n"
                "CustomerIO('s','k').track('u', 'ev', timestamp=time.time_ns())\n"),
        Invalid("""
            from datetime import datetime
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            now_ms = round(datetime.now().timestamp() * 1000)
            cio.track('u', 'paid', data={"paid_at": now_ms})
            """, line=5),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').backfill('u', 'ev', 1700000000000)\n"),
        # customerio.analytics asserts a datetime: any epoch number fails
        Invalid("import time\nfrom customerio import analytics\n"
                "analytics.track('u', 'Signed Up', timestamp=int(time.time()))\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').identify('u', last_seen_at=1700000000000)\n"),
        Invalid("import time\n"
                "from customerio import CustomerIO\n"
                "CustomerIO('s','k').track('u', 'ev', plan='x', at=time.time()*1e3)\n",
                sdk_version="==2.4"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        cdp = _cdp.epoch_timestamp(self.resolver, node)  # customerio.analytics wants a datetime (issue 18)
        if cdp is not None:
            self.report(*cdp)
        for position in time_positions(self.resolver, node):
            with self.via(position.via):
                self._check(position.value, position.key,
                            literal_ok=position.is_parameter or bool(_TIME_NAME.search(position.key)))

    def _check(self, value: cst.BaseExpression, key: str, literal_ok: bool) -> None:
        if _UNIT_IN_NAME.search(key):
            return
        found = self._epoch_unit(value, literal_ok)
        if found is None:
            return
        unit, number = found
        # The year the value *means* to Customer.io, read in the unit the SDK sends (not the
        # year the author intended): 1704067200000 ms read as seconds is about year 55,969.
        when = (f"it is the year {sdk.epoch_year(number):,}" if number
                else "it is far in the future")  # fmt: skip
        self.report(
            value,
            f"{key} is an epoch in {unit}, {SENT_UNCHANGED}: as epoch {sdk.EPOCH_UNIT} {when}; "
            f"send {sdk.EPOCH_UNIT}",
            help=(f"Customer.io reads epoch timestamps in {sdk.EPOCH_UNIT}, the unit the SDK itself "
                  f"sends datetimes in, and the SDK sends integers unchanged in every release, so "
                  f"date segments, filters and campaign waits on {key} never match. Send "
                  f"int(time.time()) or int(dt.timestamp()), or pass the datetime itself."),
        )

    def _epoch_unit(self, expr: cst.BaseExpression, literal_ok: bool,
                    depth: int = 0) -> Optional[Tuple[str, int]]:  # fmt: skip
        """(unit, the literal value as written, or 0) when `expr` is an epoch finer than seconds."""
        if depth > 6:
            return None
        expr = self.resolver.bound_expression(expr)
        rounding = ("int", "round", "math.floor", "math.ceil")
        if isinstance(expr, cst.Call) and len(expr.args) == 1 and _callee(expr) in rounding:
            return self._epoch_unit(expr.args[0].value, literal_ok, depth + 1)
        if isinstance(expr, cst.Call) and not expr.args and "time.time_ns" in self._names(expr.func):
            return ("nanoseconds", 0)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, cst.Multiply):
                for epoch, factor in ((expr.left, expr.right), (expr.right, expr.left)):
                    unit = _FACTORS.get(self._number(factor) or 0)
                    if unit and self._is_seconds_epoch(epoch, depth):
                        return (unit, 0)
            if isinstance(expr.operator, (cst.FloorDivide, cst.Divide)):
                inner = self._epoch_unit(expr.left, False, depth + 1)
                divisor = self._number(expr.right) or 0
                if inner and inner[0] == "nanoseconds" and divisor in (1_000, 1_000_000):
                    return ("microseconds" if divisor == 1_000 else "milliseconds", 0)
            return None
        if literal_ok:
            literal = self.resolver.literal(expr)
            if literal is not None and isinstance(literal.value, int) and not isinstance(literal.value, bool):
                for threshold, unit in _UNITS:
                    if threshold <= literal.value < threshold * 10:
                        return (unit, literal.value)  # as sent: the year is computed from it
        return None

    def _is_seconds_epoch(self, expr: cst.BaseExpression, depth: int) -> bool:
        expr = self.resolver.bound_expression(expr)
        if isinstance(expr, cst.Call) and len(expr.args) == 1 and _callee(expr) in ("int", "round", "float"):
            return self._is_seconds_epoch(expr.args[0].value, depth + 1)
        if not isinstance(expr, cst.Call):
            return False
        if any(n in _SECONDS_CALLS for n in self._names(expr.func)):
            return True
        # <datetime>.timestamp(): seconds since the epoch, as a float
        return isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "timestamp" and not expr.args

    def _names(self, func: cst.BaseExpression) -> set:
        return self.resolver.qualified_names(func)

    def _number(self, expr: cst.BaseExpression) -> Optional[int]:
        literal = self.resolver.literal(expr)
        if literal is None or isinstance(literal.value, bool) or not isinstance(literal.value, (int, float)):
            return None
        return int(literal.value) if float(literal.value).is_integer() else None
