from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import METHOD
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.DEVICE_SENT
_PLATFORMS = " or ".join(f'"{p}"' for p in sdk.DEVICE_PLATFORMS)


class DevicePlatform(Rule):
    """`add_device` with a platform other than `"ios"`/`"android"`, or device attributes outside `attributes=`.

    ## What it does
    Checks `CustomerIO.add_device(customer_id, device_id, platform, **data)`: a literal platform
    (written there or bound once to a name) that is not `"ios"` or `"android"`, and keyword
    arguments other than `last_used` and `attributes`.

    ## Why is this bad?
    The SDK sends the platform as given and puts every extra keyword at `device.<key>`, beside
    `device.attributes` rather than in it (observed on customerio 3.2.0 and 2.4, grounded in
    `tests/grounding/test_seeds_values.py`). The Track API's device object takes `platform`
    `ios` or `android` and reads custom device attributes from `attributes` (Customer.io's
    Track API reference, "Add or update a customer device"): `app_version="1.2"` never
    becomes a device attribute.

    ## Example
    ```python
    cio.add_device(user.id, token, "iOS", app_version="1.2")
    ```

    ## Use instead
    ```python
    cio.add_device(user.id, token, "ios", attributes={"app_version": "1.2"})
    ```

    ## Fix safety
    Safe for a platform that differs from `"ios"`/`"android"` only in case or spaces: the
    literal is rewritten. Other platforms and stray keywords get no fix.
    """

    CODE = "CIO104"
    NAME = "device-platform"
    FIX = "safe"

    VALID = [
        Valid("from customerio import CustomerIO\nCustomerIO('s', 'k').add_device('u', 't', 'ios')\n"),
        Valid("from customerio import CustomerIO\n"
              "CustomerIO('s', 'k').add_device('u', 't', platform='android', last_used=1700000000,"
              " attributes={'app_version': '1.2'})\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s', 'k').add_device('u', 't', device.platform)\n"),
        Valid("from customerio import CustomerIO\nCustomerIO('s', 'k').add_device('u', 't', 'ios', **extra)\n"),
        # a look-alike
        Valid("from push import Client as CustomerIO\nCustomerIO('s', 'k').add_device('u', 't', 'web')\n"),
    ]
    INVALID = [
        Invalid("""
            from customerio import CustomerIO
            CustomerIO('s', 'k').add_device('u', 't', "iOS")
            """, fixed="""
            from customerio import CustomerIO
            CustomerIO('s', 'k').add_device('u', 't', "ios")
            """),
        Invalid("""
            from customerio import CustomerIO
            PLATFORM = 'web'
            CustomerIO('s', 'k').add_device('u', 't', platform=PLATFORM)
            """, line=3),
        Invalid("""
            from customerio import CustomerIO
            CustomerIO('s', 'k').add_device('u', 't', 'android', app_version='1.2', push_enabled=True)
            """),
    ]  # fmt: skip

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or call.kind != METHOD or call.role != sdk.TRACK or call.method is None:
            return
        if call.method.name != "add_device" or call.args is None:
            return
        platform = call.arg("platform")
        literal = self.resolver.literal(platform) if platform is not None else None
        if literal is not None and isinstance(literal.value, str) and literal.value not in sdk.DEVICE_PLATFORMS:
            self._report_platform(platform, literal)
        stray = [k for k in call.args.extra_keywords if k not in sdk.DEVICE_FIELDS]
        if stray and not call.args.dynamic:
            keys = ", ".join(f"{k}=" for k in stray)
            self.report(
                call.args.extra_keywords[stray[0]].keyword,
                f"add_device() {keys} land at device.<key>, outside device.attributes where the Track "
                f"API reads them; use attributes={{...}}",
                help=f"The SDK sends every keyword of add_device() other than {', '.join(sdk.DEVICE_FIELDS)} "
                     f"beside the device's attributes, not in them ({sdk.DEVICE_DOCS}).",
            )

    def _report_platform(self, platform: cst.BaseExpression, literal) -> None:
        value = literal.value
        fixed = value.strip().lower()
        fix = None
        node = literal.node
        if fixed in sdk.DEVICE_PLATFORMS and node is platform and isinstance(node, cst.SimpleString) \
                and node.prefix == "":  # fmt: skip
            fix = self.fix(self.replace(node, f"{node.quote}{fixed}{node.quote}"))
        self.report(
            platform,
            f"platform {value!r} is not {_PLATFORMS} (the Track API's device platforms), yet the SDK "
            f"sends it {_EFFECT.says}; use one of them",
            fix,
        )
