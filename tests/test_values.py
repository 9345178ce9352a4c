"""Values followed through the code (the values issue): strings from the environment and
configuration, **kwargs dicts with known keys, clients in containers, wrappers of SDK calls.
Each case is linted as a whole file; INVALID cases name the code and the line it is on."""

from __future__ import annotations

import textwrap

import pytest

from tests.helpers import lint

V3 = "==3.2.0"


def _findings(code: str, sdk_version: str = V3):
    return lint(textwrap.dedent(code), sdk_version=sdk_version)


def _lines(code: str, wanted: str, sdk_version: str = V3):
    return [f.line for f in _findings(code, sdk_version) if f.code == wanted]


# -- strings known without a literal (CIO402) -------------------------------------------------

REGION_INVALID = [
    pytest.param("""
        import os
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=os.environ['CIO_REGION'])
        """, 4, id="environ-subscript"),
    pytest.param("""
        import os
        from customerio import CustomerIO
        REGION = os.environ.get('CIO_REGION', default='us')
        cio = CustomerIO('s', 'k', region=REGION)
        """, 5, id="environ-get-through-a-name"),
    pytest.param("""
        from os import getenv
        from customerio import APIClient
        region = getenv('CIO_REGION')
        if not region:
            region = 'us'
        api = APIClient('k', region=region.lower())
        """, 7, id="every-binding-a-string"),
    pytest.param("""
        import os
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=os.getenv('CIO_REGION') or 'us')
        """, 4, id="getenv-or-literal"),
    pytest.param("""
        from customerio import CustomerIO
        SETTINGS = {'region': 'eu', 'site_id': 's'}
        cio = CustomerIO('s', 'k', region=SETTINGS.get('region', 'us'))
        """, 4, id="settings-dict-get-default"),
    pytest.param("""
        import configparser
        from customerio import CustomerIO
        cfg = configparser.ConfigParser()
        cfg.read('app.ini')
        cio = CustomerIO('s', 'k', region=cfg['customerio']['region'])
        """, 6, id="configparser-section"),
    pytest.param("""
        import configparser
        from customerio import CustomerIO
        cfg = configparser.ConfigParser()
        section = cfg['customerio']
        cio = CustomerIO('s', 'k', region=section.get('region', 'us'))
        """, 6, id="configparser-section-get"),
    pytest.param("""
        import configparser
        from customerio import CustomerIO
        parser = configparser.ConfigParser()
        cio = CustomerIO('s', 'k', region=parser.get('cio', 'region', fallback='us'))
        """, 5, id="configparser-get-fallback"),
    pytest.param("""
        from decouple import config
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=config('CIO_REGION', default='us'))
        """, 4, id="decouple-config"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=str(REGION))
        """, 3, id="str-call"),
    pytest.param("""
        from customerio import CustomerIO
        name = 'e'
        cio = CustomerIO('s', 'k', region=f"{name}u")
        """, 4, id="f-string"),
]  # fmt: skip

REGION_VALID = [
    # a settings object whose type the code cannot see
    pytest.param("""
        from django.conf import settings
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=settings.get('CIO_REGION', 'us'))
        """, id="unknown-settings-get"),
    pytest.param("""
        from django.conf import settings
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=getattr(settings, 'CIO_REGION', 'us'))
        """, id="getattr-settings"),
    # the default is a Region: when the variable is unset the call is right
    pytest.param("""
        import os
        from customerio import CustomerIO, Regions
        cio = CustomerIO('s', 'k', region=os.getenv('CIO_REGION', Regions.US))
        """, id="getenv-region-default"),
    # one path gives a Region
    pytest.param("""
        import os
        from customerio import CustomerIO, Regions
        region = os.getenv('CIO_REGION')
        if region == 'eu':
            region = Regions.EU
        cio = CustomerIO('s', 'k', region=region)
        """, id="rebound-to-a-region"),
    pytest.param("""
        import os
        from customerio import CustomerIO, Regions
        cio = CustomerIO('s', 'k', region=Regions.EU if os.getenv('EU') else Regions.US)
        """, id="ifexp-regions"),
    # a dict that is changed elsewhere may hold anything
    pytest.param("""
        from customerio import CustomerIO, Regions
        SETTINGS = {'region': 'eu'}
        SETTINGS['region'] = Regions.EU
        cio = CustomerIO('s', 'k', region=SETTINGS.get('region'))
        """, id="dict-stored-into"),
    pytest.param("""
        from decouple import config
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k', region=config('CIO_REGION', cast=to_region))
        """, id="decouple-cast"),
    # a parameter: its callers decide
    pytest.param("""
        from customerio import CustomerIO
        def make(region='us'):
            return CustomerIO('s', 'k', region=region)
        """, id="parameter"),
]  # fmt: skip


@pytest.mark.parametrize("code, line", REGION_INVALID)
def test_region_known_to_be_a_string(code, line):
    assert _lines(code, "CIO402") == [line]


@pytest.mark.parametrize("code", REGION_VALID)
def test_region_that_may_be_a_region_is_not_judged(code):
    assert _lines(code, "CIO402") == []


def test_region_message_says_where_the_string_comes_from():
    [finding] = [f for f in _findings(REGION_INVALID[0].values[0]) if f.code == "CIO402"]
    assert "an environment variable (a string)" in finding.message


def test_a_string_default_leaves_no_none():
    or_literal = [p.values[0] for p in REGION_INVALID if p.id == "getenv-or-literal"][0]
    [finding] = [f for f in _findings(or_literal) if f.code == "CIO402"]
    assert "an environment variable (a string)" in finding.message and "or None" not in finding.message
    [bare] = [f for f in _findings("import os\nfrom customerio import CustomerIO\n"
                                   "CustomerIO('s', 'k', region=os.getenv('R'))\n") if f.code == "CIO402"]
    assert "(a string or None)" in bare.message


# -- **mapping with keys the code shows -------------------------------------------------------

def test_splatted_dict_keys_are_track_keywords_on_3x():
    code = """
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        def signed_up(uid, p, s):
            data = {"plan": p}
            data["source"] = s
            cio.track(uid, "signed_up", **data)
        """
    [finding] = [f for f in _findings(code) if f.code == "CIO601"]
    assert finding.line == 7 and "plan= raises TypeError" in finding.message and "plan, source" in finding.help
    assert finding.fix is None  # the keywords are not written at the call
    assert _lines(code, "CIO601", sdk_version="==2.4") == []  # 2.x takes **data


SPLAT_INVALID = [
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        extra = dict(plan='pro')
        extra.update(seats=3)
        cio.track('u', 'ev', data={}, **extra)
        """, "CIO601", 6, V3, id="dict-call-and-update"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        kwargs = {"data": {"plan": "pro"}}
        cio.track('u', 'ev', **kwargs)
        """, "CIO601", 5, "==2.4", id="data-keyword-on-2x"),
    pytest.param("""
        import time
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        attrs = {"email": "a@b.c"}
        attrs.setdefault("created_at", int(time.time() * 1000))
        cio.identify('u', **attrs)
        """, "CIO201", 6, V3, id="ms-timestamp-through-setdefault"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        params = {"id": ""}
        cio.identify(**params)
        """, "CIO101", 4, V3, id="empty-id-in-dict"),
    pytest.param("""
        from customerio import CustomerIO
        opts = {"region": "eu"}
        cio = CustomerIO('s', 'k', **opts)
        """, "CIO402", 3, V3, id="region-in-options"),
    pytest.param("""
        from customerio import CustomerIO
        CustomerIO('s', 'k').track('u', 'ev', **{"plan": "pro"})
        """, "CIO601", 3, V3, id="inline-display"),
]  # fmt: skip

