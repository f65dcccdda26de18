"""How close an expert's statement of expertise is to an entry's texts: pure, no Django.

Texts are compared within one language, Chinese with Chinese and English with English, and the
better of the two counts; a pair with no language in common has "no comparable text" (None in
the explanation, 0 in the affinity). Each language gets a character n-gram TF-IDF (scikit-learn):
it needs no word segmenter for Chinese, and it matches terms written in Latin letters inside
Chinese text ("SiC MOSFET", "800V") as well as English inflections.

Raw cosines of short texts are small (0.05–0.4), so they are divided by a high quantile of the
edition's comparable cosines and capped at 1: a text score of 1 means "among the edition's
closest matches", on the same footing as a direction match.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Chinese: character bigrams and trigrams (words are mostly 2–4 characters); English: 3–5
# character n-grams within word boundaries.
ZH_NGRAMS = (2, 3)
EN_NGRAMS = (3, 5)
# Cosines at this quantile of the comparable pairs (and above) score 1.
SCALE_QUANTILE = 0.95


@dataclass(frozen=True)
class Texts:
    zh: str = ""
    en: str = ""


def _has_words(text: str) -> bool:
    """Some letter, digit or CJK character: punctuation alone is nothing to compare."""
    return any(ch.isalnum() for ch in text)


def _similarity(entry_texts: list[str], expert_texts: list[str], analyzer: str, ngrams):
    """Cosines (entries × experts) of one language, and where both sides have text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    entries, experts = len(entry_texts), len(expert_texts)
    cosine = np.zeros((entries, experts), dtype=np.float32)
    entry_has = np.array([_has_words(t) for t in entry_texts], dtype=bool)
    expert_has = np.array([_has_words(t) for t in expert_texts], dtype=bool)
    comparable = entry_has[:, None] & expert_has[None, :]
    if not comparable.any():
        return cosine, comparable
    corpus = [t for t, has in zip(entry_texts, entry_has, strict=True) if has] + [
        t for t, has in zip(expert_texts, expert_has, strict=True) if has
    ]
    vectorizer = TfidfVectorizer(
        analyzer=analyzer, ngram_range=ngrams, sublinear_tf=True, lowercase=True, dtype=np.float32
    )
    try:
        matrix = vectorizer.fit_transform(corpus)
    except ValueError:
        # Nothing but white space or punctuation: no n-gram to compare.
        return cosine, np.zeros_like(comparable)
    n_entries = int(entry_has.sum())
    # Rows are L2-normalised by TF-IDF, so the product is the cosine.
    product = (matrix[:n_entries] @ matrix[n_entries:].T).toarray()
    cosine[np.ix_(np.flatnonzero(entry_has), np.flatnonzero(expert_has))] = product
    return cosine, comparable


def text_affinities(entries: list[Texts], experts: list[Texts]) -> tuple[np.ndarray, np.ndarray]:
    """(scores in [0, 1], comparable mask), both entries × experts.

    The score is the better language's cosine, scaled by the edition's high quantile; where no
    language has text on both sides, the mask is False and the score 0.
    """
    zh, zh_ok = _similarity([e.zh for e in entries], [x.zh for x in experts], "char", ZH_NGRAMS)
    en, en_ok = _similarity([e.en for e in entries], [x.en for x in experts], "char_wb", EN_NGRAMS)
    cosine = np.maximum(np.where(zh_ok, zh, 0), np.where(en_ok, en, 0)).astype(np.float32)
    comparable = zh_ok | en_ok
    values = cosine[comparable]
    values = values[values > 0]
    if values.size == 0:
        return np.zeros_like(cosine), comparable
    scale = float(np.quantile(values, SCALE_QUANTILE))
    if scale <= 0:
        return np.zeros_like(cosine), comparable
    return np.minimum(cosine / scale, 1.0).astype(np.float32), comparable
