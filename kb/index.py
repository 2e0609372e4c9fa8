"""The article index: which articles answer a question, each with a score in [0, 1]. It
owns the ranking (classifier, nearest question, fuzzy re-check); kb.vectors turns texts
into vectors and kb.text owns the text rules.

    index = Index(articles, learned={"returns-policy": ["ابغى ارجع الجزمة"]})
    index.search("كيف ارجع طلب؟", limit=5) -> list[Hit]

Each article (all its languages together) is one class. Its questions — the title, the
writers' questions, and learned questions — and its body are vectorized three ways
(kb.vectors: word stems, and character 2–4-grams of the stems and of the normalized
text, which absorb inflection and typos; while phrasings are few, a fourth: character
n-grams of the Arabic words' roots, kb.roots), then scored by two complementary parts:

- a multinomial logistic regression trained on the questions (and, at a lower weight,
  the body), which learns which words tell articles apart (strong when each article has
  a handful of questions);
- the nearest known question (cosine), which shines once an article has many phrasings
  and catches a question asked exactly as before.

The classifier's weights are features x articles: beyond ``classifier_articles`` (a
help center of thousands) none is trained, and the articles' centroids — sparse, cut to
their heaviest features — rank the candidates instead, a query costing the postings of
its features (benchmarks/scale.py: 10,000 articles build in well under a minute).

rapidfuzz then re-checks the best candidates' questions character by character, so a
question typed with a slip still finds its near-twin. An Index is immutable: to take in
changed articles, build a new one and swap the reference (see ``build_index``); to take
in a learned question at once, ``index.learn(...)`` returns a new Index in milliseconds.

Given an encoder (kb.semantic: sentence embeddings), the index also embeds each
article's titles and first questions and trains a logistic regression over those
vectors (only while articles have few phrasings, ``semantic_phrasings``: with many,
the lexical parts rank better alone). When the lexical best score leaves the bot unsure (under
``semantic_below``) and the caller asks for it (``lookup(..., semantic=True)``: the
bot's answers and its calibration, never the help-center search), the question is
encoded and the regression's probabilities are blended into the candidates' scores,
adding its own best articles. Above ``classifier_articles`` the index stays lexical: encoding is some 20
texts a second, hours for ten thousand articles' questions.
"""
import collections
import copy
import dataclasses
import re

import numpy as np
import scipy.sparse as sp
from rapidfuzz import fuzz, process

try:  # scipy's own sparse matrix-vector loop, when this scipy has it where it had it
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - then numpy does the same, slower
    _csr_matvec = None

from .articles import load_articles
from .text import (ARABIC_LETTER, LATIN_LETTER, arabizi, arabizi_skeleton, detect_language,
                   normalize, readings, stems, topic_stems)
from .roots import roots
from .vectors import Views, unit_rows

__all__ = ["Hit", "Index", "IndexSettings", "build_index"]


@dataclasses.dataclass(frozen=True)
class Hit:
    article_id: str
    score: float  # in [0, 1]; higher is more likely the right article
    question: str  # the closest known question of this article
    learned: bool = False  # that closest question was learned from agents or customers
    # The semantic part (the embeddings) gives this article more than chance: a reason
    # to offer it even when it shares no word with the question (Bot.ask).
    by_meaning: bool = False


