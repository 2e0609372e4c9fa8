"""Which articles a reader of one may want next: the ones its writer names, then the
nearest of its own category, then the nearest of the neighbouring categories — never an
article of an unrelated topic because a word happens to match.

    Related(articles, categories).of("return-policy", "en", limit=5) -> ["refunds", ...]

"Nearest" compares the words customers ask an article with: its title, its questions
and its short answer (both languages together, as the bot's index takes them), as
TF-IDF search terms (kb.vectors, the view `dalil check` compares near-duplicates in).
The bot's classifier cannot rank neighbours: it scores an article's own questions near
1 for it and near 0 for every other article (on the shipped titles every runner-up
scores 0.000).

A category's neighbours are the categories whose articles read most like its own: the
mean similarity of their articles to its articles, the best MAX_NEIGHBOURS categories
within NEIGHBOUR_SHARE of the best one. On the shipped help center: shipping and offers
are next to orders, orders and products to returns, orders and support to account. A
help center whose categories share no words falls back on the order of categories.yml:
the category before and the one after.
"""
import numpy as np

from .vectors import Views

__all__ = ["Related", "MAX_NEIGHBOURS", "NEIGHBOUR_SHARE"]

# Search terms only, the view `dalil check` finds near-duplicates with: glue words and
# character n-grams would make every article a little like every other.
VIEWS = ("terms",)
# With eight categories, two neighbours each already link most topics a reader moves
# between (orders and shipping, returns and products); a third would make neighbours of
# nearly every pair.
MAX_NEIGHBOURS = 2
# A category this much less alike than the closest one is no neighbour.
NEIGHBOUR_SHARE = 0.5


class Related:
    """The related articles of every published article in ``articles``; built once
    (a fraction of a second on the shipped articles), then only read."""

    def __init__(self, articles, categories=()):
        versions = {}
        for article in articles:
            if article.published:
                versions.setdefault(article.id, []).append(article)
        self.ids = tuple(versions)
        self._versions = versions
        self._category = {i: v[0].category for i, v in versions.items()}
        self._matrix = _vectors([versions[i] for i in self.ids])
        self._position = {article_id: k for k, article_id in enumerate(self.ids)}
        self.neighbours = _neighbours(self.ids, self._category, self._matrix,
                                      [c.id for c in categories])
        names = list(dict.fromkeys(self._category.values()))
        self._category_code = {name: code for code, name in enumerate(names)}
        # Each article's category as a number: the articles of a category are then one
        # comparison over an array, not a loop over every id (10,000 at scale).
        self._categories = np.array([self._category_code[self._category[i]] for i in self.ids],
                                    dtype=np.int32)
        # (article id, lang, limit) -> the answer of ``of``: the same for every reader of
        # a page until the articles change (and a new Related is built).
        self._answers = {}

    def chosen(self, article_id, lang=None):
        """Return the ids the writers chose for ``article_id`` (``related:``), the
        version in ``lang`` first, then the other's: only published articles, never
        the article itself. (Links in the body are not repeated: the reader has them.)"""
        versions = sorted(self._versions.get(article_id, ()), key=lambda a: a.lang != lang)
        ids = [i for a in versions for i in a.related]
        return [i for i in dict.fromkeys(ids) if i in self._position and i != article_id]

    def of(self, article_id, lang=None, limit=5):
        """Return up to ``limit`` ids a reader of ``article_id`` may want next: the
        writers' choice (``chosen``), then the articles of its category nearest first,
        then those of its neighbouring categories that share any words with it."""
        if article_id not in self._position:
            return []
        key = (article_id, lang, limit)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = tuple(self._related(article_id, lang, limit))
        return list(answer)

    def _related(self, article_id, lang, limit):
        row = self._similarities(self._position[article_id])
        category = self._category[article_id]
        chosen = self.chosen(article_id, lang)
        # Enough of each list for ``limit`` after the article itself and the writers'
        # choices are taken out.
        enough = limit + len(chosen) + 1

        def nearest(positions):
            # Most similar first; equals in the articles' order (a stable sort).
            ranked = positions[np.argsort(-row[positions], kind="stable")]
            return [self.ids[p] for p in ranked[:enough]]

        same = nearest(np.flatnonzero(self._categories == self._category_code[category]))
        neighbours = [self._category_code[c] for c in self.neighbours[category]]
        near = nearest(np.flatnonzero(np.isin(self._categories, neighbours) & (row > 0)))
        found = dict.fromkeys([*chosen, *same, *near])
        found.pop(article_id, None)
        return list(found)[:limit]


    def _similarities(self, position):
        """Return the cosine similarity of article ``position`` with every article (0
        with itself). Computed per article page, not kept: a square array of every pair
        would take 800 MB at 10,000 articles."""
        matrix = self._matrix
        if matrix is None:
            return np.zeros(len(self.ids))
        # The article's row as a dense vector times the matrix: one pass over its
        # entries (scipy's C loop), a fifteenth of a sparse row-by-transpose product.
        start, end = matrix.indptr[position], matrix.indptr[position + 1]
        query = np.zeros(matrix.shape[1], dtype=matrix.dtype)
        query[matrix.indices[start:end]] = matrix.data[start:end]
        row = matrix @ query
        row[position] = 0
        return row


def _text(versions):
    return "\n".join(t for a in versions for t in (a.title, *a.questions, a.summary))


def _vectors(grouped):
    """Return the unit-length TF-IDF rows of the articles (``grouped``: each article's
    versions), or None when there are fewer than two or no words at all."""
    if len(grouped) < 2:
        return None
    try:
        return Views(VIEWS).fit_transform([_text(versions) for versions in grouped])
    except ValueError:  # no words at all: nothing is alike
        return None


def _neighbours(ids, category_of, matrix, order):
    """Return {category: its neighbouring categories, closest first}."""
    members = {}
    for position, article_id in enumerate(ids):
        members.setdefault(category_of[article_id], []).append(position)
    names = list(members)
    # The mean similarity of two categories' articles is the dot product of their
    # rows' sums over the number of pairs: no article-by-article array.
    if matrix is None:
        mean = np.zeros((len(names), len(names)))
    else:
        sums = np.vstack([np.asarray(matrix[members[c]].sum(axis=0)) for c in names])
        sizes = np.array([len(members[c]) for c in names], dtype=float)
        mean = (sums @ sums.T) / np.outer(sizes, sizes)
    neighbours = {}
    for k, category in enumerate(names):
        alike = {other: mean[k, j] for j, other in enumerate(names) if other != category}
        ranked = sorted((c for c in alike if alike[c] > 0), key=lambda c: -alike[c])
        if ranked:
            best = alike[ranked[0]]
            neighbours[category] = tuple(
                c for c in ranked[:MAX_NEIGHBOURS] if alike[c] >= NEIGHBOUR_SHARE * best)
        elif category in order:
            at = order.index(category)
            neighbours[category] = tuple(
                c for c in (order[at - 1] if at else None,
                            order[at + 1] if at + 1 < len(order) else None)
                if c in members)
        else:
            neighbours[category] = ()
    return neighbours
