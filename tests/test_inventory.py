"""The inventory (cio_lint/inventory.py): what the code sends, per file and per project."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cio_lint.config import Settings
from cio_lint.inventory import ProjectInventory, render
from cio_lint.whole_project import file_inventory
from cio_lint.project import Project
from tests.conftest import FIXTURES

SETTINGS = Settings()


def inventory_of(source: str, path: str = "app.py") -> dict:
    return file_inventory(source.encode(), SETTINGS, Project(None), path=path)


def sends_of(source: str):
    return inventory_of(source)["sends"]


HEAD = "import time\nfrom datetime import datetime\nfrom customerio import CustomerIO, SendEmailRequest, analytics\n" \
       "cio = CustomerIO('s', 'k')\n"  # fmt: skip


def test_events_properties_and_their_types():
    [send] = sends_of(HEAD + "cio.track('u', 'signed_up', data={'plan': 'pro', 'seats': 3, 'price': 9.5, "
                             "'trial': False, 'at': '2024-05-01', 'ends': int(time.time()), 'when': datetime.now(), "
                             "'name': f'{x}', 'tags': ['a'], 'meta': {}, 'who': user.name, 'none': None})\n")
    assert (send["kind"], send["call"], send["name"]) == ("event", "track", "signed_up")
    types = {f["key"]: f["type"] for f in send["fields"]}
    assert types == {"plan": "string", "seats": "integer", "price": "float", "trial": "boolean",
                     "at": "date-string", "ends": "timestamp", "when": "timestamp", "name": "string",
                     "tags": "array", "meta": "object", "who": "unknown", "none": "null"}
    assert send["at"][:2] == [5, 16] and send["open"] is False  # the name literal, 1-based


def test_every_way_of_sending():
    sends = sends_of(HEAD + "PLAN = 'pro'\nDATA = {'plan': PLAN}\n"
                            "cio.identify(id='u', plan=PLAN, **{'seats': 2})\n"
                            "cio.track_anonymous('a', 'viewed', data=DATA)\n"
                            "cio.backfill('u', 'refunded', 1700000000, amount=12)\n"
                            "cio.track('u', 'kw', plan='pro')\n"  # 2.x keywords (CIO601 on 3.x)
                            "analytics.track('u', 'ordered', {'total': 10, 'at': datetime.now()})\n"
                            "analytics.page('u', 'docs', 'Home', properties={'path': '/'})\n"
                            "analytics.screen('u', None, 'Settings')\n"
                            "analytics.identify('u', {'plan': 'pro'})\n"
                            "SendEmailRequest(transactional_message_id='reset', message_data={'url': u})\n"
                            "SendEmailRequest(transactional_message_id=7, identifiers={'id': 1})\n")
    got = [(s["kind"], s["call"], s["name"], {f["key"]: f["type"] for f in s["fields"]}) for s in sends]
    assert got == [
        ("person", "identify", None, {"plan": "string", "seats": "integer"}),
        ("event", "track_anonymous", "viewed", {"plan": "string"}),
        ("event", "backfill", "refunded", {"amount": "integer"}),
        ("event", "track", "kw", {"plan": "string"}),
        ("event", "cdp.track", "ordered", {"total": "integer", "at": "date-string"}),  # CDP: isoformat()
        ("page", "cdp.page", "Home", {"path": "string"}),
        ("screen", "cdp.screen", "Settings", {}),
        ("person", "cdp.identify", None, {"plan": "string"}),
        ("message", "SendEmailRequest", "reset", {"url": "unknown"}),
        ("message", "SendEmailRequest", 7, {}),
    ]


def test_dynamic_names_and_open_field_sets_are_marked_not_guessed():
    sends = sends_of(HEAD + "cio.track('u', name, data=payload)\ncio.identify(id='u', **attrs)\n"
                            "r = SendEmailRequest(transactional_message_id=3)\nr.message_data = {'a': 1}\n")
    assert [(s["name"], s["open"], s.get("dynamic_name", False)) for s in sends] == [
        (None, True, True), (None, True, False), (3, True, False)]


@pytest.mark.parametrize("source", [
    "import analytics\nanalytics.track('u', 'signed_up', {'plan': 'pro'})\n",  # Segment
    "import mixpanel\nmixpanel.Mixpanel('t').track('u', 'signed_up', {'plan': 'pro'})\n",
    "class CustomerIO:\n    def track(self, *a, **k): pass\nCustomerIO().track('u', 'signed_up', plan='pro')\n",
    "import io\ncio = io.StringIO()\ncio.track('u', 'signed_up')\n",
    "def f(cio):\n    cio.identify(id='u', plan='pro')\n",
])  # fmt: skip
def test_look_alikes_send_nothing(source):
    assert sends_of(source) == []


def test_per_file_data_is_plain_json_and_depends_only_on_the_bytes():
    source = HEAD + "cio.track('u', 'signed_up', data={'plan': 'pro'})\n"
    data = inventory_of(source)
    assert json.loads(json.dumps(data)) == data
    assert inventory_of(source) == data
    assert inventory_of("import os\n") == {"format": 1, "sends": []}  # never parsed


def _fixtures_inventory() -> ProjectInventory:
    from cio_lint.config import find_pyproject, load_settings
    from cio_lint.project import project_for

    settings = load_settings(find_pyproject(FIXTURES / "shop" / "tracking.py"))
    inventory = ProjectInventory()
    for path in sorted((FIXTURES / "shop").glob("*.py")):
        project = project_for(path, settings)
        shown = path.relative_to(FIXTURES).as_posix()
        inventory.add(shown, file_inventory(path.read_bytes(), settings, project, project.module_name(path), shown))
    return inventory


def test_the_fixtures_inventory_in_each_format():
    inventory = _fixtures_inventory()
    data = json.loads(render(inventory, "json"))
    events = {e["name"]: e for e in data["events"]}
    assert {"SignedUp", "signed_up", "order_completed", "order_refund", "trial_started"} <= set(events)
    assert "shop/cdp.py:14:30" in events["signed_up"]["locations"]
    assert events["order_completed"]["properties"][0]["name"] == "total"
    attributes = {a["name"]: a for a in data["attributes"]}
    assert attributes["plan_id"]["types"] == ["string", "integer"]
    assert {"Pricing", "pricing"} <= {p["name"] for p in data["pages"]}
    messages = {m["id"]: m for m in data["messages"]}
    assert messages["password_reset"]["message_data"][0]["name"] == "reset_url"
    assert 3 in messages
    # nothing from the look-alikes (Segment's analytics.track("", "Signed Up", ...) there)
    assert not any("lookalikes" in loc for e in data["events"] for loc in e["locations"])

    table = render(inventory, "table")
    assert "Events" in table and "Person attributes" in table and "string/integer" in table
    assert "shop/profiles.py:11" in table

    markdown = render(inventory, "markdown")
    assert "## Events" in markdown and "| | `plan_id` | string/integer |" in markdown.replace("|  |", "| |")

    rows = list(csv.DictReader(io.StringIO(render(inventory, "csv"))))
    assert {"kind", "name", "field", "type", "path", "line"} <= set(rows[0])
    assert {"kind": "person", "field": "plan_id", "type": "string", "path": "shop/profiles.py"}.items() <= \
        next(r for r in rows if r["field"] == "plan_id" and r["type"] == "string").items()  # fmt: skip
