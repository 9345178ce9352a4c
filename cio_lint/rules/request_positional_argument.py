from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import SdkCall
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.REQUEST_POSITIONAL_DICT


class RequestPositionalArgument(Rule):
    """A dict passed positionally to a `Send*Request`: it becomes the `transactional_message_id`.

    ## What it does
    Finds `SendEmailRequest({...})` (and the push, SMS, WhatsApp, in-app and inbox classes)
    whose first positional argument is a dict display, a `dict(...)` call, or a name whose only
    binding is one of these.

    ## Why is this bad?
    The first parameter of every request class is `transactional_message_id`. The SDK validates
    nothing, so the request is sent as `{"transactional_message_id": {...the whole dict...}}`
    with no `to` and no `identifiers` (observed on customerio 3.2.0 and 2.4, grounded in
    `tests/grounding/test_seeds_requests.py`). The SDK's own README once showed this form.

    ## Example
    ```python
    request = SendEmailRequest({"transactional_message_id": 3, "to": user.email,
                                "identifiers": {"id": user.id}})
    ```

    ## Use instead
    ```python
    request = SendEmailRequest(transactional_message_id=3, to=user.email,
                               identifiers={"id": user.id})
    ```

    ## Fix safety
    Safe when the dict is written at the call, is the only positional argument, and its keys
    are all string literals naming fields of the class that are not also passed as keywords:
    the keys become keyword arguments. Anything else gets no fix.
    """

    CODE = "CIO702"
    NAME = "request-positional-argument"
    FIX = "safe"

    VALID = [
        Valid("from customerio import SendEmailRequest\n"
              "r = SendEmailRequest(transactional_message_id=3, to='a@b.c')\n"),
        # a positional message id is the first parameter: right
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest(3, to='a@b.c')\n"),
        Valid("from customerio import SendEmailRequest\nr = SendEmailRequest(**{'to': 'a@b.c'})\n"),
        # a plain dict sent as-is is the other accepted form
        Valid("from customerio import APIClient\nAPIClient('k').send_email({'to': 'a@b.c'})\n"),
        # a look-alike: another library's request class
        Valid("from mailer import SendEmailRequest\nr = SendEmailRequest({'to': 'a@b.c'})\n"),
        # a dict whose binding cannot be told
        Valid("from customerio import SendPushRequest\nr = SendPushRequest(payload)\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import SendEmailRequest
            request = SendEmailRequest({"transactional_message_id": 3, "to": "a@b.c", "identifiers": {"id": "u"}})
            """, line=2, fixed="""
            from customerio import SendEmailRequest
            request = SendEmailRequest(transactional_message_id=3, to="a@b.c", identifiers={"id": "u"})
            """),
        # a key that is not a field: no fix
        Invalid("""
            import customerio
            request = customerio.SendEmailRequest({"transactional_message_id": 3, "from": "x@y.z"})
            """),
        Invalid("""
            from customerio.api import SendSMSRequest
            payload = {"transactional_message_id": "welcome", "to": "+15555550100"}
            request = SendSMSRequest(payload)
            """, line=3),
        Invalid("""
            from customerio import SendPushRequest
            request = SendPushRequest(dict(transactional_message_id=1), identifiers={"id": "u"})
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.REQUEST) or call.shape is None:
            return
        first = next((a for a in node.args if not a.star), None)
        if first is None or first.keyword is not None or node.args[0] is not first:
            return
        value = self.resolver.bound_expression(first.value)
        is_dict_call = isinstance(value, cst.Call) and isinstance(value.func, cst.Name) and value.func.value == "dict"
        if not isinstance(value, cst.Dict) and not is_dict_call:
            return
        cls = call.target.sdk_class.name
        self.report(
            first.value,
            f"{cls}({{...}}) binds the dict to {_EFFECT.says} and sends it whole as that; pass its "
            f"keys as keywords",
            self._fix(node, first, call),
        )

    def _fix(self, node: cst.Call, first: cst.Arg, call: SdkCall):
        if not isinstance(first.value, cst.Dict):
            return None  # a shared name or dict(): the dict may be used elsewhere
        if any(a is not first and a.keyword is None for a in node.args):
            return None
        keywords = {a.keyword.value for a in node.args if a.keyword is not None}
        code = self.context.module.code_for_node
        parts = []
        for element in first.value.elements:
            if not isinstance(element, cst.DictElement):
                return None
            key = self.resolver.literal(element.key)
            if key is None or key.node is not element.key or not isinstance(key.value, str):
                return None
            if key.value not in call.shape.params or key.value in keywords or not self._in_release(key.value):
                return None
            keywords.add(key.value)
            parts.append(f"{key.value}={code(element.value).strip()}")
        if not parts or "#" in code(first.value):
            return None  # nothing to pass, or comments the rewrite would drop
        return self.fix(self.replace(first.value, ", ".join(parts)))

    def _in_release(self, field: str) -> Optional[bool]:
        window = sdk.REQUEST_FIELD_WINDOWS.get(field)
        return window is None or sdk.in_window(self.context.sdk_version.newest, window[0], window[1])