SPLAT_VALID = [
    # keys the code does not show: passed to a function, a computed key, a `**other` inside
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        data = {"plan": "pro"}
        clean(data)
        cio.track('u', 'ev', **data)
        """, id="passed-away"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        data = {}
        data[key] = 1
        cio.track('u', 'ev', **data)
        """, id="computed-key"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        data = {"plan": 1, **more}
        cio.track('u', 'ev', **data)
        """, id="nested-splat"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        data = {"plan": 1}
        del data["plan"]
        cio.track('u', 'ev', **data)
        """, id="deleted-key"),
    # only parameters of 3.x track
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        kwargs = {"data": {"plan": "pro"}, "timestamp": 1700000000}
        cio.track('u', 'ev', **kwargs)
        """, id="parameters-only"),
    pytest.param("""
        from customerio import CustomerIO
        cio = CustomerIO('s', 'k')
        def f(data):
            data["plan"] = 1
            cio.track('u', 'ev', **data)
        """, id="a-parameter"),
]  # fmt: skip


@pytest.mark.parametrize("code, code_, line, version", SPLAT_INVALID)
def test_splat_with_known_keys_is_judged(code, code_, line, version):
    assert _lines(code, code_, sdk_version=version) == [line]


@pytest.mark.parametrize("code", SPLAT_VALID)
def test_splat_with_keys_the_code_does_not_show_is_not_judged(code):
    assert [f.code for f in _findings(code) if f.code.startswith("CIO")
            and f.code in ("CIO601", "CIO101", "CIO201", "CIO402")] == []


# -- clients kept in containers, factories annotated with a project Protocol ------------------

CONTAINER_INVALID = [
    pytest.param("""
        from customerio import CustomerIO
        _cache = {}
        def get_client():
            if "client" not in _cache:
                _cache["client"] = CustomerIO('s', 'k')
            return _cache["client"]
        get_client().identify(id="")
        """, id="subscript-store"),
    pytest.param("""
        from customerio import CustomerIO
        _cache = {}
        def get_client():
            client = _cache.get("client")
            if client is None:
                client = _cache["client"] = CustomerIO('s', 'k')
            return client
        get_client().identify(id="")
        """, id="get-and-chained-store"),
    pytest.param("""
        from customerio import CustomerIO
        _cache = {}
        def get_client():
            return _cache.setdefault("client", CustomerIO('s', 'k'))
        get_client().identify(id="")
        """, id="setdefault"),
    pytest.param("""
        from customerio import CustomerIO
        class Service:
            def __init__(self):
                self._clients = {}
            def client(self, site):
                if site not in self._clients:
                    self._clients[site] = CustomerIO(site, 'k')
                return self._clients[site]
            def signup(self):
                self.client('s').identify(id="")
        """, id="self-container"),
    pytest.param("""
        from customerio import CustomerIO
        _clients = []
        def get_client():
            if not _clients:
                _clients.append(CustomerIO('s', 'k'))
            return _clients[0]
        get_client().identify(id="")
        """, id="list-append"),
    pytest.param("""
        from typing import Protocol
        from customerio import CustomerIO
        class Tracker(Protocol):
            def identify(self, id: str, **attrs) -> None: ...
        def get_tracker() -> Tracker:
            return CustomerIO('s', 'k')
        get_tracker().identify(id="")
        """, id="factory-annotated-with-a-protocol"),
]  # fmt: skip

CONTAINER_VALID = [
    pytest.param("""
        from customerio import CustomerIO
        from segment import Client
        _clients = {}
        _clients["cio"] = CustomerIO('s', 'k')
        _clients["segment"] = Client('w')
        _clients[name].identify(id="")
        """, id="mixed-values"),
    pytest.param("""
        from customerio import CustomerIO
        _clients = {}
        _clients["cio"] = CustomerIO('s', 'k')
        register(_clients)
        _clients["cio"].identify(id="")
        """, id="handed-to-other-code"),
    pytest.param("""
        from customerio import CustomerIO
        _clients = load_clients()
        _clients["cio"] = CustomerIO('s', 'k')
        _clients["x"].identify(id="")
        """, id="container-from-elsewhere"),
    pytest.param("""
        from customerio import CustomerIO
        _clients = {}
        _clients.update(other)
        _clients["cio"] = CustomerIO('s', 'k')
        _clients.get("x").identify(id="")
        """, id="updated-from-elsewhere"),
]  # fmt: skip


@pytest.mark.parametrize("code", CONTAINER_INVALID)
def test_client_in_a_container_is_followed(code):
    assert len(_lines(code, "CIO101")) == 1


@pytest.mark.parametrize("code", CONTAINER_VALID)
def test_container_that_may_hold_other_things_is_not_followed(code):
    assert _lines(code, "CIO101") == []


# -- wrappers: project functions whose parameters reach SDK arguments -------------------------

WRAPPERS = """
    import time
    from customerio import CustomerIO
    cio = CustomerIO('s', 'k')

    def track_event(user_id, name, **props):
        cio.track(user_id, name, **props)

    def identify_user(uid, **attrs):
        cio.identify(id=uid, **attrs)

    def signup_event(user_id, **props):
        track_event(user_id, "SignedUp", **props)

    def make_client(region):
        return CustomerIO('s', 'k', region=region)

    class CustomerIOService:
        def __init__(self):
            self.client = CustomerIO('s', 'k')

        def track(self, uid, name, **data):
            self.client.track(uid, name, **data)

    service = CustomerIOService()
