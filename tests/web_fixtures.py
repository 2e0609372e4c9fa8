"""Fixtures for the web tests: apps over real article folders with real SQLite files.

Two help centers: ``site_*`` is the small site below (three topics, one in Arabic only,
an image, a draft, links; not conftest's ``articles_dir``), ``shipped_*`` the repository's
articles/. Import what a test module needs:
``from web_fixtures import site_app, site_client, shipped_client``.
The app over the shipped articles/ takes seconds to build, so it is built once per test
session and shared (its SQLite file too: tests that count rows count their own).
"""
import pathlib
import re

import pytest
import sqlite_utils

# Test modules import app_over and write_article from here too.
from conftest import SHIPPED_ARTICLES, app_over, write_article

# A one-pixel PNG, for the image route.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

# The small site: three topics (one in Arabic only), an image, a draft, links.
SITE_ARTICLES = {
    "categories.yml": """\
        - id: orders
          title: {ar: الطلبات, en: Orders}
          description: {ar: تتبع الطلبات, en: Tracking orders}
          icon: "🛒"
        - id: returns
          title: {ar: الإرجاع, en: Returns}
        - id: account
          title: {ar: الحساب, en: Account}
        """,
    "orders/order-tracking.ar.md": """\
        ---
        id: order-tracking
        title: كيف أتتبع طلبي؟
        questions:
          - وين طلبي الحين
          - ابي اعرف حالة الشحنة
        ---
        افتح «طلباتي» في حسابك واضغط على الطلب لترى حالته ورابط تتبع الشحنة.

        ## حالات الطلب

        | الحالة | المعنى |
        |---|---|
        | قيد التجهيز | نجهز طلبك |

        ![خريطة التتبع](img/map.png)

        إذا أردت الإرجاع فاقرأ [سياسة الإرجاع](article:return-policy).
        """,
    "orders/order-tracking.en.md": """\
        ---
        id: order-tracking
        title: How can I track my order?
        questions:
          - where is my order
          - my tracking link does not work
        ---
        Open "My orders" in your account and tap the order to see its status and tracking link.

        ![tracking map](img/map.png)

        To send something back, read the [return policy](article:return-policy).
        """,
    "returns/return-policy.ar.md": """\
        ---
        id: return-policy
        title: ما سياسة الإرجاع؟
        questions:
          - ابغى ارجع منتج ما عجبني
          - كم يوم عندي للإرجاع
        ---
        يمكنك إرجاع أي منتج خلال **14 يومًا** من الاستلام من صفحة [طلباتي](article:order-tracking).
        """,
    "returns/return-policy.en.md": """\
        ---
        id: return-policy
        title: What is your return policy?
        questions:
          - how do i send something back
          - how many days do i have to return an item
        ---
        You can return any item within **14 days** of delivery from the "My orders" page.
        """,
    "account/reset-password.ar.md": """\
        ---
        id: reset-password
        title: نسيت كلمة المرور، كيف أستعيدها؟
        questions:
          - نسيت الباسورد
          - ما اقدر ادخل حسابي
        ---
        اضغط «نسيت كلمة المرور» في صفحة الدخول وسنرسل لك رابطًا لتعيين كلمة جديدة.
        """,
    "account/secret-draft.en.md": """\
        ---
        id: secret-draft
        title: An unpublished draft about passwords
        status: draft
        ---
        Nobody may read this yet.
        """,
}


def write_site_articles(folder):
    """Write the small site (and its image) into ``folder``; return it as a Path."""
    folder = pathlib.Path(folder)
    for name, text in SITE_ARTICLES.items():
        write_article(folder, name, text)
    (folder / "orders" / "img").mkdir(exist_ok=True)
    (folder / "orders" / "img" / "map.png").write_bytes(PIXEL)
    return folder


_SHIPPED = {}


def sign_in(app, client, name="status-agent", password="a long agent password"):
    """Create agent ``name`` in the app's database and sign ``client`` in as it."""
    from bot import store
    from bot.desk import agents
    db = store.connect(app.config["DATABASE"])
    try:
        if store.get_agent(db, name) is None:
            agents.add_agent(db, name, password)
    finally:
        db.close()
    response = client.post("/api/agent/login", json={"name": name, "password": password})
    assert response.status_code == 200, response.get_json()
    return client


def csrf_token(html):
    """Return the CSRF token in a page's feedback form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def rows(database, table):
    """Return the rows of ``table`` in the SQLite file ``database``."""
    db = sqlite_utils.Database(database)
    try:
        return list(db[table].rows)
    finally:
        db.close()


@pytest.fixture
def site_articles(tmp_path):
    """A fresh folder of the small site above, which a test may edit."""
    return write_site_articles(tmp_path / "articles")


@pytest.fixture
def site_database(tmp_path):
    """The path of ``site_app``'s SQLite file."""
    return tmp_path / "dalil.sqlite3"


@pytest.fixture
def site_app(site_articles, site_database):
    """The app over ``site_articles`` storing in ``site_database``, live reload off."""
    return app_over(site_articles, site_database)


@pytest.fixture
def site_client(site_app):
    return site_app.test_client()


@pytest.fixture
def shipped_app(tmp_path_factory):
    """The app over the repository's articles/, built once per session."""
    if "app" not in _SHIPPED:
        folder = tmp_path_factory.mktemp("shipped")
        _SHIPPED["database"] = folder / "dalil.sqlite3"
        _SHIPPED["app"] = app_over(SHIPPED_ARTICLES, _SHIPPED["database"])
    return _SHIPPED["app"]


@pytest.fixture
def shipped_client(shipped_app):
    return shipped_app.test_client()


@pytest.fixture
def shipped_database(shipped_app):
    return pathlib.Path(shipped_app.config["DATABASE"])
