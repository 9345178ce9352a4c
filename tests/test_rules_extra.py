"""Cases for CIO202, CIO303, CIO402-404 and CIO502 beyond their VALID/INVALID examples."""

from __future__ import annotations

import json
import random
import string

import pytest

from cio_lint.config import settings_from_mapping
from tests.helpers import lint_file
from cio_lint.fix import fix_text
from cio_lint.project import project_for
from cio_lint.rules import event_name_style, unknown_event
from cio_lint.rules.hardcoded_credential import credential_shape, mask
from tests.conftest import FIXTURES
from tests.helpers import lint


def only(code, source, config=None, sdk_version=""):
    return [f for f in lint(source, config, sdk_version) if f.code == code]


# -- CIO402 region-string ------------------------------------------------------------------------


def test_region_fixes_share_the_import_they_both_add():
    source = ("from customerio import CustomerIO\n"
              "a = CustomerIO('s', 'k', region='eu')\n"
              "b = CustomerIO('s', 'k', region='US')\n")  # fmt: skip
    findings = only("CIO402", source)
    assert len(findings) == 2
    result = fix_text(source, findings)  # one pass: the shared import edit is no conflict
    assert (len(result.applied), result.rejected) == (2, [])
    text = result.text
    assert text == ("from customerio import CustomerIO, Regions\n"
                    "a = CustomerIO('s', 'k', region=Regions.EU)\n"
                    "b = CustomerIO('s', 'k', region=Regions.US)\n")  # fmt: skip
    assert only("CIO402", text) == []


def test_region_fix_uses_the_module_alias():
    source = "import customerio as cio_sdk\nc = cio_sdk.CustomerIO('s', 'k', region='Eu ')\n"
    [finding] = only("CIO402", source)
    assert fix_text(source, [finding]).text == (
        "import customerio as cio_sdk\nc = cio_sdk.CustomerIO('s', 'k', region=cio_sdk.Regions.EU)\n"
    )


def test_region_fix_is_withheld_when_regions_means_something_else():
    source = "from customerio import CustomerIO\nRegions = {'eu': 1}\nc = CustomerIO('s', 'k', region='eu')\n"
    [finding] = only("CIO402", source)
    assert finding.fix is None


def test_region_fix_is_withheld_for_a_shared_constant():
    source = "from customerio import CustomerIO\nREGION = 'eu'\nc = CustomerIO('s', 'k', region=REGION)\n"
    [finding] = only("CIO402", source)
    assert finding.fix is None and finding.line == 3


def test_region_message_names_both_outcomes_for_a_range_across_1_1():
    [finding] = only("CIO402", "from customerio import CustomerIO\nCustomerIO('s', 'k', region='eu')\n",
                     sdk_version="<2")  # fmt: skip
    assert "invalid region provided" in finding.message and "TypeError" in finding.message


def test_region_unknown_version_is_the_newest_release():
    [finding] = only("CIO402", "from customerio import CustomerIO\nCustomerIO('s', 'k', region='eu')\n")
    assert "TypeError" not in finding.message


# -- CIO403 host-region-conflict ----------------------------------------------------------------


def test_host_with_port_and_region_through_a_name():
    source = ("from customerio import CustomerIO, Regions\nR = Regions.US\n"
              "CustomerIO('s', 'k', host='track-eu.customer.io:443', region=R)\n")  # fmt: skip
    [finding] = only("CIO403", source)
    assert "track-eu.customer.io:443" in finding.message and "wins over region=Regions.US" in finding.message


# -- CIO404 cdp-unknown-setting -----------------------------------------------------------------


def test_cdp_augmented_assignment_and_alias():
    source = "from customerio import analytics as cdp\ncdp.timeout += 1\ncdp.retries += 1\n"
    [finding] = only("CIO404", source)
    assert finding.line == 3 and "max_retries" in finding.message


# -- CIO303 hardcoded-credential ----------------------------------------------------------------

KEY = "7c3e9a1f4b2d6e80a5c1"


def test_credential_is_masked_in_every_field():
    [finding] = only("CIO303", f"from customerio import CustomerIO\nCustomerIO('{KEY}', s)\n")
    dumped = json.dumps(finding.to_dict())
    assert KEY not in dumped and KEY[:5] not in dumped
    assert "'7c3e…' (20 characters)" in finding.help  # the one-breath message leaves it to help


@pytest.mark.parametrize("text", ["7c3e9a1f4b2d6e80a5c1", "e4c1f08a9b3d27c65a0e1f4b8d29c7a3", "1234"])
def test_mask_never_shows_more_than_four_characters_or_a_quarter(text):
    shown = mask(text).split("…")[0].lstrip("'")
    assert len(shown) <= 4 and len(shown) <= len(text) // 4 and str(len(text)) in mask(text)


def test_random_keys_are_recognised():
    rng = random.Random(1)
    for alphabet, length, rate in (("0123456789abcdef", 20, 0.99), ("0123456789abcdef", 32, 0.99),
                                   (string.ascii_letters + string.digits, 32, 0.98)):  # fmt: skip
        keys = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(500)]
        assert sum(credential_shape(k) is not None for k in keys) / len(keys) >= rate


