"""How texts become TF-IDF vectors: the one place that builds them, for the index, the
content gaps and the lint's near-duplicate check.

    views = Views(["stems", "text_ngrams"])           # which views; binary, dtype, caps
    matrix = views.fit_transform(texts)               # one unit-length row a text
    views.transform(more_texts); views.vector(text)   # later texts, same vocabularies

A view is one vectorization of a text (see ANALYZERS): its word stems, its search
terms, or character 2–4-grams of its stems or of its normalized text, which absorb
inflection and typos. Each caller names the views and settings its figures were
measured with; the words themselves come from kb.text.

The vectors are scikit-learn's TfidfVectorizer's (smooth IDF, L2-normalized rows,
character n-grams inside word boundaries as its "char_wb" analyzer cuts them; a test
holds them equal), computed here without it, for three reasons. A character n-gram
depends only on its word, so each distinct word is cut once and a text is the sum of
its words: one sparse product (texts x words times words x features) instead of a
Python loop over every n-gram of every text, some ten times faster on a 10,000-article
help center. The views are built side by side in that one product, in place, so a big
help center's matrix is not copied view by view. And a fitted Views is plain arrays:
an index loaded from the cache needs no scikit-learn, which takes a second to import.
"""
import numpy as np
import scipy.sparse as sp

from .roots import roots
from .text import normalize, stems, terms

__all__ = ["ANALYZERS", "Views", "char_ngrams", "unit_rows"]

# Character n-gram lengths of the character views. 2–4-grams ranked as well as 2–5 on
# ar-dev (index top-1 0.665 against 0.662 during development) with a third fewer
# features, so queries and builds are faster.
CHAR_NGRAMS = (2, 4)
# Rows scaled at a time when normalizing in place: bounds the temporary arrays.
_CHUNK_ROWS = 8192


def char_ngrams(word, sizes=CHAR_NGRAMS):
    """Return the character n-grams of ``word`` padded with a space each side, as
    scikit-learn's "char_wb" analyzer cuts them: a word shorter than an n-gram size
    gives itself once (padded) and no longer n-grams."""
    padded = f" {word} "
    out = []
    for n in range(sizes[0], sizes[1] + 1):
        out.extend(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
        if len(padded) <= n:
            break
    return out


def _text_words(text):
    return normalize(text).split()


# name -> (text -> its words, whether a word stands for its character n-grams). Word
# views count the words themselves; character views the n-grams of each word.
ANALYZERS = {
    "stems": (stems, False),  # word stems, glue words included (IDF weighs them down)
    "terms": (terms, False),  # non-glue tokens and their stems (kb.text.terms)
    "stem_ngrams": (stems, True),  # character n-grams of the stems
    "text_ngrams": (_text_words, True),  # character n-grams of the normalized text
    "root_ngrams": (roots, True),  # character n-grams of the Arabic words' roots (kb.roots)
}


class _View:
    """One view: the words it has seen (``positions``, word -> row of
    ``word_features``, each row that word's feature counts), its vocabulary
    ({feature: column}) and IDF once fitted."""

    def __init__(self, name, max_features):
        self.words_of, self.ngrams = ANALYZERS[name]
        self.name, self.max_features = name, max_features
        self.positions = {}

    def rows(self, words):
        """Return the word rows of ``words``, learning new words (while fitting)."""
        positions = self.positions
        return [positions.setdefault(w, len(positions)) for w in words]

    def word_matrix(self):
        """Return (words x features counts, the features' names) of the words seen,
        features in sorted order as scikit-learn numbers them."""
        if self.ngrams:
            features, word_features = {}, []
            for word in self.positions:
                word_features.append([features.setdefault(g, len(features))
                                      for g in char_ngrams(word)])
            names = list(features)
        else:
            names = list(self.positions)
            word_features = [[i] for i in range(len(names))]
        order = np.argsort(np.array(names, dtype=object), kind="stable")
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        return _rows([rank[f] for f in word_features], len(names)), [names[i] for i in order]

    def keep(self, word_features, names, columns):
        """Fit the view to the features ``columns`` (sorted positions in ``names``)."""
        self.word_features = word_features[:, columns].tocsr()
        self.word_features.sort_indices()
        self.vocabulary = {names[c]: i for i, c in enumerate(columns)}
        self.size = len(columns)

    def _unseen(self, word):
        """Return the feature columns of a word the fit never saw: its known n-grams (a
        character view), or itself when known (a word view)."""
        vocabulary = self.vocabulary
        if self.ngrams:
            return [vocabulary[g] for g in char_ngrams(word) if g in vocabulary]
        return [vocabulary[word]] if word in vocabulary else []

    def columns(self, text):
        """Return the feature columns of ``text``'s words, a column once per use."""
        out, matrix, positions = [], self.word_features, self.positions
        for word in self.words_of(text):
            row = positions.get(word)
            if row is None:
                out.extend(self._unseen(word))
                continue
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            out.extend(np.repeat(matrix.indices[start:end],
                                 matrix.data[start:end].astype(np.int64)).tolist())
        return out

    def features(self, text):
        """Return the distinct feature columns of ``text``: ``columns`` without the
        repeats, by slices of the words' rows (every query's path: no repeat, no copy)."""
        matrix, positions = self.word_features, self.positions
        indptr, indices = matrix.indptr, matrix.indices
        parts, unseen = [], []
        for word in self.words_of(text):
            row = positions.get(word)
            if row is None:
                unseen.extend(self._unseen(word))
            else:
                parts.append(indices[indptr[row]:indptr[row + 1]])
        if unseen:
            parts.append(np.array(unseen, dtype=indices.dtype))
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(parts)).astype(np.int64)


