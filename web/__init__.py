"""The web application: help center pages and the JSON API, over the bot."""
import os

from flask import Flask

from bot import Bot, Thresholds

__all__ = ["create_app"]


def create_app(test_config=None):
    """Return the Flask app. Settings: defaults here, then DALIL_* environment
    variables, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        ARTICLES=os.path.abspath("articles"),
        DATABASE=os.path.join(app.instance_path, "dalil.sqlite3"),
        MAX_QUESTION_LENGTH=1000,
        # The bot's thresholds (see bot.decide.Thresholds for why these values).
        ANSWER_AT=Thresholds.answer_at,
        SUGGEST_AT=Thresholds.suggest_at,
        # Bodies beyond this are refused before Flask reads them: a question is short.
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.config.from_prefixed_env("DALIL")
    if test_config:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.json.ensure_ascii = False  # Arabic stays readable in API responses

    app.extensions["dalil"] = Bot.from_articles(
        app.config["ARTICLES"], max_length=app.config["MAX_QUESTION_LENGTH"],
        thresholds=Thresholds(answer_at=float(app.config["ANSWER_AT"]),
                              suggest_at=float(app.config["SUGGEST_AT"])))

    from . import api, help_center

    app.register_blueprint(help_center.bp)
    app.register_blueprint(api.bp)
    return app
