#!/usr/bin/env python
"""Editor latency of `cio-lint server`: after an edit, how long until its diagnostics arrive?

    python bench/lsp_latency.py                 # ~30 s; --edits 40 for a steadier figure

A real client (tests/lsp_client.py) drives the server over stdio in a project generated as
bench/run.py generates its SDK-heavy trees (a client module, modules of SDK calls). It opens
one module, then edits it --edits times (each edit changes an event name, so every check has
real work), waiting each time for the diagnostics of that document version. The figure is the
median wall time from sending `didChange` to receiving its `publishDiagnostics`, protocol
included, against the median time to parse the same text once with LibCST in this process.
Target (issue 20): latency <= 1.5 x one parse.

Run it on a quiet machine; tests never time anything.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from run import make_sdk_tree  # noqa: E402  (bench/run.py: the same generated project)

from tests.lsp_client import LspClient  # noqa: E402

TARGET = 1.5


def parse_time(text: str, rounds: int) -> float:
    import libcst as cst

    cst.parse_module(text)  # warm: imports, the native parser's first call
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        cst.parse_module(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--modules", type=int, default=20, help="modules in the generated project")
    parser.add_argument("--repeat", type=int, default=1,
                        help="concatenate the module this many times (a longer file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = make_sdk_tree(Path(tmp) / "project", args.modules)
        path = root / "app" / "module_0001.py"
        base = path.read_text()
        if args.repeat > 1:
            body = base.split("\n\n", 1)[1] if "\n\n" in base else base
            base = base + "".join(body.replace("def ", f"def r{i}_") for i in range(1, args.repeat))
            path.write_text(base)
        client = LspClient(root)
        try:
            client.initialize(root)
            uri = client.open(path, base)
            first = client.diagnostics(uri, version=1, timeout=120)
            latencies = []
            for version in range(2, args.edits + 2):
                text = base.replace('"signed_up"', f'"signed_up_{version}"')
                start = time.perf_counter()
                client.change(uri, text, version)
                params = client.wait_for("textDocument/publishDiagnostics",
                                         lambda p: p["uri"] == uri and p.get("version") == version)  # fmt: skip
                latencies.append(params["_received"] - start)
        finally:
            client.close()
        parse = parse_time(base, max(args.edits, 20))

    latency = statistics.median(latencies)
    ratio = latency / parse
    print(f"file: {len(base.splitlines())} lines, {len(first)} diagnostics on open")
    print(f"one LibCST parse (median of {max(args.edits, 20)}): {parse * 1000:.1f} ms")
    print(f"didChange -> publishDiagnostics (median of {len(latencies)}): {latency * 1000:.1f} ms "
          f"(min {min(latencies) * 1000:.1f}, max {max(latencies) * 1000:.1f})")  # fmt: skip
    print(f"latency / parse: {ratio:.2f} (target <= {TARGET}: {'met' if ratio <= TARGET else 'NOT met'})")


if __name__ == "__main__":
    main()
