from __future__ import annotations

from typing import List

import libcst as cst

from cio_lint import sdk
from cio_lint.finding import SAFE, UNSAFE, Fix
from cio_lint.resolve import METHOD
from cio_lint.rules import _cdp
from cio_lint.rules.base import Invalid, Rule, Valid


class TrackSignature(Rule):
    """`track()` / `track_anonymous()` is called in the shape of the other major version.

    ## What it does
    Compares each `track()` and `track_anonymous()` call with the signature of the
    `customerio` release the project uses (detected from its lock files, pins or ranges): on
    a range that admits 3.x, event attributes passed as keywords; on a project pinned below 3,
    `data=` or `timestamp=` keywords and a positional attributes dict.

    ## Why is this bad?
    In 3.0.0 `track(customer_id, name, data=None, id=None, timestamp=None)` dropped
    `**data`: `track(uid, "ev", plan="pro")` raises `TypeError: CustomerIO.track() got an
    unexpected keyword argument 'plan'` (`sdk.UNEXPECTED_KEYWORD`; observed:
    `tests/grounding/test_sdk_api.py::test_track_keyword_attributes_are_a_type_error_on_3x`).
    Before 3.0, `track(uid, "ev", data={...})` is not an error but the dict is sent nested as
    an attribute named `data` (and `timestamp=` as an attribute named `timestamp`;
    `sdk.ATTRIBUTE_BEFORE_THREE`, `test_track_data_keyword_is_silently_nested_on_2x`), so
    segments on the real attributes never match, and a positional attributes dict raises
    TypeError (`sdk.TOO_MANY_POSITIONAL`, `test_track_positional_data_is_a_type_error_on_2x`).
    `id=` and `timestamp=` changed meaning in 3.0: 2.x sent them as event attributes, 3.x as
    the event's own id and time (`sdk.TRACK_EVENT_FIELDS`,
    `test_track_id_and_timestamp_change_meaning_in_3x`).

    ## Example
    ```python
    cio.track(user.id, "plan_changed", plan="pro")  # customerio>=3
    ```

    ## Use instead
    ```python
    cio.track(user.id, "plan_changed", data={"plan": "pro"})
    ```

    ## Fix safety
    The keyword attributes are moved into `data={...}`, which is exactly what 2.x sent. A call
    that also passes `id=` or `timestamp=` was written for 2.x, where they were attributes too:
    they move into `data` with the rest, so the dashboard keeps seeing what it saw. That fix
    is safe when the project still admits 2.x (the code ran there) and unsafe when it admits
    only 3.x, where the author may have meant 3.x's event id / event time.
    """

    CODE = "CIO601"
    NAME = "track-signature"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', data={'plan': 'pro'})\n"),
        Valid("from customerio import CustomerIO\n"
              "CustomerIO('s','k').track('u', 'ev', plan='pro')\n", sdk_version="==2.4"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', timestamp=1700000000)\n"),
        Valid("from customerio import CustomerIO\n"
              "CustomerIO('s','k').identify('u', plan='pro')\n"),  # identify keeps **kwargs
        Valid("from customerio import analytics\nanalytics.track('u', 'Signed Up', {'plan': 'pro'})\n"),
        Valid("import analytics\nanalytics.track('u', 'Signed Up', plan='pro')\n"),  # Segment: not ours
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', plan='pro', seats=3)\n",
                fixed="from customerio import CustomerIO\n"
                      "CustomerIO('s','k').track('u', 'ev', data={\"plan\": 'pro', \"seats\": 3})\n"),
        Invalid("from customerio import CustomerIO\n"
                "cio = CustomerIO('s','k')\n"
                "cio.track_anonymous('a', 'ev', plan='pro', timestamp=1700000000)\n",
                sdk_version=">=2.4",
                fixed="from customerio import CustomerIO\n"
                      "cio = CustomerIO('s','k')\n"
                      "cio.track_anonymous('a', 'ev', data={\"plan\": 'pro', \"timestamp\": 1700000000})\n"),
        Invalid("from customerio import CustomerIO\n"
                "CustomerIO('s','k').track('u', 'ev', data={'plan': 'pro'})\n", sdk_version="==2.4"),
        Invalid("from customerio import CustomerIO\n"
                "CustomerIO('s','k').track('u', 'ev', {'plan': 'pro'})\n", sdk_version="<3"),
        # written for 2.x: id= was an event attribute there, so it moves into data with the rest
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', id=7, total=3)\n",
                sdk_version=">=2.4",
                fixed="from customerio import CustomerIO\n"
                      "CustomerIO('s','k').track('u', 'ev', data={\"id\": 7, \"total\": 3})\n"),
        # customerio.analytics.track takes properties={...}, not keywords
        Invalid("from customerio import analytics\nanalytics.track('u', 'Signed Up', plan='pro')\n",
                fixed="from customerio import analytics\n"
                      "analytics.track('u', 'Signed Up', properties={\"plan\": 'pro'})\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        cdp = _cdp.keyword_properties(self.resolver, node)  # customerio.analytics.track (issue 18)
        if cdp is not None:
            where, names, fixable, message = cdp
            fixed = _with_data(node, names, sdk.CDP_PROPERTIES_PARAM) if fixable else None
            self.report(where, message, self.fix(self.replace(node, fixed)) if fixed else None)
        for call in self.sdk_calls(node):  # the call itself, or what a project wrapper passes on
            self._check_call(node, call)

    def _check_call(self, node: cst.Call, call) -> None:
        if call.kind != METHOD or call.method is None or call.shape is None:
            return
        if call.method.name not in ("track", "track_anonymous") or call.args is None:
            return
        version = self.context.sdk_version
        if call.shape.var_keyword:
            self._check_before_three(node, call, version)
        elif call.args.extra_keywords or call.args.splat_extra(call.shape.params):
            self._check_three(node, call, version)

    def _check_three(self, node: cst.Call, call, version: sdk.SdkVersion) -> None:
        # keywords written at the call, then those of a `**mapping` whose keys the code shows
        # (values.splat_keys: not written at the call, so `dynamic` keeps the fix off)
        splat = call.args.splat_extra(call.shape.params)
        names = list(call.args.extra_keywords) + [k for k in splat if k not in call.args.extra_keywords]
        # id=/timestamp= beside keyword attributes: the call is in 2.x's shape, where they were
        # attributes; on 3.x they are the event's own id and time (sdk.TRACK_EVENT_FIELDS)
        fields = [k for k in sdk.TRACK_EVENT_FIELDS
                  if k in call.args.params and call.args.params[k].keyword is not None]
        fix = None
        if not call.args.dynamic and "data" not in call.args.params:
            edit = self.replace(node, _with_data(node, names + fields))
            written_for_two = version.may_run(until=sdk.TRACK_EVENT_FIELDS_SINCE)
            applicability = SAFE if not fields or written_for_two else UNSAFE
            fix = Fix(applicability, (edit,))
        raises = sdk.UNEXPECTED_KEYWORD.format(callable=f"CustomerIO.{call.method.name}", keyword=names[0])
        moved = ", ".join(f"{k}=" for k in fields)
        first = call.args.extra_keywords.get(names[0]) or splat[names[0]].arg
        self.report(
            first.value,
            f"{names[0]}= raises {raises.says()} in 3.x; use data={{...}}",
            fix,
            help=(f"{call.method.name}() has no **attributes from customerio {sdk.TRACK_EVENT_FIELDS_SINCE} "
                  f"({version.describe()}): keyword {', '.join(names)} raise {raises.name}; pass the "
                  f"attributes as data={{...}}, which is what 2.x sent."
                  + (f" {moved} sits beside them, so the call was written for 2.x, where it was an event "
                     f"attribute; in 3.x it is " + " / ".join(sdk.TRACK_EVENT_FIELDS[k] for k in fields)
                     + ". The fix moves it into data too (unsafe when the project admits only 3.x)."
                     if fields else "")),
        )

    def _check_before_three(self, node: cst.Call, call, version: sdk.SdkVersion) -> None:
        if version.may_run(since=sdk.TRACK_DATA_SINCE):
            return  # only a project pinned below 3 gets the 2.x reading
        splat = call.args.splat_extra(call.shape.params)  # a `**mapping` whose keys the code shows
        for word in ("data", "timestamp"):
            arg = call.args.extra_keywords.get(word) or (splat[word].arg if word in splat else None)
            if arg is not None:
                self.report(
                    arg.value,
                    f"{word}= {sdk.ATTRIBUTE_BEFORE_THREE.format(word=word)} before customerio 3.0; "
                    f"pass attributes as keywords",
                    help=(f"{word}= is not a parameter of {call.method.name}() before customerio 3.0 "
                          f"({version.describe()}): it is sent as an attribute named '{word}', so the event "
                          f"does not carry what you meant. Pass attributes as keywords (plan='pro'), or "
                          f"upgrade to customerio 3.x."),
                )
        if call.args.extra_positional:
            given = 3 + len(call.args.extra_positional)  # self, customer_id, name + the extras
            raises = sdk.TOO_MANY_POSITIONAL.format(callable=f"CustomerIO.{call.method.name}",
                                                    expected="3", given=str(given))
            self.report(
                call.args.extra_positional[0].value,
                f"a positional attributes dict raises {raises.name} before customerio 3.0; pass keywords",
                help=(f"{call.method.name}() takes no positional attributes before customerio 3.0 "
                      f"({version.describe()}): the call raises {raises.says()}. Pass attributes as keywords."),
            )


def _with_data(node: cst.Call, names: List[str], key: str = "data") -> str:
    """The call's code with the keyword attributes `names` moved into data={...} (or `key`)."""
    keep = [a for a in node.args if a.keyword is None or a.keyword.value not in names]
    moved = [a for a in node.args if a.keyword is not None and a.keyword.value in names]
    elements = [
        cst.DictElement(cst.SimpleString(f'"{a.keyword.value}"'), a.value.deep_clone()) for a in moved
    ]
    no_space = cst.SimpleWhitespace("")
    data = cst.Arg(keyword=cst.Name(key), value=cst.Dict(elements),
                   equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))
    args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in keep] + [data]
    return cst.Module([]).code_for_node(node.with_changes(args=args))
