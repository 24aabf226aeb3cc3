"""govsearch, web side: search pages, document view, JSON API and intranet embedding.

Public API::

    from web import create_app
    app = create_app({"index": "var/index"})   # a Flask app; serve it with `govsearch serve`

Importing this package loads nothing heavy (the ``govsearch`` command imports
:mod:`govsearch.serve` on every run); Flask and the engine load when an app is created.
"""

from __future__ import annotations


def create_app(config=None):
    """Build the Flask app; see :func:`web.app.create_app`."""
    from web.app import create_app as _create_app

    return _create_app(config)


__all__ = ["create_app"]
