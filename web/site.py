"""The pages outside /<lang>/: the root (which sends a reader to their language), the
images writers keep under articles/, and /status (for agents: what the articles' last
load said)."""
import os

from flask import Blueprint, abort, current_app, redirect, render_template, send_from_directory, url_for

from .auth import login_required
from .context import get_bot
from .i18n import chosen_lang

bp = Blueprint("site", __name__)

# Images writers may put under articles/ (the only files served from there: the
# Markdown itself, drafts included, stays private).
# SVG is left out: it may carry script, and it would run on this site's origin.
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif")


@bp.get("/")
def root():
    return redirect(url_for("help_center.home", lang=chosen_lang()))


@bp.get("/media/<path:filename>")
def media(filename):
    # send_from_directory refuses any path leaving the folder (../, absolute); a
    # symbolic link pointing out of it is refused here.
    if not filename.lower().endswith(IMAGE_TYPES):
        abort(404)
    folder = current_app.config["ARTICLES"]
    root = os.path.realpath(folder)
    target = os.path.realpath(os.path.join(root, filename))
    if not target.startswith(root + os.sep):
        abort(404)
    response = send_from_directory(folder, filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@bp.get("/status")
@login_required  # it names files and errors: for agents only
def status():
    return render_template("status.html", watcher=current_app.extensions["dalil_watcher"],
                           articles=len(get_bot().index.articles))
