"""A string literal's value, read safely.

LibCST's `evaluated_value` runs `ast.literal_eval` on the literal's source, which raises for
text CPython refuses in a literal (a NUL byte: "source code string cannot contain null
bytes"; an odd prefix). Every reader of a string literal goes through `literal_text`, so such
a literal is "not a known string" everywhere instead of an internal error in one rule
(tests/test_fuzz.py::test_damaged_real_source found it in CIO203).
"""

from __future__ import annotations

from typing import Optional

import libcst as cst


def literal_text(node: cst.CSTNode) -> Optional[str]:
    """The str a SimpleString/ConcatenatedString stands for; None for anything else (bytes,
    f-strings, a literal CPython would refuse)."""
    if not isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return None
    try:
        value = node.evaluated_value
    except Exception:  # a NUL byte or a prefix literal_eval refuses
        return None
    return value if isinstance(value, str) else None
