"""`cio-lint server`: a Language Server Protocol server over stdio, thin over the engine.

What an editor gets: diagnostics on open, change and save with the findings' exact ranges;
every fix as a code action (safe fixes as the preferred quick fix, unsafe ones labelled so),
"suppress with # noqa: CODE" (flake8's grammar, cio_lint/noqa.py), and the rule's
documentation on hover. Configuration (`[tool.cio-lint]`) and the project's dependency files
are re-read when they change on disk; between edits the project (its module index and the
SDK version it detected) stays warm, so an edit costs one check of the edited text.

pygls does the protocol. Documents are synchronised in full: pygls applies incremental edits
to lines split with str.splitlines, which also splits at form feeds and other characters that
are not line breaks to Python or to LSP, and would put an edit in the wrong place.
Positions: findings count characters (code points) on lines split at \\r\\n, \\r and \\n, as
LibCST does; they are converted to the position encoding negotiated with the client
(UTF-16 by default).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from cio_lint import __version__
from cio_lint import rules as rule_registry
from cio_lint.config import ConfigError, Settings, find_pyproject, load_settings
from cio_lint.engine import lint_bytes, per_file_ignored
from cio_lint.finding import SAFE, Edit, Finding
from cio_lint.inventory import InventorySink
from cio_lint.noqa import Suppressions, split_lines
from cio_lint.project import project_for
from cio_lint.whole_project import file_project_findings, forget_project_inventories

SOURCE = "cio-lint"
#: Files whose change can change a finding without any Python file changing: settings, and
#: the dependency declarations the SDK version is detected from.
WATCHED = ("**/pyproject.toml", "**/setup.cfg", "**/requirements*.txt", "**/constraints*.txt",
           "**/uv.lock", "**/poetry.lock", "**/Pipfile.lock", "**/Pipfile", "**/setup.py")  # fmt: skip
_CONFIG_NAMES = re.compile(r"(pyproject\.toml|setup\.cfg|setup\.py|Pipfile(\.lock)?|uv\.lock|poetry\.lock|"
                           r"(requirements|constraints)[^/\\]*\.txt)$")  # fmt: skip
_CODE_IN_COMMENT = re.compile(r"\bCIO\d{3}\b")
#: the code action kind of "apply every safe fix" (editors run it on save when asked to)
SOURCE_FIX_ALL = "source.fixAll.cio-lint"

log = logging.getLogger(__name__)


@dataclass
class Checked:
    """The last check of one open document."""

    version: Optional[int]
    text: str
    findings: List[Finding] = field(default_factory=list)


class CioLintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("cio-lint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.checked: Dict[str, Checked] = {}
        #: directory -> nearest configuring pyproject.toml; pyproject -> Settings (or the error)
        self._dirs: Dict[Path, Optional[Path]] = {}
        self._settings: Dict[Optional[Path], object] = {}
        #: the newest version of each document a check was asked for (older asks are dropped)
        self._wanted: Dict[str, Optional[int]] = {}

    # -- settings and project ----------------------------------------------------------------

    def settings_for(self, path: Optional[Path]) -> Settings:
        pyproject = find_pyproject(path, self._dirs) if path is not None else None
        if pyproject not in self._settings:
            try:
                self._settings[pyproject] = load_settings(pyproject)
            except ConfigError as exc:
                self._settings[pyproject] = exc
        value = self._settings[pyproject]
        if isinstance(value, ConfigError):
            raise value
        return value  # type: ignore[return-value]

    def forget_configuration(self) -> None:
        """A settings or dependency file changed: read them again, rebuild the projects."""
        self._dirs.clear()
        self._settings.clear()
        _forget_projects()
        forget_project_inventories()

    # -- checking ----------------------------------------------------------------------------

    def check(self, uri: str, text: str, version: Optional[int]) -> List[Finding]:
        path = _path_of(uri)
        shown = str(path) if path is not None else uri
        try:
            settings = self.settings_for(path)
        except ConfigError as exc:
            finding = Finding(shown, 1, 1, rule_registry.PARSE_ERROR_CODE, rule_registry.PARSE_ERROR_NAME,
                              f"cannot check this file: configuration error: {exc}", 1, 1)  # fmt: skip
            self.checked[uri] = Checked(version, text, [finding])
            return [finding]
        project = project_for(path, settings)
        module_name = project.module_name(path) if path is not None else ""
        rules = rule_registry.select_rules(settings.select, settings.ignore, settings.extend_select)
        project_rules = [r for r in rules if getattr(r, "PROJECT", False)]
        sink = InventorySink() if project_rules else None
        findings = lint_bytes(text, shown, settings, project, rules, module_name=module_name, inventory=sink)
        if sink is not None:  # CIO503/CIO504: judged over the project, with this buffer's text
            findings += file_project_findings(project, settings, path, shown, sink.data, project_rules)
        if findings:
            ignored = per_file_ignored(shown, settings, path)
            findings = Suppressions(text).filter(f for f in findings if not ignored(f))
        self.checked[uri] = Checked(version, text, findings)
        return findings

    def publish(self, uri: str) -> None:
        checked = self.checked.get(uri)
        if checked is None:
            return
        codec = PositionCodec(checked.text, self.encoding)
        diagnostics = [diagnostic(f, codec) for f in checked.findings]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=checked.version)
        )

    def check_and_publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        try:
            self.check(uri, document.source, document.version)
        except Exception as exc:  # the engine never raises; this is a net for the server's own code
            log.exception("checking %s failed", uri)
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Error, message=f"cio-lint: {exc!r}"))
            return
        self.publish(uri)

    def recheck_open_documents(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.check_and_publish(uri)

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding if self.workspace else None
        return str(getattr(encoding, "value", encoding) or "utf-16")


def _forget_projects() -> None:
    """Drop every cached Project (module index, detected SDK version) and root: a dependency
    file or a project module changed on disk."""
    from cio_lint import project as project_module

    project_module.forget()


def _path_of(uri: str) -> Optional[Path]:
    if not uri.startswith("file:"):
        return None  # an unsaved buffer: default settings, no project
    path = to_fs_path(uri)
    return Path(path).absolute() if path else None


# ---------------------------------------------------------------------------------------------
# Positions


class PositionCodec:
    """1-based character positions (findings, edits) <-> LSP positions in the client's units."""

    def __init__(self, text: str, encoding: str) -> None:
        self.lines = split_lines(text)
        self.encoding = encoding

    def _units(self, chars: str) -> int:
        if self.encoding == "utf-8":
            return len(chars.encode("utf-8", "surrogatepass"))
        if self.encoding == "utf-32":
            return len(chars)
        return len(chars.encode("utf-16-le", "surrogatepass")) // 2

    def to_client(self, line: int, column: int) -> lsp.Position:
        index = max(line - 1, 0)
        if index >= len(self.lines):  # past the end: the end of the text
            if not self.lines:
                return lsp.Position(line=0, character=0)
            last = self.lines[-1]
            if last.endswith(("\n", "\r")):
                return lsp.Position(line=len(self.lines), character=0)
            return lsp.Position(line=len(self.lines) - 1, character=self._units(last))
        text = self.lines[index].rstrip("\r\n")
        return lsp.Position(line=index, character=self._units(text[: max(column - 1, 0)]))

    def to_server(self, position: lsp.Position) -> Tuple[int, int]:
        """(1-based line, 1-based character column) of a client position."""
        if position.line >= len(self.lines):
            return position.line + 1, 1
        text = self.lines[position.line].rstrip("\r\n")
        units, chars = 0, 0
        for char in text:
            if units >= position.character:
                break
            units += self._units(char)
            chars += 1
        return position.line + 1, chars + 1

    def range(self, line: int, column: int, end_line: int, end_column: int) -> lsp.Range:
        start = self.to_client(line, column)
        end = self.to_client(end_line or line, end_column or column)
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return lsp.Range(start=start, end=end)


