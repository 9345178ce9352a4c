"""A committed credential is never printed whole: not in source excerpts, not in diffs."""

from __future__ import annotations

import subprocess
import sys

import pytest

SITE = "a3f9c2e81b7d4f60e5c2"
KEY = "9b4e7d2a1c8f3e6b5a0d"
APP = f'from customerio import CustomerIO\ncio = CustomerIO("{SITE}", "{KEY}", region="eu")\n'


@pytest.mark.parametrize("args", [
    ["--show-source"],
    ["--show-source", "--color", "always"],
    ["--diff"],
    ["--diff", "--show-source"],
    ["--show-source", "--format", "json"],
    ["--show-source", "--format", "sarif"],
    ["--show-source", "--format", "github"],
    ["--show-source", "--statistics"],
])  # fmt: skip
def test_credentials_are_masked(tmp_path, args):
    (tmp_path / "app.py").write_text(APP)
    result = subprocess.run([sys.executable, "-m", "cio_lint", "check", "app.py", "--isolated", *args],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1, result.stderr
    everything = result.stdout + result.stderr
    assert "CIO303" in everything or "a3f9" in everything  # the check ran and reported it
    assert SITE not in everything and KEY not in everything
    assert (tmp_path / "app.py").read_text() == APP  # --diff wrote nothing


def test_show_source_keeps_carets_aligned(tmp_path):
    (tmp_path / "app.py").write_text(APP)
    out = subprocess.run([sys.executable, "-m", "cio_lint", "check", "app.py", "--isolated", "--show-source",
                          "--select", "CIO402"], cwd=tmp_path, capture_output=True, text=True).stdout  # fmt: skip
    source, caret = out.splitlines()[1:3]
    assert len(source) == len(APP.splitlines()[1]) + 4
    assert source[caret.index("^"):].startswith('"eu"')


# ---------------------------------------------------------------------------------------------
# Issue 16 items 2 and 3: lines numbered as Python numbers them, and masking that does not
# depend on a CIO303 finding existing on the line.

#: characters str.splitlines() breaks at and Python's tokenizer does not
ODD_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
MASKED_SITE = '"a3f9' + "*" * 16 + '"'  # the first 4 characters, the width kept


def cio_lint(tmp_path, *args, **files):
    for name, content in files.items():
        (tmp_path / name.replace("__", "/")).write_text(content, encoding="utf-8", newline="")
    return subprocess.run([sys.executable, "-m", "cio_lint", "check", *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)  # fmt: skip


def excerpts(stdout):
    """{line number: the excerpt printed under that finding} from --show-source output."""
    lines = stdout.split("\n")
    out = {}
    for index, line in enumerate(lines):
        head = line.split(":")
        if len(head) > 3 and head[1].isdigit() and index + 1 < len(lines):
            out.setdefault(int(head[1]), lines[index + 1].removeprefix("    "))
    return out


def test_show_source_maps_lines_as_python_does(tmp_path):
    source = (f"# odd characters: {ODD_BREAKS} end\n"
              f"from customerio import CustomerIO\ncio = CustomerIO(\"{SITE}\", \"{KEY}\")\n"
              "cio.identify(id='')\n")  # fmt: skip
    result = cio_lint(tmp_path, "app.py", "--isolated", "--show-source", **{"app.py": source})
    assert result.returncode == 1, result.stderr
    assert SITE not in result.stdout and KEY not in result.stdout
    shown = excerpts(result.stdout)
    assert shown[3] == f'cio = CustomerIO({MASKED_SITE}, "9b4e****************")'
    assert shown[4] == "cio.identify(id='')"


def test_noqa_is_read_from_the_line_python_numbers(tmp_path):
    source = (f"# {ODD_BREAKS}\nfrom customerio import CustomerIO\nimport os\n"
              "cio = CustomerIO(os.environ['S'], os.environ['K'])\n"
              "cio.identify(id='')  # noqa: CIO101\ncio.identify(id='')\n")  # fmt: skip
    result = cio_lint(tmp_path, "app.py", "--isolated", **{"app.py": source})
    assert [line.split(" ")[0] for line in result.stdout.splitlines()] == ["app.py:6:17:"], result.stdout


def test_a_diff_after_odd_characters_applies(tmp_path):
    source = (f"import os\n# {ODD_BREAKS}\nfrom customerio import CustomerIO\n"
              "cio = CustomerIO(os.environ['S'], os.environ['K'], region=\"eu\")\n")  # fmt: skip
    result = cio_lint(tmp_path, "app.py", "--isolated", "--diff", **{"app.py": source})
    assert result.returncode == 1 and "+++ b/app.py" in result.stdout, result.stderr
    (tmp_path / "fix.patch").write_text(result.stdout, encoding="utf-8", newline="")
    applied = subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    fixed = (tmp_path / "app.py").read_text(encoding="utf-8")
    assert ODD_BREAKS in fixed and "region=Regions.EU" in fixed


CREDENTIAL_LINE = f'cio = CustomerIO("{SITE}", "{KEY}", region="eu")'


@pytest.mark.parametrize("args,line_suffix,pyproject", [
    (["--ignore", "CIO303"], "", ""),
    (["--select", "CIO4"], "", ""),
    ([], "  # noqa: CIO303", ""),
    ([], "", '[tool.cio-lint]\nper-file-ignores = {"app.py" = ["CIO303"]}\n'),
])  # fmt: skip
@pytest.mark.parametrize("mode", ["--show-source", "--diff"])
def test_credentials_are_masked_whatever_is_selected(tmp_path, args, line_suffix, pyproject, mode):
    files = {"app.py": f"from customerio import CustomerIO\n{CREDENTIAL_LINE}{line_suffix}\n"}
    if pyproject:
        files["pyproject.toml"] = pyproject
    result = cio_lint(tmp_path, "app.py", mode, *args, **files)
    assert result.returncode == 1, result.stderr
    assert ": CIO303 " not in result.stdout  # not reported: the mask does not come from a finding
    assert SITE not in result.stdout + result.stderr and KEY not in result.stdout + result.stderr
    assert f"CustomerIO({MASKED_SITE}, " in result.stdout  # the line was shown, masked


def test_credentials_are_masked_in_a_file_with_a_syntax_error(tmp_path):
    result = cio_lint(tmp_path, "app.py", "--isolated", "--show-source",
                      **{"app.py": f"import customerio\n{CREDENTIAL_LINE} +\n"})  # fmt: skip
    assert "CIO000" in result.stdout and "app.py:2:" in result.stdout, result.stdout
    assert SITE not in result.stdout and f"CustomerIO({MASKED_SITE}, " in result.stdout


def test_the_mask_keeps_four_characters_and_the_width():
    from cio_lint.report import mask_credentials

    line = f'site = "{SITE}"  # pk_eu_Q8w3Rt5yU1iO9pA7sD4f and {KEY}/x'
    masked = mask_credentials(line)
    assert len(masked) == len(line)
    assert masked == 'site = "a3f9****************"  # pk_e' + "*" * 22 + ' and 9b4e****************/x'
    assert mask_credentials("x = 'not_a_credential_at_all' 1234567890abcdef") == \
        "x = 'not_a_credential_at_all' 1234567890abcdef"  # words, and a sequence  # fmt: skip
