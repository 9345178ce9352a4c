"""Issue 15: every message true, one finding per mistake, messages that read in one breath.

Each test here failed on the code before the issue's fix (the runtime side of the claims is in
tests/grounding/, which runs the real SDK)."""

from __future__ import annotations

import pytest

from cio_lint.rules import ALL_RULES
from tests.helpers import lint

TRACK = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"


def messages(code: str, source: str, config=None, sdk_version: str = "", **kwargs) -> list:
    return [f.message for f in lint(source, config, sdk_version, **kwargs) if f.code == code]


# --- 1. CIO201 names the year the value means, not the year the author meant ----------------


def test_ms_timestamp_names_the_year_the_value_means():
    [message] = messages("CIO201", TRACK + "cio.identify('u', created_at=1704067200000)\n")
    assert "55,969" in message and "2,023" not in message and "2,024" not in message


# --- 8. the explanation goes to a separate `help` in JSON and SARIF ---------------------------


def test_json_and_sarif_carry_help_beside_the_message():
    import json

    from cio_lint import report

    findings = lint(TRACK + "cio.identify('u', created_at=1704067200000)\n")
    [entry] = json.loads(report.as_json(findings))
    assert entry["message"] == findings[0].message
    assert "Customer.io reads epoch timestamps" in entry["help"] and entry["help"] not in entry["message"]
    run = json.loads(report.sarif(findings))["runs"][0]
    [result] = run["results"]
    assert result["message"]["text"] == findings[0].message
    assert result["properties"]["help"] == entry["help"]
    assert all(rule.get("help", {}).get("text") for rule in run["tool"]["driver"]["rules"][1:])


# --- 2. CIO401 says what Customer.io documents, per client and direction ---------------------


def test_region_mismatch_claims_no_undocumented_401():
    from cio_lint import sdk

    eu = {"region": "eu"}
    [track] = messages("CIO401", TRACK, eu)
    assert sdk.TRACK_EU_DATA_VIA_US.says in track and "401" not in track
    [app] = messages("CIO401", "from customerio import APIClient\napi = APIClient('k')\n", eu)
    assert "401" not in app and "refused" not in app and "api.customer.io" in app
    [us] = messages("CIO401", "from customerio import CustomerIO, Regions\nc = CustomerIO('s', 'k', region=Regions.EU)\n",
                    {"region": "us"})
    assert sdk.TRACK_US_DATA_VIA_EU.says in us


# --- 7. one finding per mistake ----------------------------------------------------------------


def test_host_region_conflict_and_region_mismatch_report_once():
    source = "from customerio import CustomerIO, Regions\nc = CustomerIO('s', 'k', host='track.customer.io', region=Regions.EU)\n"
    both = [f.code for f in lint(source, {"region": "eu"})]
    assert both.count("CIO401") == 1 and "CIO403" not in both
    assert "region= is ignored" in messages("CIO401", source, {"region": "eu"})[0]
    # without a configured region CIO403 is the one that knows
    assert [f.code for f in lint(source)] == ["CIO403"]
    # deselecting the specific rule keeps the other
    from cio_lint.rules import rule_class

    assert [f.code for f in lint(source, {"region": "eu"}, rules=[rule_class("CIO403")])] == ["CIO403"]


def test_unknown_event_and_event_name_style_report_once():
    events = {"events": ["signed_up"]}
    codes = [f.code for f in lint(TRACK + "cio.track('u', 'SignedUpp')\n", events)]
    assert codes == ["CIO502"]
    # the dashboard's own name is not a style mistake
    assert [f.code for f in lint(TRACK + "cio.track('u', 'SignedUp')\n", {"events": ["SignedUp"]})] == []


# --- 3. CIO601's fix never silently changes what reaches the dashboard -------------------------


@pytest.mark.parametrize("version, applicability", [(">=2.4", "safe"), ("==3.2.0", "unsafe"), ("", "unsafe")])
def test_track_signature_fix_moves_id_into_data(version, applicability):
    from cio_lint.fix import fix_text

    source = TRACK + "cio.track(uid, 'ev', id=order.id, total=3)\n"
    [finding] = [f for f in lint(source, None, version) if f.code == "CIO601"]
    assert finding.fix.applicability == applicability
    fixed = fix_text(source, [finding], unsafe=True).text
    assert fixed.endswith("cio.track(uid, 'ev', data={\"id\": order.id, \"total\": 3})\n")


def test_track_signature_fix_without_event_fields_stays_safe():
    [finding] = [f for f in lint(TRACK + "cio.track(uid, 'ev', total=3)\n", None, "==3.2.0") if f.code == "CIO601"]
    assert finding.fix.applicability == "safe"


# --- 4. CIO501's convention depends on the API ----------------------------------------------------

CDP = "from customerio import analytics\n"


