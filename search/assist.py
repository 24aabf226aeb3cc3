"""Query assistance around one search: pinyin, did-you-mean, related searches.

Called by :meth:`search.engine.Searcher.search` after the literal search (synonyms
are applied inside the engine, see search/synonyms.py):

1. **pinyin** — a query of Latin letters without literal hits is read as pinyin
   (search/pinyin_query.py) and the Chinese is searched; ``expanded.pinyin`` says
   what was searched;
2. **did you mean** — a query with at most :data:`spelling.FEW` hits gets corrections
   (search/spelling.py) in ``did_you_mean``, each with the number of passages it finds;
   the results stay those of the query as typed;
3. **widen** — a query of several terms that finds nothing gets ``widen``: the query
   without each one of its terms, with the number of passages each finds;
4. **related** (on request) — ``suggestions``: terms that stand out in the hits.
"""

from __future__ import annotations

from dataclasses import replace

from index.normalize import normalize
from search import pinyin_query, spelling, suggest
from search.query import ParsedQuery, Term

MAX_DID_YOU_MEAN = 3
MAX_WIDEN = 4  # a query of more terms than this is not widened term by term (each is a search)


def after_search(searcher, q: ParsedQuery, results, run, *, pinyin: bool = True, did_you_mean: bool = True,
                 related: bool = False):
    """``run(parsed_query)`` searches again with the same options (no assistance)."""
    gen = searcher.generation_path()

    def vocabulary():  # read only when a step needs it: most searches need none
        return suggest.vocabulary_of(gen)

    terms = q.terms
    if pinyin and results.total == 0 and terms and all(not t.quoted and pinyin_query.is_pinyin(t.text) for t in terms):
        converted = pinyin_query.convert(vocabulary(), [t.text for t in terms], offered(searcher))
        if converted:
            chinese, alternatives = converted
            q2 = replace(q, clauses=[[Term(c, normalize(c))] for c in chinese], warnings=list(q.warnings))
            found = run(q2)
            found.query = q.raw
            found.expanded = dict(found.expanded, pinyin={
                "typed": " ".join(t.text for t in terms), "searched": " ".join(chinese),
                "alternatives": alternatives})
            results = found
    # a one-term query's partial tier (passages holding only some of its words) does not
    # hold what was typed: a mistyped term found once is still few hits
    full = results.total - results.total_partial if len(q.clauses) == 1 else results.total
    if did_you_mean and full <= spelling.FEW and not results.expanded.get("pinyin"):
        results.did_you_mean = corrections(searcher, vocabulary(), q, full, run)
    if results.total == results.total_partial and len(q.clauses) > 1:  # no passage holds every term
        results.widen = widen(q, run)
    if related and results.hits:
        texts = [normalize(h.passage) for h in results.hits]
        exclude = {t.norm for t in results_terms(q, results)}
        results.suggestions = [{"query": term, "kind": "related"}
                               for term in suggest.related(vocabulary(), searcher.analyzer, texts, exclude,
                                                           searcher.passage_total(),
                                                           places=suggest.place_names(searcher))]
    return results


def offered(searcher):
    """For a searcher that sees part of the index (search/visibility.py): whether a term
    of the vocabulary (made from every report) may be offered to its caller — a search
    for it finds a passage the caller may see. None: every term may be."""
    if getattr(searcher, "audience", None) is None:
        return None
    return lambda term: searcher.passage_count(term) > 0


def results_terms(q: ParsedQuery, results) -> list[Term]:
    pinyin = results.expanded.get("pinyin")
    if pinyin:
        return [Term(c, normalize(c)) for c in pinyin["searched"].split()]
    return q.terms


def corrections(searcher, vocab, q: ParsedQuery, total: int, run) -> list[dict]:
    """Up to three corrected queries, each ``{"query", "total"}``, best first."""
    if not len(vocab):
        return []
    fixes: dict[Term, list[tuple[str, int]]] = {}
    for term in q.terms:
        own = searcher.passage_count(term.norm)
        if own > spelling.FEW:
            continue
        corrections = spelling.correct_term(searcher, vocab, term.norm, own)
        if corrections:
            fixes[term] = corrections
    if not fixes:
        return []
    first, *others = fixes
    options = []
    for alt, _ in fixes[first]:
        chosen = {first: alt, **{t: fixes[t][0][0] for t in others}}
        options.append(chosen)
    out: list[dict] = []
    seen = set()
    for chosen in options:
        clauses = [[Term(chosen[t], chosen[t], t.quoted) if t in chosen else t for t in clause]
                   for clause in q.clauses]
        raw = _rewrite(q.raw, chosen)
        if raw in seen:
            continue
        seen.add(raw)
        found = run(replace(q, raw=raw, clauses=clauses, warnings=[]))
        if found.total > total:
            out.append({"query": raw, "total": found.total})
        if len(out) >= MAX_DID_YOU_MEAN:
            break
    return out


def _rewrite(raw: str, chosen: dict[Term, str]) -> str:
    """The query as typed with each corrected term replaced (filters, quotes and
    operators kept)."""
    out = raw
    for term, corrected in chosen.items():
        if term.text in out:
            out = out.replace(term.text, corrected, 1)
    return out


def widen(q: ParsedQuery, run) -> list[dict]:
    """The query without one of its terms (``{"query", "total", "dropped"}``), for each
    term of a query of at most MAX_WIDEN terms, those that find something, most first."""
    if len(q.clauses) > MAX_WIDEN:
        return []
    out = []
    for i, clause in enumerate(q.clauses):
        rest = q.clauses[:i] + q.clauses[i + 1:]
        raw = q.raw
        for term in clause:
            raw = raw.replace(f'"{term.text}"', "", 1) if f'"{term.text}"' in raw else raw.replace(term.text, "", 1)
        raw = " ".join(raw.split())
        found = run(replace(q, raw=raw, clauses=rest, warnings=[]))
        if found.total:
            out.append({"query": raw, "total": found.total, "dropped": " OR ".join(t.text for t in clause)})
    return sorted(out, key=lambda item: -item["total"])
