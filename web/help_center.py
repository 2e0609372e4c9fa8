"""The help center pages, each in Arabic (/ar/…, the default) and English (/en/…).

The language is the first segment of the path; the last one a reader chose is
remembered in a cookie, so / takes them back to it.
"""
import functools
import os
from urllib.parse import quote

from flask import (Blueprint, abort, current_app, g, make_response, redirect, render_template,
                   request, send_from_directory, url_for)
from werkzeug.exceptions import HTTPException

from bot import InvalidQuestion, store
from kb.history import last_updated
from kb.render import render

from . import csrf
from .agent import page_login_required
from .db import get_db
from .i18n import DEFAULT_LANG, DIRECTIONS, LANGS, t

bp = Blueprint("help_center", __name__, url_prefix="/<any(ar, en):lang>")
LANG_COOKIE = "lang"
# Images writers may put under articles/ (the only files served from there: the
# Markdown itself, drafts included, stays private).
# SVG is left out: it may carry script, and it would run on this site's origin.
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")


@bp.url_value_preprocessor
def _take_lang(endpoint, values):
    g.lang = values.pop("lang")


@bp.url_defaults
def _give_lang(endpoint, values):
    values.setdefault("lang", g.get("lang", DEFAULT_LANG))


def _bot():
    return current_app.extensions["dalil"]


@bp.get("/")
def home():
    bot = _bot()
    counts = {}
    for article in bot.index.articles:
        counts.setdefault(article.category, set()).add(article.id)
    popular = [bot.article(article_id, g.lang)
               for article_id, _ in store.most_viewed(get_db(), limit=8)]
    return render_template("home.html", categories=bot.categories,
                           counts={c: len(ids) for c, ids in counts.items()},
                           popular=[a for a in popular if a is not None][:5])


@bp.get("/categories/<category_id>")
def category(category_id):
    bot = _bot()
    found = bot.category(category_id)
    articles = bot.articles_in(category_id, g.lang)
    if found is None and not articles:
        abort(404)
    return render_template("category.html", category=found, category_id=category_id,
                           articles=articles)


@bp.get("/articles/<article_id>")
def article(article_id):
    bot = _bot()
    shown = bot.article(article_id, g.lang)
    if shown is None:
        abort(404)
    store.record_view(get_db(), article_id, shown.lang)
    return _article_page(shown, thanks=request.args.get("feedback") == "thanks")


def _article_page(shown, thanks=False, comment="", problem=None):
    bot = _bot()
    versions = bot.versions(shown.id)
    other = next((a for lang, a in versions.items() if lang != g.lang), None)
    folder = os.path.relpath(os.path.dirname(shown.path), current_app.config["ARTICLES"])
    return render_template(
        "article.html", article=shown, other=other, category=bot.category(shown.category),
        html=article_html(shown.body, g.lang, folder.replace(os.sep, "/")),
        updated=_updated(shown.path), related=bot.related(shown), thanks=thanks,
        comment=comment, problem=problem)


@bp.post("/articles/<article_id>/feedback")
def feedback(article_id):
    shown = _bot().article(article_id, g.lang)
    if shown is None:
        abort(404)
    helpful = request.form.get("helpful")
    if helpful not in ("1", "0"):
        abort(400)
    comment = request.form.get("comment", "")
    # Nothing the reader typed is thrown away: an expired form or an over-long comment
    # comes back with the comment in place and a fresh token.
    if not csrf.valid():
        return _article_page(shown, comment=comment, problem=t("form_expired", g.lang)), 400
    if len(comment) > store.MAX_COMMENT_LENGTH:
        problem = t("comment_too_long", g.lang, limit=store.MAX_COMMENT_LENGTH)
        return _article_page(shown, comment=comment, problem=problem), 400
    store.record_feedback(get_db(), article_id, shown.lang, helpful == "1", comment)
    return redirect(url_for(".article", article_id=article_id, feedback="thanks",
                            _anchor="feedback"), 303)


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    results, problem = [], None
    if query.strip():
        if len(query) > current_app.config["MAX_QUERY_LENGTH"]:
            query = query[: current_app.config["MAX_QUERY_LENGTH"]]
        try:
            results = _bot().search(query, lang=g.lang, limit=20, prefix=False)
        except InvalidQuestion as error:
            problem = str(error)
        else:
            store.record_search(get_db(), query, g.lang, len(results), source="page")
    return render_template("search.html", query=query, results=results, problem=problem)