def diagnostic(finding: Finding, codec: PositionCodec) -> lsp.Diagnostic:
    severity = lsp.DiagnosticSeverity.Error if finding.code == rule_registry.PARSE_ERROR_CODE \
        else lsp.DiagnosticSeverity.Warning  # fmt: skip
    return lsp.Diagnostic(
        range=codec.range(finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.message,
        severity=severity,
        code=finding.code,
        code_description=lsp.CodeDescription(href=_rule_url(finding.code)),
        source=SOURCE,
        data={"name": finding.name, "fixable": finding.fix is not None},
    )


def _rule_url(code: str) -> str:
    return f"https://github.com/cio-lint/cio-lint#{code.lower()}"


# ---------------------------------------------------------------------------------------------
# Code actions and hover


def code_actions(uri: str, checked: Checked, request: lsp.Range, encoding: str) -> List[lsp.CodeAction]:
    codec = PositionCodec(checked.text, encoding)
    start, end = codec.to_server(request.start), codec.to_server(request.end)
    actions: List[lsp.CodeAction] = []
    suppressions = Suppressions(checked.text)
    noqa_offered = set()
    for finding in checked.findings:
        if not _overlaps(finding, start, end):
            continue
        diag = diagnostic(finding, codec)
        if finding.fix is not None:
            safe = finding.fix.applicability == SAFE
            title = f"Fix {finding.code} ({finding.name})" + ("" if safe else " [unsafe: review the change]")
            actions.append(lsp.CodeAction(
                title=title, kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=safe,
                edit=_workspace_edit(uri, checked, finding.fix.edits, codec),
            ))  # fmt: skip
        key = (finding.line, finding.code)
        if key in noqa_offered or finding.code == rule_registry.PARSE_ERROR_CODE:
            continue
        noqa_offered.add(key)
        insertion = suppressions.add_noqa(finding.code, finding.line)
        if insertion is not None:
            line, column, content = insertion
            actions.append(lsp.CodeAction(
                title=f"Suppress {finding.code} on this line (# noqa: {finding.code})",
                kind=lsp.CodeActionKind.QuickFix, diagnostics=[diag],
                edit=_workspace_edit(uri, checked, [Edit(line, column, line, column, content)], codec),
            ))  # fmt: skip
    safe_fixes = [f for f in checked.findings if f.fix is not None and f.fix.applicability == SAFE]
    if safe_fixes:
        fixed = _fix_all(checked.text, safe_fixes)
        if fixed is not None and fixed != checked.text:
            edit = _replace_all(uri, checked, fixed, codec)
            actions.append(lsp.CodeAction(title="Fix all safe cio-lint findings",
                                          kind=SOURCE_FIX_ALL, edit=edit))  # fmt: skip
    return actions


def _overlaps(finding: Finding, start: Tuple[int, int], end: Tuple[int, int]) -> bool:
    f_start = (finding.line, finding.column)
    f_end = (finding.end_line or finding.line, finding.end_column or finding.column)
    return f_start <= end and start <= f_end


def _workspace_edit(uri: str, checked: Checked, edits: Iterable[Edit], codec: PositionCodec) -> lsp.WorkspaceEdit:
    text_edits = [lsp.TextEdit(range=codec.range(e.line, e.column, e.end_line, e.end_column), new_text=e.content)
                  for e in edits]  # fmt: skip
    document = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=checked.version)
    return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=document, edits=text_edits)])


