import os
from pathlib import Path

import pytest

# The on-disk cache stays off in the test suite (tests and the commands they start inherit
# this), so that no test sees a .cio_lint_cache it did not ask for; tests/test_cache.py turns
# it on and checks that findings are the same either way.
os.environ.setdefault("CIO_LINT_NO_CACHE", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test marked `slow` says why it may have failed: it needs the package index."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and item.get_closest_marker("slow") is not None:
        report.sections.append(("marked slow", "This test needs the package index (it pip-installs packages or "
                                "builds a pre-commit/pylsp environment): offline, it fails. The quick loop "
                                "deselects it: python -m pytest -q -m \"not slow\"."))  # fmt: skip
