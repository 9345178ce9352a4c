from __future__ import annotations

from typing import NamedTuple, Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import argument
from cio_lint.rules._time_positions import time_positions
from cio_lint.rules.base import Invalid, Rule, Valid

NAIVE_LOCAL = "naive-local"  # a naive datetime holding the machine's local time
AWARE_OTHER = "aware-non-utc"  # an aware datetime in a zone other than UTC

# Standard-library and common time-zone helpers, by qualified name (never by bare name).
_NOW = "datetime.datetime.now"
_TODAY = "datetime.datetime.today"
_FROMTIMESTAMP = "datetime.datetime.fromtimestamp"
_DATETIME = "datetime.datetime"
_TIMEDELTAS = ("datetime.timedelta", "dateutil.relativedelta.relativedelta")
_TIMEZONE = "datetime.timezone"
_UTC_NAMES = (
    "datetime.timezone.utc", "datetime.UTC", "pytz.utc", "pytz.UTC", "dateutil.tz.UTC",
    "dateutil.tz.tz.UTC", "django.utils.timezone.utc", "pendulum.UTC",
)  # fmt: skip
_UTC_FACTORIES = ("dateutil.tz.tzutc", "dateutil.tz.tz.tzutc")
_ZONE_FACTORIES = ("zoneinfo.ZoneInfo", "backports.zoneinfo.ZoneInfo", "pytz.timezone", "dateutil.tz.gettz",
                   "pendulum.timezone")  # fmt: skip
_LOCAL_ZONE_FACTORIES = ("dateutil.tz.tzlocal", "dateutil.tz.tz.tzlocal")
_UTC_ZONE_NAMES = {
    "utc", "etc/utc", "gmt", "etc/gmt", "uct", "etc/uct", "zulu", "etc/zulu", "universal", "etc/universal",
    "greenwich", "etc/greenwich", "gmt0", "etc/gmt0", "gmt+0", "gmt-0", "etc/gmt+0", "etc/gmt-0", "z",
}  # fmt: skip


class Found(NamedTuple):
    kind: str  # NAIVE_LOCAL or AWARE_OTHER
    what: str  # how the message names it
    instead: str  # what to write instead


