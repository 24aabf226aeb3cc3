"""``python -m govsearch``: the same entry point as the ``govsearch`` command."""

from govsearch.launch import main

main()