"""

WRAPPER_INVALID = [
    pytest.param('track_event("u", "order_placed", plan="pro")', "CIO601", "track_event → CustomerIO.track",
                 id="kwargs-forwarded-into-track"),
    pytest.param('identify_user("u", created_at=int(time.time() * 1000))', "CIO201",
                 "identify_user → CustomerIO.identify", id="ms-timestamp-attribute"),
    pytest.param('identify_user("")', "CIO101", "identify_user → CustomerIO.identify", id="empty-id"),
    pytest.param('signup_event("u", plan="pro")', "CIO601", "signup_event → track_event → CustomerIO.track",
                 id="wrapper-of-a-wrapper"),
    pytest.param('service.track("u", "ev", plan="pro")', "CIO601", "CustomerIOService.track → CustomerIO.track",
                 id="method-of-a-service-object"),
    pytest.param('make_client("eu")', "CIO402", "make_client → CustomerIO", id="region-through-a-factory"),
    pytest.param('extra = {"plan": "pro"}\ntrack_event("u", "ev", **extra)', "CIO601",
                 "track_event → CustomerIO.track", id="mapping-splatted-into-a-wrapper"),
]  # fmt: skip


@pytest.mark.parametrize("call, code, via", WRAPPER_INVALID)
def test_wrapper_call_site_is_judged(call, code, via):
    source = textwrap.dedent(WRAPPERS) + call + "\n"
    found = [f for f in lint(source, sdk_version=V3) if f.code == code]
    # the call site's (last) line; a key of a splatted mapping is reported where its value is
    last = source.count("\n")
    assert [f.line for f in found] == [last - 1 if "**extra" in call else last], found
    assert found[0].message.endswith(f"(via {via})")
    assert found[0].fix is None  # the code to change may be the wrapper's


WRAPPER_VALID = [
    pytest.param("""
        def identify_user(uid, **attrs):
            if not uid:
                return
            cio.identify(id=uid, **attrs)
        identify_user("")
        """, id="the-wrapper-tests-the-parameter"),
    pytest.param("""
        def identify_user(uid, **attrs):
            cio.identify(id=str(uid), **attrs)
        identify_user(None)
        """, id="the-wrapper-converts-it"),
    pytest.param("""
        def identify_user(uid, **attrs):
            require_id(uid)
            cio.identify(id=uid, **attrs)
        identify_user("")
        """, id="the-wrapper-hands-it-to-a-check"),
    pytest.param("""
        def identify_user(uid, **attrs):
            uid = uid or "anonymous"
            cio.identify(id=uid, **attrs)
        identify_user("")
        """, id="the-wrapper-rebinds-it"),
    pytest.param("""
        def track_event(uid, name, **props):
            cio.track(uid, name, data=props)
        track_event("u", "ev", plan="pro")
        """, id="kwargs-become-data"),
    pytest.param("""
        def track_event(uid, name, **props):
            props.pop("internal", None)
            cio.track(uid, name, **props)
        track_event("u", "ev", internal=1)
        """, id="kwargs-changed-first"),
    pytest.param("""
        def track_event(user, name, **props):
            cio.track(user.id, name, data=props)
        track_event(None, "ev")
        """, id="an-attribute-of-the-parameter"),
    # a decorator may change what callers call (celery's bind=True adds `self`)
    pytest.param("""
        @app.task(bind=True)
        def identify_user(self, uid, **attrs):
            cio.identify(id=uid, **attrs)
        identify_user("", "u")
        """, id="decorated-by-a-task"),
]  # fmt: skip


@pytest.mark.parametrize("code", WRAPPER_VALID)
def test_wrapper_that_may_not_pass_the_value_on_is_not_judged(code):
    source = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n" + textwrap.dedent(code)
    assert [f.code for f in lint(source, sdk_version=V3) if f.code.startswith("CIO")] == []


# -- across modules: a wrapper called from three modules, a wrapper of a wrapper --------------

SHOP = {
    "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["customerio==3.2.0"]\n',
    # a package that re-exports the wrappers
    "shop/__init__.py": "from .cio import track_event\nfrom shop.cio import identify_user as identify\n",
    "shop/reexported.py": """\
