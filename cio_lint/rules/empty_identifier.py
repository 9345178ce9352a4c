from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD, Literal
from cio_lint.rules import _cdp
from cio_lint.rules.base import Invalid, Rule, Valid


class EmptyIdentifier(Rule):
    """An identifier passed to the SDK is empty, whitespace-only or None.

    ## What it does
    Checks the identifier arguments of Track client calls (`id`, `customer_id`, `device_id`,
    the ids of `merge_customers`, `anonymous_id` on the releases that require it) and the
    `identifiers={...}` of transactional request objects, when they are `""`, whitespace-only
    or `None`, written literally or through a name whose only binding is such a literal.

    ## Why is this bad?
    From release 1.0 on, an empty or `None` id makes the SDK raise
    `CustomerIOException("customer_id cannot be blank in track")` before anything is sent, so
    the event or update is lost (`sdk.blank_id_raises`; observed: `tests/grounding/
    test_identity.py::test_blank_identifier_raises_before_any_request`). A whitespace-only id
    passes that check and creates or updates a person whose id is blank spaces
    (`sdk.WHITESPACE_ID_SENT`, `test_whitespace_identifier_is_sent`). Request objects are not
    checked at all: the blank identifier goes to the API (`sdk.SENT_UNCHECKED`,
    `test_request_object_blank_identifier_is_sent_unchanged`).

    ## Example
    ```python
    cio.identify(id="", email=user.email)
    ```

    ## Use instead
    ```python
    if user.id:
        cio.identify(id=str(user.id), email=user.email)
    ```

    ## Fix safety
    No fix: only the author knows which id was meant.
    """

    CODE = "CIO101"
    NAME = "empty-identifier"

    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id=user.id)\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s', 'k').track('u1', 'signed_up')\n"),
        # 3.x: track_anonymous omits a blank anonymous id instead of failing
        Valid("from customerio import CustomerIO\nCustomerIO('s', 'k').track_anonymous('', 'ev')\n"),
        # an event's own `id` is optional and may be None
        Valid("from customerio import CustomerIO\nCustomerIO('s','k').track('u', 'ev', id=None)\n"),
        # a look-alike: Segment's analytics
        Valid("import analytics\nanalytics.identify('', {})\n"),
        # customerio.analytics: an anonymous id is enough; "  " passes its check
        Valid("from customerio import analytics\nanalytics.track('', 'Viewed', anonymous_id=visitor)\n"),
        Valid("from customerio import analytics\nanalytics.page(user.id, None, 'Pricing')\n"),
        # a name bound more than once cannot be judged
        Valid("""
            from customerio import CustomerIO
            uid = ""
            if user:
                uid = user.id
            CustomerIO('s', 'k').identify(id=uid)
            """),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id='')\n",
                line=3),
        Invalid("import customerio\ncustomerio.CustomerIO('s', 'k').track(None, 'signed_up')\n"),
        Invalid("""
            from customerio import CustomerIO as C
            EMPTY = "   "
            def f():
                with C('s', 'k') as cio:
                    cio.delete(customer_id=EMPTY)
            """, line=5),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').merge_customers('id', '', 'id', 'b')\n"),
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').add_device('u', '', 'ios')\n"),
        Invalid("""
            from customerio import SendEmailRequest
            req = SendEmailRequest(transactional_message_id=1, identifiers={"id": ""})
            """),
        # positional fields bind in the SDK's order: (transactional_message_id, to, identifiers, ...)
        Invalid("""
            from customerio import SendEmailRequest
            req = SendEmailRequest(1, "a@b.c", {"id": ""})
            """),
        # 1.2-1.4 required the anonymous id
        Invalid("from customerio import CustomerIO\nCustomerIO('s','k').track_anonymous('', 'ev')\n",
                sdk_version="==1.3"),
        # customerio.analytics asserts a user_id or an anonymous_id
        Invalid("from customerio import analytics\nanalytics.track('', 'Signed Up')\n"),
        Invalid("from customerio import analytics\nanalytics.identify(user_id=None, traits={'plan': 'pro'})\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        cdp = _cdp.blank_identity(self.resolver, node)  # customerio.analytics (issue 18)
        if cdp is not None:
            self.report(*cdp)
        for call in self.sdk_calls(node):  # the call itself, or what a project wrapper passes on
            self._check_call(call)

    def _check_call(self, call) -> None:
        if call.shape is None:
            return
        if call.kind == METHOD and call.method is not None:
            for param in call.shape.identifiers:
                self._check(call.arg(param), param, call.method)
        elif call.kind == CONSTRUCT and call.role == sdk.REQUEST:
            identifiers = call.arg("identifiers")
            if isinstance(identifiers, cst.Dict):
                for element in identifiers.elements:
                    if isinstance(element, cst.DictElement):
                        key = self.resolver.literal(element.key)
                        if key is not None and key.value in sdk.REQUEST_IDENTIFIER_KEYS:
                            self._check(element.value, f"identifiers[{key.value!r}]", None)

    def _check(self, expr: Optional[cst.BaseExpression], param: str,
               method: Optional[sdk.Method]) -> None:  # fmt: skip
        if expr is None:
            return
        literal = self.resolver.literal(expr)
        if literal is None or not _is_blank(literal):
            return
        self.report(expr, self._message(literal, param, method))

    def _message(self, literal: Literal, param: str, method: Optional[sdk.Method]) -> str:
        shown = "None" if literal.value is None else repr(literal.value)
        if method is None:
            return (f"{param} is {shown}: request objects are {sdk.SENT_UNCHECKED}, so the API gets a blank id; "
                    f"pass a real id")
        if isinstance(literal.value, str) and literal.value.strip() == "" and literal.value:
            return (f"{param} is whitespace only: {method.name}() {sdk.WHITESPACE_ID_SENT} (only empty ids "
                    f"raise); strip it, skip the call if empty")
        error = method.blank_errors.get(param)
        if error and self.context.sdk_version.newest >= sdk.parse_release(sdk.BLANK_CHECK_SINCE):
            return f"{param} is {shown}: {method.name}() raises {sdk.blank_id_raises(error).says()}; pass a real id"
        return f"{param} is {shown}: {method.name}() {sdk.WHITESPACE_ID_SENT}, to no real person; pass a real id"


def _is_blank(literal: Literal) -> bool:
    return literal.value is None or (isinstance(literal.value, str) and not literal.value.strip())
