"""The project around a file: its root, the SDK version it uses, and its module index.

A `Project` is built once per run (per flake8 process) for each project root and shared by
every file under it. It never imports or executes project code: it reads files as text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

from cio_lint import sdk
from cio_lint.config import Settings


@dataclass
class ModuleIndex:
    """What the project's own modules provide: clients, factories, subclasses (issue 4).

    `shadows_sdk` is set when the project has its own top-level `customerio` module, which
    is what `import customerio` then imports: nothing under that name is the SDK.
    """

    root: Optional[Path] = None
    shadows_sdk: bool = False

    def lookup(self, qualname: str, importer: str = ""):
        return None

    def prefilter_needles(self) -> Tuple[bytes, ...]:
        return ()


@dataclass
class Project:
    root: Optional[Path]
    sdk_version: sdk.SdkVersion = sdk.UNKNOWN_VERSION
    index: ModuleIndex = field(default_factory=ModuleIndex)

    def module_name(self, path: Path) -> str:
        """The dotted module name of `path` inside this project ("" when it is outside)."""
        if self.root is None:
            return ""
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            return ""
        parts = list(rel.with_suffix("").parts)
        if parts and parts[0] == "src":
            parts = parts[1:]
        if parts and parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)


def _shadows_sdk(root: Path) -> bool:
    for base in (root, root / "src"):
        if (base / "customerio.py").is_file() or (base / "customerio" / "__init__.py").is_file():
            return True
    return False


_cache: Dict[Tuple[Optional[Path], Optional[str]], Project] = {}
_lock = threading.Lock()


def project_for(path: Optional[Path], settings: Settings) -> Project:
    """The project `path` belongs to, built once per root and SDK-version setting."""
    from cio_lint.dependencies import detect_sdk_version, find_project_root

    root = find_project_root(path) if path is not None else None
    key = (root, settings.sdk_version)
    with _lock:
        project = _cache.get(key)
        if project is None:
            explicit = settings.sdk_version
            version = detect_sdk_version(root, explicit) if (root or explicit) else sdk.UNKNOWN_VERSION
            index = ModuleIndex(root, _shadows_sdk(root) if root else False)
            project = _cache[key] = Project(root, version, index)
    return project