@dataclasses.dataclass(frozen=True)
class IndexSettings:
    # Inverse regularization of the classifier. Weak regularization (large C) won on
    # the ar-dev suite (C=30: top-1 0.642, 300: 0.655, 1000: 0.653): with ten phrasings
    # an article, every distinguishing word matters.
    regularization_c: float = 300.0
    # The classifier trains on at most this many questions an article (writers' first,
    # then the newest learned ones); the nearest-question part sees them all. Training
    # cost grows with questions x features x articles: this bound keeps a rebuild of a
    # 21,000-question knowledge base within seconds.
    classifier_questions: int = 24
    # Cap on character n-gram features per view, for the same reason.
    max_char_features: int = 60000
    # The classifier sees at most this many features: those its training questions use
    # most. Its training time grows with features x articles (the L-BFGS state): on
    # ar-dev 12,000 of its 15,700 built in 2.8 s against 3.4 s for all, at the same top-1
    # (0.672 and 0.671); 8,000 cost a point (0.662). A help center reloads in seconds.
    classifier_features: int = 12000
    # With many phrasings an article (more than classifier_questions on average), a
    # linear SVM over every phrasing replaces the regression over a capped set: on the
    # ar-dev-full tuning suite (benchmarks/tuning_suites.py) it ranked 0.920 top-1
    # against 0.805 for the capped regression with nearest questions, in 13 s of CPU,
    # where a regression over every phrasing took a minute for 0.902 (60 iterations).
    # With ten phrasings the regression stays ahead (ar-dev tuning: 0.681 against 0.662).
    many_phrasings_svm: bool = True
    svm_c: float = 1.0
    # The SVM's margins become probabilities through a softmax at this temperature.
    svm_temperature: float = 3.0
    # Coordinate descent stops when it improves less than this: the ranking is settled
    # long before. On the ar-dev-full tuning suite, against 1e-4: at 1e-3 and at 1e-2
    # not one question's best article changed, scores moved by 0.0001 and 0.0005 at
    # most; 1e-2 stops after 27 passes instead of 36 (3e-2: scores moved 0.003, 1e-1:
    # one best article changed).
    svm_tolerance: float = 1e-2
    # Above this many articles no classifier is trained: its weights are features x
    # articles and its training grows the same way (benchmarks/scale.py, 2,000 synthetic
    # articles: a 21 s build peaking at 1.4 GB, ask p99 27 ms on a busy machine).
    # Articles are then ranked by their centroid — the normalized sum of their rows,
    # weighted as the classifier's training is — softened into probabilities at
    # centroid_temperature, with the nearest question and the fuzzy re-check as ever.
    # On the ar-dev tuning suite the centroid ranks lower (see docs/benchmarks.md), so
    # it is kept for help centers the classifier cannot afford.
    classifier_articles: int = 1000
    centroid_temperature: float = 20.0
    # A centroid keeps its heaviest this many features: a query's cost is the sum of
    # its features' postings over all articles, and the light features change little.
    centroid_features: int = 400
    # Articles compared by nearest question when ranked by centroid (10 and 20 ranked
    # alike on the ar-dev and en-dev-3 tuning suites: 0.617 and 0.627).
    centroid_candidates: int = 10
    # Features in more than this share of the centroids (and more than
    # centroid_common_min of them) are left out of them: a query pays for every
    # article that has one of its features, and the common ones (the article "ال", a
    # frequent letter pair) are in nearly all — at 10,000 articles 420,000 postings a
    # query with them, for little weight (their IDF is low).
    centroid_common_share: float = 0.05
    centroid_common_min: int = 200
    # Bodies longer than this many words count by their words alone in the index: their
    # character n-grams make up most of a big help center's matrix (at 10,000 articles of
    # 150 words, half its 48 million entries) for little (a body's words are the
    # writers', spelled right).
    body_ngram_words: int = 60
    # Share of the nearest-question similarity in the final score (the rest is the
    # classifier's probability), reached as articles gain many phrasings: the weight is
    # nearest_weight * n / (n + nearest_half), n the mean questions per article. With
    # ten phrasings the classifier alone ranks best (during development, ar-dev top-1
    # 0.662 without it, 0.658 at a flat 0.3); with 280 the nearest question added 0.02
    # (ar-dev-full 0.808 at a flat 0.3 against 0.826 with this ramp).
    nearest_weight: float = 0.5
    nearest_half: float = 40.0
    # A learned question counts for this much of a writer's question: agents and
    # customers teach the bot, but writers' phrasings were reviewed.
    learned_weight: float = 0.7
    # Training weight of an article's body against one of its questions.
    body_weight: float = 0.3
    # rapidfuzz ratio (0-100) above which a known question counts as the same question
    # typed differently; its article's score is raised to at least that similarity.
    fuzzy_same_question: float = 90.0
    # Nearest questions are looked for among the classifier's best articles only.
    nearest_candidates: int = 6
    # Features in more than this share of the questions (and more than
    # nearest_common_min of them) are left out of nearest-question similarity.
    nearest_common_share: float = 0.05
    nearest_common_min: int = 200
    # rapidfuzz compares the question with this many of an article's closest questions.
    fuzzy_candidates: int = 20
    # A question read as typed on the other keyboard layout is searched instead of the
    # text as typed when its closest known question is this many times as similar, and
    # at least variant_floor (cosine): gibberish readings reach about 0.1-0.2.
    variant_advantage: float = 1.5
    variant_floor: float = 0.3
    # A word the questions never use is read as its nearest word they do use when the
    # two are at least this similar (rapidfuzz ratio): "cancle" and "cancel" score 83,
    # "ارجاغ" and "ارجاع" 80; such a repaired reading is searched like the keyboard
    # and Arabizi ones (it must match a known question clearly better).
    repair_similarity: float = 80.0
    # ... and only when the best article as typed scores under this: a sure match needs
    # no repair, and the repaired reading costs a second search.
    repair_below: float = 0.6
    # Semantic matching (kb.semantic; used when the Index is given an encoder): a
    # logistic regression over the sentence embeddings of each article's title and
    # questions, its probabilities blended into the scores. Measured on the tuning
    # suites (benchmarks/tuning_suites.py; blending the hits' scores with the
    # probabilities): ar-dev-tune top-1 0.680 -> 0.720 and coverage at 90% precision
    # 0.468 -> 0.578; en-dev-3-tune 0.650 -> 0.722 and 0.409 -> 0.541.
    # Only consulted when the best lexical score is under this: a sure answer costs no
    # encoding (a question is 40 ms or more to encode, a lexical ask about 1 ms). At
    # 0.8 the figures above are within 0.002 of consulting it always; at 0.5 coverage
    # fell back to 0.47 on ar-dev-tune (the sure and the blended scores no longer
    # rank alike).
    semantic_below: float = 0.8
    # The semantic part is built only while articles have at most this many phrasings
    # (titles, questions, learned) on average: the more they have, the better the
    # lexical parts know them. On the ar-dev-full tuning suite, its articles cut to n
    # phrasings each, top-1 changed by +0.048 at 22, +0.043 at 31, +0.001 at 62 (and
    # coverage at 90% -0.013), -0.022 at 120 and -0.036 at all 280 (0.915 -> 0.879).
    semantic_phrasings: float = 45.0
    # Share of the semantic probability in a blended score, for a question read as
    # Arabic (kb.text.detect_language of the reading searched, as the bot picks the
    # reply's language and so its thresholds)... 0.5 was best on the Arabic tuning
    # suites (ar-dev-3-tune top-1 0.569 at 0.5, 0.568 at 0.6, 0.561 at 0.7, 0.547 at 0.8).
    semantic_weight: float = 0.5
    # ... and for one read as English, where the embeddings earn more (above: +0.072
    # top-1 on en-dev-3-tune against +0.040 on ar-dev-tune). Top-1 on en-dev-3-tune /
    # en-dev-open-tune by weight: 0.5 0.719 / 0.851, 0.6 0.725 / 0.858, 0.65 0.727 /
    # 0.862, 0.7 0.727 / 0.856, 0.8 0.727 / 0.855: 0.65 best over both. Its scores run
    # higher: SEMANTIC_THRESHOLDS["en"] (bot.decide) were chosen at this weight.
    semantic_weight_en: float = 0.65
    # ... both raised by this times the share of the articles (each language's version
    # counted) that have only their title, no writer's or learned question: the lexical
    # parts then know an article by a few words, the embeddings still by their meaning.
    # Chosen on titles-only tuning suites (ar-dev-0-tune, and ar-dev-tune, en-dev-3-tune
    # and en-dev-open-tune cut to their titles), top-1 at 0 / 0.1 / 0.2 / 0.3: 0.348 /
    # 0.354 / 0.358 / 0.358, 0.381 / 0.390 / 0.392 / 0.392, 0.515 / 0.523 / 0.538 / 0.536,
    # 0.572 / 0.578 / 0.579 / 0.568. Not beyond titles alone: with one question an
    # article (ar-dev-tune cut to title + 1) a higher Arabic weight ranks worse (0.478 at
    # 0.5, 0.472 at 0.65, 0.456 at 0.75); with 3 or 10 (ar-dev-3-tune, ar-dev-tune) the
    # weights above are within 0.005 of the best.
    # The blended scores of titles-only help centers come out lower, so the bot answers
    # a little less there, and less wrongly (ar-dev-0-tune answered right 9.2% -> 7.0%,
    # wrong 3.6% -> 2.4%; docs/benchmarks.md has the dev figures).
    semantic_titles_lift: float = 0.2
    # Inverse regularization of the semantic regression (100: ar-dev-tune 0.713, 300:
    # 0.720, 1000: 0.721 with less coverage, 0.570 against 0.578).
    semantic_c: float = 300.0
    # Texts embedded an article (its titles, then writers' questions, then learned
    # ones): encoding is slow (some 20 texts a second here), and past a few dozen
    # phrasings the lexical parts know the article well.
    semantic_questions: int = 30
    # Articles the semantic regression adds to the lexical candidates (its best ones).
    semantic_candidates: int = 5
    # The root view (ROOT_VIEWS, kb.roots) is built where the regression trains: few
    # phrasings an article (not the SVM of many_phrasings_svm), at most
    # classifier_articles articles. There it pays (tuning suites, top-1 without -> with:
    # ar-dev-3 0.514 -> 0.538, ar-dev-0 0.272 -> 0.324, ar-dev 0.680 -> 0.695,
    # ar-dev-open 0.700 -> 0.721, coverage at 90% precision up on each; English
    # unchanged, its words have no Arabic roots). With many phrasings it does not
    # (ar-dev-full 0.915 -> 0.913) and the build pays for a fourth view over 21,000
    # questions; thousands of articles were not measured with it.
    root_view: bool = True
    # With the root view the regression's logits for a question with Arabic words are
    # divided by this: more features agree, so its probabilities come out sharper, and
    # the same thresholds answered more questions, wrong ones too (ar-dev-open tuning,
    # answered right / wrong answers of all: 0.575 / 0.155 without roots; with them
    # 0.601 / 0.160 at 1.0, 0.596 / 0.145 at 1.05, 0.568 / 0.117 at 1.15). 1.05 keeps
    # the scores' scale, so the thresholds' meaning: every Arabic tuning suite then
    # answers more right and fewer wrong than without roots (ar-dev 0.538 / 0.091 ->
    # 0.549 / 0.090, ar-dev-3 0.308 / 0.090 -> 0.318 / 0.075, ar-dev-0 0.137 / 0.141 ->
    # 0.157 / 0.118). English questions have no roots and keep their logits.
    root_temperature: float = 1.05


