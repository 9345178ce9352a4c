#!/usr/bin/env python
"""Torture run: `cio-lint check` over every .py file of this interpreter's library directory.

    python bench/torture.py                  # all files; tens of minutes on 2 cores
    python bench/torture.py --jobs 2 --limit 2000 --seed 1   # a random sample, quicker

Copies every `.py` file under the base interpreter's library directory, site-packages
included (stdlib test files with deliberate syntax errors, lib2to3's Python 2 fixtures, odd
encodings, huge generated modules...), into a temporary tree, appends a line importing
`customerio` to each so the prefilter lets every file through to the parser and the rules, and
runs `cio-lint check --format json` over the tree once, in a child process with a time limit.

It asserts: exit code 0 or 1; no traceback on stderr; valid JSON; every file counted as checked
by the summary line; every CIO000 names a reason; and no CIO000 "internal error" (a rule or the
engine failing on real code is a bug, even though the run goes on). It prints the numbers:
files, findings per code, CIO000 per reason, wall time. Exit status 0 when every assertion
holds, 1 otherwise. The test suite never runs this; tests/test_robustness.py keeps a small
deterministic sample of the nastiest inputs it found.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

APPENDED = b"import customerio  # appended by bench/torture.py\n"
CONFIG = "[tool.cio-lint]\n# nothing excluded: site-packages, build, env... are all part of the run\nexclude = []\n"
SUMMARY = re.compile(r"(\d+) files? checked")


def library_dirs() -> List[Path]:
    """The base interpreter's library directory, and its site-packages when elsewhere."""
    base = {"base": sys.base_prefix, "platbase": sys.base_exec_prefix}
    paths = sysconfig.get_paths(vars=base)
    dirs: List[Path] = []
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = Path(paths[key])
        if path.is_dir() and not any(path == d or d in path.parents for d in dirs):
            dirs.append(path)
    return dirs


def collect(dirs: Sequence[Path]) -> List[Path]:
    files = []
    for root in dirs:
        for directory, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(directory) / name
                if name.endswith(".py") and path.is_file() and not path.is_symlink():
                    files.append(path)
    return files


def copy_tree(files: Sequence[Path], dirs: Sequence[Path], dest: Path) -> int:
    """Copy `files` under `dest` (one top-level folder per library dir); returns the count."""
    copied = 0
    for path in files:
        for index, root in enumerate(dirs):
            if root in path.parents:
                target = dest / f"lib{index}" / path.relative_to(root)
                break
        else:  # pragma: no cover - collect() only yields files under dirs
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        separator = b"" if not data or data.endswith((b"\n", b"\r")) else b"\n"
        target.write_bytes(data + separator + APPENDED)
        copied += 1
    return copied


def reason_of(message: str) -> str:
    """The kind of a CIO000 message: 'syntax error', 'cannot decode the file', ..."""
    text = message.removeprefix("cannot check this file: ")
    if text.startswith("internal error in rule"):
        return " ".join(text.split()[:5]).rstrip(":")  # internal error in rule CIOnnn name
    return re.split(r"[:(]", text, maxsplit=1)[0].strip() or "(no reason)"


def run(tree: Path, jobs: int, timeout: float, out_file: Path) -> tuple:
    cmd = [sys.executable, "-m", "cio_lint", "check", str(tree), "--format", "json", "--output-file",
           str(out_file)]  # fmt: skip
    if jobs > 1:
        cmd += ["--jobs", str(jobs)]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=tree)
    except subprocess.TimeoutExpired:
        return None, "", time.perf_counter() - start
    return proc, proc.stderr, time.perf_counter() - start


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cio-lint --jobs (default: all cores)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed for the run (default 3600)")
    parser.add_argument("--limit", type=int, default=0, help="check a random sample of this many files")
    parser.add_argument("--seed", type=int, default=0, help="seed for --limit's sample")
    parser.add_argument("--keep", action="store_true", help="keep the temporary tree and report")
    args = parser.parse_args(argv)

    dirs = library_dirs()
    files = collect(dirs)
    if args.limit:
        files = sorted(random.Random(args.seed).sample(files, min(args.limit, len(files))))
    work = Path(tempfile.mkdtemp(prefix="cio-lint-torture-"))
    tree = work / "tree"
    tree.mkdir()
    (tree / "pyproject.toml").write_text(CONFIG)
    copied = copy_tree(files, dirs, tree)
    print(f"library dirs: {', '.join(map(str, dirs))}")
    print(f"copied {copied} .py files to {tree}", flush=True)

    report = work / "report.json"
    proc, stderr, wall = run(tree, args.jobs, args.timeout, report)
    problems: List[str] = []
    if proc is None:
        problems.append(f"no result within {args.timeout:.0f}s (a hang, or the limit is too low)")
        findings: list = []
    else:
        if proc.returncode not in (0, 1):
            problems.append(f"exit code {proc.returncode}")
        if "Traceback" in stderr:
            problems.append("traceback on stderr:\n" + stderr[-4000:])
        try:
            findings = json.loads(report.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"the JSON report cannot be read: {exc}")
            findings = []
        summary = SUMMARY.search(stderr)
        checked = int(summary.group(1)) if summary else -1
        if checked != copied:
            problems.append(f"{checked} files checked, {copied} copied (summary: {stderr.strip()[-300:]!r})")

    by_code: Dict[str, int] = collections.Counter(f["code"] for f in findings)
    cio000 = [f for f in findings if f["code"] == "CIO000"]
    reasons = collections.Counter(reason_of(f["message"]) for f in cio000)
    no_reason = [f for f in cio000 if not f["message"].removeprefix("cannot check this file: ").strip()]
    if no_reason:
        problems.append(f"{len(no_reason)} CIO000 without a reason, e.g. {no_reason[0]}")
    internal = [f for f in cio000 if "internal error" in f["message"]]
    for f in internal[:20]:
        problems.append(f"internal error: {f['path']}: {f['message']}")
    files_with_000 = len({f["path"] for f in cio000})

    print(f"wall time: {wall:.1f}s with --jobs {args.jobs}")
    print(f"files checked: {copied}; files with CIO000: {files_with_000}; tracebacks: "
          f"{0 if proc is not None and 'Traceback' not in stderr else 'see above'}")  # fmt: skip
    print("findings by code: " + ", ".join(f"{c} {n}" for c, n in sorted(by_code.items())))
    print("CIO000 by reason:")
    for reason, count in reasons.most_common():
        print(f"  {count:6d}  {reason}")
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    if problems:
        print("\nPROBLEMS:")
        for problem in problems:
            print(f"- {problem}")
        return 1
    print("\nok: exit code 0/1, no traceback, every file checked, every CIO000 with a reason")
    return 0


if __name__ == "__main__":
    sys.exit(main())
