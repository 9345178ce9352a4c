"""What a credential's name says it is. Shared by the credential rules (CIO301, CIO302)."""

from __future__ import annotations

import re
from typing import Optional

import libcst as cst

from cio_lint.resolve import Resolver, value_name

_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
TRACK = "track"
APP = "app"


def _words(name: str):
    return [w.lower() for w in _WORDS.findall(name)]


def kind_by_name(name: str) -> Optional[str]:
    """TRACK for site ids and Track keys, APP for App API keys, None when the name is neutral."""
    words = _words(name)
    joined = "_".join(words)
    app = "app" in words or "transactional" in words or "bearer" in words
    track = "track" in words or "tracking" in words or "site" in words or "siteid" in words or "site_id" in joined
    if app and not track:
        return APP
    if track and not app:
        return TRACK
    return None


def credential_kind(expr: cst.BaseExpression, resolver: Resolver) -> Optional[tuple]:
    """(kind, name) when the expression's name, or that of the value it is bound to, says."""
    for candidate in (expr, resolver.bound_expression(expr)):
        name = value_name(candidate)
        if name:
            kind = kind_by_name(name)
            if kind:
                return kind, name
    return None