# The index's vectorization (kb.vectors.Views): word stems beside character n-grams of
# the stems and of the normalized text; binary (a feature counts once however often a
# text repeats it) and float32 (half the memory of float64). IndexSettings' figures were
# measured with exactly these.
VIEWS = ("stems", "stem_ngrams", "text_ngrams")
# ... and, where the regression trains (IndexSettings.root_view), the character n-grams
# of the words' roots (kb.roots), so that inflections and derived forms the light stems
# keep apart meet (تحويل, حولت, يحول; مبلغ, مبالغ).
ROOT_VIEWS = VIEWS + ("root_ngrams",)

_QUESTION, _LEARNED, _BODY = 0, 1, 2
# Shorter words are too easily another word with one letter changed (كود, كوب).
_REPAIR_MIN_LENGTH = 4
# An Arabizi reading's word this many times rarer than the commonest word of the same
# consonants is read as that word.
_RARER = 10
_KIND_ORDER = np.array([0, 1, 2])  # rows of an article: its questions, learned, bodies
_MARKUP = re.compile(r"[#>*_`|\[\]()!-]+|article:\S+")


def _as_indexed(question, lang):
    """Return a writer's question as the index holds it: an Arabic article's question
    written in Arabizi as its Arabic reading. A customer's Arabizi question is searched
    as Arabic (Index.lookup) and must meet the writers' Arabizi questions there; kept in
    Latin letters, they outscore every Arabic reading with their raw letters, and
    Arabizi questions end up with a person (on 22 fresh ones: 6 answered right with the
    readings, 3 with the Latin letters). English questions stay as written ("shipping
    fee" is not Arabizi, though "fee" may be)."""
    if lang == "ar":
        return arabizi(question) or question
    return question


# The article and the particles glued to it: the stem after them is what an Arabizi
# reading and a known word are compared by (el 3nwan, lil 3nwan: العنوان, للعنوان).
_ARTICLE = re.compile(r"^(?:[وفبك]?ال|لل)(?=...)")


def _without_article(word):
    """Return (the article and particles ``word`` starts with, or "", the rest)."""
    match = _ARTICLE.match(word)
    return (match.group(), word[match.end():]) if match else ("", word)


def _plain(markdown):
    """The words of a Markdown body, without its markup."""
    return " ".join(_MARKUP.sub(" ", markdown).split())


