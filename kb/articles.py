"""Load help-center articles: Markdown files with YAML front matter.

    load_articles("articles") -> list[Article]

A broken file never silently drops out: it raises ArticleError naming the file and
line, so the writer can fix it (and `dalil check` lists every such problem).
"""
import dataclasses
import os
import re

import yaml

from .text import detect_language

__all__ = ["Article", "ArticleError", "Category", "load_articles", "load_categories",
           "load_synonyms",
           "parse_article", "article_files", "short_answer", "LANGS", "STATUSES"]

LANGS = ("ar", "en")
STATUSES = ("published", "draft")
KNOWN_KEYS = {"id", "title", "lang", "category", "tags", "questions", "status", "related"}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LANG_SUFFIX = re.compile(r"\.(ar|en)$")


class ArticleError(ValueError):
    """An article file that cannot be loaded; ``str()`` reads ``file:line: message``."""

    def __init__(self, path, line, message):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


@dataclasses.dataclass(frozen=True)
class Article:
    id: str
    lang: str
    title: str
    body: str
    path: str
    category: str = ""
    tags: tuple = ()
    questions: tuple = ()
    status: str = "published"
    # 1-based line of each question in the file, parallel to ``questions`` (for lint).
    question_lines: tuple = ()
    body_line: int = 1
    category_line: int = 1  # the category key's line, or 1 when it comes from the folder
    # Ids of the articles the writer says a reader may want next, in their order; what
    # they name is checked by `dalil check` (kb.lint), not here: a typo never stops a load.
    related: tuple = ()
    related_lines: tuple = ()  # 1-based line of each, parallel to ``related`` (for lint)

    @property
    def published(self):
        return self.status == "published"

    @property
    def summary(self):
        """The short answer: the body's first paragraph as plain text."""
        return short_answer(self.body)


@dataclasses.dataclass(frozen=True)
class Category:
    id: str
    titles: dict
    descriptions: dict
    icon: str = ""
    position: int = 0

    def title(self, lang):
        return self.titles.get(lang) or self.titles.get("en") or self.id


