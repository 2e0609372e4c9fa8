"""Learned questions, for agents to review: the ones held for review first (nearly the
same as another article's writer question: approve or remove them), then what the bot
learned from resolutions and from customers' "yes", the ones customers later said "no"
to first; each names where it came from (the handoff, or a customer's confirmation).
Removing one rebuilds the serving bot without it, approving one adds it, within a poll."""
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from bot import store
from bot.desk import learning

from . import csrf
from .auth import api_login_required, login_required
from .context import get_bot, get_db
from .errors import ApiError
from .inputs import numeric_id

bp = Blueprint("learned", __name__)
bp.url_value_preprocessor(numeric_id("learned_id"))

# What the API says of a learned question (GET /api/agent/learned, a resolution).
KEYS = ("id", "article_id", "title", "question", "lang", "source", "agent", "handoff_id",
        "created", "disputed", "status", "conflict_article_id", "conflict_title",
        "conflict_question")


def _titled(row):
    bot = get_bot()

    def title(article_id):
        article = bot.article(article_id, row["lang"] or "ar") if article_id else None
        return article.title if article else article_id

    return {**row, "title": title(row["article_id"]),
            "conflict_title": title(row.get("conflict_article_id"))}


def learned_json(row):
    """Return a learned question's row as the API sends it (its article titled), or None."""
    return {key: _titled(row).get(key) for key in KEYS} if row else None


def _rows():
    return [_titled(row) for row in store.list_learned(get_db(), held=True)]


@bp.get("/agent/learned")
@login_required
def page():
    done = request.args.get("done")
    return render_template("agent/learned.html", rows=_rows(),
                           done=done if done in ("removed", "approved") else None)


# A plain <learned_id>, like the API's: numeric_id makes it an int, or -1 (no row,
# so 404) — an <int:> rule took 10**20, which overflowed SQLite (a 500).
@bp.post("/agent/learned/<learned_id>/remove")
@login_required
def remove(learned_id):
    csrf.protect()
    if not store.remove_learned_question(get_db(), learned_id):
        abort(404)
    return redirect(url_for(".page", done="removed"), 303)


@bp.post("/agent/learned/<learned_id>/approve")
@login_required
def approve(learned_id):
    csrf.protect()
    if learning.approve(get_db(), learned_id) is None:
        abort(404)
    return redirect(url_for(".page", done="approved"), 303)


@bp.get("/api/agent/learned")
@api_login_required
def api_list():
    """Every learned question, held ones first: id, article_id, question, lang, source,
    agent, handoff_id, created, disputed (how many customers said "no" to an answer it
    produced), status ("live" or "review") and, for a held one, the conflicting
    article and writer question."""
    return jsonify({"learned": [{k: row.get(k) for k in KEYS} for row in _rows()]})


@bp.post("/api/agent/learned/<learned_id>/approve")
@api_login_required
def api_approve(learned_id):
    """Make a held learned question live -> {"approved": its old id, "learned": the
    question, with its new id}."""
    row = learning.approve(get_db(), learned_id)
    if row is None:
        raise ApiError("no learned question held for review with this id", 404)
    return jsonify({"approved": learned_id, "learned": learned_json(row)})


@bp.post("/api/agent/learned/<learned_id>/remove")
@api_login_required
def api_remove(learned_id):
    if not store.remove_learned_question(get_db(), learned_id):
        raise ApiError("no such learned question", 404)
    return jsonify({"removed": learned_id})
