"""Project-level rules (CIO503, CIO504) in both front-ends: judged over the whole project,
reported at the offending call's line, in the CLI (runner hook) and in a real flake8 process
(which sees one file at a time)."""

from __future__ import annotations

import pytest

from tests.integrations.helpers import cio_lint, flake8, parse_text, write

PROJECT = {
    "pyproject.toml": '[project]\nname = "app"\ndependencies = ["customerio>=3"]\n',
    "app/__init__.py": "",
    "app/signup.py": """\
        from customerio import CustomerIO

        cio = CustomerIO("site", "key")


        def on_signup(user):
            cio.identify(id=user.id, plan_id=3)
            cio.track(user.id, "signed_up", data={"plan": "pro"})
        """,
    "app/billing.py": """\
        from customerio import CustomerIO

        cio = CustomerIO("site", "key")


        def on_upgrade(user):
            cio.identify(id=user.id, plan_id=4)
            cio.track(user.id, "signed_up", data={"plan": "team"})
        """,
    "app/admin.py": """\
        from customerio import CustomerIO

        cio = CustomerIO("site", "key")


        def on_edit(user):
            cio.identify(id=user.id, plan_id="3")
            cio.track(user.id, "signedup", data={"plan": "pro"})  # a spelling of its own
            cio.track(user.id, "signedup", data={"plan": "pro"})  # noqa: CIO503
        """,
    "tools/segment.py": """\
        import analytics

        analytics.identify("u", {"plan_id": "3"})
        """,
}
EXPECTED = {("app/admin.py", 7, "CIO504"), ("app/admin.py", 8, "CIO503")}


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = write(tmp_path / "proj", PROJECT)
    monkeypatch.chdir(root)
    return root


def _project_level(found):
    return {(p.removeprefix("./"), line, code) for p, line, code in found if code in ("CIO503", "CIO504")}


def test_cli_reports_at_the_minority_call(project):
    result = cio_lint("check", ".")
    assert _project_level(parse_text(result.stdout)) == EXPECTED
    assert "'signedup' is spelt 'signed_up' at app/billing.py:8 (+1)" in result.stdout


def test_cli_on_one_file_still_judges_the_whole_project(project):
    # pre-commit passes the changed files only; the majority is the project's
    assert _project_level(parse_text(cio_lint("check", "app/admin.py").stdout)) == EXPECTED
    assert _project_level(parse_text(cio_lint("check", "app/signup.py").stdout)) == set()


def test_cli_jobs_give_the_same_findings(project):
    for i in range(20):  # enough files for worker processes
        (project / "app" / f"extra{i}.py").write_text(
            f"from customerio import CustomerIO\nCustomerIO('s', 'k').identify(id='u', n{i}=1)\n")
    assert _project_level(parse_text(cio_lint("check", ".", "--jobs", "2").stdout)) == EXPECTED


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_flake8_reports_at_the_same_lines(project, jobs):
    result = flake8("--select", "CIO", "-j", jobs, ".", cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    assert _project_level(parse_text(result.stdout)) == EXPECTED
    one = flake8("--select", "CIO", "app/admin.py", cwd=project)
    assert _project_level(parse_text(one.stdout)) == EXPECTED


def test_selection_turns_them_off(project):
    result = cio_lint("check", ".", "--ignore", "CIO503,attribute-type-drift")
    assert _project_level(parse_text(result.stdout)) == set()
