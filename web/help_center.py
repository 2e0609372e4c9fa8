"""The help center pages (for now: the article list and an ask box)."""
from flask import Blueprint, current_app, render_template

bp = Blueprint("help_center", __name__)


@bp.get("/")
def home():
    bot = current_app.extensions["dalil"]
    articles = sorted((a for a in bot.index.articles if a.lang == "ar"),
                      key=lambda a: (a.category, a.title))
    return render_template("home.html", articles=articles)