def test_cdp_title_case_object_action_names_are_its_convention():
    assert messages("CIO501", CDP + "analytics.track(user.id, 'User Deleted')\n") == []
    # the Track client keeps snake_case
    assert messages("CIO501", TRACK + "cio.track(user.id, 'User Deleted')\n")
    # configurable per API; a project-wide event-name-pattern keeps working for both
    snake = {"cdp-event-name-pattern": r"^[a-z]+(_[a-z]+)*$"}
    assert messages("CIO501", CDP + "analytics.track(user.id, 'User Deleted')\n", snake)
    dotted = {"event-name-pattern": r"^[a-z]+\.[a-z]+$"}
    assert messages("CIO501", CDP + "analytics.track(user.id, 'User Deleted')\n", dotted)
    assert messages("CIO501", TRACK + "cio.track(user.id, 'user.deleted')\n", dotted) == []
    title = {"track-event-name-pattern": r"^[A-Z][a-z]+( [A-Z][a-z]+)+$"}
    assert messages("CIO501", TRACK + "cio.track(user.id, 'User Deleted')\n", title) == []


def test_event_name_style_says_what_is_true_for_a_style_mismatch():
    [message] = messages("CIO501", TRACK + "cio.track(user.id, 'SignedUp')\n")
    assert "never fires" not in message and "triggers named in that style miss it" in message


# --- 5. a project's own package named customerio is not the SDK ----------------------------------


def test_unknown_sdk_name_needs_proof_that_it_is_the_sdk():
    own = "import customerio.client, customerio.const, customerio.geo\n"
    assert messages("CIO602", own) == []
    assert len(messages("CIO602", own, dependencies=("customerio>=3",))) == 3
    assert len(messages("CIO602", "from customerio import CustomerIO\n" + own)) == 3
    # catalogued mistakes need no proof
    assert messages("CIO602", "import customerio.errors\n")
    assert messages("CIO602", "from customerio import TrackClient\n")


# --- 6. CIO604: silent on its own fix; its dependency-line findings obey noqa, ignores, exclude ---

BOTH = ("customerio>=3", "customerio-cdp-analytics>=1")


def test_distribution_conflict_is_silent_on_its_own_recommended_fix():
    fixed = "from customerio.track import CustomerIO\nfrom customerio.api import APIClient\n"
    assert messages("CIO604", fixed, dependencies=BOTH) == []
    assert messages("CIO604", "from customerio import analytics\n", dependencies=BOTH) == []
    assert messages("CIO604", "from customerio import CustomerIO\n", dependencies=BOTH)


def _cli(tmp_path, pyproject: str):
    import json
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "app.py").write_text("from customerio.track import CustomerIO\n")
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", ".", "--format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    return {(f["path"], f["line"]) for f in json.loads(result.stdout or "[]") if f["code"] == "CIO604"}


DEPS = '[project]\nname = "x"\ndependencies = [\n  "customerio>=3",{sdk}\n  "customerio-cdp-analytics>=1",{cdp}\n]\n'


def test_distribution_conflict_dependency_lines_obey_noqa_ignores_and_exclude(tmp_path):
    assert _cli(tmp_path, DEPS.format(sdk="", cdp="")) == {("pyproject.toml", 4), ("pyproject.toml", 5)}
    noqa = DEPS.format(sdk="  # noqa: CIO604", cdp="")
    assert _cli(tmp_path, noqa) == {("pyproject.toml", 5)}
    ignored = DEPS.format(sdk="", cdp="") + '[tool.cio-lint]\nper-file-ignores = { "pyproject.toml" = ["CIO604"] }\n'
    assert _cli(tmp_path, ignored) == set()
    excluded = DEPS.format(sdk="", cdp="") + '[tool.cio-lint]\nextend-exclude = ["pyproject.toml"]\n'
    assert _cli(tmp_path, excluded) == set()


# --- 8. messages read in one breath -----------------------------------------------------------------

#: The headline's limit. DESIGN asks for "about 120 characters": the rule-authored words stay
#: under ~100, and the rest is what the user wrote (a parameter, event or exception name, a
#: file name), which pushes a few real messages a little past 120. 130 keeps that slack and
#: nothing more; everything else belongs in the finding's `help`.
LIMIT = 130
#: Rules added this session by other helpers whose messages were not yet shortened when this
#: test landed (seeds: 104, 203, 304, 405, 406, 605-607, 701-704): held to a
#: looser bound so they cannot grow, to be tightened to LIMIT by their owners.
PENDING = {"CIO104", "CIO203", "CIO304", "CIO405", "CIO406", "CIO605", "CIO606", "CIO607", "CIO701",
           "CIO702", "CIO703", "CIO704"}
PENDING_LIMIT = 200

INVALID_CASES = [pytest.param(rule, case, id=f"{rule.CODE}-invalid-{i}")
                 for rule in ALL_RULES for i, case in enumerate(rule.INVALID)]


@pytest.mark.parametrize("rule, case", INVALID_CASES)
def test_every_message_reads_in_one_breath(rule, case):
    limit = PENDING_LIMIT if rule.CODE in PENDING else LIMIT
    for finding in lint(case.source, case.config, case.sdk_version, dependencies=case.dependencies):
        if finding.code == rule.CODE:
            assert len(finding.message) <= limit, f"{len(finding.message)} > {limit}: {finding.message}"
            if rule.CODE not in PENDING:
                assert finding.help, "the explanation behind the headline goes to help"
