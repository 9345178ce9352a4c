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
    A name or module that is in no catalogue (not another SDK's, not removed or renamed, not a
    known mistaken module) is reported only when the file's `customerio` is proven to be the
    SDK: the file also imports a real SDK name, or the project declares the `customerio`
    distribution. A project's own package named `customerio` stays silent.

    ## Why is this bad?
    Each one fails at runtime: an `AttributeError` on the call (`sdk.NO_ATTRIBUTE`), an
    `ImportError` / `ModuleNotFoundError` when the module loads (`sdk.CANNOT_IMPORT`,
    `sdk.NO_MODULE`), or a `TypeError` when the request object is built
    (`sdk.UNEXPECTED_KEYWORD`), typically in a code path (a webhook, a nightly job) that tests
    do not reach. Observed on 2.4 and 3.2.0: `tests/grounding/test_sdk_api.py::
    test_name_missing_from_every_major_fails` and `test_request_field_of_the_other_major`.

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
        Valid("from customerio import CustomerIO\n"
              "CustomerIO('s','k').add_to_segment(1, ['u'])\n", sdk_version="==0.5.2"),
        Valid("from customerio import SendEmailRequest\n"
              "SendEmailRequest(body_plain='x', cc=['a@b.c'], _from='a@b.c')\n"),
        Valid("from customerio import SendEmailRequest\n"
              "SendEmailRequest(disable_css_preproceessing=True)\n", sdk_version="==2.4"),
        Valid("from customerio.track import CustomerIO\nfrom customerio.client_base import CustomerIOException\n"),
        Valid("import customerio\ncio = customerio.CustomerIO('s', 'k')\ncio.send_request('PUT', url, {})\n"),
        # a project's own package named customerio (outside the checked folder) is not the SDK
        Valid("import customerio.client, customerio.const, customerio.geo\n"),
        Valid("from customerio import geo\n"),
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
        # an unknown module counts once the file's customerio is proven to be the SDK
        Invalid("import customerio.client\n", dependencies=("customerio==3.2.0",)),
        Invalid("from customerio import CustomerIO, Client\n"),
    ]  # fmt: skip

    def __init__(self, context) -> None:
        super().__init__(context)
        #: is this file's `customerio` the SDK? (it uses a name the SDK has, or the project
        #: declares the SDK); until then, unknown names wait here instead of being reported
        self.proven = False
        self.pending: list = []

    # -- imports ------------------------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if self._sdk_module(name):
                self._module(alias, name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = dotted_name(node.module) or ""
        if not self._sdk_module(module):
            return
        if self._module(node.module, module) or module != sdk.PACKAGE:
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            if name in sdk.PUBLIC_NAMES:
                self.proven = True
            problem = self._name_problem(name)
            if problem:
                self._report(alias, *problem)

    def leave_Module(self, original_node: cst.Module) -> None:
        if self.pending and (self.proven or self._declares_sdk()):
            for node, message, help in self.pending:
                self.report(node, message, help=help)

    def _report(self, node: cst.CSTNode, message: str, help: str, catalogued: bool) -> None:
        """Report now when the mistake is catalogued (another SDK's name, a removed or renamed
        one, a module people import by mistake); otherwise only once the file's `customerio`
        is proven to be the SDK: a project's own package named customerio is not."""
        if catalogued:
            self.report(node, message, help=help)
        else:
            self.pending.append((node, message, help))

    def _declares_sdk(self) -> bool:
        project = self.context.project
        if project.declarations is None:
            project.distribution_conflict()  # reads the declarations once per project
        return any(d.distribution in sdk.SDK_DISTRIBUTIONS for d in project.declarations or ())

    def _sdk_module(self, module: str) -> bool:
        shadowed = self.context.project.index.shadows_sdk
        return not shadowed and sdk.in_package(module)

    def _module(self, node: cst.CSTNode, module: str) -> bool:
        """Check an imported module; True when it was reported (or waits to be)."""
        top = ".".join(module.split(".")[:2])
        if top == sdk.CDP_MODULE:
            return False  # customerio-cdp-analytics' own package
        window = sdk.MODULES.get(top)
        if window is not None:
            if top != sdk.PACKAGE:
                self.proven = True  # customerio.track, customerio.api...: the SDK's own modules
            problem = self._outside(window, f"module {top}", sdk.NO_MODULE.name)
            if problem:
                self._report(node, *problem, catalogued=True)
            return bool(problem)
        raises = sdk.NO_MODULE.format(module=top)
        instead = sdk.MISTAKEN_MODULES.get(top)
        message = f"{top} does not exist: importing it raises {raises.name}"
        message += f"; {instead}" if instead else "; drop it"
        self._report(node, message,
                     f"No customerio release has a module {top} (sdk.MODULES); importing it raises "
                     f"{raises.says()} (observed: tests/grounding/test_sdk_api.py::"
                     f"test_name_missing_from_every_major_fails).", catalogued=instead is not None)
        return True

    def _name_problem(self, name: str) -> Optional[Tuple[str, str, bool]]:
        if name.startswith("__"):
            return None
        raises = sdk.CANNOT_IMPORT.format(name=name)
        if name in sdk.FOREIGN_NAMES:
            return (f"customerio has no {name} (a Node SDK name): the import raises {raises.name}; "
                    f"use {sdk.FOREIGN_NAMES[name]}",
                    f"{name} is a name of Customer.io's Node SDK; the Python package never had it, and "
                    f"the import raises {raises.says()}.", True)
        window = sdk.PUBLIC_NAMES.get(name)
        if window is None:
            close = difflib.get_close_matches(name, sdk.PUBLIC_NAMES, n=1)
            hint = f"; did you mean {close[0]}?" if close else "; drop it"
            return (f"customerio has no {name} in any release: the import raises {raises.name}{hint}",
                    f"No customerio release exports {name}; the import raises {raises.says()}.", False)
        problem = self._outside(window, name, raises.name)
        return (*problem, True) if problem else None

    def _outside(self, window: Tuple[str, Optional[str]], what: str, effect: str) -> Optional[Tuple[str, str]]:
        since, until = window
        version = self.context.sdk_version
        if sdk.in_window(version.newest, since, until):  # what a fresh install gets
            return None
        removed = until and version.newest >= sdk.parse_release(until)
        when = f"was removed in {until}" if removed else f"arrived in {since}"
        return (f"{what} {when}: on customerio {version.newest} it raises {effect}; "
                f"{'drop it' if removed else 'upgrade customerio or drop it'}",
                f"{what} exists in customerio [{since}, {until or 'now'}); the project's version is "
                f"{version.describe()} ({version.source}), whose newest release lacks it, so using it "
                f"raises {effect}.")

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
        cls = call.target.sdk_class.name
        raises = sdk.NO_ATTRIBUTE.format(cls=cls, name=name)
        if name in sdk.FOREIGN_METHODS:
            self.report(where, f"{cls} has no {name}() (a Node SDK name): the call raises {raises.name}; "
                               f"use {sdk.FOREIGN_METHODS[name]}",
                        help=f"{name} is a method of Customer.io's Node SDK; the call raises {raises.says()}.")
        elif call.method is not None and call.shape is None:
            problem = self._outside((call.method.since, call.method.until), f"{name}()", raises.name)
            if problem:
                self.report(where, problem[0], help=problem[1])

    def _check_request(self, call) -> None:
        cls = call.target.sdk_class
        version = self.context.sdk_version
        # the shape lists the newest release's fields; one of another release is judged below
        any_release = {param for shape in cls.constructor for param in shape.params}
        for keyword, arg in call.args.extra_keywords.items():
            if keyword in any_release:
                continue
            raises = sdk.UNEXPECTED_KEYWORD.format(callable=f"{cls.name}.__init__", keyword=keyword)
            close = difflib.get_close_matches(keyword, call.shape.params, n=1)
            hint = f"; did you mean {close[0]}=?" if close else "; drop it"
            self.report(arg.keyword, f"{cls.name} has no {keyword}= in any release: it raises {raises.name}{hint}",
                        help=f"Building it raises {raises.says()}.")
        for keyword, arg in {**call.args.params, **call.args.extra_keywords}.items():
            window = sdk.REQUEST_FIELD_WINDOWS.get(keyword)
            if window is None or arg.keyword is None or keyword not in any_release:
                continue
            since, until, instead = window
            if sdk.in_window(version.newest, since, until):
                continue
            raises = sdk.UNEXPECTED_KEYWORD.format(callable=f"{cls.name}.__init__", keyword=keyword)
            use = f"use {instead}=" if instead else "upgrade customerio or drop it"
            renamed = until and version.newest >= sdk.parse_release(until)
            when = f"was renamed in {until}" if renamed else f"arrived in {since}"
            self.report(arg.keyword,
                        f"{keyword}= {when}: it raises {raises.name} on customerio {version.newest}; {use}",
                        help=(f"{cls.name}'s {keyword}= exists in customerio [{since}, {until or 'now'}); the "
                              f"project's version is {version.describe()} ({version.source}), where building "
                              f"it raises {raises.says()}."))