class Views:
    """Texts as TF-IDF vectors in the named views, each L2-normalized, side by side, the
    whole unit length. Fit once, then only read (thread-safe)."""

    def __init__(self, views, *, binary=False, max_char_features=None, dtype=np.float64):
        self.views = tuple(views)
        self.binary, self.dtype = binary, dtype
        self._parts = [_View(v, max_char_features if ANALYZERS[v][1] else None)
                       for v in self.views]

    def fit_transform(self, texts, ngram_words=None):
        """Return the matrix of ``texts`` (one row each) and remember the vocabularies.
        ``ngram_words``: for each text, how many of its first words the character views
        read (None: all of them)."""
        texts = list(texts)
        ngram_words = ngram_words or [None] * len(texts)
        # Each text's words become word rows at once (ints, not strings: a big help
        # center's words as strings would take more memory than its matrix), every
        # view in turn, so they share work (kb.text caches a text's stems).
        rows = [[] for _ in self._parts]
        for text, limit in zip(texts, ngram_words):
            for part, out in zip(self._parts, rows):
                words = part.words_of(text)
                if part.ngrams and limit is not None:
                    words = words[:limit]
                out.append(part.rows(words))
        words, word_features, names = [], [], []
        for part, part_rows in zip(self._parts, rows):
            words.append(_rows(part_rows, len(part.positions)))
            matrix, part_names = part.word_matrix()
            word_features.append(matrix)
            names.append(part_names)
        del rows
        counts = (sp.hstack(words, format="csr") @ sp.block_diag(word_features, format="csr"))
        counts.sort_indices()
        counts.data = counts.data.astype(self.dtype, copy=False)
        if self.binary:
            counts.data[:] = 1
        kept = self._fit_features(counts, word_features, names)
        if kept is not None:
            counts.data[kept[counts.indices] < 0] = 0
            counts.eliminate_zeros()
            np.take(kept, counts.indices, out=counts.indices)
            counts = sp.csr_matrix((counts.data, counts.indices, counts.indptr),
                                   shape=(counts.shape[0], sum(p.size for p in self._parts)))
        frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        self._idf = (np.log((1 + len(texts)) / (1 + frequency)) + 1).astype(self.dtype)
        for part, start in zip(self._parts, self._offsets()):
            part.idf = self._idf[start:start + part.size]
        return self._weighted(counts)

    def _fit_features(self, counts, word_features, names):
        """Fit each view to its features (the ``max_features`` most used of a capped
        one, by document frequency for binary views, else total count, ties in feature
        order); return the new column of each old one (-1: left out), or None when none
        is left out."""
        use = np.bincount(counts.indices, weights=counts.data, minlength=counts.shape[1])
        kept, start, offset, dropped = [], 0, 0, False
        for part, matrix, part_names in zip(self._parts, word_features, names):
            width = len(part_names)
            columns = np.arange(width)
            if part.max_features is not None and width > part.max_features:
                block = use[start:start + width]
                columns = np.sort(np.argsort(-block, kind="stable")[: part.max_features])
                dropped = True
            part.keep(matrix, part_names, columns)
            new = np.full(width, -1, dtype=counts.indices.dtype)
            new[columns] = np.arange(len(columns), dtype=counts.indices.dtype) + offset
            kept.append(new)
            start, offset = start + width, offset + len(columns)
        return np.concatenate(kept) if dropped else None

    def _offsets(self):
        return np.cumsum([0] + [part.size for part in self._parts])[:-1]

    def transform(self, texts):
        """Return the rows of ``texts`` in the fitted vocabularies."""
        offsets = self._offsets()
        rows = [[c + offset for part, offset in zip(self._parts, offsets)
                 for c in part.columns(text)] for text in texts]
        counts = _rows(rows, int(offsets[-1] + self._parts[-1].size))
        counts.data = counts.data.astype(self.dtype, copy=False)
        if self.binary:
            counts.data[:] = 1
        return self._weighted(counts)

    def vector(self, text):
        """Return (feature indices, weights) of ``text``: its row of ``transform``,
        sparse, without building a matrix. Binary views only: the weights are the
        features' IDF."""
        if not self.binary:
            raise ValueError("Views.vector needs binary views")
        indices, values = [], []
        for part, offset in zip(self._parts, self._offsets()):
            found = part.features(text)
            if len(found):
                weights = part.idf[found]
                indices.append(found + offset)
                values.append(weights / np.linalg.norm(weights))
        if not indices:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=self.dtype)
        values = np.concatenate(values)
        return np.concatenate(indices), values / np.linalg.norm(values)

    def _weighted(self, counts):
        """Return the counts matrix as TF-IDF, in place: each view's part of a row
        unit length, then the whole row (a row of k non-empty views is scaled by
        1/sqrt(k))."""
        counts.data *= self._idf[counts.indices]
        if len(self._parts) == 1:
            return unit_rows(counts)
        view_of = np.repeat(np.arange(len(self._parts), dtype=np.int8),
                            [part.size for part in self._parts])
        views_in_row = np.zeros(counts.shape[0], dtype=self.dtype)
        for chunk in range(0, counts.shape[0], _CHUNK_ROWS):
            rows = slice(chunk, min(chunk + _CHUNK_ROWS, counts.shape[0]))
            start, end = counts.indptr[rows.start], counts.indptr[rows.stop]
            if start == end:
                continue
            data, lengths = counts.data[start:end], np.diff(counts.indptr[rows.start:rows.stop + 1])
            row = np.repeat(np.arange(rows.stop - rows.start), lengths)
            view = view_of[counts.indices[start:end]]
            # Squares summed per (row, view): one bin a pair.
            bins = row * len(self._parts) + view
            norms = np.sqrt(np.bincount(bins, weights=np.square(data, dtype=np.float64),
                                        minlength=(rows.stop - rows.start) * len(self._parts)))
            data /= norms[bins].astype(data.dtype)
            views_in_row[rows] = (norms.reshape(-1, len(self._parts)) > 0).sum(axis=1)
        views_in_row[views_in_row == 0] = 1
        counts.data /= np.sqrt(np.repeat(views_in_row, np.diff(counts.indptr)))
        return counts


def unit_rows(matrix):
    """Scale each non-empty row of the CSR ``matrix`` to unit length, in place, a chunk
    of rows at a time; return it."""
    for chunk in range(0, matrix.shape[0], _CHUNK_ROWS):
        stop = min(chunk + _CHUNK_ROWS, matrix.shape[0])
        start, end = matrix.indptr[chunk], matrix.indptr[stop]
        if start == end:
            continue
        lengths = np.diff(matrix.indptr[chunk:stop + 1])
        row = np.repeat(np.arange(stop - chunk), lengths)
        data = matrix.data[start:end]
        norms = np.sqrt(np.bincount(row, weights=np.square(data, dtype=np.float64),
                                    minlength=stop - chunk))
        data /= norms[row].astype(data.dtype)
    return matrix


def _rows(lists, width):
    """Return a CSR matrix with one row a list of column indices (repeats add up)."""
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    indptr = np.r_[0, np.cumsum(lengths)]
    indices = np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float32)
    matrix = sp.csr_matrix((data, indices, indptr), shape=(len(lists), width))
    matrix.sum_duplicates()
    return matrix