from shop import identify, track_event


def f(user):
    track_event(user.id, "ev", plan="pro")
    identify("")
""",
    "shop/cio_client.py": "from customerio import CustomerIO\n\nclient = CustomerIO('s', 'k')\n",
    "shop/cio.py": """\
import logging

from shop.cio_client import client

log = logging.getLogger(__name__)


def track_event(user_id, name, **props):
    log.info("tracking %s", name)
    client.track(user_id, name, **props)


def identify_user(uid, **attrs):
    client.identify(id=uid, **attrs)


class CustomerIOService:
    def track(self, uid, name, **data):
        client.track(uid, name, **data)


service = CustomerIOService()
""",
    "shop/orders.py": """\
from shop.cio import track_event


def placed(user):
    track_event(user.id, "order_placed", plan="pro")
""",
    "shop/users.py": """\
import time

from shop import cio


def signup(user):
    cio.identify_user(user.id, created_at=int(time.time() * 1000))
    cio.identify_user("")
""",
    "shop/billing.py": """\
from shop.cio import service, track_event


def paid(user):
    track_event(user.id, "paid", data={"amount": 3})
    service.track(user.id, "paid", amount=3)
""",
    "shop/events.py": """\
from shop.cio import track_event


def signup_event(user_id, **props):
    track_event(user_id, "SignedUp", **props)
