from __future__ import annotations

import difflib
from typing import Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD, dotted_name
from cio_lint.rules.base import Invalid, Rule, Valid


class UnknownSdkName(Rule):
    """A name or keyword the project's `customerio` release does not have.

    ## What it does
    Flags, against the detected SDK version: methods that were removed or not yet added
    (`add_to_segment`, removed in 1.0; `send_whatsapp` before 3.2.0), method names of
    Customer.io's Node SDK (`trackAnonymous`, `TrackClient`, `RegionUS`), modules and names
    that do not exist (`customerio.errors`), and request-object keywords the release does not
    accept (`plaintext_body` after 2.0, `disable_css_preproceessing` from 3.0, `cc` before 3.2).

    ## Why is this bad?
    Each one fails at runtime: an `AttributeError` on the call, an `ImportError` when the
    module loads, or a `TypeError` when the request object is built, typically in a code path
    (a webhook, a nightly job) that tests do not reach.

    ## Example
    ```python
    from customerio import TrackClient, RegionUS
    cio.add_to_segment(segment_id, [user.id])
    ```

    ## Use instead
    ```python
    from customerio import CustomerIO, Regions
    # manual segments are managed with the App API (or a segment rule) since customerio 1.0
    ```

    ## Fix safety
    No fix: the replacement is not always a rename.
    """

    CODE = "CIO602"
    NAME = "unknown-sdk-name"

    VALID = [
        Valid("from customerio import CustomerIO, Regions, SendEmailRequest\nCustomerIO('s','k').track('u', 'ev')\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').add_to_segment(1, ['u'])\n", sdk_version="==0.5.2"),
        Valid("from customerio import SendEmailRequest\nSendEmailRequest(body_plain='x', cc=['a@b.c'], _from='a@b.c')\n"),
        Valid("from customerio import SendEmailRequest\nSendEmailRequest(disable_css_preproceessing=True)\n", sdk_version="==2.4"),
        Valid("from customerio.track import CustomerIO\nfrom customerio.client_base import CustomerIOException\n"),
        Valid("import customerio\ncio = customerio.CustomerIO('s', 'k')\ncio.send_request('PUT', url, {})\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').add_to_segment(1, ['u'])\n"),
        Invalid("from customerio import TrackClient, RegionUS\n", count=2),
        Invalid("import customerio.errors\n"),
        Invalid("from customerio.errors import CustomerIOError\n"),
        Invalid("from customerio import SendEmailRequest\nSendEmailRequest(plaintext_body='x')\n"),
        Invalid("from customerio import SendEmailRequest\nSendEmailRequest(disable_css_preproceessing=True)\n"),
        Invalid("from customerio import SendEmailRequest\nSendEmailRequest(cc=['a@b.c'])\n", sdk_version="==2.4"),
        Invalid("from customerio import SendEmailRequest\nSendEmailRequest(from_='a@b.c')\n"),
        Invalid("import customerio\ncustomerio.CustomerIO('s','k').trackAnonymous('a', 'ev')\n"),
        Invalid("from customerio import SendWhatsAppRequest\n", sdk_version="==2.4"),
    ]  # fmt: skip

    # -- imports ------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if self._sdk_module(name):
                problem = self._module_problem(name)
                if problem:
                    self.report(alias, problem)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) or ""
        if not self._sdk_module(module):
            return
        problem = self._module_problem(module)
        if problem:
            self.report(node.module, problem)
            return
        if module != "customerio":
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            problem = self._name_problem(name)
            if problem:
                self.report(alias, problem)

    def _sdk_module(self, module: str) -> bool:
        shadowed = self.context.project.index.shadows_sdk
        return not shadowed and (module == "customerio" or module.startswith("customerio."))

    def _module_problem(self, module: str) -> Optional[str]:
        top = ".".join(module.split(".")[:2])
        if top == sdk.CDP_MODULE:
            return None  # customerio-cdp-analytics' own package
        window = sdk.MODULES.get(top)
        if window is None:
            return (f"module {top} does not exist in any customerio release: importing it raises "
                    f"ModuleNotFoundError; the SDK's only exception is CustomerIOException, from "
                    f"customerio")  # fmt: skip
        return self._outside(window, f"module {top}", "importing it raises ModuleNotFoundError")

    def _name_problem(self, name: str) -> Optional[str]:
        if name.startswith("__"):
            return None
        if name in sdk.FOREIGN_NAMES:
            return (f"customerio has no {name}: that is a name from Customer.io's Node SDK, and "
                    f"this import raises ImportError; use {sdk.FOREIGN_NAMES[name]}")
        window = sdk.PUBLIC_NAMES.get(name)
        if window is None:
            close = difflib.get_close_matches(name, sdk.PUBLIC_NAMES, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            return f"customerio has no {name} in any release: this import raises ImportError{hint}"
        return self._outside(window, name, "this import raises ImportError")

    def _outside(self, window: Tuple[str, Optional[str]], what: str, effect: str) -> Optional[str]:
        since, until = window
        version = self.context.sdk_version
        if sdk.in_window(version.newest, since, until):  # what a fresh install gets
            return None
        when = f"was removed in {until}" if until and version.newest >= sdk.parse_release(until) else f"arrived in {since}"
        return (f"{what} {when}, so with customerio {version.newest} ({version.source}) {effect}; "
                f"upgrade customerio or drop it")

    # -- calls --------------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None:
            return
        if call.kind == METHOD and call.target.sdk_class is not None:
            self._check_method(node, call)
        elif call.kind == CONSTRUCT and call.role == sdk.REQUEST and call.shape is not None:
            self._check_request(call)

    def _check_method(self, node: cst.Call, call) -> None:
        name = call.target.name
        func = node.func
        where = func.attr if isinstance(func, cst.Attribute) else node
        if name in sdk.FOREIGN_METHODS:
            self.report(where, f"{call.target.sdk_class.name} has no {name}() (a Node SDK name): the "
                               f"call raises AttributeError; use {sdk.FOREIGN_METHODS[name]}")  # fmt: skip
        elif call.method is not None and call.shape is None:
            problem = self._outside((call.method.since, call.method.until), f"{name}()", "the call raises AttributeError")
            if problem:
                self.report(where, problem)

    def _check_request(self, call) -> None:
        cls = call.target.sdk_class
        version = self.context.sdk_version
        for keyword, arg in call.args.extra_keywords.items():
            close = difflib.get_close_matches(keyword, call.shape.params, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.report(arg.keyword, f"{cls.name} has no {keyword}= in any release: building it raises "
                                     f"TypeError (unexpected keyword argument){hint}")  # fmt: skip
        for keyword, arg in call.args.params.items():
            window = sdk.REQUEST_FIELD_WINDOWS.get(keyword)
            if window is None or arg.keyword is None:
                continue
            since, until, instead = window
            if sdk.in_window(version.newest, since, until):
                continue
            use = f"use {instead}=" if instead else "upgrade customerio or drop it"
            when = f"was renamed in {until}" if until and version.newest >= sdk.parse_release(until) else f"arrived in {since}"
            self.report(arg.keyword, f"{cls.name}'s {keyword}= {when}: with customerio {version.newest} "
                                     f"({version.source}) building it raises TypeError (unexpected "
                                     f"keyword argument); {use}")  # fmt: skip
