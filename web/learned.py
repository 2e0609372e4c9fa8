"""Learned questions, for agents to review: what the bot learned from resolutions and
from customers' "yes", the ones customers later said "no" to first, and a way to
remove a wrong one (the serving bot is rebuilt without it within a poll)."""
from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for

from bot import store

from . import csrf
from .agent import AgentApiError, api_login_required, page_login_required
from .db import get_db

bp = Blueprint("learned", __name__)


@bp.errorhandler(AgentApiError)
def _error(error):
    return jsonify({"error": error.message, **error.extra}), error.status


def _rows():
    bot = current_app.extensions["dalil"]
    rows = []
    for row in store.list_learned(get_db()):
        article = bot.article(row["article_id"], row["lang"] or "ar")
        rows.append({**row, "title": article.title if article else row["article_id"]})
    return rows


@bp.get("/agent/learned")
@page_login_required
def page():
    return render_template("agent/learned.html", rows=_rows(),
                           removed=request.args.get("removed") == "1")


@bp.post("/agent/learned/<int:learned_id>/remove")
@page_login_required
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
    if not learned_id.isdigit() or not store.remove_learned_question(get_db(), int(learned_id)):
        return jsonify({"error": "no such learned question"}), 404
    return jsonify({"removed": int(learned_id)})