@pytest.mark.parametrize("text", [
    "", "xxx", "changeme", "your-site-id", "<SITE_ID>", "${CIO_SITE_ID}", "{{ site_id }}", "test",
    "dummy", "fake", "example", "aaaaaaaaaaaaaaaaaaaa", "00000000000000000000", "0123456789abcdef0123",
    "1a2b3c4d5e6f7a8b9c0d", "abcabcabcabcabcabc12", "deadbeefdeadbeefdead", "12345678901234567890",
    "SITE_ID_FROM_ENV", "YOUR_TRACK_API_KEY_HERE", "MyCompanyProduction2024", "pk_eu_xxxxxxxxxxxxxxxx",
    "production-workspace-1", "1a2b3c4d",
])  # fmt: skip
def test_placeholders_are_not_credentials(text):
    assert credential_shape(text) is None


def test_credential_reported_once_at_the_constant():
    source = f"from customerio import CustomerIO\nK = '{KEY}'\nCustomerIO(K, K)\nCustomerIO(site_id=K, api_key=K)\n"
    [finding] = only("CIO303", source)
    assert finding.line == 2


# -- CIO502 unknown-event -----------------------------------------------------------------------


def test_unknown_event_reuses_the_event_name_lookup_of_cio501():
    assert unknown_event.event_name_argument is event_name_style.event_name_argument


def test_unknown_event_names_the_snake_case_spelling():
    [finding] = only("CIO502", "from customerio import CustomerIO\nCustomerIO('s', 'k').track('u', 'Order Completed')\n",
                     {"events": ["signed_up", "order_completed"]})  # fmt: skip
    assert "'order_completed'" in finding.message


# -- CIO202 datetime-offset ---------------------------------------------------------------------

ON = {"extend-select": ["CIO202"]}
HEAD = ("from datetime import datetime, timedelta, timezone\nfrom zoneinfo import ZoneInfo\n"
        "from customerio import CustomerIO\nc = CustomerIO('s', 'k')\n")  # fmt: skip


@pytest.mark.parametrize("expr,sdk_version,count", [
    ("datetime.utcnow()", "", 0),
    ("datetime.utcfromtimestamp(1)", "", 0),
    ("datetime.now().replace(microsecond=0)", "", 1),
    ("timedelta(hours=1) + datetime.now()", "", 1),
    ("datetime.now(tz=None)", "", 1),
    ("datetime.now() - start", "", 0),  # a duration, or unknown
    ("datetime.now().isoformat()", "", 0),
    ("datetime.now().astimezone()", "==2.4", 1),
    ("datetime.now().astimezone()", "", 0),
    ("datetime.now(timezone(timedelta(0)))", "==2.4", 0),
    ("datetime.now(ZoneInfo('Etc/UTC'))", "==2.4", 0),
    ("datetime.now(timezone.utc).astimezone(ZoneInfo('Asia/Tokyo'))", "==2.4", 1),
    ("datetime(2024, 1, 1, tzinfo=ZoneInfo('Asia/Tokyo'))", ">=2,<4", 1),
])  # fmt: skip
def test_datetime_values(expr, sdk_version, count):
    assert len(only("CIO202", HEAD + f"c.identify('u', at={expr})\n", ON, sdk_version)) == count


def test_nested_datetime_on_old_releases_is_not_an_offset_problem():
    nested = HEAD + "c.track('u', 'ev', data={'m': {'at': datetime.now()}})\n"
    assert only("CIO202", nested, ON, "==2.4") == []  # 2.4 cannot encode it at all
    assert len(only("CIO202", nested, ON, ">=3.1")) == 1


def test_datetime_offset_is_off_by_default():
    assert only("CIO202", HEAD + "c.identify('u', at=datetime.now())\n") == []


# -- the fixtures show each rule ----------------------------------------------------------------


@pytest.mark.parametrize("path,code,line", [
    ("shop/regions.py", "CIO402", 7),
    # the host names the other region than the workspace's: CIO401 reports it (and says
    # region= is ignored), superseding CIO403 on the same host= (one finding per mistake)
    ("shop/regions.py", "CIO401", 10),
    ("shop/cdp.py", "CIO404", 10),
    ("shop/secrets_demo.py", "CIO303", 6),
    ("shop/secrets_demo.py", "CIO303", 7),
    ("shop/events.py", "CIO502", 10),
])  # fmt: skip
def test_fixture_shows_the_rule(path, code, line):
    file = FIXTURES / path
    settings = settings_from_mapping({"region": "eu",
                                      "events": ["signed_up", "order_completed", "order_refunded",
                                                 "plan_changed", "trial_started"]}, "test")  # fmt: skip
    findings = lint_file(file, settings, project_for(file, settings))
    assert (code, line) in {(f.code, f.line) for f in findings}
