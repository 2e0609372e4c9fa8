"""Hardening found in review: URLs that must not break a page, files the media route must
not serve, feedback that must not be lost, and start-up races between workers."""
import os
import threading

import pytest

from kb.render import render
from web import _instance_secret
from web_fixtures import (csrf_token, rows, site_app, site_articles, site_client,  # noqa: F401
                          site_database)


@pytest.mark.parametrize("query", [
    "?q=x&lang=en", "?q=x&article_id=y", "?q=x&_method=POST", "?q=x&_external=1",
    "?q=x&_anchor=evil",
])
def test_extra_query_arguments_never_break_a_page(site_client, query):
    response = site_client.get("/ar/search" + query, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert "evil" not in response.text
    assert 'href="/en/search?q=x' in response.text  # the language switch keeps the query


@pytest.mark.parametrize("path", ["/ar/?endpoint=x", "/ar/search?q=x&endpoint=y", "/chat?endpoint=1",
                                  "/ar/articles/order-tracking?values=1&lang=xx"])
def test_a_query_argument_named_like_flask_s_own_never_breaks_a_page(site_client, path):
    response = site_client.get(path)
    assert response.status_code == 200
    assert 'class="lang-switch" href="' in response.text


def test_svg_is_never_served(site_client, site_articles):
    (site_articles / "orders" / "img" / "x.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert site_client.get("/media/orders/img/x.svg").status_code == 404


def test_a_symbolic_link_out_of_the_articles_folder_is_refused(site_client, site_articles, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for you")
    os.symlink(secret, site_articles / "orders" / "img" / "link.png")
    assert site_client.get("/media/orders/img/link.png").status_code == 404


def test_images_are_served_with_nosniff_and_a_sandbox(site_client):
    with site_client.get("/media/orders/img/map.png") as response:
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]


def test_pages_cannot_be_framed(site_client):
    # The widget is embedded with a script tag, never a frame: no page needs framing.
    response = site_client.get("/ar/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_an_expired_form_keeps_the_comment(site_client, site_database):
    response = site_client.post("/ar/articles/order-tracking/feedback",
                                data={"helpful": "1", "comment": "تعليق مهم", "csrf_token": "old"})
    assert response.status_code == 400
    assert "تعليق مهم</textarea>" in response.text
    assert 'role="alert"' in response.text
    # The page carries a fresh token: sending again works.
    token = csrf_token(response.text)
    again = site_client.post("/ar/articles/order-tracking/feedback",
                             data={"helpful": "1", "comment": "تعليق مهم", "csrf_token": token})
    assert again.status_code == 303
    assert [r["comment"] for r in rows(site_database, "article_feedback")] == ["تعليق مهم"]


def test_an_over_long_comment_is_refused_not_cut(site_client, site_database):
    token = csrf_token(site_client.get("/en/articles/order-tracking").text)
    comment = "x" * 2001
    response = site_client.post("/en/articles/order-tracking/feedback",
                                data={"helpful": "0", "comment": comment, "csrf_token": token})
    assert response.status_code == 400
    assert comment in response.text
    assert rows(site_database, "article_feedback") == []


def test_feedback_and_views_count_for_the_language_shown(site_client, site_database, site_articles):
    (site_articles / "orders" / "order-tracking.en.md").unlink()
    site_client.application.extensions["dalil_watcher"].reload_now()
    page = site_client.get("/en/articles/order-tracking").text  # shows the Arabic version
    site_client.post("/en/articles/order-tracking/feedback",
                     data={"helpful": "1", "csrf_token": csrf_token(page)})
    assert {r["lang"] for r in rows(site_database, "article_views")} == {"ar"}
    assert {r["lang"] for r in rows(site_database, "article_feedback")} == {"ar"}


def test_workers_starting_together_share_one_secret_key(tmp_path):
    keys, barrier = [], threading.Barrier(8)

    def start():
        barrier.wait()
        keys.append(_instance_secret(str(tmp_path)))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1
    assert (tmp_path / "secret_key").read_text() == keys[0]
    assert sorted(os.listdir(tmp_path)) == ["secret_key"]


def test_concurrent_first_requests_start_one_watcher(site_app):
    watcher = site_app.extensions["dalil_watcher"]
    watcher.stop()
    barrier = threading.Barrier(8)

    def first_request():
        barrier.wait()
        watcher.ensure_running()

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        alive = [t for t in threading.enumerate() if t.name == "dalil-live-reload"]
        assert len(alive) == 1
    finally:
        watcher.stop()


def test_links_within_an_article_follow_the_prefixed_heading_ids():
    html = render("## Fees\n\nSee [the fees](#fees).", base="")
    assert 'id="s-fees"' in html and 'href="#s-fees"' in html


@pytest.mark.parametrize("path", ["/chat", "/agent/login"])
@pytest.mark.parametrize("query", ["?_method=POST", "?_external=1", "?_anchor=evil&x=1"])
def test_chat_and_console_pages_survive_url_fors_own_arguments(site_client, path, query):
    response = site_client.get(path + query, headers={"Host": "evil.example"})
    assert response.status_code == 200
    assert "evil" not in response.get_data(as_text=True)