def _replace_all(uri: str, checked: Checked, new_text: str, codec: PositionCodec) -> lsp.WorkspaceEdit:
    end = codec.to_client(len(codec.lines) + 1, 1)
    document = lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=checked.version)
    edit = lsp.TextEdit(range=lsp.Range(start=lsp.Position(line=0, character=0), end=end), new_text=new_text)
    return lsp.WorkspaceEdit(document_changes=[lsp.TextDocumentEdit(text_document=document, edits=[edit])])


def _fix_all(text: str, findings: List[Finding]) -> Optional[str]:
    from cio_lint.fix import fix_text

    outcome = fix_text(text, findings, unsafe=False)
    return outcome.text if outcome.applied else None


def hover_text(code: str) -> Optional[str]:
    """The rule's documentation, as `cio-lint rule CODE` shows it (markdown)."""
    if code == rule_registry.PARSE_ERROR_CODE:
        return (f"**{code} {rule_registry.PARSE_ERROR_NAME}**: cio-lint cannot check this file "
                "(a syntax error, undecodable bytes, nesting too deep); the message says why.")  # fmt: skip
    try:
        rule = rule_registry.rule_class(code)
    except KeyError:
        return None
    fix = f"{rule.FIX} fix available" if rule.FIX else "no fix"
    return f"**{rule.CODE} {rule.NAME}**: {rule.summary()} ({fix})\n\n{rule.documentation()}"


