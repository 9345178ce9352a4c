"""Look-alikes never get a finding, in either front-end (issue 4).

Each file mentions `customerio` so the prefilter lets it through to the rules: silence must
come from the resolver, not from skipping the file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

LOOKALIKES = {
    "segment.py": """
        import time
        import analytics  # Segment's analytics-python
        import customerio  # noqa: F401  (the project also uses the SDK elsewhere)

        analytics.write_key = "abc"
        analytics.endpoint = "https://api.segment.io"
        analytics.track("", "Signed Up", {"at": int(time.time() * 1000)})
        analytics.identify("", {"created_at": 1700000000000})
        """,
    "mixpanel_usage.py": """
        import time
        from mixpanel import Mixpanel
        import customerio  # noqa: F401

        mp = Mixpanel("token")
        mp.track("", "SignedUp", {"time": int(time.time() * 1000)})
        """,
    "local_class.py": """
        import customerio  # noqa: F401

        class CustomerIO:
            def __init__(self, key):
                self.key = key

            def track(self, customer_id, name, **data):
                return customer_id, name, data

        CustomerIO("app-key").track("", "SignedUp", plan="pro")
        """,
    "eodhd_client.py": """
        from eodhd import APIClient
        import customerio  # noqa: F401

        api = APIClient("SITE_ID", "TRACK_API_KEY")
        """,
    "drf_test.py": """
        from rest_framework.test import APIClient
        import customerio  # noqa: F401

        client = APIClient(settings.CIO_SITE_ID, settings.CIO_TRACK_KEY)
        client.get("/")
        """,
    "stringio_cio.py": """
        import io
        import customerio  # noqa: F401

        cio = io.StringIO()
        cio.track = None
        cio.write("identify")
        """,
    "uses_own_module.py": """
        import customerio  # the project's own customerio.py below, not the SDK

        customerio.CustomerIO("only-one").identify(id="")
        """,
    "seeds_lookalikes.py": """
        # issue 18's rules: request classes, clients and exceptions of other libraries
        import datetime
        import decimal
        import os
        import customerio  # noqa: F401
        from mailer import SendEmailRequest, APIClient as MailClient
        from mylib.errors import CustomerIOException
        from aio import AsyncCustomerIO, Regions

        request = SendEmailRequest({"to": "a@b.c"}, identifiers={"user_id": 1})
        MailClient(os.getenv("MAIL_KEY")).send_push(request)
        client = AsyncCustomerIO("s", "k", region=Regions.EU)

        def sync(cio, user):  # an unannotated parameter: cannot tell what it is
            try:
                cio.identify(customer_id=user.id, birthday=datetime.date.today(), balance=decimal.Decimal("1"))
                cio.add_device(user.id, "token", "web", app_version="1.2")
            except CustomerIOException as e:
                print(e.message, e.status_code)
        """,
    "customerio.py": """
        # A project module that happens to be named customerio: it shadows the SDK.
        class CustomerIO:
            def __init__(self, key):
                self.key = key

            def identify(self, id, **attrs):
                return id
        """,
}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("lookalikes")
    (root / "pyproject.toml").write_text('[tool.cio-lint]\nregion = "eu"\nevents = ["signed_up"]\n')
    for name, text in LOOKALIKES.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_cli_is_silent_on_lookalikes(project):
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "."], cwd=project,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "CIO" not in result.stdout


def test_flake8_is_silent_on_lookalikes(project):
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "CIO", "."], cwd=project,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_the_same_code_with_the_real_sdk_does_fire(project, tmp_path):
    """Guard against a vacuous pass: the local-class file with the SDK import does fire."""
    text = textwrap.dedent(LOOKALIKES["local_class.py"]).replace(
        "import customerio  # noqa: F401\n\nclass CustomerIO:", "from customerio import CustomerIO\n\nclass Unused:"
    )
    (tmp_path / "real.py").write_text(text)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "real.py", "--isolated"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1 and "CIO101" in result.stdout, result.stdout + result.stderr


def test_the_seeds_lookalikes_with_the_real_packages_do_fire(tmp_path):
    """Guard against a vacuous pass for issue 18's rules: the same lines with the real SDK
    (and the real async-customerio) imports fire each default-on rule the file imitates."""
    text = textwrap.dedent(LOOKALIKES["seeds_lookalikes.py"])
    for old, new in [
        ("from mailer import SendEmailRequest, APIClient as MailClient",
         "from customerio import SendEmailRequest, APIClient as MailClient, CustomerIO"),
        ("from mylib.errors import CustomerIOException", "from customerio import CustomerIOException"),
        ("from aio import", "from async_customerio import"),
        ("def sync(cio, user):", "def sync(cio: CustomerIO, user):"),
    ]:  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    (tmp_path / "real.py").write_text(text)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "real.py", "--isolated"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)  # fmt: skip
    found = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("real.py:")}
    assert {"CIO104", "CIO203", "CIO405", "CIO605", "CIO606", "CIO702", "CIO703", "CIO704"} <= found, result.stdout
