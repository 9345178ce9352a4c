"""Which files git ignores, so that walking a directory skips them as ruff does.

Read from the `.gitignore` files of a git work tree (the walk's own directories, and its
ancestors up to the work tree's top) and `.git/info/exclude`, with git's rules
(gitignore(5)): blank lines and `#` comments skipped, `!` re-includes, a trailing `/` matches
directories only, a pattern with a `/` at its start or middle is relative to its file's
directory and any other matches at every depth below it, `*` and `?` stop at `/`, `**`
spans directories, the last matching pattern wins and a deeper file's patterns come after a
shallower one's. Outside a git work tree nothing is ignored (git would not ignore it either).
The global excludes file (core.excludesFile) is not read: it is one user's, not the project's.

Standard library only; `cio-lint check --no-respect-gitignore` turns it off.
"""

from __future__ import annotations

import os
import re
from typing import List, Optional, Pattern, Tuple

#: (regex on the path relative to the pattern's base, negated, directories only)
Rule = Tuple[Pattern[str], bool, bool]


def _segment(text: str) -> str:
    """One path segment of a pattern as a regular expression."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(re.escape(text[i + 1]))
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = text.find("]", i + 2 if text[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = text[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def parse_line(line: str) -> Optional[Rule]:
    """A gitignore line as a rule, or None (blank, comment)."""
    line = line.rstrip("\n").rstrip("\r")
    # trailing spaces are ignored unless escaped with a backslash
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        stripped += " "
    line = stripped
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    elif line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    directory_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    parts = line.split("/")
    regex = ""
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            regex += ".*" if last else "(?:.*/)?"
        else:
            regex += _segment(part) + ("" if last else "/")
    if not anchored:
        regex = "(?:.*/)?" + regex
    return re.compile(regex + r"\Z", re.DOTALL), negated, directory_only


def read_rules(path: str) -> List[Rule]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    return [rule for rule in map(parse_line, lines) if rule is not None]


def work_tree_top(directory: str) -> Optional[str]:
    """The top of the git work tree holding `directory` (where `.git` is), or None."""
    current = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitIgnore:
    """The ignore rules that apply while walking down from one directory."""

    def __init__(self, top: str, layers: List[Tuple[str, List[Rule]]]) -> None:
        self.top = top
        self.layers = layers  # (base directory, rules), shallowest first

    @classmethod
    def for_walk(cls, root: str) -> Optional["GitIgnore"]:
        """The rules in force at `root` (None outside a git work tree): info/exclude, then the
        `.gitignore` of every directory from the work tree's top down to `root`'s parent
        (`root`'s own is added by `entering`, as every walked directory's is)."""
        root = os.path.abspath(root)
        top = work_tree_top(root)
        if top is None:
            return None
        layers = [(top, read_rules(os.path.join(top, ".git", "info", "exclude")))]
        chain, current = [], os.path.dirname(root) if root != top else None
        while current is not None and (current == top or current.startswith(top + os.sep)):
            chain.append(current)
            current = None if current == top else os.path.dirname(current)
        for directory in reversed(chain):
            layers.append((directory, read_rules(os.path.join(directory, ".gitignore"))))
        return cls(top, [(base, rules) for base, rules in layers if rules])

    def entering(self, directory: str, filenames) -> "GitIgnore":
        """The rules inside `directory`, whose file names are `filenames` (os.walk's list)."""
        if ".gitignore" not in filenames:
            return self
        rules = read_rules(os.path.join(directory, ".gitignore"))
        return GitIgnore(self.top, self.layers + [(os.path.abspath(directory), rules)]) if rules else self

    def ignored(self, path: str, is_dir: bool) -> bool:
        path = os.path.abspath(path)
        verdict = False
        for base, rules in self.layers:
            if not path.startswith(base + os.sep):
                continue
            relative = path[len(base) + 1 :].replace(os.sep, "/")
            for regex, negated, directory_only in rules:
                if directory_only and not is_dir:
                    continue
                if regex.match(relative):
                    verdict = not negated
        return verdict
