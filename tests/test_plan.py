"""The tracking plan (cio_lint/plan.py): loading, its JSON Schema, and the plan bootstrapped
from the code."""

from __future__ import annotations

import sys

import jsonschema
import pytest

from cio_lint.config import ConfigError, load_settings, settings_from_mapping
from cio_lint.inventory import ProjectInventory
from cio_lint.whole_project import file_inventory
from cio_lint.plan import accepts, bootstrap, new_entries, parse, schema, to_toml
from cio_lint.project import Project
from tests.integrations.helpers import parse_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PLAN_TOML = """\
[events.order_completed.properties]
total = { type = "number", required = true }
coupon = "string"

[events.signed_up]

[attributes]
plan_id = "integer"

[messages.password_reset]
id = 12
variables = ["trigger.reset_url"]
"""

CODE = """\
import time
from customerio import CustomerIO, SendEmailRequest, analytics
cio = CustomerIO('s', 'k')
cio.track('u', 'order_completed', data={'total': 10, 'currency': 'EUR'})
cio.track('u', 'order_completed', data={'total': 12.5})
cio.track('u', 'signed_up', data=payload)
cio.identify('u', plan_id=3, created_at=int(time.time()), name=f'{x}')
cio.identify('u', plan_id=4, vip=True)
analytics.identify('u', {'plan_id': '3'})
SendEmailRequest(transactional_message_id='password_reset', message_data={'reset_url': u, 'name': n})
SendEmailRequest(transactional_message_id='password_reset', message_data={'reset_url': u})
SendEmailRequest(transactional_message_id=7, message_data={'a': 1})
"""


def project_inventory(code: str = CODE) -> ProjectInventory:
    settings = settings_from_mapping({}, "test")
    return ProjectInventory({"app.py": file_inventory(code.encode(), settings, Project(None), path="app.py")})


def test_a_plan_file_relative_to_its_config(tmp_path):
    (tmp_path / "cio-plan.toml").write_text(PLAN_TOML)
    (tmp_path / "pyproject.toml").write_text('[tool.cio-lint]\ntracking-plan = "cio-plan.toml"\nevents = ["x"]\n')
    settings = load_settings(tmp_path / "pyproject.toml")
    plan = settings.tracking_plan
    assert plan.property("order_completed", "total").required
    assert plan.property_type("order_completed", "coupon") == "string"
    assert plan.event("signed_up").properties is None  # properties not listed: not checked
    assert plan.attribute_type("plan_id") == "integer"
    assert plan.message(12) is plan.message("password_reset") is plan.message("12")
    assert plan.message("password_reset").variables == ("reset_url",)
    assert settings.known_events == ("x", "order_completed", "signed_up")  # `events` is the shorthand


@pytest.mark.parametrize("value, error", [
    ({"event": {}}, "unknown key 'event'"),
    ({"events": {"a": {"properties": {"x": "text"}}}}, "events.a.properties.x: type must be one of"),
    ({"events": {"a": {"properties": {"x": {"type": "string", "required": "yes"}}}}}, "required: expected true"),
    ({"messages": {"m": {"id": "12"}}}, "messages.m.id: expected the message's numeric id"),
    ({"messages": {"m": {"variables": "url"}}}, "messages.m.variables: expected a list"),
    ("missing.toml", "cannot read the tracking plan 'missing.toml'"),
])  # fmt: skip
def test_plan_mistakes_are_config_errors_naming_the_key(tmp_path, monkeypatch, value, error):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="tracking-plan") as info:
        settings_from_mapping({"tracking-plan": value}, "pyproject.toml")
    assert error in str(info.value)


def test_types_are_compared_by_json_family():
    assert accepts("number", "integer") and accepts("integer", "float") and accepts("timestamp", "timestamp")
    assert accepts("string", "date-string") and accepts("any", "boolean") and accepts("boolean", "null")
    assert accepts("integer", "unknown")  # not shown by the code: not judged
    assert not accepts("integer", "string") and not accepts("timestamp", "date-string")
    assert not accepts("boolean", "string") and not accepts("object", "array")


def test_the_schema_validates_the_example_and_the_bootstrapped_plan():
    validator = jsonschema.Draft7Validator(schema())
    validator.check_schema(schema())
    assert list(validator.iter_errors(tomllib.loads(PLAN_TOML))) == []
    plan = bootstrap(project_inventory())
    written = tomllib.loads(to_toml(plan))
    assert list(validator.iter_errors(written)) == []
    assert list(validator.iter_errors({"events": {"a": {"properties": {"x": "text"}}}}))  # and refuses
    parse(written, "bootstrapped")  # and cio-lint reads what it wrote


