"""How texts become TF-IDF vectors: the one place that builds them, for the index, the
content gaps and the lint's near-duplicate check.

    views = Views(["stems", "text_ngrams"])           # which views; binary, dtype, caps
    matrix = views.fit_transform(texts)               # one unit-length row a text
    views.transform(more_texts); views.vector(text)   # later texts, same vocabularies

A view is one vectorization of a text (see ANALYZERS): its word stems, its search
terms, or character 2–4-grams of its stems or of its normalized text, which absorb
inflection and typos. Each caller names the views and settings its figures were
measured with; the words themselves come from kb.text.
"""
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from .text import normalize, stems, terms

__all__ = ["ANALYZERS", "Views", "vectorizer"]

# Character n-gram lengths of the character views. 2–4-grams ranked as well as 2–5 on
# ar-dev (index top-1 0.665 against 0.662 during development) with a third fewer
# features, so queries and builds are faster.
CHAR_NGRAMS = (2, 4)


def _joined_stems(text):
    return " ".join(stems(text))


# name -> (analyzer, preprocessor): a callable analyzer reads words from kb.text; "char_wb"
# takes character n-grams inside word boundaries of the preprocessed text.
ANALYZERS = {
    "stems": (stems, None),  # word stems, glue words included (IDF weighs them down)
    "terms": (terms, None),  # non-glue tokens and their stems (kb.text.terms)
    "stem_ngrams": ("char_wb", _joined_stems),  # character n-grams of the stems
    "text_ngrams": ("char_wb", normalize),  # character n-grams of the normalized text
}


def vectorizer(view, *, binary=False, max_features=None, dtype=np.float64):
    """Return an unfitted TfidfVectorizer for the named ``view`` (a key of ANALYZERS),
    whose rows come out L2-normalized. ``max_features`` caps character views only."""
    analyzer, preprocessor = ANALYZERS[view]
    if analyzer != "char_wb":
        return TfidfVectorizer(analyzer=analyzer, binary=binary, dtype=dtype)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, binary=binary,
                           preprocessor=preprocessor, dtype=dtype, max_features=max_features)


class Views:
    """Texts as TF-IDF vectors in the named views, each L2-normalized, side by side, the
    whole unit length. Fit once, then only read (thread-safe)."""

    def __init__(self, views, *, binary=False, max_char_features=None, dtype=np.float64):
        self.views = tuple(views)
        self.binary = binary
        self.vectorizers = [vectorizer(v, binary=binary, max_features=max_char_features,
                                       dtype=dtype) for v in self.views]

    def fit_transform(self, texts):
        """Return the matrix of ``texts`` (one row each) and remember the vocabularies."""
        blocks = [v.fit_transform(texts) for v in self.vectorizers]
        # Single texts take a fast path (``vector``): sklearn's transform validates its
        # input on every call, which costs more than the arithmetic for one question.
        self._fast = []
        offset = 0
        for fitted, block in zip(self.vectorizers, blocks):
            self._fast.append((fitted.build_analyzer(), fitted.vocabulary_,
                               fitted.idf_.astype(np.float32), offset))
            offset += block.shape[1]
        return _stack(blocks)

    def transform(self, texts):
        """Return the rows of ``texts`` in the fitted vocabularies."""
        return _stack([v.transform(texts) for v in self.vectorizers])

    def vector(self, text):
        """Return (feature indices, float32 weights) of ``text``: the same vector as its
        row of ``fit_transform`` (to float32 rounding), sparse, without sklearn's per-call
        overhead. Binary views only: the weights are the features' IDF."""
        if not self.binary:
            raise ValueError("Views.vector needs binary views")
        indices, values = [], []
        for analyzer, vocabulary, idf, offset in self._fast:
            found = {vocabulary[f] for f in analyzer(text) if f in vocabulary}
            if not found:
                continue
            block = np.fromiter(found, dtype=np.int64, count=len(found))
            weights = idf[block]
            indices.append(block + offset)
            values.append(weights / np.linalg.norm(weights))
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        values = np.concatenate(values)
        return np.concatenate(indices), values / np.linalg.norm(values)


def _stack(blocks):
    """The views' blocks side by side, each L2-normalized, the whole unit length."""
    if len(blocks) == 1:
        return blocks[0].tocsr()  # sklearn already made each row unit length
    # sklearn already normalized each block too; normalizing again moves only the last
    # bits, and is kept so the index's scores stay those it was measured with.
    return l2_normalize(sp.hstack([l2_normalize(b) for b in blocks]).tocsr())
