"""`flake8 cio_lint` is clean under the project's configuration (setup.cfg), as the team's rules
require before every landing.

The check runs flake8's own checkers (pycodestyle E/W, pyflakes F, mccabe C90) with setup.cfg
read from the repository root, but without the CIO plugin (flake8's --select filters what is
reported, not which plugins run): with the suite's on-disk cache off, the plugin's full checks
of cio-lint's own SDK-heavy modules (sdk.py, the rules' examples) and CIO503/CIO504's project
walk make it about 6 s, where the style checks take about 2 s. The plugin's findings are what
the rest of the suite tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# flake8's plugin discovery, minus this package's own plugin (an AttributeError here means
# flake8 changed its finder: the test fails loudly rather than passing without checking)
WITHOUT_CIO = """\
import sys
from flake8.main.cli import main
from flake8.plugins import finder

found = finder.find_plugins
finder.find_plugins = lambda *a, **k: [p for p in found(*a, **k) if p.package != "cio-lint"]
sys.exit(main(sys.argv[1:]))
"""


def test_flake8_is_clean_on_the_package():
    proc = subprocess.run([sys.executable, "-c", WITHOUT_CIO, "cio_lint"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, f"flake8 cio_lint:\n{proc.stdout}{proc.stderr}"


def test_the_check_sees_a_style_problem(tmp_path):
    """The same command fails on a file setup.cfg's rules reject (it is not vacuous)."""
    bad = tmp_path / "cio_lint"
    bad.mkdir()
    (bad / "m.py").write_text("import os\nx = 1 \n")
    (tmp_path / "setup.cfg").write_text((ROOT / "setup.cfg").read_text())
    proc = subprocess.run([sys.executable, "-c", WITHOUT_CIO, "cio_lint"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 1
    assert "F401" in proc.stdout and "W291" in proc.stdout
