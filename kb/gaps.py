"""Content gaps: group the questions no article answered into clusters of the same
need, biggest first, each with the closest existing article and a draft article to
start from. Pure: questions in, clusters and Markdown out (the bot's insights find the
questions; kb.vectors turns them into vectors).

    clusters = cluster_questions(["هل تبيعون بطاقات شحن؟", "عندكم بطاقات شحن؟", ...],
                                 index=index)  # a kb.index.Index (optional)
    draft_article(clusters[0], "ar") -> Markdown text for articles/
"""
import dataclasses
import hashlib
import json
import re

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .text import detect_language, normalize
from .vectors import Views

__all__ = ["Cluster", "cluster_questions", "draft_article", "SAME_NEED"]

# How questions are compared (kb.vectors.Views): word stems beside character 2–4-grams
# of the normalized text, counted (not binary), in double precision — the measure
# SAME_NEED was chosen on.
VIEWS = ("stems", "text_ngrams")
# Average cosine similarity (on VIEWS) above which questions are taken to ask for the
# same thing. Paraphrases of one need score about 0.2–0.6 on this measure; unrelated
# questions below 0.1.
SAME_NEED = 0.2
# Clustering is quadratic in the number of questions: the newest ones are kept.
MAX_QUESTIONS = 3000


@dataclasses.dataclass(frozen=True)
class Cluster:
    questions: tuple  # the cluster's questions, most typical first
    langs: tuple  # its languages, e.g. ("ar", "en")
    closest_article: object = None  # the id of the nearest existing article, or None
    closest_score: float = 0.0

    @property
    def size(self):
        return len(self.questions)


def cluster_questions(questions, *, same_need=SAME_NEED, index=None):
    """Return Clusters of ``questions`` (texts; repeats count), biggest first. With an
    ``index``, each cluster names the closest existing article."""
    questions = [q for q in questions if q and q.strip()][-MAX_QUESTIONS:]
    if not questions:
        return []
    if len(questions) == 1:
        groups = np.zeros(1, dtype=int)
        similarity = np.ones((1, 1))
    else:
        vectors = Views(VIEWS).fit_transform(questions)
        similarity = (vectors @ vectors.T).toarray()
        # Average linkage: two groups join while their questions' mean distance stays
        # under the threshold (scipy's, not scikit-learn's clustering: the same merges,
        # and `dalil` commands need not import scikit-learn, a second's work).
        distance = np.clip(1 - similarity, 0, None)
        np.fill_diagonal(distance, 0)
        tree = linkage(squareform(distance, checks=False), method="average")
        groups = fcluster(tree, t=np.nextafter(1 - same_need, 0), criterion="distance")
    clusters = []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        # Most typical first: the highest mean similarity to the rest of the cluster.
        typical = members[np.argsort(-similarity[np.ix_(members, members)].mean(axis=1),
                                     kind="stable")]
        texts = tuple(questions[i] for i in typical)
        closest, score = None, 0.0
        if index is not None:
            hits = index.search(texts[0], limit=1)
            if hits:
                closest, score = hits[0].article_id, hits[0].score
        langs = tuple(sorted({detect_language(t) for t in texts}))
        clusters.append(Cluster(texts, langs, closest, score))
    clusters.sort(key=lambda c: (-c.size, c.questions[0]))
    return clusters


_SLUG = re.compile(r"[^a-z0-9]+")


def draft_article(cluster, lang):
    """Return the Markdown text of a draft article for ``cluster`` in ``lang``: front
    matter with the cluster's questions (status: draft), and a body for the writer."""
    # Repeats count towards a cluster's size but belong in an article once.
    questions = list(dict.fromkeys(cluster.questions))
    own = [q for q in questions if detect_language(q) == lang] or questions
    title = own[0]
    # An ASCII id from the title when it has one, else a stable one from its hash.
    slug = _SLUG.sub("-", normalize(title).lower()).strip("-")[:60].strip("-")
    if not slug:
        slug = "new-article-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    lines = ["---", f"id: {slug}", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"lang: {lang}", "status: draft"]
    if cluster.closest_article:
        lines.append(f"# closest existing article: {cluster.closest_article} "
                     f"(score {cluster.closest_score:.2f}) — extend it instead?")
    lines.append("questions:")
    lines += [f"  - {json.dumps(q, ensure_ascii=False)}" for q in own[1:21]]
    lines += ["---", ""]
    if lang == "ar":
        lines += ["اكتب هنا الإجابة القصيرة التي يرسلها البوت (الفقرة الأولى).", "",
                  "## التفاصيل", ""]
    else:
        lines += ["Write the short answer the bot sends here (the first paragraph).", "",
                  "## Details", ""]
    return "\n".join(lines)
