"""The help center pages, each in Arabic (/ar/…, the default) and English (/en/…): home,
categories, articles with "was this helpful?", and search results.

The language is the first segment of the path; the last one a reader chose is
remembered in a cookie (web/hooks.py), so / takes them back to it. Reading never
depends on the database: views and searches are logged best effort, and the most read
articles are left out when they cannot be read.
"""

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for

from bot import InvalidQuestion, store
from bot.clean import UncleanText, clean_text

from . import csrf
from .context import get_bot, get_db
from .errors import STORAGE_ERRORS, best_effort, forget_connection, storage_trouble
from .i18n import DEFAULT_LANG, t
from .rendering import article_html, updated

bp = Blueprint("help_center", __name__, url_prefix="/<any(ar, en):lang>")


@bp.url_value_preprocessor
def _take_lang(endpoint, values):
    g.lang = values.pop("lang")


@bp.url_defaults
def _give_lang(endpoint, values):
    values.setdefault("lang", g.get("lang", DEFAULT_LANG))


@bp.get("/")
def home():
    bot = get_bot()
    counts = {}
    for article in bot.index.articles:
        counts.setdefault(article.category, set()).add(article.id)
    viewed = []
    with best_effort("the most read articles"):
        viewed = store.most_viewed(get_db(), limit=8)
    popular = [bot.article(article_id, g.lang) for article_id, _ in viewed]
    return render_template("home.html", categories=bot.categories,
                           counts={c: len(ids) for c, ids in counts.items()},
                           popular=[a for a in popular if a is not None][:5])


@bp.get("/categories/<category_id>")
def category(category_id):
    bot = get_bot()
    found = bot.category(category_id)
    articles = bot.articles_in(category_id, g.lang)
    if found is None and not articles:
        abort(404)
    return render_template("category.html", category=found, category_id=category_id,
                           articles=articles)


@bp.get("/articles/<article_id>")
def article(article_id):
    shown = get_bot().article(article_id, g.lang)
    if shown is None:
        abort(404)
    with best_effort("an article view"):
        store.record_view(get_db(), article_id, shown.lang)
    return _article_page(shown, thanks=request.args.get("feedback") == "thanks")


def _article_page(shown, thanks=False, comment="", problem=None):
    bot = get_bot()
    versions = bot.versions(shown.id)
    other = next((a for lang, a in versions.items() if lang != g.lang), None)
    return render_template(
        "article.html", article=shown, other=other, category=bot.category(shown.category),
        html=article_html(shown, g.lang), updated=updated(shown), related=bot.related(shown),
        thanks=thanks, comment=comment, problem=problem)


@bp.post("/articles/<article_id>/feedback")
def feedback(article_id):
    shown = get_bot().article(article_id, g.lang)
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
    try:
        comment = clean_text(comment, "comment")
    except UncleanText:
        return _article_page(shown, comment=comment, problem=t("comment_invalid", g.lang)), 400
    try:
        store.record_feedback(get_db(), article_id, shown.lang, helpful == "1", comment)
    except STORAGE_ERRORS as error:
        wait = storage_trouble(error)
        if wait is None:
            raise
        # The reader's answer was not stored: say so, with their comment in place.
        current_app.logger.warning("feedback not stored: %s", error)
        forget_connection()
        page = _article_page(shown, comment=comment, problem=t("feedback_unavailable", g.lang))
        return page, 503, {"Retry-After": str(wait), "Cache-Control": "no-store"}
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
            checked = get_bot().read(query).text  # what is logged: the question as read
            results = get_bot().search(checked, lang=g.lang, limit=20, prefix=False)
        except InvalidQuestion as error:
            problem = str(error)
        else:
            with best_effort("a search"):
                store.record_search(get_db(), checked, g.lang, len(results), source="page")
    return render_template("search.html", query=query, results=results, problem=problem)
