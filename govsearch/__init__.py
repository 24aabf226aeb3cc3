"""The ``govsearch`` command, on top of index, search and web: it parses arguments, calls their public APIs and formats output."""