def article_files(folder):
    """Return the paths of every ``.md`` file under ``folder``, sorted, skipping
    hidden folders and README files."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.endswith(".md") and name.lower() != "readme.md":
                found.append(os.path.join(root, name))
    return found


def _split_front_matter(path, text):
    """Return (front matter text, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ArticleError(path, 1, "front matter missing: the file must start with a '---' line")
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "\n".join(lines[1:number - 1]), "\n".join(lines[number:]), number + 1
    raise ArticleError(path, 1, "front matter not closed: add a '---' line after it")


# libyaml's loader when present: ten times faster on knowledge bases of 20,000 questions.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_node(path, front):
    try:
        node = yaml.compose(front, Loader=_LOADER)
        data = yaml.load(front, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or str(error)
        raise ArticleError(path, line, f"front matter is not valid YAML: {problem}") from None
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise ArticleError(path, 2, "front matter must be key: value pairs")
    return node, data


def _key_lines(node):
    """Map each top-level key to (its line, [line of each list item]) — 1-based, in the file."""
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            items = []
            if isinstance(value, yaml.SequenceNode):
                items = [item.start_mark.line + 2 for item in value.value]
            lines[key.value] = (key.start_mark.line + 2, items)
    return lines


def _text_list(path, line, key, value, what="texts"):
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ArticleError(path, line, f"'{key}' must be a list of {what}")
    return tuple(str(v).strip() for v in value)


def parse_article(path, text, root=None):
    """Return the Article in ``text`` (the content of ``path``); raise ArticleError."""
    front, body, body_line = _split_front_matter(path, text)
    node, data = _yaml_node(path, front)
    lines = _key_lines(node)

    def line_of(key):
        return lines.get(key, (2, []))[0]

    name = os.path.basename(path)[: -len(".md")]
    suffix = _LANG_SUFFIX.search(name)
    base = _LANG_SUFFIX.sub("", name)

    title = data.get("title")
    if not isinstance(title, (str, int, float)) or not str(title).strip():
        raise ArticleError(path, line_of("title"), "'title' is required")

    article_id = str(data.get("id") or base).strip()
    if not _ID.match(article_id):
        raise ArticleError(path, line_of("id"),
                           f"id {article_id!r} must be lowercase letters, digits, '-' or '_'")

    lang = data.get("lang") or (suffix.group(1) if suffix else None)
    if lang is None:
        lang = detect_language(f"{title}\n{body}")
    if lang not in LANGS:
        raise ArticleError(path, line_of("lang"), f"unknown lang {lang!r}: use ar or en")
    if suffix and suffix.group(1) != lang:
        raise ArticleError(path, line_of("lang"),
                           f"lang {lang!r} disagrees with the file name suffix .{suffix.group(1)}.md")

    status = data.get("status") or "published"
    if status not in STATUSES:
        raise ArticleError(path, line_of("status"),
                           f"unknown status {status!r}: use published or draft")

    category = data.get("category")
    if category is None and root is not None:
        # Articles filed in a sub-folder belong to that category unless they say otherwise.
        parent = os.path.relpath(os.path.dirname(path), root)
        category = "" if parent == "." else parent.split(os.sep)[0]
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ArticleError(path, line_of(unknown[0]),
                           f"unknown key {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})")

    questions = _text_list(path, line_of("questions"), "questions", data.get("questions"))
    question_lines = tuple(lines.get("questions", (0, []))[1]) or (line_of("questions"),) * len(questions)
    for question, line in zip(questions, question_lines):
        if not question:
            raise ArticleError(path, line, "empty question")
    related, related_lines = _related(path, data.get("related"), lines, line_of("related"))
    return Article(
        id=article_id,
        lang=lang,
        title=str(title).strip(),
        body=body.strip("\n"),
        path=path,
        category=str(category or ""),
        tags=_text_list(path, line_of("tags"), "tags", data.get("tags")),
        questions=questions,
        status=status,
        question_lines=question_lines,
        body_line=body_line,
        category_line=lines["category"][0] if "category" in lines else 1,
        related=related,
        related_lines=related_lines,
    )


def _related(path, value, lines, line):
    """Return (the ``related:`` ids, the line of each); raise ArticleError for a value
    that is no list of ids ("related: [refunds, exchanges]", or one id)."""
    related = _text_list(path, line, "related", value, "article ids")
    related_lines = tuple(lines.get("related", (0, []))[1]) or (line,) * len(related)
    for article_id, where in zip(related, related_lines):
        if not article_id:
            raise ArticleError(path, where, "empty related id")
    return related, related_lines


def read_article(path, root=None):
    """Return the Article in the file at ``path``; raise ArticleError."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as error:
        raise ArticleError(path, 1, f"cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ArticleError(path, line, "not UTF-8 text: save the file as UTF-8") from None
    return parse_article(path, text.replace("\r\n", "\n"), root=root)


def load_articles(folder, include_drafts=False):
    """Return every article under ``folder`` (published only unless ``include_drafts``);
    raise ArticleError for the first broken file or a duplicate id and language."""
    if not os.path.isdir(folder):
        raise ArticleError(folder, 0, "not a folder of articles")
    seen = {}
    articles = []
    for path in article_files(folder):
        article = read_article(path, root=folder)
        key = (article.id, article.lang)
        if key in seen:
            raise ArticleError(path, 1, f"duplicate id {article.id!r} in {article.lang}: "
                                        f"also in {seen[key]}")
        seen[key] = path
        if article.published or include_drafts:
            articles.append(article)
    return articles


def _yaml_list(folder, name, what):
    """Return (path, the YAML list in ``folder/name``), the list empty when the file is
    missing; raise ArticleError (with the line) when it is not valid YAML or no list."""
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return path, []
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or []
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        raise ArticleError(path, mark.line + 1 if mark else 1,
                           f"{name} is not valid YAML") from None
    if not isinstance(data, list):
        raise ArticleError(path, 1, f"{name} must be {what}")
    return path, data


def load_categories(folder):
    """Return the categories listed in ``folder/categories.yml``, in their display order
    (empty when there is no such file); raise ArticleError when it is malformed."""
    path, data = _yaml_list(folder, "categories.yml", "a list of categories")
    categories = []
    for position, item in enumerate(data):
        if not isinstance(item, dict) or not item.get("id"):
            raise ArticleError(path, 1, f"category #{position + 1} needs an id")
        titles = item.get("title") or {}
        descriptions = item.get("description") or {}
        if isinstance(titles, str):
            titles = {"ar": titles, "en": titles}
        if isinstance(descriptions, str):
            descriptions = {"ar": descriptions, "en": descriptions}
        categories.append(Category(str(item["id"]), dict(titles), dict(descriptions),
                                   str(item.get("icon") or ""), position))
    return categories


def load_synonyms(folder):
    """Return the synonym groups in ``folder/synonyms.yml`` — a YAML list of lists of
    words customers and writers use for the same thing — as a tuple of tuples (empty
    when there is no such file); raise ArticleError when it is malformed."""
    path, data = _yaml_list(folder, "synonyms.yml", "a list of groups like [word, word]")
    groups = []
    for number, group in enumerate(data, start=1):
        if (not isinstance(group, list) or len(group) < 2
                or not all(isinstance(w, (str, int)) and str(w).strip() for w in group)):
            raise ArticleError(path, 1, f"synonym group #{number} must list two or more words")
        groups.append(tuple(str(w).strip() for w in group))
    return tuple(groups)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE = re.compile(r"[*_`]+")


def short_answer(body):
    """Return the first paragraph of a Markdown body as plain text (links keep their
    text, emphasis markers go); empty when the body has no paragraph."""
    paragraph = []
    for line in body.split("\n"):
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if not paragraph and stripped.startswith(("#", "|", "```", "<", "---", "![")):
            continue
        paragraph.append(stripped)
    text = _LINK.sub(r"\1", " ".join(paragraph))
    return _INLINE.sub("", text).strip()