class Index:
    """Articles made searchable by question. Build once, then only read (thread-safe)."""

    def __init__(self, articles, learned=None, settings=None, encoder=None):
        self.settings = settings or IndexSettings()
        self._encoder = encoder  # a kb.semantic encoder, or None: lexical only
        self._semantic = None
        self.articles = tuple(a for a in articles if a.published)
        self.article_ids = tuple(dict.fromkeys(a.id for a in self.articles))
        learned = learned or {}
        self._positions = {article_id: p for p, article_id in enumerate(self.article_ids)}
        versions = {}
        for article in self.articles:
            versions.setdefault(article.id, []).append(article)
        texts, owners, kinds, semantic = [], [], [], []
        titles_only = 0  # article versions with no question (IndexSettings.semantic_titles_lift)
        for position, article_id in enumerate(self.article_ids):
            own = [_as_indexed(q, a.lang) for a in versions[article_id]
                   for q in (a.title, *a.questions)]
            own = list(dict.fromkeys(q for q in own if q.strip()))
            extra = [q for q in dict.fromkeys(learned.get(article_id, ())) if q not in own]
            if not extra:
                titles_only += sum(not any(q.strip() for q in a.questions)
                                   for a in versions[article_id])
            # The body speaks in the writers' words, not the customers': it teaches the
            # classifier the article's vocabulary but is never a "nearest question".
            bodies = [b for b in (_plain(a.body) for a in versions[article_id]) if b]
            texts.extend(own + extra + bodies)
            owners.extend([position] * (len(own) + len(extra) + len(bodies)))
            kinds.extend([_QUESTION] * len(own) + [_LEARNED] * len(extra) +
                         [_BODY] * len(bodies))
            semantic.append(_semantic_texts(versions[article_id], extra,
                                            self.settings.semantic_questions))
        if not texts:
            self.questions, self._views = (), None
            return
        # Roots where the regression trains (IndexSettings.root_view): few phrasings an
        # article (as many_phrasings counts them), not thousands of articles.
        phrasings = kinds.count(_QUESTION) + kinds.count(_LEARNED)
        few = (not self.settings.many_phrasings_svm
               or phrasings <= self.settings.classifier_questions * len(self.article_ids))
        self._roots = (self.settings.root_view and few
                       and len(self.article_ids) <= self.settings.classifier_articles)
        views = ROOT_VIEWS if self._roots else VIEWS
        self._views = Views(views, binary=True, dtype=np.float32,
                            max_char_features=self.settings.max_char_features)
        matrix = self._views.fit_transform(
            texts, [self.settings.body_ngram_words if kind == _BODY else None for kind in kinds])
        # Nearest-question similarity ignores the features most questions share (the
        # article "ال", a space and a common letter…): they carry little weight yet
        # make up half the matrix, and each query pays for every stored entry of them.
        frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
        self._rare = frequency <= max(self.settings.nearest_common_share * len(texts),
                                      self.settings.nearest_common_min)
        self._arrange(texts, np.array(owners, dtype=np.int32),
                      np.array(kinds, dtype=np.int8), matrix)
        self._classifier = self._train_classifier()
        # Articles compared by nearest question: more when the centroids rank them.
        by_centroids = self._classifier is not None and sp.issparse(self._classifier[0])
        self._candidates = (self.settings.centroid_candidates if by_centroids
                            else self.settings.nearest_candidates)
        # Where phrasings are few (IndexSettings.semantic_phrasings); beyond
        # classifier_articles, encoding them all would take hours.
        phrasings = np.count_nonzero(self._kinds != _BODY) / len(self.article_ids)
        if (encoder is not None and self._classifier is not None and not by_centroids
                and phrasings <= self.settings.semantic_phrasings):
            self._semantic = self._train_semantic(encoder, semantic,
                                                  titles_only / len(self.articles))

    def __getstate__(self):
        # The encoder (a model in C memory) is not pickled with the index (kb.cache):
        # the loader attaches its own (``using``).
        state = self.__dict__.copy()
        state["_encoder"] = None
        return state

    @property
    def semantic(self):
        """The name of the encoder the index was built with, or None (lexical only)."""
        return None if self._semantic is None else self._semantic.name

    def using(self, encoder):
        """Return this Index with ``encoder`` to encode questions at ask time (an index
        loaded from the cache has none): itself when it has no semantic part, or when
        ``encoder`` is not the one it was built with (its vectors would not compare)."""
        if self._semantic is None or encoder is None or encoder.name != self.semantic:
            return self
        new = copy.copy(self)
        new._encoder = encoder
        return new

    def _train_semantic(self, encoder, texts_by_article, titles_only):
        """Return the _Semantic part trained on the embeddings of each article's texts
        (``semantic_questions`` at most); ``titles_only`` is the share of the articles
        known by their titles alone."""
        texts, owners, learned = [], [], []
        for position, pairs in enumerate(texts_by_article):
            for text, is_learned in pairs:
                texts.append(text)
                owners.append(position)
                learned.append(is_learned)
        learned = np.array(learned, dtype=bool)
        weights = np.where(learned, self.settings.learned_weight, 1.0)
        vectors = np.asarray(encoder.queries(texts), dtype=np.float32)
        coef, intercept = _fit_semantic(vectors, np.array(owners, dtype=np.int32), weights,
                                        self.settings.semantic_c)
        if len(self.article_ids) == 2 and coef.shape[0] == 1:
            coef, intercept = np.vstack([-coef, coef]) / 2, np.r_[-intercept, intercept] / 2
        starts = np.r_[0, np.cumsum([len(pairs) for pairs in texts_by_article])]
        return _Semantic(encoder.name, coef.T.astype(np.float32), intercept.astype(np.float32),
                         vectors, tuple(texts), learned, starts, titles_only)

    def _arrange(self, texts, owners, kinds, matrix):
        """Set every per-row structure from rows grouped by article."""
        self.questions = tuple(texts)
        self._owners, self._kinds, self._matrix = owners, kinds, matrix
        self._learned = kinds == _LEARNED
        self._normalized = [normalize(t) for t in texts]
        # The customers' words the index knows (its questions', not the bodies'): a word
        # typed with a slip is read as its nearest one of these (``_repaired``).
        vocabulary = {word for row, text in enumerate(self._normalized)
                      if kinds[row] != _BODY for word in text.split()
                      if len(word) >= _REPAIR_MIN_LENGTH}
        self._known_words = frozenset(vocabulary)
        self._words = {}  # article position -> the stems of its texts (_article_words)
        # An Arabizi reading's unknown word is read as the known Arabic word with its
        # consonants ("العنون" from "el 3nwan" as "العنوان"); of several, the commonest.
        counts = collections.Counter(word for row, text in enumerate(self._normalized)
                                     if kinds[row] != _BODY for word in text.split()
                                     if word in vocabulary and ARABIC_LETTER.match(word))
        self._skeletons, self._stem_counts = {}, collections.Counter()
        for word, count in counts.items():
            self._stem_counts[_without_article(word)[1]] += count
        for stem, count in self._stem_counts.most_common():
            skeleton = arabizi_skeleton(stem)
            if skeleton:
                self._skeletons.setdefault(skeleton, stem)
        # By first letter: a slip rarely hits the first one, and comparing a word with
        # its own letter's words alone is some twenty times less work.
        self._vocabulary = {}
        for word in sorted(vocabulary):
            self._vocabulary.setdefault(word[0], []).append(word)
        nearest = matrix.copy()
        nearest.data[~self._rare[nearest.indices]] = 0
        # A body is never a nearest question (its weight there is 0): its row stays
        # empty rather than costing every query its hundreds of entries.
        nearest.data[np.repeat(kinds == _BODY, np.diff(nearest.indptr))] = 0
        nearest.eliminate_zeros()
        self._near_matrix = unit_rows(nearest)
        # Normalized question → its article, for a question asked verbatim.
        self._exact = {}
        for row, text in enumerate(self._normalized):
            if kinds[row] != _BODY:
                self._exact.setdefault(text, int(owners[row]))
        # Rows are grouped by article, so an article's rows are one slice.
        self._starts = np.r_[0, np.flatnonzero(np.diff(owners)) + 1]
        self._ends = np.r_[self._starts[1:], len(texts)]
        self._question_weight = np.select(
            [kinds == _LEARNED, kinds == _BODY],
            [self.settings.learned_weight, 0.0], 1.0).astype(np.float32)
        self._training_weight = np.where(kinds == _BODY, self.settings.body_weight,
                                         self._question_weight)
        self._heaviest_weight = float(self._question_weight.max(initial=0.0))
        density = len(texts) / len(self.article_ids)
        self._nearest_weight = self.settings.nearest_weight * density / (
            density + self.settings.nearest_half)

    def learn(self, learned):
        """Return a new Index that also knows ``learned`` ({article_id: [question]}),
        in milliseconds: the questions join the nearest-question and verbatim matching
        at once; the classifier keeps its training until the next full build (``Index(
        articles, learned=...)``). Unknown article ids and known questions are ignored."""
        if self._views is None:
            return self
        positions = {article_id: p for p, article_id in enumerate(self.article_ids)}
        known = set(self.questions)
        texts, owners = [], []
        for article_id, questions in learned.items():
            for question in dict.fromkeys(questions):
                if article_id in positions and question.strip() and question not in known:
                    texts.append(question)
                    owners.append(positions[article_id])
        if not texts:
            return self
        new = copy.copy(self)
        new._encoder = self._encoder  # copy.copy goes through __getstate__, which drops it
        all_owners = np.r_[self._owners, np.array(owners, dtype=np.int32)]
        all_kinds = np.r_[self._kinds, np.full(len(texts), _LEARNED, dtype=np.int8)]
        # Keep rows grouped by article, kinds in order, the newest learned last.
        order = np.lexsort((np.arange(len(all_owners)), _KIND_ORDER[all_kinds], all_owners))
        matrix = sp.vstack([self._matrix, self._views.transform(texts)]).tocsr()[order]
        all_texts = self.questions + tuple(texts)
        new._arrange([all_texts[i] for i in order], all_owners[order], all_kinds[order], matrix)
        # The articles that learned nothing keep their words (learned questions arrive any
        # minute; an article's words are some milliseconds to work out again).
        taught = set(owners)
        new._words = {p: own for p, own in self._words.items() if p not in taught}
        return new

    def __len__(self):
        return len(self.article_ids)

    def _train_classifier(self):
        """Return (feature-major weights, intercepts) for the articles' logits — a
        trained classifier's, or the articles' centroids (``centroid_temperature``
        included) above ``classifier_articles`` articles — or None for fewer than two
        articles."""
        if len(self.article_ids) < 2:
            return None
        if len(self.article_ids) > self.settings.classifier_articles:
            return self._centroids(), np.zeros(len(self.article_ids), dtype=np.float32)
        # Per article: every body, the writers' questions in order, then the newest
        # learned ones (they were appended oldest first), up to the budget.
        rows, taken = list(np.flatnonzero(self._kinds == _BODY)), {}
        order = [r for r in range(len(self.questions)) if self._kinds[r] == _QUESTION]
        order += [r for r in reversed(range(len(self.questions))) if self._kinds[r] == _LEARNED]
        many = self.many_phrasings
        budget = len(self.questions) if many else self.settings.classifier_questions
        for row in order:
            owner = int(self._owners[row])
            if taken.get(owner, 0) < budget:
                rows.append(row)
                taken[owner] = taken.get(owner, 0) + 1
        rows.sort()
        training = self._matrix[rows]
        # Only features the training questions use can get a weight (L2 keeps the rest
        # at zero), so train on those columns alone: the same model, far fewer unknowns.
        frequency = np.asarray((training > 0).sum(axis=0)).ravel()
        used = np.flatnonzero(frequency)
        # (The SVM keeps every feature: without the rarer ones its coordinate descent
        # converges far more slowly — 107 s of CPU against 16 s on ar-dev-full.)
        if len(used) > self.settings.classifier_features and not many:
            used = np.sort(used[np.argsort(-frequency[used], kind="stable")]
                           [: self.settings.classifier_features])
        weights, intercept, scale = _fit_linear(
            training[:, used], self._owners[rows], self._training_weight[rows], many,
            self.settings)
        if len(self.article_ids) == 2 and weights.shape[0] == 1:
            # Two classes: scikit-learn keeps one row (the second class's margin).
            weights, intercept = np.vstack([-weights, weights]) / 2, np.r_[-intercept, intercept] / 2
        # Feature-major weights, so a question's logits are a sum over its features; a
        # row for each feature the classifier uses (and a last one of zeros for the
        # rest: ``_weight_row`` maps a feature to its row), not for every feature.
        coef = np.zeros((len(used) + 1, len(self.article_ids)), dtype=np.float32)
        coef[:-1] = weights.T * scale
        self._weight_row = np.full(self._matrix.shape[1], len(used), dtype=np.int32)
        self._weight_row[used] = np.arange(len(used), dtype=np.int32)
        return coef, (intercept * scale).astype(np.float32)

    def _centroids(self):
        """Return the articles' centroids as a sparse feature-major matrix (features x
        articles), scaled by the temperature: each the unit-length weighted sum of the
        article's rows, cut to its ``centroid_features`` heaviest features."""
        settings = self.settings
        membership = sp.csr_matrix(
            (self._training_weight.astype(np.float32), (self._owners, np.arange(len(self._owners)))),
            shape=(len(self.article_ids), len(self._owners)))
        centroids = (membership @ self._matrix).tocsr()
        for article in range(centroids.shape[0]):
            start, end = centroids.indptr[article], centroids.indptr[article + 1]
            if end - start > settings.centroid_features:
                data = centroids.data[start:end]
                data[np.argpartition(-data, settings.centroid_features)
                     [settings.centroid_features:]] = 0
        frequency = np.bincount(centroids.indices, minlength=centroids.shape[1])
        common = frequency > max(settings.centroid_common_share * centroids.shape[0],
                                 settings.centroid_common_min)
        centroids.data[common[centroids.indices]] = 0
        centroids.eliminate_zeros()
        centroids = unit_rows(centroids)
        centroids.data *= settings.centroid_temperature
        return centroids.T.tocsr()

    @property
    def many_phrasings(self):
        """Whether the articles have more phrasings, on average, than the regression
        trains on (IndexSettings.classifier_questions): the SVM then ranks, trained on
        every one of them."""
        if self._views is None:
            return False
        questions = int(np.count_nonzero(self._kinds != _BODY))
        return (self.settings.many_phrasings_svm
                and questions > self.settings.classifier_questions * len(self.article_ids))

    def search(self, text, limit=5, semantic=False):
        """Return up to ``limit`` Hits for ``text``, best first."""
        return self.lookup(text, limit, semantic=semantic)[1]

    def lookup(self, text, limit=5, other_readings=None, semantic=False):
        """Return (the reading searched, its Hits best first). The reading is ``text``
        itself unless it reads clearly better as typed with the other keyboard layout
        (hgf'hrm → البطاقة) or as Arabizi (wein talabi → وين طلبي): then that reading is
        searched instead. ``other_readings`` are those readings when the caller has
        worked them out already (kb.text.readings(text)). With ``semantic`` (the bot's
        answers; the help-center search never waits for encoding), an index built with
        an encoder blends in the semantic scores when the lexical best is under
        ``semantic_below``."""
        reading, hits = self._lookup(text, limit, other_readings)
        if (semantic and hits and self._semantic is not None and self._encoder is not None
                and hits[0].score < self.settings.semantic_below
                and not self._asked_as_known(reading, hits[0])):
            return reading, self._blend(reading, hits, limit)
        return reading, hits[:limit]

    def _asked_as_known(self, reading, hit):
        """Whether ``reading`` is ``hit``'s known question (near) verbatim: stronger
        evidence than any model's guess — and a question learned since the build
        (``learn``) is not in the semantic part yet, which would dilute it."""
        return fuzz.ratio(normalize(reading), normalize(hit.question)) >= \
            self.settings.fuzzy_same_question

    def _blend(self, reading, hits, limit):
        """Return ``hits`` (all the lexical candidates) rescored with the semantic
        regression's probabilities, its best articles added, best first."""
        part, weight = self._semantic, self._semantic_weight(reading)
        vector = np.asarray(self._encoder.query(reading), dtype=np.float32)
        logits = vector @ part.coef + part.intercept
        probability = np.exp(logits - logits.max())
        probability /= probability.sum()
        # Only what the regression knows beyond chance counts: over four articles a
        # question about none of them still gets some 0.3 for one, enough to turn a
        # handoff into suggestions; over 77 chance is 0.013 and changes nothing.
        chance = 1 / len(probability)
        probability = np.maximum(probability - chance, 0) / (1 - chance)
        lexical = {hit.article_id: hit for hit in hits}
        positions = [self._positions[hit.article_id] for hit in hits]
        positions += _best(probability, self.settings.semantic_candidates)
        blended = []
        for position in dict.fromkeys(positions):
            article_id = self.article_ids[position]
            hit = lexical.get(article_id)
            if hit is None:  # the semantic part's candidate: its closest embedded text
                start, end = part.starts[position], part.starts[position + 1]
                row = start + int(np.argmax(part.vectors[start:end] @ vector))
                hit = Hit(article_id, 0.0, part.texts[row], bool(part.learned[row]))
            score = (1 - weight) * hit.score + weight * float(probability[position])
            blended.append(dataclasses.replace(hit, score=min(1.0, score),
                                               by_meaning=bool(probability[position] > 0)))
        blended.sort(key=lambda hit: -hit.score)
        return blended[:limit]

    def _semantic_weight(self, reading):
        """Return the semantic probability's share in ``reading``'s blended scores: the
        weight of the language it is read in (IndexSettings.semantic_weight_en for
        English, semantic_weight otherwise), raised where articles have only their
        titles (semantic_titles_lift)."""
        weight = (self.settings.semantic_weight_en if detect_language(reading) == "en"
                  else self.settings.semantic_weight)
        return min(1.0, weight + self.settings.semantic_titles_lift * self._semantic.titles_only)

    def _lookup(self, text, limit, other_readings):
        """``lookup`` by the lexical parts alone, every candidate's Hit kept (at least
        ``limit``)."""
        if self._views is None or not text.strip():
            return text, []
        limit = max(limit, self._candidates + 1)
        similarity, hits = self._rank(text, limit)
        latin = LATIN_LETTER.search(text) is not None
        # Arabizi by its own look ("a3del"): kb.text.arabizi's letter-by-letter reading
        # (some 5 µs for an English question that is none).
        plain = arabizi(text) if latin else None
        # A question's similarity is a cosine times its weight, so never above the
        # heaviest weight: once the customer's own words are that close, no reading
        # that must beat them by variant_advantage could win, and the half of
        # questions that have one skip working them out and searching them. (Arabizi
        # by its own look is always read: its reading needs only to match better.)
        if plain is None and self.settings.variant_advantage * similarity > self._heaviest_weight:
            return text, hits
        others = list(readings(text) if other_readings is None else other_readings)
        written = None  # the Arabic of text that is Arabizi by its own look
        if latin:
            # Arabizi as the index's own Arabic words, not its letter-by-letter reading.
            arabic = self._arabizi_reading(text, plain)
            others = [arabic if reading == plain else reading for reading in others]
            if arabic and arabic not in others:
                others.append(arabic)
            written = arabic if plain else None
        # Repairing typos compares each unknown word with the whole vocabulary: only
        # worth it when the words as typed leave the bot unsure.
        if not hits or hits[0].score < self.settings.repair_below:
            repaired = self._repaired(text)
            if repaired:
                others.append(repaired)
        for reading in others:
            if not self._knows_a_word(reading):
                # Most readings are the keys of a question typed right ("متى يصل" as
                # "lji dwg"): not one word the questions use, so they cannot match one
                # clearly, and ranking them cost half the bot's time on those questions.
                continue
            other_similarity, other_hits = self._rank(reading, limit)
            # A reading the customer did not type must match a known question clearly
            # better than their own words do ("شكرا" is also the keys of "a;vh"). The
            # Arabic of Arabizi by its own look is what they typed, in other letters:
            # it needs only to match better — the writers' Arabizi questions share
            # Latin words ("el", "talab") with it as typed.
            advantage = 1.0 if reading == written else self.settings.variant_advantage
            if other_similarity >= max(advantage * similarity, self.settings.variant_floor):
                return reading, other_hits
        return text, hits

    def _arabizi_reading(self, text, transliterated=False):
        """Return Latin-letter ``text`` read as Arabizi with each word replaced by the
        commonest Arabic word of the questions with the same consonants
        (kb.text.arabizi_skeleton), or None. Text that does not look like Arabizi by its
        own words ("nasit kalimat el sir") is read so too when it has two words or more
        and none the questions use: it is not English the index knows. ``transliterated``: kb.text.arabizi(text), when the
        caller has it already (None when it is not Arabizi by its own look)."""
        if transliterated is False:
            transliterated = arabizi(text)
        if transliterated is None and len(text.split()) >= 2 and not self._knows_a_word(text):
            transliterated = arabizi(text, force=True)
        if not transliterated:
            return None
        words = []
        for word in normalize(transliterated).split():
            if len(word) >= _REPAIR_MIN_LENGTH:
                article, stem = _without_article(word)
                known = self._skeletons.get(arabizi_skeleton(stem))
                # A known word stays unless far rarer: the writers' own Arabizi
                # questions are indexed as readings too ("العنون", once), but "طلبي" is
                # no slip for "طلب".
                if known and self._stem_counts[stem] * _RARER < self._stem_counts[known]:
                    word = article + known
            words.append(word)
        return " ".join(words)

    def sharing_a_word(self, text, hits):
        """Return those of ``hits`` whose article shares a word that says what ``text``
        is about (kb.text.topic_stems) with its titles, writers' or learned questions or
        bodies, as written or within a slip (repair_similarity) for a word of
        _REPAIR_MIN_LENGTH letters or more; or whose article has ``text`` as a question
        verbatim. Arabizi counts in its Arabic reading too; Arabic roots do not count
        (مستعملة "used" and يعمل "works" share one)."""
        if self._views is None:
            return []
        words = topic_stems(text)
        if LATIN_LETTER.search(text):
            # Arabizi searched as typed ("el 7esab"): its words as the index's Arabic too.
            words |= topic_stems(self._arabizi_reading(text) or "")
        long_words = [word for word in words if len(word) >= _REPAIR_MIN_LENGTH]
        exact = self._exact.get(normalize(text))
        kept = []
        for hit in hits:
            position = self._positions.get(hit.article_id)
            if position is None:
                continue
            own = self._article_words(position)
            if (position == exact or not words.isdisjoint(own)
                    or any(process.extractOne(word, own, scorer=fuzz.ratio,
                                              score_cutoff=self.settings.repair_similarity)
                           for word in long_words)):
                kept.append(hit)
        return kept

    def _article_words(self, position):
        """Return the stems of the texts of the article at ``position`` (a frozenset),
        worked out the first time they are needed: most articles never are, and a build
        of thousands of phrasings would pay for all. From the stems the build cached
        (kb.text.stems), glue words' among them: a question's glue never reaches them."""
        own = self._words.get(position)
        if own is None:
            texts = self.questions[self._starts[position]:self._ends[position]]
            own = frozenset().union(*(stems(text) for text in texts))
            self._words[position] = own  # two threads at once compute the same value
        return own

    def _knows_a_word(self, text):
        """Whether ``text`` has a word (normalized) that the index's questions use."""
        return any(word in self._known_words for word in normalize(text).split())

    def _repaired(self, text):
        """Return ``text`` (normalized) with each unknown word of REPAIR_MIN_LENGTH
        letters or more replaced by the most similar word the index's questions use
        ("cancle" → "cancel"), or None when no word needs or finds a repair."""
        words, changed = normalize(text).split(), False
        for position, word in enumerate(words):
            if len(word) < _REPAIR_MIN_LENGTH or word in self._known_words or not word.isalpha():
                continue
            match = process.extractOne(word, self._vocabulary.get(word[0], ()),
                                       scorer=fuzz.ratio,
                                       score_cutoff=self.settings.repair_similarity)
            if match:
                words[position], changed = match[0], True
        return " ".join(words) if changed else None

    def _probabilities(self, indices, values, rooted=False):
        """Return the classifier's probability of each article for one question
        (``rooted``: one with words in the root view)."""
        if self._classifier is None:
            return np.ones(len(self.article_ids), dtype=np.float32)
        coef, intercept = self._classifier
        if sp.issparse(coef):
            logits = _centroid_logits(coef, indices, values) + intercept
        else:
            logits = values @ coef[self._weight_row[indices]] + intercept
            if rooted:  # the scores' scale without roots (IndexSettings.root_temperature)
                logits /= self.settings.root_temperature
        logits = np.exp(logits - logits.max())
        return logits / logits.sum()

    def _similarities(self, start, end, query):
        """Return the weighted cosine of the dense ``query`` with questions start:end."""
        matrix = self._near_matrix
        bounds = matrix.indptr[start:end + 1]
        low, high = bounds[0], bounds[-1]
        if high == low:
            return np.zeros(end - start, dtype=np.float32)
        sums = np.zeros(end - start, dtype=np.float32)
        if _csr_matvec is not None:
            # scipy's C loop over the rows' slice of the CSR arrays (views, no copy):
            # six times as fast as gathering the products in numpy for an article with
            # hundreds of phrasings, without building a matrix object per article.
            _csr_matvec(end - start, matrix.shape[1], bounds - low, matrix.indices[low:high],
                        matrix.data[low:high], query, sums)
        else:
            products = matrix.data[low:high] * query[matrix.indices[low:high]]
            offsets = np.minimum(bounds[:-1] - low, high - low - 1)
            sums = np.add.reduceat(products, offsets)
            sums[np.diff(bounds) == 0] = 0.0  # reduceat gives an empty row its neighbour's
        return sums * self._question_weight[start:end]

    def _rank(self, text, limit):
        """Return (closest question similarity, Hits) for one reading of a question."""
        settings = self.settings
        indices, values = self._views.vector(text)
        if not len(indices):
            return 0.0, []  # not one word or n-gram the index knows: nothing matches
        normalized = normalize(text)
        probability = self._probabilities(indices, values,
                                          rooted=self._roots and bool(roots(text)))
        scores = (1 - self._nearest_weight) * probability
        # Nearest questions are compared only within the classifier's best articles
        # (and the article whose question this is, verbatim): the work stays bounded
        # however many questions the articles have learned.
        candidates = _best(probability, self._candidates)
        exact = self._exact.get(normalized)
        if exact is not None and exact not in candidates:
            candidates.append(exact)
        query = np.zeros(self._matrix.shape[1], dtype=np.float32)
        keep = self._rare[indices]
        norm = np.linalg.norm(values[keep])
        if norm > 0:
            query[indices[keep]] = values[keep] / norm
        closest_similarity = 0.0
        closest = {}
        for position in candidates:
            start, end = self._starts[position], self._ends[position]
            similarity = self._similarities(start, end, query)
            best_row = int(np.argmax(similarity))
            scores[position] += self._nearest_weight * similarity[best_row]
            closest[position] = (start + best_row, similarity)
            closest_similarity = max(closest_similarity, float(similarity[best_row]))
        hits, verbatim, matched = [], 0.0, set()
        for position in candidates:
            row, similarity = closest[position]
            score = float(scores[position])
            # A known question typed with a slip or two counts as asked verbatim; only
            # the most similar few are compared, character by character.
            start = self._starts[position]
            nearby = np.argsort(-similarity)[: settings.fuzzy_candidates] + start
            match = process.extractOne(normalized, [self._normalized[r] for r in nearby],
                                       scorer=fuzz.ratio)
            if match and match[1] >= settings.fuzzy_same_question:
                row = int(nearby[match[2]])
                score = max(score, match[1] / 100 * float(self._question_weight[row]))
                verbatim = max(verbatim, score)
                matched.add(position)
            hits.append(Hit(self.article_ids[position], min(1.0, score),
                            self.questions[row], bool(self._learned[row])))
        if verbatim:
            # The customer asked a known question (near) verbatim: that is stronger
            # evidence than any model's guess, so the other articles share what is left.
            hits = [hit if position in matched else
                    dataclasses.replace(hit, score=hit.score * (1 - verbatim))
                    for position, hit in zip(candidates, hits)]
        hits.sort(key=lambda hit: -hit.score)
        return closest_similarity, hits[:limit]


