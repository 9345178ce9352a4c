from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterator, Optional, Set

import libcst as cst

from cio_lint import sdk
from cio_lint.resolve import MODULE, Literal
from cio_lint.resolve.values import ENV_CALLS
from cio_lint.rules.base import Invalid, Rule, Valid

# -- what a real credential looks like -------------------------------------------------------
#
# Customer.io site ids and Track API keys are 20 hex characters; App API keys are longer hex
# strings; CDP write keys are random tokens, some with a `pk_`/`sk_` + region prefix. A string
# counts as a credential only if it has one of these shapes *and* passes the placeholder filters
# below (in the spirit of detect-secrets: placeholder words, repeated or sequential characters,
# low Shannon entropy).

#: hex: at least 16 characters (a site id or Track key is 20), digits and letters both present
_HEX = re.compile(r"[0-9a-fA-F]{16,}")
#: base62/base64 tokens: at least 20 characters, upper and lower case and digits all present
_TOKEN = re.compile(r"[A-Za-z0-9+/]{20,}={0,2}")
#: the random part after a CDP key prefix (pk_eu_...), at least 12 characters
_PREFIXED_BODY = re.compile(r"[A-Za-z0-9]{12,}")
#: minimum Shannon entropy, bits per character: random 20-char hex scores 2.7+ in 99.9% of
#: draws, random base62 far more; hand-made strings (aaaa1111, 11112222...) score below
_MIN_ENTROPY_HEX = 2.7
_MIN_ENTROPY_TOKEN = 3.0
#: substrings that mark a placeholder or an example rather than a real credential
_PLACEHOLDER_WORDS = (
    "xxx", "changeme", "change_me", "change-me", "your", "example", "sample", "placeholder",
    "dummy", "fake", "test", "demo", "redacted", "secret", "password", "token", "insert",
    "replace", "todo", "fixme", "key", "site", "api", "dead", "beef", "cafe", "babe", "face",
    "0000", "1111", "1234", "abcd",
)  # fmt: skip
_SEQUENCES = (
    "0123456789" * 3 + "abcdefghijklmnopqrstuvwxyz" * 2,
    "0123456789abcdef" * 4,
    "abcdef" * 8,
    "abcdefghijklmnopqrstuvwxyz" * 2 + "0123456789" * 3,
    "qwertyuiopasdfghjklzxcvbnm" * 2,
)


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _periodic(text: str) -> bool:
    """"abcabcabc...": the string is a repetition of a shorter unit."""
    return text in (text + text)[1:-1]


def _sequential(text: str) -> bool:
    lowered = text.lower()
    return any(lowered in seq or lowered in seq[::-1] for seq in _SEQUENCES)


def _interleaved_sequences(text: str) -> bool:
    """"1a2b3c4d5e...": the digits and the letters each count up (or down)."""
    digits = "".join(c for c in text if c.isdigit())
    letters = "".join(c for c in text if c.isalpha())
    return len(digits) >= 4 and len(letters) >= 4 and _sequential(digits) and _sequential(letters)


_SEGMENTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def _wordy(text: str) -> bool:
    """"MyCompanyProduction2024": long CamelCase words, where random tokens switch case and
    digits every character or two."""
    segments = _SEGMENTS.findall(text)
    return bool(segments) and len(text) / len(segments) >= 4


def _random_enough(text: str, min_entropy: float) -> bool:
    lowered = text.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return False
    if _periodic(text) or _sequential(text) or _interleaved_sequences(text):
        return False
    return _entropy(text) >= min_entropy


def credential_shape(text: str) -> Optional[str]:
    """What a string looks like when it looks like a real credential, else None."""
    for prefix in sdk.CDP_KEY_PREFIXES:
        if text.startswith(prefix):
            body = text[len(prefix):]
            if _PREFIXED_BODY.fullmatch(body) and not _wordy(body) and _random_enough(body, _MIN_ENTROPY_HEX):
                return f"a {prefix}… CDP key"
            return None
    if _HEX.fullmatch(text):
        has_digit = any(c.isdigit() for c in text)
        has_letter = any(c.isalpha() for c in text)
        if has_digit and has_letter and _random_enough(text, _MIN_ENTROPY_HEX):
            return f"a {len(text)}-character hex string, the form of Customer.io keys and site ids"
        return None
    if _TOKEN.fullmatch(text):
        classes = (any(c.isupper() for c in text), any(c.islower() for c in text), any(c.isdigit() for c in text))
        if all(classes) and not _wordy(text) and _random_enough(text.rstrip("="), _MIN_ENTROPY_TOKEN):
            return f"a {len(text)}-character random token"
    return None


