"""An article as the site shows it: its body as sanitized HTML with the site's links,
and the date it last changed. Both are cached (the body by its text, the date by the
file's time), so a busy page does not render Markdown or ask git on every view."""
import functools
import os
from urllib.parse import quote

from flask import current_app, url_for

from kb.history import last_updated
from kb.render import render

__all__ = ["article_html", "updated"]


def article_html(article, lang):
    """Return the sanitized HTML of ``article``'s body, its links to other articles in
    ``lang`` and its images under /media."""
    folder = os.path.relpath(os.path.dirname(article.path), current_app.config["ARTICLES"])
    return _render_cached(article.body, folder.replace(os.sep, "/"),
                          url_for("help_center.article", lang=lang, article_id="ID"),
                          url_for("site.media", filename="PATH"))


@functools.lru_cache(maxsize=512)
def _render_cached(body, folder, article_pattern, image_pattern):
    return render(body, base=folder,
                  article_url=lambda article_id: article_pattern.replace("ID", article_id),
                  image_url=lambda path: image_pattern.replace("PATH", quote(path)))


def updated(article):
    """Return the date (YYYY-MM-DD) ``article``'s file last changed, or None."""
    try:
        stat = os.stat(article.path)
    except OSError:
        return None
    return _updated_cached(article.path, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _updated_cached(path, mtime_ns):
    # Keyed by the file time: an edit asks git again. (A commit of an unchanged file
    # keeps showing the file time until the next edit or restart.)
    value = last_updated(path)
    return value[:10] if value else None
