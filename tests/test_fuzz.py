"""Fuzzing: generated programs and damaged bytes never make the engine raise.

hypothesmith generates syntactically valid Python from the grammar (and from LibCST's node
types), as flake8-bugbear's tests use it; each generated module is spliced with real SDK calls
so that the prefilter lets it through and the resolver and every rule see it. The byte-level
tests damage real source (random bytes, truncation, NUL, invalid UTF-8 after a coding cookie)
and expect findings or a CIO000 with a reason, never an exception.

Example counts are modest so the suite stays fast; `--hypothesis-seed` reproduces a failure.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cio_lint import rules as rule_registry
from cio_lint.config import settings_from_mapping
from cio_lint.engine import lint_source
from cio_lint.text import split_lines
from tests.conftest import FIXTURES

hypothesmith = pytest.importorskip("hypothesmith")

#: every rule, the off-by-default ones included (they are enabled only when named exactly)
ALL = settings_from_mapping({"select": ["CIO000"] + [r.CODE for r in rule_registry.ALL_RULES], "region": "eu",
                             "events": ["signed_up"]}, "fuzz")  # fmt: skip
SDK_PRELUDE = (
    "import time\n"
    "from customerio import APIClient, CustomerIO, Regions, SendEmailRequest\n"
    "from customerio import analytics\n"
    "cio = CustomerIO('s', 'k', region=Regions.US)\n"
)
SDK_CALLS = (
    "cio.identify(id='', created_at=int(time.time() * 1000))\n"
    "cio.track('1', 'SignedUp', data={'at': 1700000000000})\n"
    "APIClient('3f9a1c0e7b2d4a6c8e10', 'x').send_email(SendEmailRequest(to=''))\n"
    "analytics.write_key = 'pk_eu_7Hq2Lm9xVb4Rt8Kc'\n"
)
FUZZ = settings(
    max_examples=25,
    database=None,  # no .hypothesis/ directory in the work tree
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


def assert_no_crash(source):
    findings = lint_source(source, settings=ALL)
    assert isinstance(findings, list)
    for finding in findings:
        assert "internal error" not in finding.message, finding
        if finding.code == "CIO000":
            assert finding.message.removeprefix("cannot check this file: ").strip()
    return findings


#: the SDK calls' own findings, (code, line), when nothing else is in the file
BASELINE = None
#: names the SDK calls depend on: generated code that binds one may change their findings
CALL_NAMES = {"time", "cio", "CustomerIO", "APIClient", "Regions", "SendEmailRequest", "analytics", "int"}


def baseline():
    global BASELINE
    if BASELINE is None:
        BASELINE = {(f.code, f.line) for f in lint_source(SDK_PRELUDE + SDK_CALLS, settings=ALL)}
        assert {code for code, _ in BASELINE} >= {"CIO101", "CIO201"}  # the calls do report
    return BASELINE


def _binds_a_call_name(generated: str) -> bool:
    import ast

    try:
        tree = ast.parse(generated)
    except (SyntaxError, ValueError):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in CALL_NAMES:
            return True
        if isinstance(node, ast.alias) and (node.name == "*" or (node.asname or node.name).split(".")[0] in CALL_NAMES):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in CALL_NAMES:
            return True
        if isinstance(node, (ast.Global, ast.Nonlocal)) or (isinstance(node, ast.arg) and node.arg in CALL_NAMES):
            return True
    return False


def assert_calls_still_reported(source, generated, first_call_line):
    """The result, not only "no exception": one CIO000 with a reason (a generated module that
    cannot follow others, e.g. a late `from __future__`), or the SDK calls' own findings, at
    their lines, whenever the generated code binds none of the names they use."""
    findings = assert_no_crash(source)
    if any(f.code == "CIO000" for f in findings):
        assert len(findings) == 1, findings
        return
    if _binds_a_call_name(generated):
        return
    shift = first_call_line - (SDK_PRELUDE.count("\n") + 1)
    expected = {(code, line + shift) for code, line in baseline() if line > SDK_PRELUDE.count("\n")}
    assert expected <= {(f.code, f.line) for f in findings}, (expected, findings)


@FUZZ
@given(hypothesmith.from_grammar())
def test_generated_modules_with_sdk_calls(generated):
    after = SDK_PRELUDE + generated + "\n"
    assert_calls_still_reported(after + SDK_CALLS, generated, len(split_lines(after)) + 1)
    assert_calls_still_reported(SDK_PRELUDE + SDK_CALLS + generated, generated, SDK_PRELUDE.count("\n") + 1)


@FUZZ
@given(hypothesmith.from_node())
def test_generated_libcst_nodes_with_sdk_calls(generated):
    assert_calls_still_reported(SDK_PRELUDE + SDK_CALLS + "\n" + generated, generated, SDK_PRELUDE.count("\n") + 1)


def test_the_sdk_calls_themselves_give_findings():
    # So the fuzz tests above do reach the rules: the spliced calls alone fire them.
    codes = {f.code for f in assert_no_crash(SDK_PRELUDE + SDK_CALLS)}
    assert {"CIO101", "CIO201"} <= codes and codes & {"CIO501", "CIO502"}  # one per event name
    assert "CIO000" not in codes


# ---------------------------------------------------------------------------------------------
# Bytes

SEED_SOURCE = (FIXTURES / "shop" / "tracking.py").read_bytes()


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data):
    assert_no_crash(b"import customerio\n" + data)
    assert_no_crash(data + b"\ncustomerio")


@FUZZ
@given(st.integers(0, len(SEED_SOURCE)), st.binary(min_size=1, max_size=8))
def test_damaged_real_source(position, junk):
    assert_no_crash(SEED_SOURCE[:position])  # truncated anywhere
    assert_no_crash(SEED_SOURCE[:position] + junk + SEED_SOURCE[position:])  # bytes inserted
    assert_no_crash(SEED_SOURCE[:position] + b"\x00" + SEED_SOURCE[position + 1:])  # a NUL


@pytest.mark.parametrize("cookie", [b"utf-8", b"latin-1", b"ascii", b"utf-16", b"nonexistent-codec", b"cp1252"])
@pytest.mark.parametrize("payload", [b"\xff\xfe\xfd", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\x80abc"])
def test_invalid_bytes_after_a_coding_cookie(cookie, payload):
    data = b"# -*- coding: " + cookie + b" -*-\nimport customerio\nx = '" + payload + b"'\n"
    findings = assert_no_crash(data)
    try:
        data.decode(cookie.decode())
        decodes = cookie != b"utf-16"  # Python refuses utf-16 source whatever the bytes
    except (UnicodeDecodeError, LookupError):
        decodes = False
    if not decodes:
        assert [f.code for f in findings] == ["CIO000"]
        assert "decode" in findings[0].message or "encoding" in findings[0].message or "syntax" in findings[0].message


def test_every_truncation_of_a_fixture():
    # Deterministic complement of the random tests: each 7th prefix of a real file.
    for end in range(0, len(SEED_SOURCE), 7):
        assert_no_crash(SEED_SOURCE[:end])


def test_random_lines_shuffled_and_duplicated():
    rng = random.Random(9)
    lines = SEED_SOURCE.splitlines(keepends=True)
    for _ in range(40):
        sample = [rng.choice(lines) for _ in range(rng.randint(1, 30))]
        assert_no_crash(b"import customerio\n" + b"".join(sample))


def test_all_rules_are_enabled_in_the_fuzz_settings():
    assert rule_registry.select_rules(ALL.select, ALL.ignore, ALL.extend_select) == list(rule_registry.ALL_RULES)


@pytest.fixture(scope="module")
def shop_index(tmp_path_factory):
    from cio_lint.project import ModuleIndex

    root = tmp_path_factory.mktemp("shop_project")
    (root / "shop" / "deep").mkdir(parents=True)
    for name in ("shop/__init__.py", "shop/deep/__init__.py", "shop/other.py"):
        (root / name).write_text("x = 1\n")
    (root / "shop" / "cio.py").write_text("from customerio import CustomerIO\nclient = CustomerIO('s', 'k')\n")
    return ModuleIndex(root)


IMPORTISH = st.lists(st.sampled_from([b"from ", b"import ", b".", b"..", b"shop", b"cio", b"deep", b" as ", b", ",
                                      b"(", b")", b"\n", b";", b"#", b"\\\n", b"*", b"\xff", b" "]), max_size=30)


@FUZZ
@given(IMPORTISH.map(b"".join), st.sampled_from(["", "shop", "shop.deep", "shop.deep.mod", "x"]))
def test_the_prefilters_import_reading_takes_any_bytes(shop_index, data, importer):
    """The prefilter reads import statements from raw bytes: any bytes give an answer."""
    found = shop_index.imported_modules(data, importer)
    assert all(shop_index.path_of(m) is not None for m in found)
    # shop.cio is the project's only module that mentions the SDK: the answer is whether the
    # bytes import it
    assert shop_index.may_import_a_provider(data, importer) is ("shop.cio" in found)


def test_relative_imports_beyond_the_top_level_package_name_nothing(shop_index):
    assert shop_index.absolute("..cio", "shop.other") == ""  # Python: ImportError
    assert shop_index.absolute(".cio", "toplevel") == ""
    assert shop_index.absolute("..cio", "shop.deep.mod") == "shop.cio"
    assert shop_index.may_import_a_provider(b"from ..cio import client\n", "shop.deep.mod")
    assert not shop_index.may_import_a_provider(b"from ...cio import client\n", "shop.deep.mod")


def test_a_nul_byte_inside_a_string_literal_is_an_unknown_string_not_an_internal_error():
    # LibCST's evaluated_value raises SyntaxError for a literal holding a NUL byte; every rule
    # reads literals through resolve.literals.literal_text (found by test_damaged_real_source).
    data = (b"from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"
            b"cio.identify('u', meta={'a\x00b': 1})\ncio.identify(id='')\n")
    findings = assert_no_crash(data)
    assert not [f for f in findings if f.code == "CIO000"], findings
    assert ("CIO101", 4) in [(f.code, f.line) for f in findings]  # the rest of the file still judged
