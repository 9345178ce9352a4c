"""Every way real code reaches a client (issue 4): each form must make the rules fire."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.helpers import codes, lint

CASES = {
    "wrapper class, self.client = None then assigned under if": """
        from customerio import CustomerIO

        class Tracker:
            def __init__(self, settings):
                self.client = None
                if settings.enabled:
                    self.client = CustomerIO(settings.site_id, settings.api_key)

            def signup(self, user):
                self.client.identify(id="")
        """,
    "client assigned in another method, under try": """
        import customerio

        class Tracker:
            def connect(self):
                try:
                    self.cio = customerio.CustomerIO("s", "k")
                except Exception:
                    raise

            def signup(self):
                self.cio.identify(id="")
        """,
    "self.<method>() returning a client": """
        from customerio import CustomerIO

        class Tracker:
            def _client(self):
                return CustomerIO("s", "k")

            def signup(self):
                self._client().identify(id="")
        """,
    "cls.<attr> class attribute": """
        from customerio import CustomerIO

        class Tracker:
            client = CustomerIO("s", "k")

            @classmethod
            def signup(cls):
                cls.client.identify(id="")
        """,
    "lru_cache factory called directly": """
        from functools import lru_cache
        from customerio import CustomerIO

        @lru_cache(maxsize=None)
        def get_cio():
            return CustomerIO("s", "k")

        get_cio().identify(id="")
        """,
    "lru_cache factory bound to a name": """
        import functools
        import customerio

        @functools.cache
        def get_cio():
            return customerio.CustomerIO("s", "k")

        def f():
            cio = get_cio()
            cio.identify(id="")
        """,
    "global cache factory": """
        from customerio import CustomerIO

        _client = None

        def get_client():
            global _client
            if _client is None:
                _client = CustomerIO("s", "k")
            return _client

        get_client().identify(id="")
        """,
    "dict cache factory": """
        from customerio import CustomerIO

        _clients = {}

        def client_for(site):
            if site not in _clients:
                _clients[site] = CustomerIO(site, "k")
            return _clients[site]

        client_for("x").identify(id="")
        """,
    "annotated parameter": """
        from customerio import CustomerIO

        def signup(cio: CustomerIO):
            cio.identify(id="")
        """,
    "Optional annotation": """
        from typing import Optional
        import customerio

        def signup(cio: Optional[customerio.CustomerIO] = None):
            cio.identify(id="")
        """,
    "X | None annotation": """
        from customerio import CustomerIO

        def signup(cio: CustomerIO | None):
            cio.identify(id="")
        """,
    "string annotation": """
        import customerio

        def signup(cio: "customerio.CustomerIO"):
            cio.identify(id="")
        """,
    "annotated attribute": """
        from customerio import CustomerIO

        class Service:
            cio: CustomerIO

            def signup(self):
                self.cio.identify(id="")
        """,
    "return annotation of a factory": """
        from customerio import CustomerIO

        def make() -> CustomerIO:
            return build_somehow()

        make().identify(id="")
        """,
    "project subclass": """
        from customerio import CustomerIO

        class OurCIO(CustomerIO):
            pass

        OurCIO("s", "k").identify(id="")
        """,
    "subclass with an extra leading constructor parameter": """
        from customerio import CustomerIO

        class TenantCIO(CustomerIO):
            def __init__(self, tenant, site_id, api_key):
                super().__init__(site_id, api_key)
                self.tenant = tenant

        cio = TenantCIO("acme", "APP_API_KEY_FOR_TENANT")
        cio.identify(id="")
        """,
    "walrus": """
        from customerio import CustomerIO

        if (cio := CustomerIO("s", "k")):
            cio.identify(id="")
        """,
    "async factory awaited": """
        from customerio import CustomerIO

        async def get():
            return CustomerIO("s", "k")

        async def main():
            cio = await get()
            cio.identify(id="")
        """,
}


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_reach_form_is_resolved(source):
    assert "CIO101" in codes(lint(textwrap.dedent(source)))


def test_subclass_maps_arguments_by_its_own_signature():
    findings = lint(textwrap.dedent(CASES["subclass with an extra leading constructor parameter"]))
    # TenantCIO("acme", "APP_...") binds site_id="APP_..." and no api_key: both are judged by name
    assert "CIO302" in codes(findings)


def test_subclass_without_visible_credentials_is_not_judged():
    source = textwrap.dedent("""
        from customerio import CustomerIO

        class FromSettings(CustomerIO):
            def __init__(self, settings):
                super().__init__(settings.site_id, settings.api_key)

        FromSettings(settings)
        """)
    assert "CIO302" not in codes(lint(source))


def test_subclass_own_method_is_not_the_sdks():
    source = textwrap.dedent("""
        from customerio import CustomerIO

        class Ours(CustomerIO):
            def identify(self, id, **kw):
                return super().identify(id or "anonymous", **kw)

        Ours("s", "k").identify(id="")
        """)
    assert "CIO101" not in codes(lint(source))


@pytest.mark.parametrize("source", [
    # a client in a dict of clients read with a dynamic key stays unknown when values disagree
    """
    import io
    from customerio import CustomerIO
    clients = {"a": CustomerIO("s", "k"), "b": io.StringIO()}
    clients[key].identify(id="")
    """,
    # a parameter without annotation
    """
    import customerio
    def f(cio):
        cio.identify(id="")
    """,
    # getattr
    """
    import customerio
    getattr(customerio, name)("s", "k").identify(id="")
    """,
    # rebound to something else
    """
    import io
    from customerio import CustomerIO
    cio = CustomerIO("s", "k")
    cio = io.StringIO()
    cio.identify(id="")
    """,
    # a project Protocol is not trusted
    """
    from typing import Protocol
    import customerio
    class Tracker(Protocol):
        def identify(self, id: str) -> None: ...
    def f(t: Tracker):
        t.identify(id="")
    """,
])  # fmt: skip
def test_what_cannot_be_shown_stays_silent(source):
    assert codes(lint(textwrap.dedent(source))) == []


# ---------------------------------------------------------------------------------------------
# Across modules


def write_project(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


CROSS_MODULE = {
    "pyproject.toml": """
        [project]
        name = "shop"
        dependencies = ["customerio==3.2.0"]
        """,
    "shop/__init__.py": "",
    "shop/cio_client.py": """
        from functools import lru_cache
        from customerio import CustomerIO, Regions

        client = CustomerIO("s", "k", region=Regions.US)

        @lru_cache
        def get_client():
            return CustomerIO("s", "k")

        class TenantClient(CustomerIO):
            def __init__(self, tenant, site_id, api_key):
                super().__init__(site_id, api_key)
        """,
    "shop/orders.py": """
        from shop.cio_client import client, get_client

        def paid(user):
            client.identify(id="")
            get_client().track(user.id, "OrderPaid")
        """,
    "shop/users.py": """
        from shop import cio_client

        def signup(user):
            cio_client.client.identify(id="")
        """,
    "shop/relative.py": """
        from .cio_client import TenantClient

        def tenant(user):
            TenantClient("acme", "s", "k").identify(id="")
        """,
    "shop/unrelated.py": """
        def nothing():
            return 1
        """,
}


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def _found(stdout):
    out = set()
    for line in stdout.splitlines():
        parts = line.split(":")
        if len(parts) >= 4 and parts[3].strip().startswith("CIO"):
            out.add((parts[0].removeprefix("./"), int(parts[1]), parts[3].split()[0]))
    return out


EXPECTED = {
    ("shop/orders.py", 5, "CIO101"),
    ("shop/orders.py", 6, "CIO501"),
    ("shop/users.py", 5, "CIO101"),
    ("shop/relative.py", 5, "CIO101"),
}


def test_cli_follows_clients_across_modules(tmp_path):
    write_project(tmp_path, CROSS_MODULE)
    result = _run("cio_lint", "check", ".", cwd=tmp_path)
    assert _found(result.stdout) == EXPECTED, result.stdout + result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_flake8_follows_clients_across_modules(tmp_path, jobs):
    write_project(tmp_path, CROSS_MODULE)
    result = _run("flake8", "--select", "CIO", "-j", jobs, ".", cwd=tmp_path)
    assert _found(result.stdout) == EXPECTED, result.stdout + result.stderr


def test_declared_client_factory(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[tool.cio-lint]\nclient-factories = ["myapp.cio:get_client"]\n',
        "myapp/__init__.py": "",
        "myapp/cio.py": "def get_client():\n    return registry.lookup('cio')\n",
        "myapp/jobs.py": "from myapp.cio import get_client\n\nget_client().identify(id='')\nget_client().send_email(x)\n",
    })  # fmt: skip
    result = _run("cio_lint", "check", ".", cwd=tmp_path)
    assert _found(result.stdout) == {("myapp/jobs.py", 3, "CIO101")}, result.stdout + result.stderr


def test_index_never_executes_project_code(tmp_path):
    marker = tmp_path / "executed"
    write_project(tmp_path, dict(CROSS_MODULE, **{
        "shop/cio_client.py": CROSS_MODULE["shop/cio_client.py"] + f"\nopen({str(marker)!r}, 'w').write('x')\n",
        "setup.py": f"open({str(marker)!r}, 'w').write('x')\nfrom setuptools import setup\nsetup()\n",
    }))  # fmt: skip
    _run("cio_lint", "check", ".", cwd=tmp_path)
    _run("cio_lint", "config", ".", cwd=tmp_path)
    assert not marker.exists()


def test_index_parses_only_candidate_modules(tmp_path):
    from cio_lint.project import ModuleIndex
    from cio_lint.resolve.summaries import Summaries

    write_project(tmp_path, CROSS_MODULE)
    summaries = Summaries(ModuleIndex(tmp_path))
    assert summaries.lookup("shop.cio_client.client") is not None
    assert summaries.lookup("shop.unrelated.nothing") is None
    assert summaries.parsed == ["shop.cio_client"]
    assert summaries.imports_a_provider(b"from shop.cio_client import client\n")
    assert summaries.imports_a_provider(b"from shop import cio_client\n")
    assert summaries.imports_a_provider(b"from .cio_client import client\n", importer="shop.orders")
    assert not summaries.imports_a_provider(b"from shop import unrelated\nimport os\n")


def test_a_loose_directorys_index_reads_nothing_until_asked(tmp_path):
    """Loose files get an index too (their siblings are importable), and it costs nothing:
    no listing, no walk, until a file imports something."""
    from cio_lint.config import Settings
    from cio_lint.project import project_for

    loose = tmp_path / "loose" / "deeper"
    loose.mkdir(parents=True)
    (loose / "a.py").write_text("import customerio\n")
    index = project_for(loose / "a.py", Settings()).index
    assert index.root == loose and index._top_level is None
    write_project(tmp_path / "real", CROSS_MODULE)
    assert project_for(tmp_path / "real" / "shop" / "orders.py", Settings()).index.root == tmp_path / "real"
