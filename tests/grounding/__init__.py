"""Grounding tests: each runtime claim a cio-lint rule makes, observed on the real SDK.

Every test runs the very snippet a rule flags against a pinned `customerio` release in a
subprocess, with HTTP answered by a TLS server on 127.0.0.1 (or by an in-process recorder
that opens no socket), and asserts both the runtime effect and that cio-lint flags the snippet.
See `support.py` for the machinery and `conftest.py` for the fixtures.
"""
