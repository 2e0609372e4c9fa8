"""Turn an article's Markdown body into safe HTML, or into plain text for snippets.

    render(body, article_url=lambda id: f"/ar/articles/{id}",
           image_url=lambda path: f"/media/{path}", base="returns") -> str

Writers use headings, lists, tables, code, links between articles by id
(``[refunds](article:refunds)``) and images under ``articles/``. Whatever the Markdown
holds, the HTML that comes out is sanitized by nh3 (the Rust ammonia sanitizer): no
``<script>``, no ``on*`` attributes, no ``javascript:`` URLs.
"""
import html
import posixpath
import re
import threading
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

__all__ = ["render", "plain_text", "ARTICLE_SCHEME"]

ARTICLE_SCHEME = "article:"
# Headings and a few presentational attributes on top of nh3's defaults; ids only on
# headings (for links to a section), and prefixed so an article cannot reuse an id the
# page's own script relies on (DOM clobbering).
_ATTRIBUTES = {**{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
               **{f"h{level}": {"id"} for level in range(1, 7)},
               "code": {"class"}, "span": {"lang", "dir"}, "p": {"dir"}, "div": {"dir"}}
_TAGS = set(nh3.ALLOWED_TAGS) - {"area", "map"}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ID_PREFIX = "s-"
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:|^//|^/", re.IGNORECASE)


class _Links(Treeprocessor):
    """Rewrite ``article:ID`` links and relative image paths to the site's URLs."""

    def __init__(self, md, article_url, image_url, base):
        super().__init__(md)
        self.article_url, self.image_url, self.base = article_url, image_url, base

    def run(self, root: etree.Element):
        for link in root.iter("a"):
            href = link.get("href", "")
            if href.startswith(ARTICLE_SCHEME):
                target, _, fragment = href[len(ARTICLE_SCHEME):].partition("#")
                url = self.article_url(target.strip()) if self.article_url else ""
                link.set("href", url + (f"#{_ID_PREFIX}{fragment}" if fragment else ""))
            elif href.startswith("#") and not href.startswith("#" + _ID_PREFIX):
                # A link within the article ([fees](#fees), the table of contents)
                # follows its heading, whose id gets the prefix.
                link.set("href", f"#{_ID_PREFIX}{href[1:]}")
        for image in root.iter("img"):
            src = image.get("src", "")
            if src and not _EXTERNAL.match(src) and self.image_url:
                path = posixpath.normpath(posixpath.join(self.base, src))
                # A path climbing out of the articles folder is dropped here; the media
                # route refuses it too.
                image.set("src", "" if path.startswith("..") else self.image_url(path))


class _LinkExtension(Extension):
    def __init__(self, article_url, image_url, base):
        super().__init__()
        self.args = article_url, image_url, base

    def extendMarkdown(self, md):
        # After inline parsing (priority 20) so links and images exist as elements.
        md.treeprocessors.register(_Links(md, *self.args), "dalil_links", 5)


def _converter(article_url=None, image_url=None, base=""):
    return markdown.Markdown(
        extensions=["tables", "fenced_code", "sane_lists", "toc",
                    _LinkExtension(article_url, image_url, base)],
        extension_configs={"toc": {"slugify": slugify_unicode},
                           "tables": {"use_align_attribute": True}},
        output_format="html",
    )


def _markdown(body, article_url=None, image_url=None, base=""):
    return _converter(article_url, image_url, base).convert(body)


# plain_text's converter, one per thread (a Markdown object is not safe to share): making
# one sets up every extension and pattern, a third of the work of converting a short
# body, and the search converts every article when it is built.
_PLAIN = threading.local()


def _plain_markdown(body):
    converter = getattr(_PLAIN, "converter", None)
    if converter is None:
        converter = _PLAIN.converter = _converter()
    return converter.reset().convert(body)


def render(body, *, article_url=None, image_url=None, base=""):
    """Return the sanitized HTML of the Markdown ``body``.

    ``article_url(id)`` gives the URL of an article linked as ``article:ID``;
    ``image_url(path)`` the URL of an image at ``path`` (relative to the articles
    folder); ``base`` is the article's folder relative to the articles folder, which
    relative image paths start from.
    """
    return nh3.clean(_markdown(body, article_url, image_url, base), tags=_TAGS,
                     attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     id_prefix=_ID_PREFIX)


_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|tr|pre|blockquote|div)>|<br\s*/?>", re.IGNORECASE)


def plain_text(body):
    """Return the text a reader sees in the Markdown ``body``: no markup, one line."""
    rendered = _BLOCK_END.sub(lambda m: m.group(0) + " ", _plain_markdown(body))
    return _SPACE.sub(" ", html.unescape(nh3.clean(rendered, tags=set()))).strip()
