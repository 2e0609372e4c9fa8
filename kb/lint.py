"""Check a folder of articles the way a careful editor would, and say exactly where
each problem is. It owns the editor's rules (ids, questions, links, related articles,
images, translations, near-duplicates); kb.vectors compares the articles' words.

    check("articles") -> list[Problem]     # errors first, then warnings; by file and line
"""
import collections
import dataclasses
import os
import re

import numpy as np

from .articles import (ArticleError, LANGS, article_files, load_categories, load_synonyms,
                       read_article)
from .text import normalize, terms
from .vectors import Views

__all__ = ["Problem", "check"]

# Cosine similarity of two articles' words (title, questions, body; their search terms,
# kb.text.terms, as TF-IDF) above which they probably say the same thing and should be
# merged. Translations are compared within one language only.
NEAR_DUPLICATE = 0.8
_ARTICLE_LINK = re.compile(r"\]\(article:([^)\s#]+)")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


@dataclasses.dataclass(frozen=True)
class Problem:
    path: str
    line: int
    level: str  # "error" | "warning"
    code: str  # a stable identifier, e.g. "duplicate-question"
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.level}: {self.message} [{self.code}]"


def check(folder):
    """Return every Problem found in the articles under ``folder``: errors first."""
    problems = []
    if not os.path.isdir(folder):
        return [Problem(folder, 0, "error", "no-folder", "not a folder of articles")]
    articles = []
    for path in article_files(folder):
        try:
            articles.append(read_article(path, root=folder))
        except ArticleError as error:
            problems.append(Problem(error.path, error.line, "error", "invalid-article",
                                    error.message))
    try:
        categories = {c.id for c in load_categories(folder)}
    except ArticleError as error:
        problems.append(Problem(error.path, error.line, "error", "invalid-categories",
                                error.message))
        categories = set()
    try:
        load_synonyms(folder)
    except ArticleError as error:
        problems.append(Problem(error.path, error.line, "error", "invalid-synonyms",
                                error.message))
    problems += _duplicate_ids(articles)
    problems += _duplicate_questions(articles)
    problems += _links_and_images(folder, articles)
    problems += _related(articles)
    problems += _missing_translations(articles)
    problems += _near_duplicates(articles)
    for article in articles:
        if categories and article.category and article.category not in categories:
            problems.append(Problem(article.path, article.category_line, "error", "unknown-category",
                                    f"category {article.category!r} is not in categories.yml"))
        if not article.summary:
            problems.append(Problem(article.path, article.body_line, "warning", "no-answer",
                                    "the body has no first paragraph for the bot to answer with"))
    return sorted(problems, key=lambda p: (p.level != "error", p.path, p.line))


def _duplicate_ids(articles):
    seen = {}
    for article in articles:
        key = (article.id, article.lang)
        if key in seen:
            yield Problem(article.path, 1, "error", "duplicate-id",
                          f"id {article.id!r} in {article.lang} is also used by {seen[key]}")
        else:
            seen[key] = article.path


def _duplicate_questions(articles):
    """The same question (after normalization) under two different articles."""
    owners = collections.defaultdict(list)
    for article in articles:
        for question, line in zip((article.title, *article.questions),
                                  (2, *article.question_lines)):
            owners[" ".join(terms(question)) or normalize(question)].append(
                (article, line, question))
    for places in owners.values():
        ids = {article.id for article, _, _ in places}
        if len(ids) < 2:
            continue
        first = places[0]
        for article, line, question in places[1:]:
            if article.id != first[0].id:
                yield Problem(article.path, line, "error", "duplicate-question",
                              f"{question!r} is also a question of {first[0].id!r} "
                              f"({first[0].path}:{first[1]}): a question belongs to one article")


def _links_and_images(folder, articles):
    ids = {article.id for article in articles}
    published = {article.id for article in articles if article.published}
    for article in articles:
        for offset, line in enumerate(article.body.split("\n")):
            where = article.body_line + offset
            for target in _ARTICLE_LINK.findall(line):
                if target not in ids:
                    yield Problem(article.path, where, "error", "missing-link",
                                  f"link to missing article {target!r}")
                elif target not in published and article.published:
                    yield Problem(article.path, where, "warning", "draft-link",
                                  f"link to draft article {target!r}: readers cannot open it")
            for target in _IMAGE.findall(line):
                if "://" in target or target.startswith(("/", "data:")):
                    continue
                image = os.path.join(os.path.dirname(article.path), target)
                inside = os.path.realpath(image).startswith(os.path.realpath(folder) + os.sep)
                if not inside or not os.path.isfile(image):
                    yield Problem(article.path, where, "error", "missing-image",
                                  f"image {target!r} not found under {folder}")


def _related(articles):
    """``related:`` ids that name no article (an error: a typo the page would hide), a
    draft (readers cannot open it: it is left out until published) or the article
    itself (left out)."""
    ids = {article.id for article in articles}
    published = {article.id for article in articles if article.published}
    for article in articles:
        for target, line in zip(article.related, article.related_lines):
            if target == article.id:
                yield Problem(article.path, line, "warning", "self-related",
                              f"{target!r} is this article: list other articles")
            elif target not in ids:
                yield Problem(article.path, line, "error", "unknown-related",
                              f"related article {target!r} does not exist")
            elif target not in published and article.published:
                yield Problem(article.path, line, "warning", "draft-related",
                              f"related article {target!r} is a draft: readers will not "
                              f"see it until it is published")


def _missing_translations(articles):
    langs = collections.defaultdict(dict)
    for article in articles:
        langs[article.id][article.lang] = article
    for article_id, versions in langs.items():
        for lang in LANGS:
            if lang not in versions:
                present = next(iter(versions.values()))
                yield Problem(present.path, 1, "warning", "missing-translation",
                              f"{article_id!r} has no {lang} version")


def _near_duplicates(articles):
    for lang in LANGS:
        group = [a for a in articles if a.lang == lang]
        if len(group) < 2:
            continue
        texts = [" ".join([a.title, *a.questions, a.body]) for a in group]
        matrix = Views(["terms"]).fit_transform(texts)
        similarity = (matrix @ matrix.T).toarray()
        np.fill_diagonal(similarity, 0)
        for i, j in zip(*np.nonzero(np.triu(similarity) >= NEAR_DUPLICATE)):
            a, b = group[i], group[j]
            if a.id != b.id:
                yield Problem(b.path, 1, "warning", "near-duplicate",
                              f"{b.id!r} reads almost the same as {a.id!r} ({a.path}); "
                              f"similarity {similarity[i, j]:.2f}: merge them or tell them apart")