@dataclasses.dataclass(frozen=True, eq=False)
class _Semantic:
    """An index's semantic part: the regression over embedded texts (feature-major
    weights, intercepts) and those texts with their vectors, grouped by article."""
    name: str  # the encoder's: vectors of another model do not compare
    coef: np.ndarray  # dim x articles
    intercept: np.ndarray
    vectors: np.ndarray  # a row per embedded text
    texts: tuple
    learned: np.ndarray  # whether each text is a learned question
    starts: np.ndarray  # article p's texts are starts[p]:starts[p + 1]
    titles_only: float  # share of the articles with only a title to embed


def _fit_semantic(vectors, owners, weights, c):
    """Return (coef, intercept) of a multinomial logistic regression on ``vectors``
    (scikit-learn imported here, as in ``_fit_linear``)."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    classifier = LogisticRegression(C=c, max_iter=1000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # A help center of titles alone has one text a class: that is the point.
        warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
        classifier.fit(vectors, owners, sample_weight=weights)
    return classifier.coef_, classifier.intercept_


def _semantic_texts(versions, learned, count):
    """Return up to ``count`` (text, is learned) of an article to embed: its titles,
    then its versions' questions taken in turn (the Arabic and the English in equal
    share), then the newest learned questions."""
    texts = [a.title for a in versions]
    columns = [list(a.questions) for a in versions]
    for row in range(max((len(c) for c in columns), default=0)):
        texts.extend(c[row] for c in columns if row < len(c))
    texts = [t for t in dict.fromkeys(texts) if t.strip()][:count]
    extra = [q for q in reversed(learned) if q not in texts][: max(0, count - len(texts))]
    return [(t, False) for t in texts] + [(q, True) for q in extra]


def _centroid_logits(centroids, indices, values):
    """Return the logits of every article for the query (``indices``, ``values``)
    against feature-major ``centroids``: a sum over the postings of the query's
    features that the centroids keep, the query renormalized over those features."""
    starts, ends = centroids.indptr[indices], centroids.indptr[indices + 1]
    lengths = ends - starts
    kept = lengths > 0
    logits = np.zeros(centroids.shape[1], dtype=np.float32)
    norm = np.linalg.norm(values[kept])
    if not norm:
        return logits
    starts, lengths, values = starts[kept], lengths[kept], values[kept] / norm
    # The postings' positions in the CSR arrays, feature after feature.
    ends = np.cumsum(lengths)
    positions = np.arange(ends[-1]) + np.repeat(starts - (ends - lengths), lengths)
    weights = centroids.data[positions] * np.repeat(values, lengths)
    return np.bincount(centroids.indices[positions], weights=weights,
                       minlength=centroids.shape[1]).astype(np.float32)


def _best(scores, count):
    """Return the positions of the ``count`` highest ``scores``, highest first."""
    if len(scores) > count:
        top = np.argpartition(-scores, count)[:count]
        return list(top[np.argsort(-scores[top], kind="stable")])
    return list(np.argsort(-scores, kind="stable"))


def _fit_linear(features, labels, weights, many, settings):
    """Return (coef, intercept, scale) of a linear SVM (``many`` phrasings) or a
    multinomial logistic regression fitted to ``features``, scale the factor that makes
    its margins logits. scikit-learn is imported here, not at the top: it takes about a
    second to import, and an index loaded from the cache (kb.cache) never trains."""
    import warnings
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC
    scale = 1.0
    if many:
        # A fixed seed for the order liblinear visits the rows in: the same articles
        # build the same index.
        classifier = LinearSVC(C=settings.svm_c, tol=settings.svm_tolerance, random_state=0)
        scale = settings.svm_temperature
    else:
        classifier = LogisticRegression(C=settings.regularization_c, max_iter=1000)
    with warnings.catch_warnings():
        # Near-separable data converges slowly at the end; the ranking is settled
        # long before the last digits of the loss.
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(features, labels, sample_weight=weights)
    return classifier.coef_, classifier.intercept_, scale


def build_index(folder, learned=None, settings=None, encoder=None):
    """Return a new Index over the published articles in ``folder`` (raises
    ArticleError for a broken file, so a caller can keep serving its old index)."""
    return Index(load_articles(folder), learned=learned, settings=settings, encoder=encoder)
