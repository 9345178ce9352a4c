"""sdk.EXCEPTION_FAMILIES against the real classes: every name imports, every alias is the
same class, every listed base is a real base (requests and urllib3 come with the SDK)."""

from __future__ import annotations

import builtins
import importlib

import pytest

from cio_lint import sdk


def _load(name: str):
    if "." not in name:
        return getattr(builtins, name)
    module, _, attr = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):  # e.g. requests.JSONDecodeError before requests 2.27
        pytest.skip(f"{name} is not in the installed release")


CLASSES = [c for family in sdk.EXCEPTION_FAMILIES.values() for c in family]


@pytest.mark.parametrize("cls", CLASSES, ids=[c.name for c in CLASSES])
def test_family_class_matches_the_real_hierarchy(cls):
    real = _load(cls.name)
    for alias in cls.aliases:
        if alias.startswith("requests.packages."):
            continue  # a compatibility shim, not always importable the same way
        assert _load(alias) is real, alias
    for base in cls.bases:
        assert issubclass(real, _load(base)), (cls.name, base)


def test_ancestors_follow_both_bases():
    ancestors = sdk.exception_ancestors("requests.ConnectTimeout")
    assert {"requests.exceptions.ConnectionError", "requests.exceptions.Timeout", "OSError"} <= set(ancestors)
    assert sdk.exception_ancestors("no.such.Error") == ()


def test_app_json_error_has_the_bases_that_make_handlers_reachable():
    assert sdk.catches_unwrapped("requests.exceptions.RequestException", sdk.APP)
    assert sdk.catches_unwrapped("IOError", sdk.APP)
    assert not sdk.catches_unwrapped("requests.Timeout", sdk.APP)
    assert not sdk.catches_unwrapped("requests.RequestException", sdk.TRACK)
