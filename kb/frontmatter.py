"""Edit an article's front matter the way a careful writer would: add questions to its
``questions:`` list and touch nothing else — no reordering, no reformatting, the body
byte for byte the same — so the change reads as a small diff in review.

    add_questions(text, ["ابغى ارجع الجزمة"]) -> new text
"""
import collections
import dataclasses
import json
import re

import yaml

from .articles import ArticleError, load_articles, parse_article
from .text import normalize

__all__ = ["add_questions", "plan_export", "Change"]

_KEY = re.compile(r"^questions\s*:(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<indent>\s+)-\s")
_TOP_LEVEL = re.compile(r"^[^\s#-][^:]*:")


def _scalar(question, flow=False):
    """Return ``question`` as a YAML scalar: plain when YAML reads it back unchanged (in
    a block list, or a flow list ``[...]``), else double-quoted (JSON strings are YAML)."""
    try:
        if yaml.safe_load(f"[{question}]" if flow else f"- {question}") == [question]:
            return question
    except yaml.YAMLError:
        pass
    return json.dumps(question, ensure_ascii=False)


def add_questions(text, questions, path="article.md"):
    """Return ``text`` (an article file) with ``questions`` appended to its front
    matter's ``questions:`` list, skipping any it already has (compared after
    normalization). The result is checked by parsing it; raises ArticleError when the
    file cannot be parsed before or after."""
    article = parse_article(path, text)
    have = {normalize(q) for q in (article.title, *article.questions)}
    new = []
    for question in questions:
        question = " ".join(str(question).split())
        if question and normalize(question) not in have:
            have.add(normalize(question))
            new.append(question)
    if not new:
        return text
    lines = text.split("\n")
    close = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    key = next((i for i in range(1, close) if _KEY.match(lines[i])), None)
    if key is None:
        insert = ["questions:"] + [f"  - {_scalar(q)}" for q in new]
        lines[close:close] = insert
    else:
        rest = _KEY.match(lines[key]).group("rest").strip()
        if rest.startswith("["):
            # A flow list ("questions: [a, b]"): extend it on its own line.
            items = yaml.safe_load(rest) or []
            lines[key] = "questions: [" + ", ".join(
                [_scalar(str(q), flow=True) for q in items + new]) + "]"
        else:
            last, indent = key, "  "
            for i in range(key + 1, close):
                item = _ITEM.match(lines[i])
                if item:
                    last, indent = i, item.group("indent")
                elif _TOP_LEVEL.match(lines[i]):
                    break
                elif lines[i].strip() and not lines[i].lstrip().startswith("#"):
                    last = i  # a continuation of the previous item
            if rest and not rest.startswith("#"):
                # "questions: one question" — a single scalar: make it the first item.
                lines[key] = "questions:"
                lines.insert(key + 1, f"{indent}- {rest}")
                last = key + 1
            lines[last + 1:last + 1] = [f"{indent}- {_scalar(q)}" for q in new]
    result = "\n".join(lines)
    parsed = parse_article(path, result)
    missing = [q for q in new if q not in parsed.questions]
    if missing:
        raise ArticleError(path, key or close, f"could not add {missing[0]!r} to the questions")
    return result


@dataclasses.dataclass(frozen=True)
class Change:
    path: str
    before: str
    after: str
    questions: tuple  # the questions added


def plan_export(folder, learned):
    """Return the Changes that write ``learned`` questions — (article_id, lang,
    question) triples — into the articles under ``folder``: each into the article's
    file in the question's language (else its other version), skipping questions the
    article already has and articles that no longer exist. Nothing is written."""
    files = {}
    for article in load_articles(folder, include_drafts=True):
        files[(article.id, article.lang)] = article.path
        files.setdefault((article.id, None), article.path)
    wanted = collections.defaultdict(list)
    for article_id, lang, question in learned:
        path = files.get((article_id, lang)) or files.get((article_id, None))
        if path:
            wanted[path].append(question)
    changes = []
    for path, questions in sorted(wanted.items()):
        with open(path, encoding="utf-8") as f:
            before = f.read()
        after = add_questions(before, questions, path)
        if after != before:
            added = tuple(q for q in dict.fromkeys(questions) if q in after)
            changes.append(Change(path, before, after, added))
    return changes
