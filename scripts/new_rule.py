"""Scaffold a new rule: its module, its SDK fact in sdk.py, and its grounding test.

    python scripts/new_rule.py NAME CODE        e.g.  python scripts/new_rule.py identify-without-id CIO108

Creates cio_lint/rules/<name>.py (a working example rule with VALID/INVALID cases and the
docstring headings), appends a fact record to cio_lint/sdk.py, and writes
tests/grounding/test_<name>.py that runs the real SDK release and asserts the effect the
fact states. Nothing else needs registering: cio_lint/codes.py finds the rule by reading
the rules package. Then replace the example with the real mistake (CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RULE = '''"""{code} {name}: TODO say in one line what it finds (the scaffold's example: identify() with no id)."""

from __future__ import annotations

import libcst as cst

from cio_lint import sdk
from cio_lint.rules.base import Invalid, Rule, Valid

_EFFECT = sdk.{const}


class {cls}(Rule):
    """`identify()` called without the person's id.

    ## What it does
    Reports a call of the Track client's `identify()` with no argument at all.

    ## Why is this bad?
    `identify` requires the person's id: the call raises TypeError and nothing is sent
    (grounded in `tests/grounding/test_{module}.py`; the effect is `sdk.{const}`).

    ## Example
    ```python
    cio.identify()
    ```

    ## Use instead
    ```python
    cio.identify(id=user.id, email=user.email)
    ```

    ## Fix safety
    No fix: only the author knows whose id it is.
    """

    CODE = "{code}"
    NAME = "{name}"

    VALID = [
        Valid("from customerio import CustomerIO\\ncio = CustomerIO('s', 'k')\\ncio.identify(id='u1')\\n"),
        # a look-alike: not Customer.io's client
        Valid("from mylib import CustomerIO\\ncio = CustomerIO('s', 'k')\\ncio.identify()\\n"),
    ]
    INVALID = [
        Invalid("from customerio import CustomerIO\\ncio = CustomerIO('s', 'k')\\ncio.identify()\\n", line=3),
    ]

    def visit_Call(self, node: cst.Call) -> None:
        if node.args:
            return
        call = self.resolver.sdk_call(node)
        if call is None or call.method is None or call.method.name != "identify":
            return
        self.report(node, f"identify() without an id raises {{_EFFECT.error}} ({{_EFFECT.says}}) and sends "
                          "nothing; pass the person's id: identify(id=...)")
'''

FACT = '''

# -- {code} {name} (scaffolded: check it against what the grounding test observes) -----------

#: `identify(self, id, **kwargs)` has no default for `id` (every release).
{const} = Observed(
    raises="builtins.TypeError",
    says="missing 1 required positional argument: 'id'",
    sends=False,
    releases=("3.2.0",),
    test="tests/grounding/test_{module}.py::test_{module}_has_the_stated_effect",
)
'''

GROUNDING = '''"""{code} {name}: the effect sdk.{const} states, observed on the real SDK release."""

from __future__ import annotations

from cio_lint import sdk

from .support import V3, expect_flag, expect_no_flag, line_of, sdk_settings

EFFECT = sdk.{const}

MISTAKE = """\\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT)
client.identify()
"""

FINE = """\\
from customerio import CustomerIO

client = CustomerIO("SITE", "KEY", host=HOST, port=PORT)
client.identify(id="u1")
"""


def test_{module}_has_the_stated_effect(run, sdks, server):
    assert V3 in EFFECT.releases
    outcome = run(sdks.sdk(V3), MISTAKE)

    assert outcome.raised == EFFECT.raises, outcome.describe()
    assert EFFECT.says in outcome.message
    assert (len(server.seen()) > 0) == EFFECT.sends

    expect_flag(MISTAKE, "{code}", line=line_of(MISTAKE, "identify("), says=[EFFECT.error], **sdk_settings(V3))


def test_{module}_is_silent_where_the_call_works(run, sdks, server):
    outcome = run(sdks.sdk(V3), FINE)
    assert outcome.raised is None, outcome.describe()
    expect_no_flag(FINE, "{code}", **sdk_settings(V3))
'''


def scaffold(name: str, code: str, root: Path = ROOT) -> list:
    """Write the three pieces of a new rule under `root`; returns the paths written."""
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", name):
        raise SystemExit(f"NAME must be kebab case, two words or more (e.g. identify-without-id): {name!r}")
    if not re.fullmatch(r"CIO[1-9]\d\d", code):
        raise SystemExit(f"CODE must be CIO and three digits, not CIO0xx (e.g. CIO108): {code!r}")
    sys.path.insert(0, str(root))
    from cio_lint import codes  # the checkout's own catalogue

    taken = {e.code: e.name for e in codes.walk(root / "cio_lint" / "rules")}
    if code in taken or name in taken.values():
        raise SystemExit(f"{code} or {name} is taken: {sorted(taken.items())}")
    module = name.replace("-", "_")
    fields = {
        "name": name, "code": code, "module": module,
        "cls": "".join(part.title() for part in name.split("-")),
        "const": module.upper(),
    }  # fmt: skip
    rule_path = root / "cio_lint" / "rules" / f"{module}.py"
    test_path = root / "tests" / "grounding" / f"test_{module}.py"
    for path in (rule_path, test_path):
        if path.exists():
            raise SystemExit(f"{path} exists already")
    rule_path.write_text(RULE.format(**fields), encoding="utf-8")
    test_path.write_text(GROUNDING.format(**fields), encoding="utf-8")
    sdk_path = root / "cio_lint" / "sdk.py"
    sdk_path.write_text(sdk_path.read_text(encoding="utf-8").rstrip("\n") + "\n" + FACT.format(**fields),
                        encoding="utf-8")  # fmt: skip
    return [rule_path, sdk_path, test_path]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", help="kebab-case rule name, e.g. identify-without-id")
    parser.add_argument("code", help="CIOnnn, e.g. CIO108")
    args = parser.parse_args(argv)
    for path in scaffold(args.name, args.code.upper()):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    print("next: replace the example with the real mistake (CONTRIBUTING.md), then run\n"
          f"  python -m pytest -q tests/test_rules.py -k {args.code.upper()}\n"
          f"  python -m pytest -q tests/grounding/test_{args.name.replace('-', '_')}.py\n"
          "  cio-lint rule --all --format markdown   # the README's rule table")


if __name__ == "__main__":
    main()
