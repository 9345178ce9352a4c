"""SDK facts in sdk.py are records written with keyword fields, so a reader can decode each one.

Python 3.10+ enforces it (the records are kw_only there); this test holds 3.9 to the same.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import sys

import pytest

from cio_lint import sdk

RECORDS = sorted(
    name for name, value in vars(sdk).items()
    if inspect.isclass(value) and dataclasses.is_dataclass(value) and value.__module__ == sdk.__name__
    and name != "SdkVersion"  # the project's version range, not an SDK fact
)  # fmt: skip


def test_the_records_are_the_sdk_facts():
    assert {"Shape", "Method", "SdkClass", "Region", "ExceptionClass", "Raises", "Documented",
            "Observed"} <= set(RECORDS)  # fmt: skip


def test_no_record_is_built_with_positional_fields():
    tree = ast.parse(inspect.getsource(sdk))
    positional = [
        f"line {node.lineno}: {node.func.id}(...)"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in RECORDS and node.args
    ]
    assert not positional, "write these with keyword fields:\n" + "\n".join(positional)


@pytest.mark.skipif(sys.version_info < (3, 10), reason="no kw_only before 3.10: the source test holds the line")
def test_a_positional_record_fails_where_python_can_say_so():
    with pytest.raises(TypeError):
        sdk.Documented("says", "source")  # type: ignore[misc]
