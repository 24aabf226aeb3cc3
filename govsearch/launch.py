"""The ``govsearch`` command's entry point: Ctrl+C at any moment after Python has
started is a one-line message and exit status 130, never a traceback.

It imports nothing but ``os`` and ``sys`` before it can catch ``KeyboardInterrupt``:
the command's modules (click, numpy, jieba, Whoosh, Flask …) load inside the guard,
so an interrupt while they load, while ``govsearch serve`` opens its index or while a
command runs ends the same way. (Before this module runs, Python is still starting
its own ``site`` imports; an interrupt there is Python's, about 50 ms after launch.)
"""

from govsearch.interrupt import interrupted  # os and sys only


def main():
    try:
        from govsearch.cli import main as commands

        return commands(prog_name="govsearch")
    except KeyboardInterrupt:
        interrupted("govsearch stopped before it had finished starting; nothing was changed")


if __name__ == "__main__":
    main()
