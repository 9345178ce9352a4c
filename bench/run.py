#!/usr/bin/env python
"""Benchmark cio-lint against baselines, side by side, in one run.

    pip install -e '.[bench]' && python bench/run.py            # the whole table (see README)
    python bench/run.py --runs 3 --skip-flake8                  # a quicker look
    python bench/run.py --only realistic,latency --runs 1       # a subset, to see direction

Every command runs as a child process, the commands of one comparison interleaved round by
round (so drift on a shared machine hits both sides alike); each figure is the median wall time
of --runs rounds (at least 5 for the published table) and the peak resident memory of the
largest process the command started (from wait4).

Trees and comparisons:

* no-SDK tree: this interpreter's standard library directory, site-packages excluded (every
  tool is told to skip it; none of it mentions Customer.io).
  - `cio-lint check` vs `ruff check --no-cache --isolated --select E9,F`;
  - `flake8 --select E9,F,CIO` with the cio-lint plugin vs the same flake8 without it. Both
    run through one small wrapper (written to the temporary directory) in this same
    environment: the "without" run drops cio-lint's entry point from flake8's plugin discovery
    before flake8 starts, and `--version` is checked to list the plugin in one and not the
    other. Same interpreter, same flake8 and pyflakes, same site-packages: the only difference
    is the plugin. (A second virtualenv would also differ in how many distributions flake8's
    entry-point scan reads, which is not the plugin's cost.)
* SDK-heavy trees, generated: N modules (N = 100, 200, 400) that each build a client and make a
  dozen SDK calls (some with mistakes), plus a client module the others import.
  - `cio-lint check` vs `fixit lint` running one trivial LibCST rule (visits every call,
    reports nothing) on the same tree, both as run by default (each uses every core), and
    `cio-lint check -j1` beside them;
  - cost per file at each size: (time(N) - time(0)) / N, where the 0-file tree holds only the
    client module and pyproject.toml, so start-up is not counted as per-file work.

* realistic project, generated (bench/realistic.py: ~800 modules in packages, one wrapper
  module imported by ~40 of them, a few modules that build their own client):
  - `cio-lint check .` cold (its cache emptied before every run), warm (nothing changed since
    the last run) and with one file changed (a module that imports the wrapper, edited before
    every run; and, the commoner edit, a module that never touches the SDK), each against
    `ruff check --no-cache --isolated --select E9,F .`;
  - one-file latency, as editors and pre-commit call it, on a module that imports the wrapper
    (edited before every run): `flake8` with the plugin vs without it, and `cio-lint check
    FILE` vs `ruff check --no-cache FILE` plus the start-up of the interpreter cio-lint runs on
    (`python -c pass`, measured and printed).
* this repository's own checkout: `cio-lint check .` cold vs `fixit lint .` with the one
  trivial rule.

`cio-lint` runs as a user's install starts it (`installed_like_a_wheel`: a clean virtualenv,
this checkout and this environment's site-packages on its path, pip's console script, compiled
bytecode), not through this environment's editable install, whose import hook and .pth files
cost ~10-20 ms per start; `--editable` measures that one instead. flake8's plugin runs in this
environment in both flake8 rows.

`--only` runs some of the sections (stdlib, flake8, sdk, realistic, latency, self). The
figures come last, one line per ratio, each with its target. The test suite never runs this
script; tests never time anything.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realistic import make_realistic_tree  # noqa: E402

SECTIONS = ("stdlib", "flake8", "sdk", "realistic", "latency", "self")
REPO = Path(__file__).resolve().parent.parent

SIZES = (100, 200, 400)
TARGET_SIZE = 200  # the SDK-heavy size the cio-lint / Fixit target is stated for

# ---------------------------------------------------------------------------------------------
# Trees


def stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def count_py(root: Path, skip: Sequence[str] = ("site-packages",)) -> int:
    total = 0
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip]
        total += sum(1 for name in filenames if name.endswith(".py"))
    return total


PYPROJECT = """\
[project]
name = "benchapp"
version = "0.0.0"
dependencies = ["customerio>=3.2,<4"]

