"""Pinyin search: a query typed in Latin letters finds what its Chinese finds.

``wuxingzhibu``, ``wu xing zhi bu``, ``wǔxīng zhībù``, ``wu3xing1`` (tones as marks or
digits) and the initials ``wxzb`` all stand for 五星支部 — when 五星支部 is in the index
vocabulary, whose pinyin was precomputed at build time with pypinyin's phrase
dictionary (so polyphones follow the word: 银行 = yinhang, 重庆 = chongqing).

Used only when the query is Latin letters and has no literal hits (a search for
``ppp`` or ``pm2.5`` as text comes first). :func:`convert` returns the Chinese query to
run and the alternatives; the caller says what was searched.
"""

from __future__ import annotations

import re
import unicodedata

from search.suggest import Vocabulary

_TONE_DIGITS = re.compile(r"(?<=[a-z])[1-5]")
_LETTERS = re.compile(r"^[a-z' ]+$")
MAX_ALTERNATIVES = 5


def fold(text: str) -> str:
    """Lower case, tone marks and tone digits removed, ü as v (lü = lv)."""
    text = text.replace("ü", "v").replace("Ü", "v")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _TONE_DIGITS.sub("", plain)


def is_pinyin(text: str) -> bool:
    """True for text of Latin letters (with tones, spaces, apostrophes), two letters or more."""
    folded = fold(text).strip()
    return bool(folded) and bool(_LETTERS.match(folded)) and len(folded.replace(" ", "").replace("'", "")) >= 2


def lookup(vocab: Vocabulary, key: str, keep=None) -> list[int]:
    """Vocabulary ids whose full pinyin, or else whose initials, equal ``key``
    (letters only), most frequent first. ``keep(term)``: whether the caller may be
    offered a term (the vocabulary is made from every report, hidden ones too); only
    the first ``MAX_ALTERNATIVES + 1`` kept ids are returned then."""
    _, _, by_full, by_initials = vocab.pinyin_keys()
    ids = by_full.get(key, [])
    if keep is not None:
        ids = _kept(vocab, ids, keep)
    if not ids and 2 <= len(key) <= 8:
        ids = by_initials.get(key, [])
        if keep is not None:
            ids = _kept(vocab, ids, keep)
    return sorted(ids, key=lambda i: (-vocab.freq[i], len(vocab.terms[i]), vocab.terms[i]))


def _kept(vocab: Vocabulary, ids, keep) -> list[int]:
    out = []
    for i in sorted(ids, key=lambda i: (-vocab.freq[i], len(vocab.terms[i]), vocab.terms[i])):
        if keep(vocab.terms[i]):
            out.append(i)
            if len(out) > MAX_ALTERNATIVES:
                break
    return out


def convert(vocab: Vocabulary, words: list[str], keep=None) -> tuple[list[str], list[str]] | None:
    """The Chinese terms for pinyin ``words`` (the query's terms), and alternatives for
    the whole, or None when there is no reading in the vocabulary. All words together
    are tried first (``wu xing zhi bu`` = ``wuxingzhibu``), then each word by itself.
    ``keep``: see :func:`lookup`."""
    keys = [fold(w).replace("'", "").replace(" ", "") for w in words]
    keys = [k for k in keys if k]
    if not keys:
        return None
    joined = lookup(vocab, "".join(keys), keep)
    if joined:
        terms = [vocab.terms[i] for i in joined[: MAX_ALTERNATIVES + 1]]
        return [terms[0]], terms[1:]
    if len(keys) == 1:
        return None
    out = []
    for k in keys:
        ids = lookup(vocab, k, keep)
        if not ids:
            return None
        out.append(vocab.terms[ids[0]])
    return out, []
