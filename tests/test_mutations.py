"""Mutations that once survived the whole suite (issue 16): each test here fails when the named
constant or branch is changed, and says which."""

from __future__ import annotations

import subprocess
import sys

from cio_lint import report, runner
from cio_lint.finding import Finding
from tests.helpers import lint

CLIENT = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"


def cio_lint(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "cio_lint", "check", "--isolated", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_github_annotations_escape_colon_and_comma_in_properties_only():
    finding = Finding("src/a:b,c.py", 3, 5, "CIO101", "empty-identifier", "id is '': a, b: c", 3, 9)
    assert report.github([finding]) == (
        "::error file=src/a%3Ab%2Cc.py,line=3,col=5,endLine=3,endColumn=9,title=CIO101 empty-identifier"
        "::CIO101 id is '': a, b: c\n"
    )


def test_site_packages_is_excluded_by_default_when_walking(tmp_path):
    for directory in ("site-packages/pkg", "src"):
        (tmp_path / directory).mkdir(parents=True)
        (tmp_path / directory / "mod.py").write_text(CLIENT + "cio.identify(id='')\n")
    result = cio_lint(tmp_path, ".")
    assert result.stdout.splitlines() == ["src/mod.py:3:17: " + result.stdout.split("src/mod.py:3:17: ")[1].strip()]
    named = cio_lint(tmp_path, "site-packages/pkg/mod.py")  # named explicitly: checked
    assert named.stdout.startswith("site-packages/pkg/mod.py:3:17: CIO101")


def test_pyi_files_are_walked(tmp_path):
    (tmp_path / "stub.pyi").write_text(CLIENT + "cio.identify(id='')\n")
    (tmp_path / "notes.txt").write_text(CLIENT + "cio.identify(id='')\n")
    result = cio_lint(tmp_path, ".")
    assert [line.split(" ")[0] for line in result.stdout.splitlines()] == ["stub.pyi:3:17:"]


def test_fixes_that_overlap_in_one_pass_apply_in_the_next(tmp_path):
    assert runner.MAX_FIX_PASSES >= 2
    (tmp_path / "app.py").write_text("from customerio import CustomerIO\nimport time\ncio = CustomerIO('s', 'k')\n"
                                     "cio.track('1', 'SignedUp', plan='pro', created_at=int(time.time() * 1000))\n")
    result = cio_lint(tmp_path, "--fix", "--unsafe-fixes", "--sdk-version", "3.0", "app.py")
    fixed = (tmp_path / "app.py").read_text().splitlines()[3]
    # one pass renames the event; the keyword attributes move into data= in a second pass
    assert fixed == "cio.track('1', 'signed_up', data={\"plan\": 'pro', \"created_at\": int(time.time() * 1000)})", \
        result.stdout  # fmt: skip


def _ms(value: int) -> list:
    return [(f.code, f.message.split(",")[0])
            for f in lint(CLIENT + f"cio.identify(id='1', created_at={value})\n", sdk_version="3.0")]


def test_the_millisecond_literal_range_has_an_upper_bound():
    assert _ms(10**12) == [("CIO201", "created_at is an epoch in milliseconds")]
    assert _ms(10**13 - 1) == [("CIO201", "created_at is an epoch in milliseconds")]
    assert _ms(10**13) == []  # 14 digits: neither milliseconds nor microseconds
    assert _ms(10**15) == [("CIO201", "created_at is an epoch in microseconds")]
    assert _ms(10**12 - 1) == []  # 12 digits: seconds, far in the future, not this rule's


def test_a_blank_id_raises_from_release_1_0_exactly():
    source = CLIENT + "cio.identify(id='')\n"
    raises = [f.message for f in lint(source, sdk_version="==1.0")]
    before = [f.message for f in lint(source, sdk_version="==0.5.2")]  # the release just before 1.0
    assert len(raises) == 1 and "identify() raises" in raises[0]
    assert len(before) == 1 and "raises" not in before[0]