def article_html(body, lang, folder):
    """Return the sanitized HTML of an article body, its links in ``lang``."""
    return _render_cached(body, lang, folder, url_for("help_center.article", lang=lang, article_id="ID"),
                          url_for("media", filename="PATH"))


@functools.lru_cache(maxsize=512)
def _render_cached(body, lang, folder, article_pattern, image_pattern):
    return render(body, base=folder,
                  article_url=lambda article_id: article_pattern.replace("ID", article_id),
                  image_url=lambda path: image_pattern.replace("PATH", quote(path)))


def _updated(path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return _updated_cached(path, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _updated_cached(path, mtime_ns):
    # Keyed by the file time: an edit asks git again. (A commit of an unchanged file
    # keeps showing the file time until the next edit or restart.)
    value = last_updated(path)
    return value[:10] if value else None


# --- pages outside /<lang>/ -----------------------------------------------------------------

def register_pages(app):
    """Add the root redirect, the media route, /status, the error pages and the
    language context every template uses."""

    @app.get("/")
    def root():
        return redirect(url_for("help_center.home", lang=_chosen_lang()))

    @app.get("/media/<path:filename>")
    def media(filename):
        # send_from_directory refuses any path leaving the folder (../, absolute); a
        # symbolic link pointing out of it is refused here.
        if not filename.lower().endswith(IMAGE_TYPES):
            abort(404)
        root = os.path.realpath(app.config["ARTICLES"])
        target = os.path.realpath(os.path.join(root, filename))
        if not target.startswith(root + os.sep):
            abort(404)
        response = send_from_directory(app.config["ARTICLES"], filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    @app.get("/status")
    @page_login_required  # it names files and errors: for agents only
    def status():
        watcher = app.extensions["dalil_watcher"]
        return render_template("status.html", watcher=watcher,
                               articles=len(_bot().index.articles))

    @app.before_request
    def _lang_from_query():
        if request.blueprint != "help_center":
            g.lang = _chosen_lang()

    @app.after_request
    def _remember_lang(response):
        chosen = g.get("lang")
        if chosen and request.cookies.get(LANG_COOKIE) != chosen and (
                request.blueprint == "help_center" or request.args.get("lang") in LANGS):
            response.set_cookie(LANG_COOKIE, chosen, samesite="Lax",
                                max_age=app.config["LANG_COOKIE_MAX_AGE"])
        return response

    @app.after_request
    def _security_headers(response):
        # No sniffing a served file into HTML; no framing of the site's forms elsewhere.
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response

    @app.context_processor
    def _page_context():
        lang = g.get("lang", DEFAULT_LANG)
        other = "en" if lang == "ar" else "ar"
        return {"lang": lang, "dir": DIRECTIONS[lang], "other_lang": other,
                "t": lambda key, **values: t(key, lang, **values),
                "switch_url": _switch_url(other), "csrf_token": csrf.token}

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if request.path.startswith("/api/"):
            from .api import error_response
            return error_response(error.description if error.code != 404 else "not found",
                                  error.code)
        if error.code == 400 and error.description == "csrf":
            key = "csrf_failed"
        else:
            key = {404: "not_found", 400: "bad_request"}.get(error.code, "error")
        response = make_response(render_template("error.html", key=key, code=error.code),
                                 error.code)
        return response

    @app.errorhandler(Exception)
    def _server_error(error):
        app.logger.exception("unhandled error on %s", request.path)
        if request.path.startswith("/api/"):
            from .api import error_response
            return error_response("internal error", 500)
        return render_template("error.html", key="error", code=500), 500


def _chosen_lang():
    """The language of a page outside the blueprint (an error, /status): the path's
    first segment (/en/no-such-page), ?lang=, else the remembered one."""
    segment = request.path.strip("/").split("/", 1)[0]
    for candidate in (segment, request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGS:
            return candidate
    return DEFAULT_LANG


def _switch_url(other):
    """The URL of this page in the ``other`` language."""
    if request.blueprint == "help_center" and request.endpoint and request.method == "GET":
        # Only the query carries over: any other argument (lang, _external, _anchor…)
        # would be taken by url_for as its own.
        args = {"q": request.args["q"]} if "q" in request.args else {}
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=other)
    if request.endpoint == "status":
        return url_for("status", lang=other)
    return url_for("help_center.home", lang=other)