def test_the_bootstrapped_plan_is_what_the_code_sends():
    plan = tomllib.loads(to_toml(bootstrap(project_inventory())))
    assert plan["events"]["order_completed"]["properties"] == {
        "currency": {"type": "string"}, "total": {"type": "number", "required": True}}
    assert plan["events"]["signed_up"]["properties"] == {}
    # plan_id: two numbers and one string -> the majority; CIO506 then reports the string
    assert plan["attributes"] == {"created_at": {"type": "timestamp"}, "name": {"type": "string"},
                                  "plan_id": {"type": "integer"}, "vip": {"type": "boolean"}}
    assert plan["messages"] == {"7": {"id": 7, "variables": ["a"]},
                                "password_reset": {"variables": ["reset_url"]}}  # the keys every send has


def test_rerunning_on_changed_code_adds_only_what_is_new():
    first = to_toml(bootstrap(project_inventory()))
    existing = parse(tomllib.loads(first), "cio-plan.toml")
    changed = CODE + "cio.track('u', 'order_completed', data={'total': 1, 'gift': True})\n" \
                     "cio.track('u', 'refunded', data={'amount': 3})\ncio.identify('u', locale='en')\n"  # fmt: skip
    new = new_entries(bootstrap(project_inventory(changed)), existing)
    assert new == {"events": {"order_completed": {"properties": {"gift": {"type": "boolean"}}},
                              "refunded": {"properties": {"amount": {"type": "integer", "required": True}}}},
                   "attributes": {"locale": {"type": "string"}}, "messages": {}}
    appended = first + "\n" + to_toml(new, header=False, existing=existing)
    merged = parse(tomllib.loads(appended), "cio-plan.toml")  # still valid TOML, nothing redefined
    assert merged.property_type("order_completed", "gift") == "boolean"
    assert merged.property("order_completed", "total").required
    assert merged.attribute_type("locale") == "string"
    nothing = {"events": {}, "attributes": {}, "messages": {}}
    assert new_entries(bootstrap(project_inventory(changed)), merged) == nothing


def test_odd_names_are_quoted_in_toml():
    plan = {"events": {"Order Completed": {"properties": {"a.b": {"type": "string"}, 'q"\x7f': {"type": "any"}}}},
            "attributes": {}, "messages": {}}  # fmt: skip
    assert tomllib.loads(to_toml(plan))["events"]["Order Completed"]["properties"] == {
        "a.b": {"type": "string"}, 'q"\x7f': {"type": "any"}}


# ---------------------------------------------------------------------------------------------
# `cio-lint inventory` and `--write-plan`, through the real command


def test_inventory_command_on_the_fixtures_in_each_format(tmp_path, monkeypatch):
    import csv
    import io
    import json

    from tests.conftest import FIXTURES
    from tests.integrations.helpers import cio_lint

    monkeypatch.chdir(FIXTURES)
    table = cio_lint("inventory")
    assert table.exit_code == 0 and table.stdout.startswith("Events\n")
    assert "Person attributes" in table.stdout and "Transactional messages" in table.stdout
    data = json.loads(cio_lint("inventory", "--format", "json").stdout)
    assert {"signed_up", "SignedUp", "order_completed"} <= {e["name"] for e in data["events"]}
    assert "password_reset" in {m["id"] for m in data["messages"]}
    rows = list(csv.DictReader(io.StringIO(cio_lint("inventory", "--format", "csv").stdout)))
    assert any(r["kind"] == "person" and r["field"] == "plan_id" and r["path"] == "shop/profiles.py" for r in rows)
    markdown = cio_lint("inventory", "--format", "markdown", "-o", str(tmp_path / "inv.md"))
    assert markdown.stdout == "" and "## Events" in (tmp_path / "inv.md").read_text()
    assert not any("lookalikes" in r["path"] for r in rows)


