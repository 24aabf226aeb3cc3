"""govsearch, query side: index → hits → results.

Public API::

    from search import search, Searcher, parse_query
    results = search("var/index", "五星支部", topic="党建")
    results.to_dict()   # the JSON contract
"""

from search.engine import Searcher, search, searcher_for
from search.query import ParsedQuery, parse_query
from search.results import Hit, Results

__all__ = ["Hit", "ParsedQuery", "Results", "Searcher", "parse_query", "search", "searcher_for"]
