"""`cio-lint server` driven over stdio by a real LSP client (tests/lsp_client.py), as an editor does.

One server process for the module: starting one costs about a second on the shared machine.
"""

from __future__ import annotations

import pytest

from tests.lsp_client import LspClient, apply_text_edits

pytest.importorskip("pygls", reason="the language server needs pygls: pip install -e '.[server]'")

EMPTY_ID = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ncio.identify(id='')\n"
REGION_STRING = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k', region='eu')\n"
NO_REGION = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    (root / "pyproject.toml").write_text("[project]\nname = 'ws'\n")
    return root


@pytest.fixture(scope="module")
def client(workspace):
    lsp = LspClient(workspace)
    try:
        result = lsp.initialize(workspace)
        assert result["serverInfo"]["name"] == "cio-lint"
        yield lsp
    finally:
        lsp.close()


def codes(diagnostics):
    return [(d["code"], d["range"]["start"]["line"]) for d in diagnostics]


def test_diagnostics_for_a_file_with_exact_ranges(client, workspace):
    path = workspace / "a.py"
    path.write_text(EMPTY_ID)
    uri = client.open(path)
    [found] = client.diagnostics(uri, version=1)
    assert found["code"] == "CIO101" and found["source"] == "cio-lint"
    # `''` on the third line: 0-based line 2, characters 16-18 (not the rest of the line)
    assert found["range"] == {"start": {"line": 2, "character": 16}, "end": {"line": 2, "character": 18}}


def test_positions_are_in_utf16_units(client, workspace):
    text = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ns = '😀'; cio.identify(id='')\n"
    uri = client.open(workspace / "emoji.py", text)
    [found] = client.diagnostics(uri, version=1)
    # the emoji is one character but two UTF-16 code units
    assert found["range"]["start"] == {"line": 2, "character": 26}


def test_a_fix_applied_from_a_code_action_clears_the_diagnostic(client, workspace):
    path = workspace / "b.py"
    path.write_text(REGION_STRING)
    uri = client.open(path)
    [found] = client.diagnostics(uri, version=1)
    assert found["code"] == "CIO402"
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": found["range"], "context": {"diagnostics": [found]}})
    preferred = [a for a in actions if a.get("isPreferred")]
    assert len(preferred) == 1 and preferred[0]["kind"] == "quickfix"
    assert any(a["title"].startswith("Suppress CIO402") for a in actions)
    [change] = preferred[0]["edit"]["documentChanges"]
    fixed = apply_text_edits(REGION_STRING, change["edits"])
    assert "region=Regions.EU" in fixed and "Regions" in fixed.splitlines()[0]
    client.change(uri, fixed, version=2)
    assert client.diagnostics(uri, version=2) == []


def test_suppress_action_adds_noqa_and_the_diagnostic_goes(client, workspace):
    uri = client.open(workspace / "c.py", EMPTY_ID)
    [found] = client.diagnostics(uri, version=1)
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": found["range"], "context": {"diagnostics": [found]}})
    [suppress] = [a for a in actions if a["title"].startswith("Suppress CIO101")]
    text = apply_text_edits(EMPTY_ID, suppress["edit"]["documentChanges"][0]["edits"])
    assert text.splitlines()[2] == "cio.identify(id='')  # noqa: CIO101"
    client.change(uri, text, version=2)
    assert client.diagnostics(uri, version=2) == []


def test_hover_shows_the_rule_documentation(client, workspace):
    uri = client.open(workspace / "d.py", EMPTY_ID)
    client.diagnostics(uri, version=1)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 2, "character": 17}})  # fmt: skip
    assert hover["contents"]["kind"] == "markdown"
    assert "CIO101 empty-identifier" in hover["contents"]["value"] and "Why is this bad" in hover["contents"]["value"]


def test_a_configuration_change_is_picked_up(client, workspace):
    sub = workspace / "svc"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'svc'\n")
    path = sub / "e.py"
    path.write_text(NO_REGION)
    uri = client.open(path)
    assert client.diagnostics(uri, version=1) == []  # no region configured: CIO401 is silent
    (sub / "pyproject.toml").write_text("[project]\nname = 'svc'\n\n[tool.cio-lint]\nregion = \"eu\"\n")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": (sub / "pyproject.toml").as_uri(), "type": 2}]})  # fmt: skip
    assert [d["code"] for d in client.diagnostics(uri)] == ["CIO401"]


def test_a_python2_file_gets_one_error_where_the_mistake_is(client, workspace):
    uri = client.open(workspace / "legacy.py", "import customerio\n\nprint 'sending'\n")
    [found] = client.diagnostics(uri, version=1)
    assert found["code"] == "CIO000" and found["severity"] == 1
    assert "Python 2 print statement" in found["message"]
    assert found["range"]["start"] == {"line": 2, "character": 0} and found["range"]["end"]["character"] > 0


def test_the_watchers_are_registered(client):
    methods = [r["method"] for r in client.server_requests]
    assert "client/registerCapability" in methods


def test_readme_editor_setups_start_this_server():
    """The README's VS Code, Neovim and Helix setups all run `cio-lint server`."""
    import json
    import re

    from tests.integrations.helpers import readme_block

    vscode = json.loads(readme_block("integrations", "json", "glspc.server.command"))
    assert [vscode["glspc.server.command"], *vscode["glspc.server.commandArguments"]] == ["cio-lint", "server"]
    lua = readme_block("integrations", "lua", "vim.lsp.config")
    assert 'cmd = { "cio-lint", "server" }' in lua and 'vim.lsp.enable("cio_lint")' in lua
    helix = readme_block("integrations", "toml", "language-server.cio-lint")
    assert re.search(r'command = "cio-lint"\nargs = \["server"\]', helix)
    assert '"cio-lint"' in re.search(r"language-servers = \[(.*)\]", helix).group(1)


def test_project_level_rules_judge_the_open_buffer_against_the_project(client, workspace):
    signup = "from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\n" \
             "cio.track('u', 'signed_up')\ncio.track('u', 'signed_up')\n"  # fmt: skip
    (workspace / "signup.py").write_text(signup)
    client.diagnostics(client.open(workspace / "signup.py"), version=1)
    # the buffer, not the file on disk, is what is judged
    (workspace / "admin.py").write_text(NO_REGION)
    uri = client.open(workspace / "admin.py", NO_REGION + "cio.track('u', 'signedup')\n")
    assert ("CIO503", 2) in codes(client.diagnostics(uri, version=1))
