"""govsearch, query side: index → hits → results.

Public API::

    from search import search, Searcher, parse_query
    results = search("var/index", "五星支部", topic="党建")
    results.to_dict()   # the JSON contract

The names are imported on first use (PEP 562): a module of this package imported on
its own (``search.options`` for the CLI's option bounds, ``search.places_label``) does
not load the engine, numpy and Whoosh with it.
"""

from index.lazy import lazy_names

__all__ = ["Hit", "ParsedQuery", "Results", "Searcher", "parse_query", "search", "searcher_for"]

_LAZY = {"Searcher": "search.engine", "search": "search.engine", "searcher_for": "search.engine",
         "ParsedQuery": "search.query", "parse_query": "search.query", "Hit": "search.results",
         "Results": "search.results"}

__getattr__ = lazy_names("search", _LAZY, globals())
