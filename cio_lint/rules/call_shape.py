from __future__ import annotations

from typing import Optional

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD, SdkCall
from cio_lint.rules.base import Invalid, Rule, Valid


class CallShape(Rule):
    """An SDK call that cannot bind to the release's signature, or a method of the other client.

    ## What it does
    Binds each call on a `CustomerIO` or `APIClient` (and `APIClient(...)` itself) to the
    signature of the detected `customerio` release and reports: a required argument that is
    missing (`identify(email=...)`, `track(uid)`, `add_device(uid, token)`), an argument given
    both by position and by keyword (`identify(uid, id=uid)`), `customer_id=` passed to
    `identify` (whose parameter is `id`), and a method of the other client
    (`CustomerIO(...).send_email`, `APIClient(...).identify`). Calls with `*args`/`**kwargs`
    are left alone.

    ## Why is this bad?
    Python raises `TypeError` (missing or duplicate argument) or `AttributeError` (no such
    method) before the SDK sends anything, in every release (observed on customerio 3.2.0
    and 2.4, grounded in `tests/grounding/test_seeds_calls.py`), so the update is lost where
    the call runs, often in a code path that tests do not reach.

    ## Example
    ```python
    cio.identify(customer_id=user.id, email=user.email)
    api.identify(user.id)  # api is an APIClient
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, email=user.email)
    cio.identify(user.id)  # cio is a CustomerIO
    ```

    ## Fix safety
    Safe for `identify(customer_id=...)` when no `id` is given: the keyword becomes `id=`. The
    call could only raise before. Other shapes get no fix.
    """

    CODE = "CIO606"
    NAME = "call-shape"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id='u', email='a@b.c')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify('u', customer_id='x')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.add_device('u', 'tok', 'ios')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.track(*args, **kwargs)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(**profile)\n"),
        Valid("from customerio import APIClient\napi = APIClient('k')\napi.send_email(request)\n"),
        # both clients have close() (ClientBase, 3.0.0+)
        Valid("from customerio import APIClient\napi = APIClient('k')\napi.close()\n"),
        # a project subclass adds its own methods
        Valid("""
            from customerio import APIClient
            class Api(APIClient):
                def identify(self, uid):
                    pass
            Api('k').identify('u')
            """),
        # a look-alike client
        Valid("from myapp import CustomerIO\nCustomerIO('s', 'k').identify(email='a@b.c')\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            cio.identify(customer_id=user.id, email=user.email)
            """, line=3, fixed="""
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            cio.identify(id=user.id, email=user.email)
            """),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(email='a@b.c')\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.track('u')\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.add_device('u', 'tok')\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify('u', id='v')\n"),
        Invalid("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.send_email(request)\n"),
        Invalid("from customerio import APIClient\napi = APIClient('k')\napi.identify('u', email='a@b.c')\n"),
        Invalid("from customerio import APIClient\napi = APIClient(url='https://api-eu.customer.io')\n"),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or call.target.sdk_class is None:
            return
        cls = call.target.sdk_class
        if call.kind == METHOD and cls.role in (sdk.TRACK, sdk.APP):
            if call.method is None:
                self._other_client(node, call)
            elif call.shape is not None:
                self._bind(node, call, f"{cls.name}.{call.method.name}", call.method.name)
        elif call.kind == CONSTRUCT and call.constructs(sdk.TRACK, sdk.APP, sdk_signature=True):
            self._bind(node, call, cls.name, cls.name)

    def _other_client(self, node: cst.Call, call: SdkCall) -> None:
        name = call.target.name
        cls = call.target.sdk_class
        other = next((c for c in sdk.CLASSES if c is not cls and name in c.methods), None)
        if other is None or name in sdk.CLIENT_BASE_METHODS or not isinstance(node.func, cst.Attribute):
            return  # an unknown name is CIO602's
        error = sdk.NO_ATTRIBUTE.format(cls=cls.name, name=name)
        article = "an" if other.name[0] in "AEIOU" else "a"
        self.report(
            node.func.attr,
            f"{name}() is a method of {other.name}, not {cls.name}: {error.name} before sending; "
            f"use {article} {other.name}",
            help=f"The call raises {error.says()}.",
        )

    def _bind(self, node: cst.Call, call: SdkCall, callable_name: str, key: str) -> None:
        if call.args is None or call.args.dynamic:
            return
        params = call.shape.params
        positional = sum(1 for a in node.args if a.keyword is None)
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in params[:positional]:
                param = arg.keyword.value
                error = sdk.MULTIPLE_VALUES.format(callable=callable_name, param=param)
                self.report(
                    arg.keyword,
                    f"{param} is given twice (by position and as {param}=): {error.name} before anything "
                    f"is sent; pass it once",
                )
                return
        required = params[: sdk.REQUIRED_PARAMETERS.get(key, 0)]
        missing = [p for p in required if p not in call.args.params]
        if not missing:
            return
        param = missing[0]
        error = sdk.MISSING_ARGUMENT.format(callable=callable_name, param=param)
        alias = self._alias(call, key, param)
        if alias is not None:
            self.report(
                alias.keyword,
                f"identify() has no customer_id parameter: {error.name} (missing '{param}') before "
                f"sending; pass id=",
                self.fix(self.replace(alias.keyword, param)),
                help=f"identify() takes **attributes, so customer_id= is an attribute and the required "
                     f"'{param}' is missing: {error.says()}.",
            )
            return
        self.report(
            node,
            f"{callable_name}() is called without {param}: {error.name} (missing required argument) "
            f"before anything is sent; pass {param}",
        )

    def _alias(self, call: SdkCall, key: str, param: str) -> Optional[cst.Arg]:
        if key != "identify" or param != "id":
            return None
        for alias in sdk.IDENTIFY_ID_ALIASES:
            arg = call.args.extra_keywords.get(alias)
            if arg is not None:
                return arg
        return None
