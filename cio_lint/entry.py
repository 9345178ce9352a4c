"""The `cio-lint` command: replay an unchanged run (cio_lint/replay.py) before importing the
linter, else run it (cio_lint/cli.py)."""

import sys


def main() -> None:
    from cio_lint import replay

    argv = sys.argv[1:]
    code = replay.replay(argv)
    if code is not None:
        sys.exit(code)
    replay.remember_argv(argv)
    from cio_lint.cli import main as run

    run()


if __name__ == "__main__":
    main()