def mask(text: str) -> str:
    """At most the first 4 characters, then "…" and the length: never the whole value."""
    shown = text[: min(4, len(text) // 4)]
    return f"'{shown}…' ({len(text)} characters)"


#: Environment lookups whose default (second argument) is the value when the variable is unset.


class HardcodedCredential(Rule):
    """A Customer.io credential (site id, API key, CDP write key) is written in the source.

    ## What it does
    Checks the credentials given to `CustomerIO` (`site_id`, `api_key`), `APIClient` (`key`)
    and `customerio.analytics.write_key`, written at the call, through a name bound once to a
    string, or as the default of `os.getenv` / `os.environ.get`. It fires only for strings that
    look like real credentials: 16+ hex characters (site ids and Track API keys are 20, App API
    keys longer), `pk_`/`sk_` region-prefixed CDP keys, or random-looking tokens of 20+
    characters mixing upper case, lower case and digits. Placeholders are skipped: words such
    as `your`, `example`, `changeme`, `test`, `fake`, `xxx`, `<...>` / `${...}` templates,
    repeated or sequential characters, and strings whose Shannon entropy is too low to be
    random (2.7 bits per character for hex, 3.0 for other tokens). The message shows at most
    the first 4 characters and the length, never the credential.

    ## Why is this bad?
    The code sends with these credentials exactly as written, so it works, and the key now
    ships with every copy of the repository, its history, built images and logs of tools that
    print source. Anyone who has them can send data as the workspace (Track, CDP) or send
    messages to its people and read their data (App API). Deleting the line later does not
    remove it from version-control history: the key must be rotated.

    ## Example
    ```python
    cio = CustomerIO(site_id="3f9a1c0e7b2d4a6c8e10", api_key="9b1e7d2c4a6f8e0b3d5c")
    ```

    ## Use instead
    ```python
    cio = CustomerIO(site_id=os.environ["CIO_SITE_ID"], api_key=os.environ["CIO_API_KEY"])
    ```

    ## Fix safety
    No fix: the credential has to move to a secret store and be rotated.
    """

    CODE = "CIO303"
    NAME = "hardcoded-credential"
    REPORTS_SECRET = True

    VALID = [
        Valid("import os\nfrom customerio import CustomerIO\n"
              "cio = CustomerIO(os.environ['CIO_SITE_ID'], os.getenv('CIO_API_KEY'))\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO(settings.CIO_SITE_ID, settings.CIO_API_KEY)\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('your-site-id', 'your-api-key')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('xxxxxxxxxxxxxxxxxxxx', '<TRACK_API_KEY>')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('${CIO_SITE_ID}', 'changeme')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('SITE_ID_FROM_ENV', 'TRACK_KEY_FROM_ENV')\n"),
        Valid("from customerio import CustomerIO\ncio = CustomerIO('aaaaaaaaaa1111111111', '0123456789abcdef0123')\n"),
        Valid("from customerio import APIClient\napi = APIClient('test_app_api_key_1234567890')\n"),
        Valid("from customerio import APIClient\napi = APIClient('1a2b')\n"),  # too short to be a key
        Valid("from customerio import analytics\nanalytics.write_key = 'fake-write-key'\n"),
        # not the SDK
        Valid("import customerio\nfrom eodhd import APIClient\napi = APIClient('3f9a1c0e7b2d4a6c8e10')\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\n"
                "cio = CustomerIO(site_id='3f9a1c0e7b2d4a6c8e10', api_key='9b1e7d2c4a6f8e0b3d5c')\n", count=2),
        Invalid("from customerio import APIClient\n"
                "APP_KEY = 'e4c1f08a9b3d27c65a0e1f4b8d29c7a3'\n"
                "\n"
                "def client():\n"
                "    return APIClient(APP_KEY)\n", line=2),
        Invalid("import os\nfrom customerio import CustomerIO\n"
                "cio = CustomerIO(os.getenv('CIO_SITE_ID', '3f9a1c0e7b2d4a6c8e10'), os.environ['CIO_API_KEY'])\n"),
        Invalid("from customerio import analytics\nanalytics.write_key = 'Xq7mP2vL9rTzK4wN8bYc'\n"),
        Invalid("from customerio import analytics\nanalytics.write_key = 'pk_eu_7Hq2Lm9xVb4Rt8Kc'\n"),
    ]  # fmt: skip

    def __init__(self, context) -> None:
        super().__init__(context)
        self._reported: Set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        call = self.resolver.sdk_call(node)
        if call is None or not call.constructs(sdk.TRACK, sdk.APP):
            return
        for param, value in call.credentials() or ():
            self._check(value, param)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            attr = target.target
            if isinstance(attr, cst.Attribute) and attr.attr.value in sdk.CDP_CREDENTIAL_SETTINGS:
                owner = self.resolver.value(attr.value)
                if owner is not None and owner.kind == MODULE and owner.module == sdk.CDP_MODULE:
                    self._check(node.value, f"analytics.{attr.attr.value}")

    def _check(self, expr: cst.BaseExpression, param: str) -> None:
        for literal in self._literals(expr):
            if not isinstance(literal.value, str) or id(literal.node) in self._reported:
                continue
            shape = credential_shape(literal.value)
            if shape is None:
                continue
            self._reported.add(id(literal.node))
            self.report(
                literal.node,
                f"{param} is a hardcoded credential: anyone with the code can use it; load it from the "
                f"environment and rotate it",
                help=(f"{param} looks like a real credential ({mask(literal.value)}, {shape}). "
                      f"The SDK sends it as written, and it "
                      f"ships with every copy of the code and stays in version-control history, where "
                      f"anyone who reads it can use the workspace. Load it from the environment or a secret "
                      f"store, and rotate this one."),
            )

    def _literals(self, expr: cst.BaseExpression) -> Iterator[Literal]:
        literal = self.resolver.literal(expr)
        if literal is not None:
            yield literal
            return
        call = self.resolver.bound_expression(expr)
        if isinstance(call, cst.Call) and self.resolver.qualified_names(call.func) & set(ENV_CALLS):
            defaults = [a.value for a in call.args[1:2] if a.keyword is None and not a.star]
            defaults += [a.value for a in call.args if a.keyword is not None and a.keyword.value in ("default",)]
            for default in defaults:
                found = self.resolver.literal(default)
                if found is not None:
                    yield found