""",
    "shop/views.py": """\
from shop.events import signup_event


def view(user):
    signup_event(user.id, source="web")
""",
}

SHOP_FOUND = {
    ("shop/orders.py", 5, "CIO601", "shop.cio.track_event → CustomerIO.track"),
    ("shop/users.py", 7, "CIO201", "shop.cio.identify_user → CustomerIO.identify"),
    ("shop/users.py", 8, "CIO101", "shop.cio.identify_user → CustomerIO.identify"),
    ("shop/billing.py", 6, "CIO601", "shop.cio.CustomerIOService.track → CustomerIO.track"),
    ("shop/views.py", 5, "CIO601", "shop.events.signup_event → shop.cio.track_event → CustomerIO.track"),
    ("shop/reexported.py", 5, "CIO601", "shop.cio.track_event → CustomerIO.track"),
    ("shop/reexported.py", 6, "CIO101", "shop.cio.identify_user → CustomerIO.identify"),
}


def _shop(tmp_path):
    for name, text in SHOP.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _reported(stdout: str):
    found = set()
    for line in stdout.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].strip().startswith("CIO"):
            code, _, message = parts[3].strip().partition(" ")
            via = message.rpartition("(via ")[2].rstrip(")")
            found.add((parts[0].removeprefix("./"), int(parts[1]), code, via))
    return found


def _run(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_cli_judges_wrapper_call_sites_across_modules(tmp_path):
    _shop(tmp_path)
    result = _run("cio_lint", "check", ".", cwd=tmp_path)
    assert _reported(result.stdout) == SHOP_FOUND, result.stdout + result.stderr


def test_flake8_reports_the_same_wrapper_call_sites(tmp_path):
    _shop(tmp_path)
    result = _run("flake8", "--select", "CIO", ".", cwd=tmp_path)
    assert _reported(result.stdout) == SHOP_FOUND, result.stdout + result.stderr


def test_wrappers_travel_in_the_module_summary(tmp_path):
    from cio_lint.project.index import ModuleIndex
    from cio_lint.project.summary import ModuleSummary
    from cio_lint.resolve.summaries import Summaries

    _shop(tmp_path)
    summaries = Summaries(ModuleIndex(tmp_path))
    made = summaries.summary("shop.cio")
    assert set(made.wrappers) == {"track_event", "identify_user", "CustomerIOService.track", "service.track"}
    assert ModuleSummary.from_json(made.to_json()) == made  # plain JSON, as the cache keeps it
    [reach] = summaries.wrapper("shop.events.signup_event").calls
    assert reach.ref == "shop.cio.track_event" and reach.forwards_kwargs


STAR_WRAPPERS = """
    from customerio import CustomerIO
    cio = CustomerIO('s', 'k')

    def track(*args, **kwargs):
        cio.track(*args, **kwargs)

    def outer(*args, **kwargs):
        track(*args, **kwargs)

    class Service:
        def __init__(self):
            self.client = CustomerIO('s', 'k')

        def identify(self, *args, **kwargs):
            return self.client.identify(*args, **kwargs)
"""


@pytest.mark.parametrize("call, code, via", [
    pytest.param('track("", "ev")', "CIO101", "track → CustomerIO.track", id="args-forwarded"),
    pytest.param('track("u", "ev", plan="pro")', "CIO601", "track → CustomerIO.track", id="args-and-kwargs"),
    pytest.param('outer("u", "ev", plan="pro")', "CIO601", "outer → track → CustomerIO.track", id="args-twice"),
    pytest.param('Service().identify("")', "CIO101", "Service.identify → CustomerIO.identify", id="method-args"),
    pytest.param('track(*names, plan="pro")', "CIO601", "track → CustomerIO.track", id="keyword-after-star"),
])  # fmt: skip
def test_star_args_pass_through(call, code, via):
    source = textwrap.dedent(STAR_WRAPPERS) + call + "\n"
    found = [f for f in lint(source, sdk_version=V3) if f.code == code]
    assert [f.line for f in found] == [source.count("\n")] and found[0].message.endswith(f"(via {via})")


def test_star_args_at_the_call_site_hide_the_positions():
    source = textwrap.dedent(STAR_WRAPPERS) + 'track(*names, "")\n'
    assert [f.code for f in lint(source, sdk_version=V3) if f.code.startswith("CIO")] == []