[tool.cio-lint]
region = "eu"

[tool.fixit]
root = true
disable = ["fixit.rules"]
enable = ["cio_bench_fixit_rule"]
"""

CLIENTS = '''\
"""The clients every other module uses."""

import os

from customerio import APIClient, CustomerIO, Regions

track_client = CustomerIO(os.environ["CIO_SITE_ID"], os.environ["CIO_TRACK_KEY"], region=Regions.EU)
api_client = APIClient(os.environ["CIO_APP_KEY"], region=Regions.EU)


def get_track_client():
    return track_client
'''

# One generated module: a client built here, one imported from app.clients, and a dozen SDK
# calls. Mistakes (empty id, milliseconds, CamelCase event, US host) appear in some files.
MODULE = '''\
"""Generated module {i}: signups, orders and messages."""

import os
import time
from dataclasses import dataclass

from customerio import APIClient, CustomerIO, Regions, SendEmailRequest

from app.clients import api_client, get_track_client, track_client

cio = CustomerIO(site_id=os.environ["CIO_SITE_ID"], api_key=os.environ["CIO_TRACK_KEY"],
                 region={region})


@dataclass
class Order{i}:
    id: str
    total: float
    items: list


def signed_up_{i}(user):
    cio.identify(id={user_id}, email=user.email, created_at={created_at})
    cio.track(user.id, "{event}", data={{"plan": user.plan}})
    track_client.identify(id=user.id, plan=user.plan)


def ordered_{i}(user, order: Order{i}):
    total = sum(item.price for item in order.items)
    cio.track(customer_id=user.id, name="order_completed", data={{"total": total}})
    cio.pageview(user.id, "/checkout/done")
    cio.add_device(user.id, user.device_token, "ios")
    get_track_client().track(user.id, "order_shipped")
    request = SendEmailRequest(transactional_message_id={i}, to=user.email,
                               identifiers={{"id": user.id}})
    api_client.send_email(request)


def churned_{i}(user):
    cio.suppress(user.id)
    cio.unsuppress(user.id)
    cio.track_anonymous("anon-{i}", "page_left")
    with CustomerIO("site", "key", region=Regions.EU) as client:
        client.delete(user.id)


def unrelated_{i}(values):
    result = []
    for index, value in enumerate(values):
        if index % 2:
            result.append(value * {i})
        else:
            result.append(str(value).upper())
    return result
'''

FIXIT_RULE = '''\
from fixit import LintRule


class Trivial(LintRule):
    """Visits every call and reports nothing: the cost of running Fixit at all."""

    def visit_Call(self, node):
        pass
'''


def module_source(i: int) -> str:
    mistake = i % 4  # one file in four has each kind of mistake
    return MODULE.format(
        i=i,
        region="Regions.US" if mistake == 3 else "Regions.EU",
        user_id='""' if mistake == 0 else "user.id",
        created_at="int(time.time() * 1000)" if mistake == 1 else "int(time.time())",
        event="SignedUp" if mistake == 2 else "signed_up",
    )


def make_sdk_tree(root: Path, n: int) -> Path:
    app = root / "app"
    app.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    (app / "__init__.py").write_text("")
    (app / "clients.py").write_text(CLIENTS)
    for i in range(n):
        (app / f"module_{i:04d}.py").write_text(module_source(i))
    return root


# ---------------------------------------------------------------------------------------------
# Running and measuring


@dataclass
class Sample:
    seconds: List[float] = field(default_factory=list)
    peak_kb: int = 0
    returncodes: set = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024


def run_once(cmd: Sequence[str], cwd: Path, env: Optional[Dict[str, str]], timeout: float) -> tuple:
    """(wall seconds, peak RSS in KiB of the largest process of the tree, return code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    deadline = start + timeout
    # stderr is small for every command here (summaries); read it after the process ends
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            raise SystemExit(f"timed out after {timeout:.0f}s: {' '.join(cmd)}")
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if "Traceback" in err:
        raise SystemExit(f"{' '.join(cmd)} crashed:\n{err}")
    return elapsed, usage.ru_maxrss, proc.returncode


@dataclass
class Command:
    label: str
    cmd: List[str]
    cwd: Path
    env: Optional[Dict[str, str]] = None
    ok_codes: tuple = (0, 1)
    #: run before every run of the command, untimed (empty a cache, edit a file)
    before: Optional[Callable[[], None]] = None


def measure(commands: Sequence[Command], runs: int, timeout: float) -> Dict[str, Sample]:
    """Run every command once as a warm-up (page cache, .pyc files), then `runs` interleaved
    rounds."""
    samples = {c.label: Sample() for c in commands}
    for c in commands:
        if c.before is not None:
            c.before()
        _, _, code = run_once(c.cmd, c.cwd, c.env, timeout)
        if code not in c.ok_codes:
            raise SystemExit(f"{c.label}: exit code {code}: {' '.join(c.cmd)}")
    for _ in range(runs):
        for c in commands:
            if c.before is not None:
                c.before()
            seconds, peak, code = run_once(c.cmd, c.cwd, c.env, timeout)
            sample = samples[c.label]
            sample.seconds.append(seconds)
            sample.peak_kb = max(sample.peak_kb, peak)
            sample.returncodes.add(code)
    return samples


def tool(name: str) -> List[str]:
    """A console script installed next to this interpreter, else `python -m name`."""
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", name]


def ruff_command() -> List[str]:
    try:
        from ruff.__main__ import find_ruff_bin

        return [find_ruff_bin()]
    except Exception:
        return tool("ruff")


FLAKE8_WRAPPER = '''\
"""flake8 with or without the cio-lint plugin, in this same environment (bench/run.py)."""
import sys

from flake8.plugins import finder

mode = sys.argv.pop(1)
if mode == "--without-cio-lint":
    _find = finder._find_importlib_plugins

    def _without_cio_lint():
        return (p for p in _find() if p.package != "cio-lint")

    finder._find_importlib_plugins = _without_cio_lint
elif mode != "--with-cio-lint":
    raise SystemExit("first argument: --with-cio-lint or --without-cio-lint")

from flake8.main.cli import main

sys.exit(main())
'''


def flake8_commands(work: Path, tree: Path) -> List[Command]:
    wrapper = work / "flake8_wrapper.py"
    wrapper.write_text(FLAKE8_WRAPPER)
    base = [sys.executable, str(wrapper)]
    args = ["--isolated", "--select", "E9,F,CIO", "--extend-exclude", "site-packages", "--exit-zero", str(tree)]
    with_plugin = Command("flake8 + cio-lint", base + ["--with-cio-lint"] + args, work)
    without = Command("flake8 alone", base + ["--without-cio-lint"] + args, work)
    # Prove the isolation: the plugin is listed in one and absent from the other.
    listed = {}
    for mode in ("--with-cio-lint", "--without-cio-lint"):
        out = subprocess.run(base + [mode, "--version"], capture_output=True, text=True, check=True).stdout
        listed[mode] = "cio-lint" in out
    if listed != {"--with-cio-lint": True, "--without-cio-lint": False}:
        raise SystemExit(f"flake8 plugin isolation failed: {listed}")
    return [with_plugin, without]


def versions() -> Dict[str, str]:
    out = {}
    for name in ("cio-lint", "libcst", "ruff", "flake8", "fixit"):
        try:
            from importlib.metadata import version

            out[name] = version(name)
        except Exception:
            out[name] = "missing"
    return out


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The run


def compile_cio_lint() -> str:
    """Write cio-lint's bytecode, as installing its wheel does. An editable install run with
    PYTHONDONTWRITEBYTECODE set (some CI images and sandboxes set it) compiles every module
    from source in every run (~70 ms of the one-file figures, 2026-12-06), a cost no
    installed user pays, and that the other tools, installed from wheels, do not pay either.
    Python reads existing bytecode whatever that variable says."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("cio_lint")
    where = list(spec.submodule_search_locations or ()) if spec is not None else []
    if str(REPO / "cio_lint") not in where:  # what installed_like_a_wheel() runs
        where.append(str(REPO / "cio_lint"))
    if not where:
        return "cio_lint not found"
    ok = all(compileall.compile_dir(d, quiet=2, force=False) for d in where)
    return f"cio_lint compiled in {', '.join(where)}" + ("" if ok else " (some modules failed)")


#: what pip writes for a console script (pip's own template), so both installs start alike
CONSOLE_SCRIPT = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from cio_lint.entry import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


def installed_like_a_wheel(work: Path) -> List[str]:
    """A `cio-lint` that starts as a wheel install does: a fresh virtualenv (no pip, nothing
    downloaded) whose site-packages holds one .pth of plain paths (this checkout, then this
    interpreter's site-packages for LibCST, click and the rest) and pip's console script.

    An editable install (what a developer's virtualenv has) runs its import hook on every
    start, ~10 ms, and a virtualenv with many .pth files starts slower than a clean one; a
    user who ran `pip install cio-lint` pays neither, and ruff (a binary) pays no start-up
    at all. Plain path lines in a .pth only extend sys.path: no hook runs."""
    import venv

    target = work / "wheel-like-venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    Path(site, "cio_lint_bench.pth").write_text(f"{REPO}\n{sysconfig.get_paths()['purelib']}\n")
    script = target / "bin" / "cio-lint"
    script.write_text(CONSOLE_SCRIPT.format(python=python))
    script.chmod(0o755)
    return [str(script)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds per comparison (median; default 5)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="SDK-heavy tree sizes")
    parser.add_argument("--skip-flake8", action="store_true", help="skip the (slow) flake8 comparison")
    parser.add_argument("--skip-fixit", action="store_true", help="skip the Fixit comparison")
    parser.add_argument("--cio-args", default="", help="extra arguments for every `cio-lint check`")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per command")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--modules", type=int, default=800, help="modules in the realistic project (default 800)")
    parser.add_argument("--editable", action="store_true",
                        help="run the cio-lint installed next to this interpreter (an editable install's start-up "
                             "included) instead of one that starts as a wheel install does")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if not only <= set(SECTIONS):
        parser.error(f"--only: unknown section(s) {sorted(only - set(SECTIONS))}; choose from {','.join(SECTIONS)}")
    if args.skip_flake8:
        only.discard("flake8")
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})

    extra = args.cio_args.split()
    rows: List[tuple] = []  # (tree, command, median s, min s, peak MB, files)
    ratios: List[tuple] = []  # (label, value, target, unit, ok)

    print(f"machine: {machine()}")
    print("versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()))
    print(f"runs per figure: {args.runs} (median), after one warm-up run")
    print(f"bytecode: {compile_cio_lint()}")
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="cio-lint-bench-") as tmp:
        work = Path(tmp)
        cio = (tool("cio-lint") if args.editable else installed_like_a_wheel(work)) + ["check"]
        how = "this environment's install" if args.editable else \
            "starts as a wheel install does; --editable: this environment's"  # fmt: skip
        print(f"cio-lint: {cio[0]} ({how})")
        if "realistic" in only or "latency" in only:
            realistic(work, args, cio, extra, only, rows, ratios)
        if "self" in only:
            own_checkout(work, args, cio, extra, rows, ratios)
        stdlib_and_sdk(work, args, cio, extra, only, sizes, rows, ratios)

    report(rows, ratios)
    print(f"\n(the whole run took {time.perf_counter() - started:.0f} s)")
    return 0


def stdlib_and_sdk(work: Path, args, cio, extra, only, sizes, rows, ratios) -> None:
    """The comparisons kept from before the realistic project: stdlib and SDK-heavy trees.
    cio-lint runs with --no-cache here: these figures are the cost of the analysis itself."""
    if "stdlib" in only or "flake8" in only:
        stdlib = stdlib_dir()
        files = count_py(stdlib)
        print(f"\nno-SDK tree: {stdlib} without site-packages, {files} .py files", flush=True)
    if "stdlib" in only:
        cio_cmd = Command("cio-lint check", cio + [str(stdlib), "--quiet", "--exit-zero", "--no-cache"] + extra, work)
        ruff_cmd = Command("ruff check E9,F", ruff_command() + [
            "check", "--no-cache", "--isolated", "--select", "E9,F", "--exit-zero", "--quiet",
            "--extend-exclude", "site-packages", str(stdlib)], work)  # fmt: skip
        nosdk = measure([cio_cmd, ruff_cmd], args.runs, args.timeout)
        for label, sample in nosdk.items():
            rows.append(("no-SDK stdlib", label, sample, files))
        ratios.append(("no-SDK: cio-lint check / ruff", nosdk[cio_cmd.label].median / nosdk[ruff_cmd.label].median,
                       1.0, "x", None))  # fmt: skip
        ratios.append(("no-SDK: cio-lint check peak memory", nosdk[cio_cmd.label].peak_mb, 150, " MB", None))
    if "flake8" in only:
        print("flake8 with and without the plugin (the slow part)...", flush=True)
        commands = flake8_commands(work, stdlib)
        f8 = measure(commands, args.runs, args.timeout)
        for label, sample in f8.items():
            rows.append(("no-SDK stdlib", label, sample, files))
        ratios.append(("no-SDK: flake8 + cio-lint / flake8 alone",
                       f8[commands[0].label].median / f8[commands[1].label].median, 1.05, "x", None))
    if "sdk" not in only:
        return

    # -- SDK-heavy trees --------------------------------------------------------------
    fixit_env = fixit_environment(work)
    sdk_times: Dict[int, float] = {}
    cores = os.cpu_count() or 1
    for n in [0] + sizes:
        tree = make_sdk_tree(work / f"sdk-{n}", n)
        print(f"SDK-heavy tree: {n} modules + the client module", flush=True)
        # -j1 at every size (cost per file is a serial figure); at the target size also
        # the default (--jobs auto: one worker per core once enough files use the SDK).
        serial = "cio-lint check -j1"
        commands = [Command(serial, cio + [str(tree / "app"), "--quiet", "-j1", "--no-cache"] + extra, tree)]
        default = "cio-lint check (--jobs auto)"
        if n == TARGET_SIZE:
            commands.append(Command(default, cio + [str(tree / "app"), "--quiet", "--no-cache"] + extra, tree))
        fixit = "fixit lint (1 trivial rule)"
        if not args.skip_fixit and n == TARGET_SIZE:
            commands.append(Command(fixit, tool("fixit") + ["lint", str(tree / "app")], tree, fixit_env))
        samples = measure(commands, args.runs, args.timeout)
        sdk_times[n] = samples[serial].median
        for label, sample in samples.items():
            rows.append((f"SDK-heavy {n}", label, sample, n + 2))
        if fixit in samples:
            # Both as users run them: Fixit checks files on every core by default, and so
            # does cio-lint (the target); -j1 on one core is shown beside it, untargeted.
            ratios.append((f"SDK-heavy {n}: cio-lint check / fixit (both by default on {cores} cores)",
                           samples[default].median / samples[fixit].median, 0.5, "x", None))
            ratios.append((f"SDK-heavy {n}: cio-lint check -j1 / fixit",
                           sdk_times[n] / samples[fixit].median, None, "x", None))

    per_file = {n: (sdk_times[n] - sdk_times[0]) / n for n in sizes}
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        ratios.append((f"SDK-heavy: cost per file at {large} / at {small}",
                       per_file[large] / per_file[small], 1.2, "x", None))
    print("\n| SDK files | cio-lint median s | ms per file (start-up excluded) |")
    print("|---:|---:|---:|")
    print(f"| 0 | {sdk_times[0]:.3f} | start-up and the client module |")
    for n in sizes:
        print(f"| {n} | {sdk_times[n]:.3f} | {per_file[n] * 1000:.2f} |")


def fixit_environment(work: Path) -> Dict[str, str]:
    """PYTHONPATH with the trivial Fixit rule (written once)."""
    rule_dir = work / "fixit-rule"
    if not rule_dir.is_dir():
        rule_dir.mkdir()
        (rule_dir / "cio_bench_fixit_rule.py").write_text(FIXIT_RULE)
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(rule_dir), os.environ.get("PYTHONPATH", "")])))


def _emptier(directory: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(directory, ignore_errors=True)


def _editor(path: Path) -> Callable[[], None]:
    """Before each run: change `path` (a new comment line), as a save in an editor does."""
    original = path.read_text()
    count = [0]

    def edit() -> None:
        count[0] += 1
        path.write_text(original + f"# edit {count[0]}\n")

    return edit


def realistic(work: Path, args, cio, extra, only, rows, ratios) -> None:
    """The generated project shaped like a real one: cold, warm, one file changed, and the
    latency of one file as editors and pre-commit ask for it."""
    tree = make_realistic_tree(work / "realistic", args.modules)
    root, files = tree.root, len(tree.modules)
    label = f"realistic {files}"
    print(f"\nrealistic project: {files} modules, {len(tree.wrapper_users)} import the wrapper "
          f"({tree.wrapper.relative_to(root)}), {len(tree.own_clients)} build their own client", flush=True)
    cache = root / ".cio_lint_cache"
    ruff = ruff_command()
    if "realistic" in only:
        ruff_args = ["check", "--no-cache", "--isolated", "--select", "E9,F", "--exit-zero", "--quiet", "."]
        ruff_cmd = Command("ruff check E9,F (--no-cache)", ruff + ruff_args, root)
        base = cio + [".", "--quiet", "--exit-zero"] + extra
        cold = Command("cio-lint check (cold: empty cache)", base, root, before=_emptier(cache))
        warm = Command("cio-lint check (warm: nothing changed, replayed)", base, root)
        # the same warm run without the replay (cio_lint/replay.py): what the per-file cache does
        per_file = Command("cio-lint check (warm, CIO_LINT_NO_REPLAY=1)", base, root,
                           env={**os.environ, "CIO_LINT_NO_REPLAY": "1"})  # fmt: skip
        changed_file = tree.wrapper_users[0]
        changed = Command(f"cio-lint check (1 file changed: {changed_file.name})", base, root,
                          before=_editor(changed_file))  # fmt: skip
        # the commoner edit: a module that never touches the SDK (imported by many others)
        plain = tree.plain.relative_to(root)
        changed_plain = Command(f"cio-lint check (1 file changed, no SDK: {plain})", base, root,
                                before=_editor(tree.plain))  # fmt: skip
        samples = measure([ruff_cmd, cold, warm, per_file, changed, changed_plain], args.runs, args.timeout)
        for name, sample in samples.items():
            rows.append((label, name, sample, files))
        r = samples[ruff_cmd.label].median
        ratios.append((f"{label}: cio-lint cold / ruff", samples[cold.label].median / r, 3.0, "x", None))
        ratios.append((f"{label}: cio-lint warm / ruff", samples[warm.label].median / r, 1.0, "x", None))
        ratios.append((f"{label}: cio-lint one file changed / ruff", samples[changed.label].median / r, 1.0, "x",
                       None))  # fmt: skip
        ratios.append((f"{label}: cio-lint one file changed (no SDK) / ruff", samples[changed_plain.label].median / r,
                       1.0, "x", None))  # fmt: skip
        ratios.append((f"{label}: cio-lint cold peak memory", samples[cold.label].peak_mb, 150, " MB", None))
    if "latency" in only:
        target = tree.wrapper_users[0]
        shown = str(target.relative_to(root))
        print(f"one-file latency on {shown} (it imports the wrapper; edited before every run)", flush=True)
        edit = _editor(target)
        # the start-up of the interpreter cio-lint runs on (its script's, as installed)
        python = Path(cio[0]).parent / "python"
        interpreter = str(python) if python.exists() else sys.executable
        startup = Command("python -c pass (start-up)", [interpreter, "-c", "pass"], root)
        ruff_one = Command("ruff check FILE (--no-cache)", ruff + ["check", "--no-cache", "--select", "E9,F",
                                                                   "--exit-zero", "--quiet", shown], root, before=edit)
        cio_one = Command("cio-lint check FILE", cio + [shown, "--quiet", "--exit-zero"] + extra, root, before=edit)
        wrapper = work / "flake8_wrapper.py"
        wrapper.write_text(FLAKE8_WRAPPER)
        f8 = [sys.executable, str(wrapper)]
        f8_with = Command("flake8 FILE + cio-lint", f8 + ["--with-cio-lint", "--exit-zero", shown], root, before=edit)
        f8_without = Command("flake8 FILE alone", f8 + ["--without-cio-lint", "--exit-zero", shown], root,
                             before=edit)  # fmt: skip
        samples = measure([startup, ruff_one, cio_one, f8_with, f8_without], args.runs, args.timeout)
        for name, sample in samples.items():
            rows.append((f"{label}, one file", name, sample, 1))
        up = samples[startup.label].median
        print(f"Python start-up measured: {up * 1000:.0f} ms", flush=True)
        ratios.append((f"one file: cio-lint check FILE / (ruff FILE + Python start-up {up * 1000:.0f} ms)",
                       samples[cio_one.label].median / (samples[ruff_one.label].median + up), 1.5, "x", None))
        ratios.append(("one file: flake8 + cio-lint / flake8 alone",
                       samples[f8_with.label].median / samples[f8_without.label].median, 1.2, "x", None))


def own_checkout(work: Path, args, cio, extra, rows, ratios) -> None:
    """This repository's checkout (cio_lint/, tests/, fixtures/, bench/): cio-lint cold against
    Fixit with one trivial rule, both on the same files."""
    files = count_py(REPO, skip=(".git", ".venv", "venv", "build", "__pycache__", ".cio_lint_cache"))
    print(f"\nthis checkout: {REPO}, {files} .py files", flush=True)
    cache = work / "own-cache"
    cold = Command("cio-lint check . (cold)", cio + [".", "--quiet", "--exit-zero", "--cache-dir", str(cache)] + extra,
                   REPO, before=_emptier(cache))  # fmt: skip
    fixit = Command("fixit lint . (1 trivial rule)", tool("fixit") + ["--rules", "cio_bench_fixit_rule", "lint", "."],
                    REPO, fixit_environment(work), ok_codes=(0, 1, 2))  # fmt: skip
    samples = measure([cold, fixit], args.runs, args.timeout)
    for name, sample in samples.items():
        rows.append(("this checkout", name, sample, files))
    ratios.append(("this checkout: cio-lint check . cold / fixit", samples[cold.label].median
                   / samples[fixit.label].median, 0.5, "x", None))  # fmt: skip


def report(rows, ratios) -> None:
    print("\n| tree | command | median s | min s | peak MB |")
    print("|---|---|---:|---:|---:|")
    for tree, label, sample, _files in rows:
        print(f"| {tree} | {label} | {sample.median:.3f} | {min(sample.seconds):.3f} | {sample.peak_mb:.0f} |")
    print()
    for label, value, target, unit, _ in ratios:
        if target is None:  # shown for context, no target
            print(f"{label}: {value:.2f}{unit}")
            continue
        ok = value <= target if unit == "x" else value < target
        bound = "<=" if unit == "x" else "<"
        print(f"{label}: {value:.2f}{unit} (target {bound} {target:g}{unit}) {'ok' if ok else 'MISSED'}")


if __name__ == "__main__":
    sys.exit(main())
