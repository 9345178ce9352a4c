from __future__ import annotations

from typing import Iterator, Optional, Tuple

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import METHOD
from cio_lint.resolve.literals import literal_text
from cio_lint.rules._requests import request_call
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.IDENTIFIERS_KEY
_KEYS = ", ".join(sdk.REQUEST_IDENTIFIER_KEYS[:-1]) + " or " + sdk.REQUEST_IDENTIFIER_KEYS[-1]


class IdentifiersKey(Rule):
    """A request's `identifiers={...}` uses a key other than `id`/`email`/`cio_id`, or a placeholder value.

    ## What it does
    Checks `identifiers={...}` of the `Send*Request` classes (and the `"identifiers"` entry of a
    plain dict passed to `send_*`), written as a dict display or `dict(...)`, directly or
    through a name bound once: a key other than `"id"`, `"email"` or `"cio_id"`
    (`"user_id"`, `"customer_id"`, `"ID"`), or a string value that is a placeholder
    (`"none"`, `"null"`, `"undefined"`, `"nil"`, `"nan"`, any case), typically a formatted
    `None` or a JavaScript `undefined`.

    ## Why is this bad?
    The SDK sends `identifiers` exactly as written (observed on customerio 3.2.0 and 2.4,
    grounded in `tests/grounding/test_seeds_requests.py`). Customer.io's documentation
    ("Transactional API Examples") names `identifiers.id`, `identifiers.email` and
    `identifiers.cio_id` as the ways to say who receives the message: another key, or a
    placeholder id, matches no one you meant.

    ## Example
    ```python
    SendEmailRequest(transactional_message_id=3, to=user.email, identifiers={"user_id": user.id})
    ```

    ## Use instead
    ```python
    SendEmailRequest(transactional_message_id=3, to=user.email, identifiers={"id": user.id})
    ```

    ## Fix safety
    Safe when the key differs from a valid one only in case or surrounding spaces (`"ID"`,
    `"Email "`): it is rewritten. Other keys and placeholder values get no fix: only the author
    knows which identifier was meant.
    """

    CODE = "CIO703"
    NAME = "identifiers-key"
    FIX = "safe"

    VALID = [
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest(identifiers={'id': user.id})\n"),
        Valid("from customerio import SendPushRequest\nr = SendPushRequest(identifiers={'cio_id': 'abc'})\n"),
        Valid("from customerio import SendSMSRequest\nr = SendSMSRequest(identifiers=dict(email=user.email))\n"),
        # a value that merely contains the word
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest(identifiers={'email': 'none@x.io'})\n"),
        # dynamic keys
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest(identifiers={key: user.id})\n"),
        # a look-alike
        Valid("from mailer import SendEmailRequest\nr = SendEmailRequest(identifiers={'user_id': 1})\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import SendEmailRequest
            r = SendEmailRequest(transactional_message_id=3, identifiers={"user_id": user.id})
            """, line=2),
        Invalid("""
            from customerio import SendEmailRequest
            r = SendEmailRequest(transactional_message_id=3, identifiers={"ID": user.id})
            """, fixed="""
            from customerio import SendEmailRequest
            r = SendEmailRequest(transactional_message_id=3, identifiers={"id": user.id})
            """),
        Invalid("""
            from customerio import SendPushRequest
            who = {"id": "undefined"}
            r = SendPushRequest(transactional_message_id=3, identifiers=who)
            """, line=2),
        Invalid("""
            from customerio import APIClient
            APIClient('k').send_email({"transactional_message_id": 3, "identifiers": dict(customer_id=7)})
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        identifiers = self._identifiers(node)
        if identifiers is None:
            return
        for key_node, key, value in _entries(self.resolver.bound_expression(identifiers)):
            if key is not None and key not in sdk.REQUEST_IDENTIFIER_KEYS:
                self._report_key(key_node, key)
            literal = self.resolver.literal(value) if value is not None else None
            if literal is not None and isinstance(literal.value, str) \
                    and literal.value.strip().lower() in sdk.IDENTIFIER_PLACEHOLDERS:  # fmt: skip
                self.report(
                    literal.node,
                    f"identifiers value {literal.value!r} is a placeholder: the SDK {_EFFECT.says}, "
                    f"matching no one you meant; pass the real id",
                )

    def _report_key(self, key_node: cst.CSTNode, key: str) -> None:
        fixed = key.strip().lower()
        fix = None
        if fixed in sdk.REQUEST_IDENTIFIER_KEYS and isinstance(key_node, cst.SimpleString):
            quote = key_node.quote if key_node.prefix == "" else None
            if quote is not None:
                fix = self.fix(self.replace(key_node, f"{quote}{fixed}{quote}"))
        self.report(
            key_node,
            f"identifiers key {key!r}: the SDK {_EFFECT.says}, but Customer.io matches only by "
            f"{_KEYS}; use one",
            fix,
        )

    def _identifiers(self, node: cst.Call) -> Optional[cst.BaseExpression]:
        call = request_call(self.resolver, node)
        if call is not None:
            return call.arg("identifiers")
        sdk_call = self.resolver.sdk_call(node)
        if sdk_call is None or sdk_call.kind != METHOD or sdk_call.target.name not in sdk.SEND_METHOD_REQUEST:
            return None
        payload = sdk_call.arg("request")
        if payload is None or not isinstance(payload, cst.Dict):
            return None
        for key_node, key, value in _entries(payload):
            if key == "identifiers":
                return value
        return None


def _entries(expr: cst.BaseExpression) -> Iterator[Tuple[cst.CSTNode, Optional[str], Optional[cst.BaseExpression]]]:
    """(key node, key when a plain string, value) of a dict display or `dict(k=v)`."""
    if isinstance(expr, cst.Dict):
        for element in expr.elements:
            if isinstance(element, cst.DictElement):
                key = element.key
                yield key, literal_text(key) if isinstance(key, cst.SimpleString) else None, element.value
    elif isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name) and expr.func.value == "dict":
        for arg in expr.args:
            if arg.keyword is not None and not arg.star:
                yield arg.keyword, arg.keyword.value, arg.value
