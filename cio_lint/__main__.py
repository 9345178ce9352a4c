"""`python -m cio_lint`: the `cio-lint` command."""

import os
import sys


def _drop_working_directory() -> None:
    """`python -m` puts the working directory first on sys.path: inside a project with its own
    `click.py` or `tomllib.py`, cio-lint would import those instead of the real ones (and run
    project code, which it never does). cio_lint itself is already imported by now."""
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == os.path.abspath(os.getcwd()):
        del sys.path[0]


_drop_working_directory()

from cio_lint.entry import main  # noqa: E402  (after the path is cleaned)

if __name__ == "__main__":
    main()
