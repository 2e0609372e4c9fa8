"""Live reload: edits to the articles folder are served without a restart; a broken
article keeps the last good version serving and shows on /status."""
import gc
import os
import re
import threading
import time

import pytest

from web.live import Watcher, fingerprint
from web_fixtures import (app_over, sign_in, site_app, site_articles, site_client,  # noqa: F401
                          site_database, write_article)

NEW_TITLE = """\
    ---
    id: order-tracking
    title: Where is my parcel right now?
    questions:
      - where is my order
    ---
    Open "My orders" to follow your parcel.
    """

BROKEN = """\
    ---
    id: order-tracking
    title: [unclosed
    ---
    Body.
    """


def titles(client, query, lang="en"):
    return [r["title"] for r in client.get("/api/search", query_string={"q": query, "lang": lang})
            .get_json()["results"]]


def watcher_of(app):
    return app.extensions["dalil_watcher"]


def live_reload_threads():
    return {t for t in threading.enumerate() if t.name == "dalil-live-reload" and t.is_alive()}


def test_an_edited_title_is_searchable_after_a_reload(site_app, site_client, site_articles):
    assert "How can I track my order?" in titles(site_client, "track order")
    old_bot = site_app.extensions["dalil"]
    write_article(site_articles, "orders/order-tracking.en.md", NEW_TITLE)
    assert watcher_of(site_app).reload_now() is True
    assert site_app.extensions["dalil"] is not old_bot
    assert titles(site_client, "parcel")[0] == "Where is my parcel right now?"
    assert "Where is my parcel right now?" in site_client.get("/en/articles/order-tracking").get_data(as_text=True)


def test_added_deleted_and_renamed_articles(site_app, site_client, site_articles):
    write_article(site_articles, "orders/gift-wrap.en.md", """\
        ---
        title: Can you gift wrap my order?
        category: orders
        ---
        Yes, tick "gift wrap" at checkout.
        """)
    assert watcher_of(site_app).poll() is True
    assert titles(site_client, "gift wrap")[0] == "Can you gift wrap my order?"
    assert site_client.get("/en/articles/gift-wrap").status_code == 200

    os.rename(site_articles / "orders" / "gift-wrap.en.md", site_articles / "orders" / "wrapping.en.md")
    assert watcher_of(site_app).poll() is True
    assert site_client.get("/en/articles/gift-wrap").status_code == 404
    assert site_client.get("/en/articles/wrapping").status_code == 200

    os.remove(site_articles / "orders" / "wrapping.en.md")
    assert watcher_of(site_app).poll() is True
    assert site_client.get("/en/articles/wrapping").status_code == 404
    assert watcher_of(site_app).poll() is False  # nothing changed since


def test_a_broken_article_keeps_the_old_version_serving(site_app, site_client, site_articles):
    good_bot = site_app.extensions["dalil"]
    path = write_article(site_articles, "orders/order-tracking.en.md", BROKEN)
    assert watcher_of(site_app).reload_now() is False
    assert site_app.extensions["dalil"] is good_bot
    assert "How can I track my order?" in titles(site_client, "track order")
    error = watcher_of(site_app).error
    assert re.match(rf"{re.escape(str(path))}:\d+: front matter is not valid YAML", error)

    sign_in(site_app, site_client)
    status = site_client.get("/status?lang=en").get_data(as_text=True)
    assert "The latest change could not be loaded" in status and f"{path}:" in status
    assert "تعذّر تحميل آخر تعديل" in site_client.get("/status?lang=ar").get_data(as_text=True)

    write_article(site_articles, "orders/order-tracking.en.md", NEW_TITLE)  # fixed
    assert watcher_of(site_app).poll() is True and watcher_of(site_app).error is None
    assert "All articles loaded." in site_client.get("/status?lang=en").get_data(as_text=True)


def test_a_broken_categories_file_keeps_the_old_version_serving(site_app, site_client, site_articles):
    (site_articles / "categories.yml").write_text("- id: [broken\n", encoding="utf-8")
    assert watcher_of(site_app).reload_now() is False
    assert "categories.yml" in watcher_of(site_app).error
    assert site_client.get("/en/").status_code == 200


def test_the_background_thread_picks_up_a_change_within_seconds(site_articles, site_database):
    app = app_over(site_articles, site_database, LIVE_RELOAD=True, LIVE_RELOAD_INTERVAL=0.1)
    watcher = watcher_of(app)
    try:
        assert watcher.running
        write_article(site_articles, "orders/order-tracking.en.md", NEW_TITLE)
        client = sign_in(app, app.test_client())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and watcher.reloads == 0:
            time.sleep(0.05)
        assert watcher.reloads == 1
        assert titles(client, "parcel")[0] == "Where is my parcel right now?"
        assert "on" in client.get("/status?lang=en").get_data(as_text=True).split("Live reload:")[1]
    finally:
        watcher.stop()
    assert not watcher.running


def test_the_thread_ends_when_its_app_is_discarded(site_articles, site_database):
    app = app_over(site_articles, site_database, LIVE_RELOAD=True, LIVE_RELOAD_INTERVAL=0.05)
    thread = watcher_of(app)._thread
    assert thread.is_alive()
    del app
    gc.collect()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_live_reload_can_be_turned_off(site_articles, site_database):
    before = live_reload_threads()  # other tests' apps may still have theirs
    app = app_over(site_articles, site_database, LIVE_RELOAD=False)
    # Not at start-up, nor on the first request (where a forked worker would start one).
    assert app.test_client().get("/en/").status_code == 200
    assert not watcher_of(app).running
    assert live_reload_threads() - before == set()


def test_requests_during_a_reload_see_a_whole_bot(site_app, site_client, site_articles):
    # Reloads swap one reference: every response comes from one consistent Bot.
    stop = threading.Event()
    failures = []

    def reload_loop():
        flip = False
        while not stop.is_set():
            write_article(site_articles, "orders/order-tracking.en.md",
                          NEW_TITLE if flip else NEW_TITLE.replace("parcel right now", "order"))
            watcher_of(site_app).reload_now()
            flip = not flip

    thread = threading.Thread(target=reload_loop)
    thread.start()
    try:
        for _ in range(30):
            response = site_client.get("/api/search?q=order&lang=en")
            if response.status_code != 200 or not response.get_json()["results"]:
                failures.append(response.status_code)
    finally:
        stop.set()
        thread.join()
    assert failures == []


def test_fingerprint_sees_every_file_but_hidden_ones(site_articles):
    before = fingerprint(site_articles)
    (site_articles / ".swap.md.swp").write_text("x")
    (site_articles / "orders" / "notes.md~").write_text("x")
    assert fingerprint(site_articles) == before
    assert str(site_articles / "categories.yml") in before
    assert fingerprint(site_articles / "missing") == {}


def test_reload_now_survives_a_missing_folder(tmp_path, site_articles, site_database):
    app = app_over(site_articles, site_database)
    watcher = Watcher(app, app.extensions["dalil_watcher"].build, str(tmp_path / "gone"))
    good = app.extensions["dalil"]
    os.rename(site_articles, tmp_path / "moved")
    assert watcher.reload_now() is False and watcher.error
    assert app.extensions["dalil"] is good
