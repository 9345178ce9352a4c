"""What a rule reports: a finding, and the fix it may carry.

Positions are 1-based lines and 1-based columns (characters), end exclusive, as ruff and the
CLI print them; the flake8 front-end converts to flake8's 0-based column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, List, Mapping, Optional, Tuple

if TYPE_CHECKING:
    from cio_lint.config import Settings
    from cio_lint.project import Project

SAFE = "safe"
UNSAFE = "unsafe"


@dataclass(frozen=True)
class Edit:
    """Replace the text between (line, column) and (end_line, end_column) with `content`."""

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Fix:
    applicability: str  # SAFE or UNSAFE
    edits: Tuple[Edit, ...]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    name: str = field(compare=False)
    message: str = field(compare=False)
    end_line: int = field(compare=False, default=0)
    end_column: int = field(compare=False, default=0)
    fix: Optional[Fix] = field(compare=False, default=None)
    #: the explanation behind the one-breath message (why, evidence, alternatives); the
    #: text output leaves it out, JSON and SARIF carry it as `help`
    help: str = field(compare=False, default="")

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "message": self.message,
            "help": self.help,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": None
            if self.fix is None
            else {
                "applicability": self.fix.applicability,
                "edits": [
                    {
                        "line": e.line,
                        "column": e.column,
                        "end_line": e.end_line,
                        "end_column": e.end_column,
                        "content": e.content,
                    }
                    for e in self.fix.edits
                ],
            },
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        """The finding `to_dict` described (the on-disk cache reads its entries back)."""
        fix = data.get("fix")
        return cls(
            path=str(data["path"]), line=int(data["line"]), column=int(data["column"]), code=str(data["code"]),
            name=str(data["name"]), message=str(data["message"]), end_line=int(data["end_line"]),
            end_column=int(data["end_column"]), help=str(data.get("help", "")),
            fix=None if fix is None else Fix(str(fix["applicability"]), tuple(
                Edit(int(e["line"]), int(e["column"]), int(e["end_line"]), int(e["end_column"]), str(e["content"]))
                for e in fix["edits"])),
        )


# ---------------------------------------------------------------------------------------------
# Project-level findings: the hook a rule module may offer (see cio_lint/whole_project.py)


@dataclass(frozen=True)
class ProjectRun:
    """What a rule's `check_project(run)` hook sees: one project of the run, once.

    `files` are the files of this run that belong to the project; `sdk_files` those among
    them that passed the prefilter (the engine ran the rules on them).
    """

    project: "Project"
    settings: "Settings"
    files: Tuple[Path, ...] = ()
    sdk_files: Tuple[Path, ...] = ()
    #: what each file of the project sends (cio_lint/inventory.py), every file of the project,
    #: not only this run's: filled when a selected rule's gate asks for "inventories"
    inventories: Mapping[Path, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectFinding:
    """A finding a project hook reports in some file of the project (a dependency file, say).

    The runner gives it the rule's code and name and filters it like a file's findings:
    exclude, per-file-ignores and `# noqa` on its line.
    """

    path: Path
    line: int
    message: str
    column: int = 1
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    #: the explanation behind the headline (JSON and SARIF `help`)
    help: str = ""


@dataclass
class Checked:
    """One file of a run, checked: its findings, and what the run keeps of it."""

    path: Optional[Path]  # None for stdin
    shown: str
    data: bytes
    findings: List[Finding]
    #: the path whose configuration and project apply (stdin: --stdin-filename)
    config_path: Optional[Path] = None
    #: the file passed the prefilter: the engine ran the rules on it
    sdk: bool = False
    #: what the file sends (cio_lint/inventory.py), when a project-level rule reads it
    inventory: Optional[dict] = None
