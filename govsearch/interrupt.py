"""How a govsearch command ends on Ctrl+C: one line and exit status 130. Imports only
``os`` and ``sys``, so that the entry point (govsearch/launch.py) can use it before
anything heavy has loaded, and the commands (govsearch/cli.py) alike."""

import os
import sys

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def interrupted(what: str = "nothing was changed") -> None:
    """Say so on one line and end now, status 130. ``os._exit``: a background thread
    (the index opening, a warm-up) or a worker pool must not hold the exit up."""
    try:
        sys.stderr.write(f"已中断 interrupted (Ctrl+C): {what}\n")
        sys.stderr.flush()
        sys.stdout.flush()
    except Exception:
        pass
    os._exit(EXIT_INTERRUPTED)
