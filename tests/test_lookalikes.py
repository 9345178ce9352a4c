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
