"""The resolver's cost must grow with the file, not with the file times its number of calls.

scipy's integrate/_lebedev.py (bench/torture.py) is one function making 1,300 calls of
another, 640-line function: when every call re-walked the callee's body to find what it
returns, checking that file took ~250 s. These tests count work (tree walks, node visits) on
generated modules of that shape at two sizes; they never time anything.
"""

from __future__ import annotations

import libcst as cst
import pytest

from cio_lint import _libcst
from cio_lint.resolve import resolver as resolve
from tests.helpers import lint


def lebedev_like(calls: int) -> str:
    """A long helper that returns its arguments, and a function calling it `calls` times."""
    helper = ["def recurrence(type_, start, v, leb):"]
    for i in range(60):
        helper.append(f"    leb.x[start + {i}] = {i} * v")
    helper.append("    return leb, start + 60")
    caller = ["def sphere(degree):", "    leb = make(degree)", "    start = 0"]
    for i in range(calls):
        caller.append(f"    v = 0.{i + 1}")
        caller.append(f"    leb, start = recurrence({i % 6}, start, v, leb)")
    caller.append("    return leb")
    return "\n".join(["import customerio", "", *helper, "", *caller, ""])


def count_calls(monkeypatch, module, name: str) -> list:
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("calls", [10, 400])
def test_each_functions_returns_are_found_once_per_file(monkeypatch, calls):
    walks = count_calls(monkeypatch, resolve, "_returns")
    assert lint(lebedev_like(calls)) == []
    assert len(walks) == 1  # the helper's body, however many times it is called


def node_count(source: str) -> int:
    return len(_libcst.parent_map(cst.parse_module(source))) + 1


def test_tree_visits_grow_with_the_file_not_with_its_calls(monkeypatch):
    """Every LibCST-visitor walk (scope analysis, the resolver's searches) goes through
    fast_visit under the engine: visits per node must not grow with the number of calls."""
    visits = count_calls(monkeypatch, _libcst, "fast_visit")
    per_node = []
    for calls in (20, 400):
        visits.clear()
        source = lebedev_like(calls)
        lint(source)
        per_node.append(len(visits) / node_count(source))
    assert per_node[1] <= per_node[0] * 1.1, per_node


def test_links_between_reads_and_assignments_grow_with_the_file(monkeypatch):
    """`v` is assigned and read 400 times in one scope: linking every read to every earlier
    assignment (LibCST's scope analysis does it for all reads) is 80,000 links; the engine
    links only the reads the resolver asks about."""
    from libcst.metadata import scope_provider

    linked = []
    original = scope_provider.Access.record_assignments

    def counted(access, name):
        original(access, name)
        linked.append(len(scope_provider.Access.referents.fget(access)))

    monkeypatch.setattr(scope_provider.Access, "record_assignments", counted)
    per_call = []
    for calls in (20, 400):
        linked.clear()
        lint(lebedev_like(calls))
        per_call.append(sum(linked) / calls)
    assert per_call[1] <= per_call[0] * 1.2, per_call
