"""The README's GitHub Actions, GitLab CI, PyCharm and editor snippets, run as written.

The workflow files cannot run GitHub or GitLab here, so the tests run every `cio-lint`
command of those snippets, in a copy of fixtures/, and check what the CI service would read:
the SARIF file the upload step names, the annotations, the JSON artifact.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.integrations.helpers import readme_block, run

yaml = pytest.importorskip("yaml")
jsonschema = pytest.importorskip("jsonschema")
SCHEMA = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def project(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "project")
    return tmp_path / "project"


def run_cio_lint_line(line: str, cwd: Path):
    args = shlex.split(line)
    assert args[0] == "cio-lint"
    return run([sys.executable, "-m", "cio_lint", *args[1:]], cwd=cwd)


def test_github_actions_workflow(project):
    workflow = yaml.safe_load(readme_block("integrations", "yaml", "upload-sarif"))
    job = workflow["jobs"]["cio-lint"]
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    runs = [s["run"] for s in steps if s.get("run", "").startswith("cio-lint")]
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    sarif_step = next(r for r in runs if "--format sarif" in r)
    annotate_step = next(r for r in runs if "--format github" in r)
    # the SARIF step must not fail the job before the upload; the annotation step does fail it
    assert steps.index(upload) > next(i for i, s in enumerate(steps) if s.get("run") == sarif_step)

    result = run_cio_lint_line(sarif_step, project)
    assert result.returncode == 0, result.stderr
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text())
    schema = json.loads(SCHEMA.read_text())
    assert list(jsonschema.validators.validator_for(schema)(schema).iter_errors(sarif)) == []
    assert sarif["runs"][0]["results"]

    result = run_cio_lint_line(annotate_step, project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(re.match(r"^::error file=[^,]+,line=\d+,col=\d+,", line) for line in lines)
    assert any("file=shop/tracking.py,line=16,col=21," in line for line in lines)


def test_gitlab_ci_job(project):
    job = yaml.safe_load(readme_block("integrations", "yaml", "artifacts:"))["cio-lint"]
    commands = [line for line in job["script"] if line.startswith("cio-lint")]
    assert len(commands) == 3
    *report_steps, log_step = commands
    for step in report_steps:
        assert run_cio_lint_line(step, project).returncode == 0
    for artifact in job["artifacts"]["paths"]:
        data = json.loads((project / artifact).read_text())
        assert {d["code"] for d in data} >= {"CIO101", "CIO201", "CIO401"}
    # GitLab's Code Quality report: the fields it requires, one issue per finding
    quality = json.loads((project / job["artifacts"]["reports"]["codequality"]).read_text())
    assert quality and all({"description", "check_name", "fingerprint", "severity"} <= set(issue)
                           and issue["location"]["path"] and issue["location"]["positions"]["begin"]["line"]
                           for issue in quality)  # fmt: skip
    result = run_cio_lint_line(log_step, project)
    assert result.returncode == 1 and "shop/tracking.py:16:21: CIO101" in result.stdout
    assert '        cio.identify(id="", email=user.email)' in result.stdout  # --show-source


def test_pycharm_external_tool_output_filter_matches_every_finding(project):
    section = re.search(r"<!-- integrations:start -->(.*?)<!-- integrations:end -->",
                        (REPO / "README.md").read_text(encoding="utf-8"), re.S).group(1)  # fmt: skip
    pycharm = section[section.index("**PyCharm**"):]
    program = re.search(r"program `([^`]+)`", pycharm).group(1)
    arguments = re.search(r"arguments `([^`]+)`", pycharm).group(1)
    output_filter = re.search(r"output filter `([^`]+)`", pycharm).group(1)
    pattern = re.escape(output_filter).replace(re.escape(".*"), ".*")
    for macro, regex in (("$FILE_PATH$", r"(?P<file>.+?)"), ("$LINE$", r"(?P<line>\d+)"),
                         ("$COLUMN$", r"(?P<col>\d+)")):  # fmt: skip
        pattern = pattern.replace(re.escape(macro), regex)
    target = project / "shop" / "tracking.py"
    command = f"{program} {arguments}".replace("$FilePath$", shlex.quote(str(target)))
    result = run_cio_lint_line(command, project)  # working directory: $ProjectFileDir$
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) >= 5
    for line in lines:
        match = re.fullmatch(pattern, line)
        # relative to the working directory, $ProjectFileDir$, as PyCharm resolves it
        assert match and (project / match["file"]).resolve() == target.resolve() and int(match["line"]) > 0, line


def test_editor_settings_snippets_agree():
    vscode = json.loads(readme_block("integrations", "json", "flake8.importStrategy"))
    assert vscode == {"flake8.importStrategy": "fromEnvironment"}
    pylsp = json.loads(readme_block("integrations", "json", '"pylsp"'))["pylsp"]["plugins"]
    lua = readme_block("integrations", "lua", "lspconfig")
    in_lua = {name: value == "true" for name, value in re.findall(r"(\w+) = \{ enabled = (true|false) \}", lua)}
    assert in_lua == {name: settings["enabled"] for name, settings in pylsp.items()}
    assert in_lua["flake8"] is True


def test_ci_snippets_install_what_exists_today():
    """cio-lint is not on the package index: the snippets install it from its repository (issue 20)."""
    for marker in ("upload-sarif", "artifacts:"):
        installs = [line for line in readme_block("integrations", "yaml", marker).splitlines()
                    if re.match(r"\s*- (run: )?pip install", line)]  # fmt: skip
        assert installs and all("git+" in line for line in installs), installs
