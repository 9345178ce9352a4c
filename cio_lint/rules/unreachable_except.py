from __future__ import annotations

from typing import Iterator, List, Optional, Tuple

import libcst as cst
from libcst.metadata import BuiltinAssignment

from cio_lint import sdk
from cio_lint.resolve import CONSTRUCT, METHOD, dotted_name
from cio_lint.rules.base import Invalid, Rule, Valid

#: calls that cannot raise a transport error, allowed beside SDK calls in the `try`
_PURE = {"str", "int", "float", "bool", "dict", "list", "tuple", "set", "len", "isinstance",
         "round", "min", "max", "sorted", "repr", "format"}  # fmt: skip


class UnreachableExcept(Rule):
    """An `except` for a `requests`/`urllib3`/connection error around SDK calls only: it never runs.

    ## What it does
    Finds `try` blocks whose only calls are Customer.io client calls (and pure builtins) with
    a handler that catches only transport errors, from the families in `sdk.py`: `requests`
    (`RequestException`, `ConnectionError`, `Timeout`, `ConnectTimeout`, `SSLError`, ...),
    `urllib3` errors, and `OSError` with its subclasses (`ConnectionError`, `TimeoutError`,
    `socket.timeout`, `ssl.SSLError`, ...). Around App API calls a handler for a base of the
    JSON error they let escape (`RequestException`, `OSError`, `ValueError`) is left alone.

    ## Why is this bad?
    Every release of the SDK catches whatever its HTTP call raises and raises
    `CustomerIOException("Failed to receive valid response after N retries ...")` instead.
    The handler never runs: the outage it was written for escapes as an unhandled
    `CustomerIOException`, and the fallback (a retry queue, a log line) never happens.
    (`sdk.TRANSPORT_RAISES` / `TRANSPORT_EFFECT`; observed: `tests/grounding/test_sdk_api.py::
    test_except_connection_error_never_fires`, `test_except_timeout_never_fires`.)

    ## Example
    ```python
    try:
        cio.identify(id=user.id, email=user.email)
    except requests.exceptions.ConnectionError:
        retry_later(user)
    ```

    ## Use instead
    ```python
    try:
        cio.identify(id=user.id, email=user.email)
    except CustomerIOException:
        retry_later(user)
    ```

    ## Fix safety
    No fix: CustomerIOException also covers validation errors the handler may not expect.
    """

    CODE = "CIO603"
    NAME = "unreachable-except"

    VALID = [
        Valid("""
            import requests
            from customerio import CustomerIO, CustomerIOException
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id='u')
            except (requests.ConnectionError, CustomerIOException):
                pass
            """),
        # another call in the try may raise the requests error itself
        Valid("""
            import requests
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                profile = requests.get(url).json()
                cio.identify(id=profile['id'])
            except requests.exceptions.ConnectionError:
                pass
            """),
        # CDP analytics in sync mode raises requests' errors itself
        Valid("""
            import requests
            from customerio import analytics
            try:
                analytics.track('u', 'ev')
            except requests.exceptions.ConnectionError:
                pass
            """),
        # the App client parses the response outside the wrapped request: requests'
        # JSONDecodeError (a RequestException and an OSError) reaches these handlers
        Valid("""
            import requests
            from customerio import APIClient, SendEmailRequest
            api = APIClient('k')
            try:
                api.send_email(SendEmailRequest(transactional_message_id=1))
            except requests.RequestException:
                pass
            """),
        Valid("""
            from customerio import APIClient
            api = APIClient('k')
            try:
                api.send_email(request)
            except (IOError, ValueError):
                pass
            """),
        # the project's own TimeoutError
        Valid("""
            from customerio import CustomerIO
            class TimeoutError(Exception):
                pass
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id='u')
            except TimeoutError:
                pass
            """),
    ]
    INVALID = [
        # the families: requests (a subclass), urllib3, socket, the OSError base itself
        Invalid("""
            from requests.exceptions import ProxyError, ReadTimeout
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                cio.track('u', 'ev')
            except (ProxyError, ReadTimeout):
                pass
            """, line=6),
        Invalid("""
            import urllib3
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id='u')
            except urllib3.exceptions.MaxRetryError:
                pass
            """, line=6),
        Invalid("""
            import socket
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id='u')
            except (socket.timeout, socket.error):
                pass
            """, line=6),
        Invalid("""
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id='u')
            except OSError:
                pass
            """, line=5),
        Invalid("""
            import requests
            from customerio import CustomerIO
            cio = CustomerIO('s', 'k')
            try:
                cio.identify(id=str(user_id), email=email)
            except requests.exceptions.ConnectionError:
                log.warning('customer.io down')
            """, line=6),
        Invalid("""
            from requests import Timeout
            import customerio
            api = customerio.APIClient('k')
            try:
                api.send_email(customerio.SendEmailRequest(transactional_message_id=1))
            except (Timeout, ConnectionError):
                pass
            """),
    ]  # fmt: skip

    def visit_Try(self, node: cst.Try) -> None:
        calls = list(_calls(node.body))
        sdk_calls = [self.resolver.sdk_call(c) for c in calls]
        if not any(s is not None and s.kind == METHOD and s.role in (sdk.TRACK, sdk.APP) for s in sdk_calls):
            return
        for call, resolved in zip(calls, sdk_calls):
            if resolved is not None and resolved.kind in (METHOD, CONSTRUCT) and resolved.role is not None:
                continue
            if isinstance(call.func, cst.Name) and call.func.value in _PURE:
                continue
            return  # something else in the try may raise the transport error itself
        # an App client parses the response after the wrapped request: its JSON error escapes
        roles = {s.role for s in sdk_calls if s is not None and s.kind == METHOD}
        for handler in node.handlers:
            caught = self._caught(handler)
            if not caught or any(known is None for _, known in caught):
                continue
            if any(sdk.catches_unwrapped(known, role) for _, known in caught for role in roles):
                continue
            names = [shown for shown, _ in caught]
            self.report(
                handler.type,
                f"except {_shown(names)} never runs: the SDK's errors arrive {sdk.TRANSPORT_EFFECT}; "
                f"catch that",
                help=(f"Every release catches any exception inside its HTTP call (a refused connection, a "
                      f"timeout, a bad URL) and raises {sdk.TRANSPORT_RAISES.says()} instead (observed: "
                      f"tests/grounding/test_sdk_api.py::test_except_connection_error_never_fires, "
                      f"test_except_timeout_never_fires), so the failure escapes this handler. Catch "
                      f"customerio.CustomerIOException (3.x chains the original as __cause__)."),
            )

    def _caught(self, handler: cst.ExceptHandler) -> List[Tuple[str, Optional[str]]]:
        """(name as shown, the transport error's name in sdk.py or None) per caught class."""
        if handler.type is None:
            return []
        types = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) else [handler.type]
        caught: List[Tuple[str, Optional[str]]] = []
        for expr in types:
            qualified = self.resolver.qualified_names(expr)
            known = sorted(q for q in qualified if q in sdk.WRAPPED_EXCEPTIONS)
            if known:
                caught.append((known[0], known[0]))
            elif isinstance(expr, cst.Name) and expr.value in sdk.WRAPPED_EXCEPTIONS and self._is_builtin(expr):
                caught.append((expr.value, expr.value))  # the builtin ConnectionError / OSError
            else:
                caught.append((dotted_name(expr) or "?", None))
        return caught

    def _is_builtin(self, name: cst.Name) -> bool:
        """Not imported, not assigned or defined in this file: Python's own class."""
        scope = self.resolver.scope(name)
        if scope is None:
            return False
        return all(isinstance(a, BuiltinAssignment) for a in scope[name.value])


def _calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    for child in node.children:
        if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        if isinstance(child, cst.Call):
            yield child
        yield from _calls(child)


def _shown(names: List[str]) -> str:
    """The caught names as a message shows them: in full while short (the finding's range
    shows them all anyway)."""
    joined = ", ".join(names)
    return joined if len(joined) <= 40 else f"{names[0].rsplit('.', 1)[-1]}, ..."
