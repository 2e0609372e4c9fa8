"""Learned questions, for agents to review: what the bot learned from resolutions and
from customers' "yes", the ones customers later said "no" to first, and a way to
remove a wrong one (the serving bot is rebuilt without it within a poll)."""
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from bot import store

from . import csrf
from .auth import api_login_required, login_required
from .context import get_bot, get_db
from .errors import ApiError
from .inputs import numeric_id

bp = Blueprint("learned", __name__)
bp.url_value_preprocessor(numeric_id("learned_id"))


def _rows():
    bot = get_bot()
    rows = []
    for row in store.list_learned(get_db()):
        article = bot.article(row["article_id"], row["lang"] or "ar")
        rows.append({**row, "title": article.title if article else row["article_id"]})
    return rows


@bp.get("/agent/learned")
@login_required
def page():
    return render_template("agent/learned.html", rows=_rows(),
                           removed=request.args.get("removed") == "1")


@bp.post("/agent/learned/<int:learned_id>/remove")
@login_required
def remove(learned_id):
    csrf.protect()
    if not store.remove_learned_question(get_db(), learned_id):
        abort(404)
    return redirect(url_for(".page", removed=1), 303)


@bp.get("/api/agent/learned")
@api_login_required
def api_list():
    """Every learned question: id, article_id, question, lang, source, agent, created,
    disputed (how many customers said "no" to an answer it produced)."""
    keys = ("id", "article_id", "title", "question", "lang", "source", "agent", "created",
            "disputed")
    return jsonify({"learned": [{k: row.get(k) for k in keys} for row in _rows()]})


@bp.post("/api/agent/learned/<learned_id>/remove")
@api_login_required
def api_remove(learned_id):
    if not store.remove_learned_question(get_db(), learned_id):
        raise ApiError("no such learned question", 404)
    return jsonify({"removed": learned_id})
