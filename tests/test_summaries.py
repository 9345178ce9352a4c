"""Module summaries: what a project module offers the others (cio_lint.project.summary), made
lazily and as cheaply as is exact (cio_lint.resolve.summaries)."""

from __future__ import annotations

import json
import textwrap

import pytest

from cio_lint.project import ModuleIndex
from cio_lint.project.summary import EMPTY, Entry, ModuleSummary
from cio_lint.resolve import CLASS, FACTORY, INSTANCE
from cio_lint.resolve.resolver import DEFERRED
from cio_lint.resolve.summaries import Summaries


def write(root, files):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def summaries(root) -> Summaries:
    return Summaries(ModuleIndex(root))


WRAPPER = {
    "shop/__init__.py": "",
    "shop/cio.py": """
        from functools import lru_cache
        from customerio import APIClient, CustomerIO, SendEmailRequest

        client = CustomerIO("s", "k")

        @lru_cache
        def get_api():
            return APIClient("k")

        class Tenant(CustomerIO):
            def __init__(self, tenant):
                super().__init__("s", "k")

            def hello(self):
                pass

        request = SendEmailRequest(to="a@b.c", transactional_message_id=1, identifiers={"id": 1})
        plain = 3
        """,
}


def test_a_wrapper_modules_summary_names_its_clients_factories_subclasses_and_requests(tmp_path):
    found = summaries(write(tmp_path, WRAPPER)).summary("shop.cio")
    names = found.names
    assert names["client"] == Entry(INSTANCE, sdk_class="customerio.CustomerIO")
    assert names["get_api"].kind == FACTORY and names["get_api"].sdk_class == "customerio.APIClient"
    assert names["Tenant"] == Entry(CLASS, sdk_class="customerio.CustomerIO", init_params=("tenant",),
                                    own_methods=("hello",))  # fmt: skip
    assert names["request"].kind == INSTANCE and names["request"].sdk_class == "customerio.SendEmailRequest"
    assert names["CustomerIO"].kind == CLASS  # a re-export of the SDK's class
    assert "plain" not in names and "lru_cache" not in names


def test_a_summary_is_plain_data_that_survives_json(tmp_path):
    found = summaries(write(tmp_path, WRAPPER)).summary("shop.cio")
    again = ModuleSummary.from_json(json.loads(json.dumps(found.to_json())))
    assert again == found and again.digest == found.digest
    assert EMPTY.to_json() == {"names": {}, "wrappers": {}} and not EMPTY


@pytest.mark.parametrize("bad", [{"names": {"x": {"kind": "ref", "ops": [["nonsense"]]}}},
                                 {"names": {"x": {}}}, {"names": []}, {}])  # fmt: skip
def test_a_malformed_summary_is_refused(bad):
    with pytest.raises((ValueError, KeyError, TypeError, AttributeError)):
        ModuleSummary.from_json(bad)


CHAIN = {
    "app/__init__.py": "",
    "app/base.py": "from customerio import CustomerIO\n\nclass Base(CustomerIO):\n    def extra(self):\n        pass\n",
    # each module below never says customerio: it only takes names from the one above
    "app/factory.py": """
        from app.base import Base

        def make():
            return Base("s", "k")
        """,
    "app/holder.py": "from app.factory import make\n\nclient = make()\n",
    "app/again.py": "from app.holder import client as cio\n",
    "app/more.py": "from .again import cio\n",
    "app/deep.py": "from app import more\n\nc = more.cio\n",
    "app/sub.py": """
        from app.base import Base

        class Tenant(Base):
            def __init__(self, tenant):
                super().__init__("s", "k")
        """,
    "app/annotated.py": "import app.base\n\ndef get() -> 'app.base.Base':\n    return registry['cio']\n",
    "app/plain.py": "import os\nfrom app.models import f\n\nx = 1\n",
    "app/models.py": "from app.factory import make\n\ndef f():\n    return 1\n",
}


def test_refs_are_followed_through_other_modules_at_lookup(tmp_path):
    found = summaries(write(tmp_path, CHAIN))
    assert found.summary("app.holder").names["client"].kind == "ref"  # not looked up when made
    client = found.lookup("app.deep.c")  # deep -> more -> again -> holder -> factory -> base
    assert client is not None and client.kind == INSTANCE and client.own_methods == {"extra"}
    tenant = found.lookup("app.sub.Tenant")
    assert tenant.kind == CLASS and tenant.init_params == ("tenant",) and tenant.own_methods == {"extra"}
    factory = found.lookup("app.annotated.get")
    assert factory is not None and factory.kind == FACTORY
    assert found.lookup("app.plain.x") is None


def test_no_lookup_ever_answers_a_deferred_value(tmp_path):
    found = summaries(write(tmp_path, CHAIN))
    for module in ("app.base", "app.factory", "app.holder", "app.again", "app.more", "app.deep", "app.sub"):
        for name in found.summary(module).names:
            value = found.lookup(f"{module}.{name}")
            assert value is None or value.kind != DEFERRED


def test_modules_that_cannot_matter_are_summarised_without_parsing(tmp_path):
    files = dict(CHAIN, **{"app/unrelated.py": "from app import plain\n\ny = plain.x\n"})
    found = summaries(write(tmp_path, files))
    assert found.summary("app.unrelated") == EMPTY
    assert found.summary("app.plain") == EMPTY  # it imports models, which offers nothing
    assert not found.imports_a_provider(b"from app.unrelated import y\nfrom app.plain import x\n")
    # models imports a factory (so it is parsed: it could call it at module level); it offers nothing
    assert found.lookup("app.models.f") is None
    assert "app.unrelated" not in found.parsed and "app.plain" not in found.parsed


def test_import_cycles_give_the_same_answers_in_any_order(tmp_path):
    files = {
        "c/__init__.py": "",
        "c/a.py": "from customerio import CustomerIO\nfrom c.b import helper\n\nclient = CustomerIO('s', 'k')\n",
        "c/b.py": "from c.a import client as again\n\ndef helper():\n    return again\n",
        "c/c.py": "from c.b import helper\n\nmade = helper()\n",
    }
    write(tmp_path, files)
    names = ["c.a.client", "c.b.again", "c.b.helper", "c.c.made"]
    answers = []
    for order in (names, names[::-1], names[1:] + names[:1]):
        found = summaries(tmp_path)
        answers.append({name: found.lookup(name) for name in order})
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["c.c.made"] is not None and answers[0]["c.c.made"].kind == INSTANCE


def test_a_ref_cycle_holds_nothing(tmp_path):
    write(tmp_path, {"r/__init__.py": "", "r/a.py": "from r.b import x\nimport customerio\n",
                     "r/b.py": "from r.a import x\nimport customerio\n"})  # fmt: skip
    assert summaries(tmp_path).lookup("r.a.x") is None


def test_a_module_that_cannot_be_parsed_offers_nothing_and_says_why(tmp_path):
    write(tmp_path, {"s/__init__.py": "", "s/broken.py": "import customerio\nclient = customerio.CustomerIO(\n"})
    found = summaries(tmp_path)
    assert found.lookup("s.broken.client") is None
    assert "s.broken" in found.failures


def test_declared_factories_are_looked_up_not_summarised(tmp_path):
    write(tmp_path, {"m/__init__.py": "", "m/cio.py": "def get():\n    return registry.lookup('cio')\n",
                     "m/use.py": "from m.cio import get\n\nclient = get()\n"})  # fmt: skip
    found = Summaries(ModuleIndex(tmp_path, factories=("m.cio:get",)))
    assert found.lookup("m.cio.get").kind == FACTORY
    assert found.lookup("m.use.client").kind == INSTANCE
