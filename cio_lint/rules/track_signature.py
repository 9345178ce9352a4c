from __future__ import annotations

from typing import List

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import METHOD
from cio_lint.rules.base import Invalid, Rule, Valid

_THREE = "3.0.0"


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
    unexpected keyword argument 'plan'`. Before 3.0, `track(uid, "ev", data={...})` is not an
    error but the dict is sent nested as an attribute named `data` (and `timestamp=` as an
    attribute named `timestamp`), so segments on the real attributes never match.

    ## Example
    ```python
    cio.track(user.id, "plan_changed", plan="pro")  # customerio>=3
    ```

    ## Use instead
    ```python
    cio.track(user.id, "plan_changed", data={"plan": "pro"})
    ```

    ## Fix safety
    Safe on 3.x: the keyword attributes are moved into `data={...}` (keeping `id=` and
    `timestamp=` as parameters), which is exactly what 2.x sent.
    """

    CODE = "CIO601"
    NAME = "track-signature"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', data={'plan': 'pro'})\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', plan='pro')\n", sdk_version="==2.4"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', timestamp=1700000000)\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').identify('u', plan='pro')\n"),  # identify keeps **kwargs
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', plan='pro', seats=3)\n",
                fixed="from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', data={\"plan\": 'pro', \"seats\": 3})\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s','k')\ncio.track_anonymous('a', 'ev', plan='pro', timestamp=1700000000)\n",
                sdk_version=">=2.4",
                fixed="from customerio import CustomerIO\ncio = CustomerIO('s','k')\ncio.track_anonymous('a', 'ev', timestamp=1700000000, data={\"plan\": 'pro'})\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', data={'plan': 'pro'})\n", sdk_version="==2.4"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', {'plan': 'pro'})\n", sdk_version="<3"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or call.kind != METHOD or call.method is None or call.shape is None:
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
        splat = call.args.splat_extra(call.shape.params)
        names = list(call.args.extra_keywords) + [k for k in splat if k not in call.args.extra_keywords]
        fix = None
        if not call.args.dynamic and "data" not in call.args.params:
            fix = self.fix(self.replace(node, _with_data(node, names)))
        first = call.args.extra_keywords.get(names[0]) or splat[names[0]].arg
        self.report(
            first.value,
            f"{call.method.name}() has no **attributes on customerio 3.x ({version.describe()}): "
            f"keyword {', '.join(names)} raises TypeError: CustomerIO.{call.method.name}() got an "
            f"unexpected keyword argument '{names[0]}'; pass them as data={{...}}",
            fix,
        )

    def _check_before_three(self, node: cst.Call, call, version: sdk.SdkVersion) -> None:
        if version.may_run(since=_THREE):
            return  # only a project pinned below 3 gets the 2.x reading
        splat = call.args.splat_extra(call.shape.params)
        for word in ("data", "timestamp"):
            arg = call.args.extra_keywords.get(word) or (splat[word].arg if word in splat else None)
            if arg is not None:
                self.report(
                    arg.value,
                    f"{word}= is not a parameter of {call.method.name}() before customerio 3.0 "
                    f"({version.describe()}): it is sent as an attribute named '{word}' "
                    f"(data.{word}), so the event does not carry what you meant; pass attributes as "
                    f"keywords (plan='pro'), or upgrade to customerio 3.x",
                )
        if call.args.extra_positional:
            self.report(
                call.args.extra_positional[0].value,
                f"{call.method.name}() takes no positional attributes before customerio 3.0 "
                f"({version.describe()}): this call raises TypeError (takes 3 positional arguments "
                f"but 4 were given); pass attributes as keywords",
            )


def _with_data(node: cst.Call, names: List[str]) -> str:
    """The call's code with the keyword attributes `names` moved into data={...}."""
    keep = [a for a in node.args if a.keyword is None or a.keyword.value not in names]
    moved = [a for a in node.args if a.keyword is not None and a.keyword.value in names]
    elements = [
        cst.DictElement(cst.SimpleString(f'"{a.keyword.value}"'), a.value.deep_clone()) for a in moved
    ]
    no_space = cst.SimpleWhitespace("")
    data = cst.Arg(keyword=cst.Name("data"), value=cst.Dict(elements),
                   equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space))
    args = [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in keep] + [data]
    return cst.Module([]).code_for_node(node.with_changes(args=args))