class DatetimeOffset(Rule):
    """A datetime whose UTC offset the SDK gets wrong reaches a timestamp or attribute.

    ## What it does
    Follows datetimes into the SDK's timestamp positions (`timestamp` of `track()` and
    `backfill()`, a request's `send_at`, person and event attribute values), directly or
    through a name bound once, and flags two kinds:
    - a naive local time: `datetime.now()`, `datetime.today()`, `datetime.fromtimestamp(ts)`
      without a time zone (and `+`/`-` a timedelta, `.replace(...)` of one). `utcnow()` and
      `utcfromtimestamp()` are naive but hold UTC, which is what the SDK assumes: not flagged;
    - on projects whose range admits releases before 3.1.0: an aware datetime in a zone other
      than UTC (`datetime.now(ZoneInfo("Europe/Berlin"))`, `.astimezone(tz)`, `.astimezone()`,
      `.replace(tzinfo=tz)`, `pytz`/`dateutil` zones).

    Off by default: on machines that run on UTC, a naive local time is right.

    ## Why is this bad?
    The SDK turns datetimes into epoch seconds. Every release reads a naive datetime as UTC, so
    a local wall-clock time is off by the machine's UTC offset. Releases 1.0 to 3.0.0 also
    replace an aware datetime's zone with UTC instead of converting it
    (`dt.replace(tzinfo=timezone.utc)`), so 12:00 in Berlin is sent as 12:00 UTC, one or two
    hours late. Campaign waits, date segments and "sent at" scheduling are shifted by hours.
    (`sdk.NAIVE_DATETIME_READ`, `AWARE_OFFSET_DROPPED`; observed: `tests/grounding/
    test_datetimes.py::test_naive_local_time_is_read_as_utc`, `test_aware_offset_is_dropped_
    before_3_1`, `test_aware_offset_is_converted_from_3_1`.)

    ## Example
    ```python
    cio.identify(id=user.id, last_login_at=datetime.now())
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, last_login_at=datetime.now(timezone.utc))
    ```

    ## Fix safety
    No fix: which zone the value was meant in is the author's call.
    """

    CODE = "CIO202"
    NAME = "datetime-offset"
    DEFAULT_ENABLED = False

    OLD = ">=2.4,<3.1"
    ON = {"extend-select": ["CIO202"]}  # off by default: every example selects it
    IMPORTS = "from datetime import datetime, timedelta, timezone\nfrom customerio import CustomerIO\n"
    ZONES = "from zoneinfo import ZoneInfo\n"
    VALID = [
        Valid(IMPORTS + "CustomerIO('s','k').identify('u', seen_at=datetime.now(timezone.utc))\n", config=ON),
        # naive, but UTC: what the SDK assumes
        Valid("import datetime\nfrom customerio import CustomerIO\n"
              "CustomerIO('s','k').identify('u', seen_at=datetime.datetime.utcnow())\n", config=ON),
        # an aware non-UTC value is converted correctly from 3.1.0 on
        Valid(IMPORTS + ZONES + "CustomerIO('s','k').identify('u', seen_at=datetime.now(ZoneInfo('Europe/Berlin')))\n",
              config=ON, sdk_version=">=3.1"),
        Valid(IMPORTS + ZONES + "CustomerIO('s','k').identify('u', seen_at=datetime.now(ZoneInfo('UTC')))\n",
              config=ON, sdk_version=OLD),
        # a zone the code does not show
        Valid(IMPORTS + "CustomerIO('s','k').identify('u', seen_at=datetime.now(tz))\n", config=ON, sdk_version=OLD),
        # a local class called datetime, and a call that is not the SDK's
        Valid("import customerio\nclass datetime:\n    @staticmethod\n    def now():\n        return 0\n"
              "customerio.CustomerIO('s','k').identify('u', seen_at=datetime.now())\n", config=ON),
        Valid("import customerio, datetime\nmixpanel.track('u', 'ev', {'at': datetime.datetime.now()})\n", config=ON),
    ]
    INVALID = [
        Invalid(IMPORTS + "CustomerIO('s','k').identify('u', last_login_at=datetime.now())\n", config=ON),
        Invalid("import datetime as dt\nfrom customerio import CustomerIO\n"
                "cio = CustomerIO('s', 'k')\n"
                "start = dt.datetime.today() - dt.timedelta(days=1)\n"
                "cio.track('u', 'trial_started', data={'started_at': start})\n", config=ON, line=5),
        Invalid("import datetime, time\nfrom customerio import CustomerIO\n"
                "CustomerIO('s','k').backfill('u', 'ev', datetime.datetime.fromtimestamp(time.time()))\n", config=ON),
        Invalid(IMPORTS + ZONES
                + "CustomerIO('s','k').identify('u', seen_at=datetime.now(ZoneInfo('Europe/Berlin')))\n",
                config=ON, sdk_version=OLD),
        Invalid("from datetime import datetime, timezone\nimport pytz\nfrom customerio import SendEmailRequest\n"
                "BERLIN = pytz.timezone('Europe/Berlin')\n"
                "SendEmailRequest(send_at=datetime.now(timezone.utc).astimezone(BERLIN))\n",
                config=ON, sdk_version=OLD),
        Invalid(IMPORTS
                + "CustomerIO('s','k').track('u', 'ev', data={'at': datetime.now(timezone(timedelta(hours=2)))})\n",
                config=ON, sdk_version="==3.0.0"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        version = self.context.sdk_version
        drops_offset = version.may_run(until=sdk.AWARE_DATETIME_SINCE)
        for position in time_positions(self.resolver, node):
            with self.via(position.via):
                found = self._classify(position.value)
                if found is None:
                    continue
                if position.nested and not version.may_run(since=sdk.NESTED_DATETIME_SINCE):
                    continue  # these releases cannot encode a nested datetime at all: not an offset problem
                if found.kind == NAIVE_LOCAL:
                    self.report(
                        position.value,
                        f"{position.key} is naive local time: the SDK {sdk.NAIVE_DATETIME_READ}; use {found.instead}",
                        help=(f"{position.key} gets {found.what}. "
                              f"Every {sdk.DISTRIBUTION} release reads a naive datetime as UTC (observed: "
                              f"tests/grounding/test_datetimes.py::test_naive_local_time_is_read_as_utc), so "
                              f"the timestamp is off by the machine's UTC offset wherever it does not run on "
                              f"UTC. Pass an aware value, e.g. {found.instead}."),
                    )
                elif drops_offset and not position.nested:
                    self.report(
                        position.value,
                        f"{position.key} is not UTC: before {sdk.AWARE_DATETIME_SINCE} the SDK "
                        f"{sdk.AWARE_OFFSET_DROPPED}; use .astimezone(timezone.utc)",
                        help=(f"{position.key} gets {found.what}. "
                              f"{sdk.DISTRIBUTION} releases before {sdk.AWARE_DATETIME_SINCE}, which "
                              f"{version.constraint} admits, replace an aware datetime's zone with UTC instead "
                              f"of converting it (observed: test_datetimes.py::test_aware_offset_is_dropped_"
                              f"before_3_1), so the timestamp is off by the zone's UTC offset. Convert first "
                              f"with .astimezone(timezone.utc), or require "
                              f"{sdk.DISTRIBUTION}>={sdk.AWARE_DATETIME_SINCE}."),
                    )

    # -- what a datetime expression is -----------------------------------------------------------

    def _classify(self, expr: cst.BaseExpression, depth: int = 0) -> Optional[Found]:
        if depth > 6:
            return None
        expr = self.resolver.bound_expression(expr)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, (cst.Add, cst.Subtract)):
            if self._is_timedelta(expr.right):
                return self._classify(expr.left, depth + 1)
            if isinstance(expr.operator, cst.Add) and self._is_timedelta(expr.left):
                return self._classify(expr.right, depth + 1)
            return None
        if not isinstance(expr, cst.Call):
            return None
        names = self._names(expr.func)
        if _NOW in names or _FROMTIMESTAMP in names:
            tz_index = 0 if _NOW in names else 1
            tz = argument(expr, tz_index, "tz")
            if tz is None or self._is_none(tz):
                if any(a.star for a in expr.args):
                    return None
                if _NOW in names:
                    return Found(NAIVE_LOCAL, "datetime.now()", "datetime.now(timezone.utc)")
                return Found(NAIVE_LOCAL, "datetime.fromtimestamp() without tz",
                             "datetime.fromtimestamp(ts, tz=timezone.utc)")
            return self._in_zone(tz, "datetime.now(tz)" if _NOW in names else "datetime.fromtimestamp(ts, tz)")
        if _TODAY in names:
            return Found(NAIVE_LOCAL, "datetime.today()", "datetime.now(timezone.utc)")
        if _DATETIME in names:
            tz = argument(expr, 7, "tzinfo")
            return self._in_zone(tz, "datetime(..., tzinfo=tz)") if tz is not None else None
        if isinstance(expr.func, cst.Attribute):
            method = expr.func.attr.value
            if method == "astimezone":
                if not expr.args:
                    return Found(AWARE_OTHER, ".astimezone() (the machine's zone)", "")
                return self._in_zone(expr.args[0].value, ".astimezone(tz)") if len(expr.args) == 1 else None
            if method == "replace":
                tz = argument(expr, 7, "tzinfo")
                if tz is None:
                    return self._classify(expr.func.value, depth + 1)
                return self._in_zone(tz, ".replace(tzinfo=tz)")
        return None

    def _in_zone(self, tz: cst.BaseExpression, how: str) -> Optional[Found]:
        """AWARE_OTHER when `tz` is provably not UTC; None when UTC or unknown."""
        zone = self._zone(tz)
        if zone is None or zone == "UTC":
            return None
        return Found(AWARE_OTHER, f"{how} in {zone}", "")

    def _zone(self, tz: cst.BaseExpression, depth: int = 0) -> Optional[str]:
        """"UTC", a description of another zone, or None when the code does not show it."""
        tz = self.resolver.bound_expression(tz)
        names = self._names(tz)
        if names & set(_UTC_NAMES):
            return "UTC"
        if not isinstance(tz, cst.Call):
            return None
        names = self._names(tz.func)
        if names & set(_UTC_FACTORIES) and not tz.args:
            return "UTC"
        if names & set(_LOCAL_ZONE_FACTORIES):
            return "the machine's zone (tzlocal())"
        if names & set(_ZONE_FACTORIES) and len(tz.args) == 1:
            literal = self.resolver.literal(tz.args[0].value)
            if literal is None or not isinstance(literal.value, str):
                return None
            return "UTC" if literal.value.strip().lower() in _UTC_ZONE_NAMES else repr(literal.value)
        if _TIMEZONE in names and tz.args:
            offset = self._timedelta_seconds(tz.args[0].value)
            if offset is None:
                return None
            return "UTC" if offset == 0 else f"a fixed offset of {offset / 3600:+g} h"
        return None

    def _timedelta_seconds(self, expr: cst.BaseExpression) -> Optional[float]:
        expr = self.resolver.bound_expression(expr)
        if not isinstance(expr, cst.Call) or "datetime.timedelta" not in self._names(expr.func):
            return None
        units = {"days": 86400, "seconds": 1, "microseconds": 1e-6, "milliseconds": 1e-3, "minutes": 60,
                 "hours": 3600, "weeks": 604800}  # fmt: skip
        positional = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
        total = 0.0
        for index, arg in enumerate(expr.args):
            if arg.star:
                return None
            unit = arg.keyword.value if arg.keyword is not None else positional[index] if index < 7 else None
            literal = self.resolver.literal(arg.value)
            if unit not in units or literal is None or not isinstance(literal.value, (int, float)):
                return None
            total += literal.value * units[unit]
        return total

    def _is_timedelta(self, expr: cst.BaseExpression) -> bool:
        expr = self.resolver.bound_expression(expr)
        return isinstance(expr, cst.Call) and bool(self._names(expr.func) & set(_TIMEDELTAS))

    def _is_none(self, expr: cst.BaseExpression) -> bool:
        literal = self.resolver.literal(expr)
        return literal is not None and literal.value is None

    def _names(self, expr: cst.BaseExpression) -> set:
        return self.resolver.qualified_names(expr)