def hover(checked: Checked, position: lsp.Position, encoding: str) -> Optional[lsp.Hover]:
    codec = PositionCodec(checked.text, encoding)
    line, column = codec.to_server(position)
    codes = [f.code for f in checked.findings if _overlaps(f, (line, column), (line, column))]
    if not codes and 0 < line <= len(codec.lines):  # a code in a comment: `# noqa: CIO101`
        text = codec.lines[line - 1]
        codes = [m.group() for m in _CODE_IN_COMMENT.finditer(text)
                 if "#" in text[: m.start()] and m.start() <= column - 1 <= m.end()]  # fmt: skip
    docs = [d for d in dict.fromkeys(hover_text(c) for c in codes) if d]
    if not docs:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(docs)))


# ---------------------------------------------------------------------------------------------
# The protocol


server = CioLintServer()


async def _check_latest(ls: CioLintServer, uri: str, version: Optional[int]) -> None:
    """Check a document unless a newer version arrived meanwhile (typing: skip the middle)."""
    ls._wanted[uri] = version
    await asyncio.sleep(0)  # let messages already read run first
    if ls._wanted.get(uri) != version:
        return
    ls.check_and_publish(uri)


@server.feature(lsp.INITIALIZED)
def initialized(ls: CioLintServer, params: lsp.InitializedParams) -> None:
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is not None and watched.dynamic_registration:
        options = lsp.DidChangeWatchedFilesRegistrationOptions(
            watchers=[lsp.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED + ("**/*.py",)]
        )
        ls.client_register_capability(lsp.RegistrationParams(registrations=[
            lsp.Registration(id="cio-lint-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                             register_options=options)]))  # fmt: skip


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
async def did_open(ls: CioLintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    await _check_latest(ls, params.text_document.uri, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
async def did_change(ls: CioLintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    await _check_latest(ls, params.text_document.uri, params.text_document.version)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
async def did_save(ls: CioLintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    if _CONFIG_NAMES.search(uri):
        ls.forget_configuration()
        ls.recheck_open_documents()
        return
    if uri.endswith((".py", ".pyi")):
        # Other modules may import what this one provides: their view of it is rebuilt.
        _forget_projects()
        ls.recheck_open_documents()


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: CioLintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.checked.pop(uri, None)
    ls._wanted.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: CioLintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    changed = [c.uri for c in params.changes]
    if any(_CONFIG_NAMES.search(uri) for uri in changed):
        ls.forget_configuration()
    elif any(uri.endswith((".py", ".pyi")) for uri in changed):
        _forget_projects()
    else:
        return
    ls.recheck_open_documents()


@server.feature(
    lsp.TEXT_DOCUMENT_CODE_ACTION,
    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, SOURCE_FIX_ALL], resolve_provider=False),
)
def code_action(ls: CioLintServer, params: lsp.CodeActionParams) -> Optional[List[lsp.CodeAction]]:
    checked = ls.checked.get(params.text_document.uri)
    if checked is None:
        return None
    actions = code_actions(params.text_document.uri, checked, params.range, ls.encoding)
    only = params.context.only if params.context else None
    if only:
        actions = [a for a in actions if a.kind and any(a.kind == k or a.kind.startswith(f"{k}.") for k in only)]
    return actions


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def on_hover(ls: CioLintServer, params: lsp.HoverParams) -> Optional[lsp.Hover]:
    checked = ls.checked.get(params.text_document.uri)
    if checked is None:
        return None
    return hover(checked, params.position, ls.encoding)


def main() -> None:
    server.start_io()