def test_write_plan_bootstraps_then_appends_what_is_new(tmp_path, monkeypatch):
    from tests.integrations.helpers import cio_lint, parse_text, write

    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"pyproject.toml": '[project]\nname = "app"\n', "app.py": CODE})
    first = cio_lint("inventory", "--write-plan", "cio-plan.toml")
    assert first.exit_code == 0 and "wrote cio-plan.toml: event order_completed (2 properties)" in first.stderr
    validator = jsonschema.Draft7Validator(schema())
    text = (tmp_path / "cio-plan.toml").read_text()
    assert list(validator.iter_errors(tomllib.loads(text))) == []
    # the user edits the plan; the code changes; the edit stays and only the new parts are added
    edited = text.replace("[attributes]", "# reviewed by growth\n[attributes]")
    (tmp_path / "cio-plan.toml").write_text(edited)
    (tmp_path / "app.py").write_text(CODE + "cio.track('u', 'refunded', data={'amount': 3})\n")
    second = cio_lint("inventory", "--write-plan", "cio-plan.toml")
    assert second.exit_code == 0 and "added to cio-plan.toml: event refunded (1 property)" in second.stderr
    after = (tmp_path / "cio-plan.toml").read_text()
    assert after.startswith(edited) and "[events.refunded.properties]" in after
    assert "already lists everything" in cio_lint("inventory", "--write-plan", "cio-plan.toml").stderr

    # then the plan checks the code: as bootstrapped, only the drift the code already had (CIO504's
    # plan_id="3" beside two numbers) is reported, now against the plan; then each new drift
    write(tmp_path, {"pyproject.toml": '[project]\nname = "app"\n[tool.cio-lint]\ntracking-plan = "cio-plan.toml"\n'})
    assert parse_text(cio_lint("check", "--select", "CIO5").stdout) == [("app.py", 9, "CIO506")]
    (tmp_path / "app.py").write_text(CODE + "cio.track('u', 'refundd', data={'amount': '3'})\n"
                                            "cio.track('u', 'refunded', data={'amount': '3', 'note': 1})\n")
    found = {line.split(" ")[1] for line in cio_lint("check", "--select", "CIO5").stdout.splitlines()}
    assert {"CIO502", "CIO505", "CIO506"} <= found


def test_a_broken_plan_is_a_usage_error(tmp_path, monkeypatch):
    from tests.integrations.helpers import cio_lint, write

    monkeypatch.chdir(tmp_path)
    write(tmp_path, {"app.py": CODE, "pyproject.toml": '[tool.cio-lint]\ntracking-plan = "plan.toml"\n',
                     "plan.toml": "[events.a.properties]\nx = 'text'\n"})  # fmt: skip
    result = cio_lint("check", ".")
    assert result.exit_code == 2 and "tracking-plan" in result.stderr and "type must be one of" in result.stderr
    (tmp_path / "bad.toml").write_text("[events\n")
    result = cio_lint("inventory", "--isolated", "--write-plan", "bad.toml")
    assert result.exit_code == 2 and "invalid TOML" in result.stderr
    assert (tmp_path / "bad.toml").read_text() == "[events\n"  # never touched


def test_one_spelling_per_event_is_planned():
    code = CODE + "cio.track('u', 'orderCompleted', data={'total': 1})\ncio.track('u', 'order-completed')\n" \
                  "cio.track('u', 'SignedUp')\ncio.track('u', 'SignedUp')\n"  # fmt: skip
    events = bootstrap(project_inventory(code), r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")["events"]
    assert sorted(events) == ["order_completed", "signed_up"]  # the convention's, then the most used
    assert sorted(bootstrap(project_inventory(code))["events"]) == ["SignedUp", "order_completed"]
    # a plan that chose a spelling keeps it: the code's others are not added as new events
    existing = parse({"events": {"signedUp": {}}}, "cio-plan.toml")
    assert "signed_up" not in new_entries(bootstrap(project_inventory(code)), existing)["events"]


def test_the_planned_fixture_shows_every_plan_rule_in_both_front_ends():
    """fixtures/planned: each `# CIOnnn` comment is followed by that finding, in the CLI and
    in a real flake8 process (the plan is read relative to its pyproject.toml)."""
    import re

    from tests.conftest import FIXTURES
    from tests.integrations.helpers import cio_lint_process, flake8

    source = (FIXTURES / "planned" / "checkout.py").read_text().splitlines()
    announced = {(code, n) for n, line in enumerate(source, 1) for code in re.findall(r"# .*?(CIO\d{3})", line)}
    announced |= {(code, n) for n, line in enumerate(source, 1) for code in re.findall(r"and (CIO\d{3})", line)}
    expected = {"CIO502", "CIO505", "CIO506", "CIO507", "CIO508", "CIO509", "CIO510"}
    assert {code for code, _ in announced} == expected
    for found in (parse_text(cio_lint_process("check", ".", cwd=FIXTURES / "planned").stdout),
                  parse_text(flake8("--select", "CIO", ".", cwd=FIXTURES / "planned").stdout)):
        at = {(code, line) for _, line, code in found}
        assert {code for code, _ in at} == expected
        for code, comment in announced:
            assert any(c == code and comment < line <= comment + 3 for c, line in at), (code, comment, at)
