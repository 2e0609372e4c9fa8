"""Shared fixtures: a small real help center written to disk, bots over it and over the
shipped articles/ folder, the web app and its client, and the runner of the `dalil` command."""
import os
import pathlib
import textwrap
import threading

import pytest

from bot import Bot
from bot.desk import agents
from pg_fixtures import (backend, backend_db, database, pg_migrated_url, pg_server,  # noqa: F401
                         pg_template, pg_url)  # (fixtures)
from web import create_app
from web.live import build_bot
from web.settings import settings

# The product's scrypt costs 0.1 s a hash, and most tests sign an agent in: the suite
# hashes with a work factor 32 times lower (the same algorithm and code path; Django's
# test settings do the same). test_agents checks what the product itself uses.
PRODUCT_PASSWORD_METHOD = agents.PASSWORD_METHOD
agents.PASSWORD_METHOD = "scrypt:1024:8:1"

SHIPPED_ARTICLES = pathlib.Path(__file__).resolve().parent.parent / "articles"

# A small help center: four topics in Arabic and English, filed by category sub-folder.
# Some files leave out id, lang or category so the defaults are exercised; every topic
# has both languages and categories.yml lists every folder, so `dalil check` finds
# nothing to complain about.
ARTICLES = {
    "categories.yml": """\
        - id: orders
          title: {ar: الطلبات, en: Orders}
        - id: returns
          title: {ar: الإرجاع, en: Returns}
        - id: account
          title: {ar: الحساب, en: Account}
        - id: shipping
          title: {ar: الشحن, en: Shipping}
        """,
    "orders/order-tracking.ar.md": """\
        ---
        id: order-tracking
        title: كيف أتتبع طلبي؟
        lang: ar
        category: orders
        tags: [orders, tracking]
        questions:
          - وين طلبي الحين
          - ابي اعرف حالة الشحنة
          - رابط التتبع ما يشتغل
        ---
        افتح «طلباتي» في حسابك واضغط على الطلب لترى حالته ورابط تتبع الشحنة.

        ## حالات الطلب

        إذا تأخر الطلب راجع [تكلفة الشحن](article:shipping-costs).
        """,
    "orders/order-tracking.en.md": """\
        ---
        title: How can I track my order?
        questions:
          - where is my order
          - my tracking link does not work
          - what does shipped mean on my order
        ---
        Open "My orders" in your account and tap the order to see its status and tracking link.
        """,
    "returns/return-policy.ar.md": """\
        ---
        title: ما سياسة الإرجاع وكيف أرجع منتجًا؟
        questions:
          - ابغى ارجع منتج ما عجبني
          - كم يوم عندي للإرجاع
          - هل الإرجاع مجاني
        ---
        ## الخطوات

        يمكنك إرجاع أي منتج خلال **14 يومًا** من الاستلام من صفحة [طلباتي](article:order-tracking).
        """,
    "returns/return-policy.en.md": """\
        ---
        title: What is your return policy?
        questions:
          - how do i send something back
          - how many days do i have to return an item
          - is returning free
        ---
        You can return any item within 14 days of delivery from the "My orders" page.
        """,
    "account/reset-password.ar.md": """\
        ---
        title: نسيت كلمة المرور، كيف أستعيدها؟
        questions:
          - نسيت الباسورد
          - ما اقدر ادخل حسابي نسيت كلمة السر
          - رابط تغيير كلمة المرور ما وصلني
        ---
        اضغط «نسيت كلمة المرور» في صفحة الدخول وسنرسل لك رابطًا لتعيينها من جديد.
        """,
    "account/reset-password.en.md": """\
        ---
        title: I forgot my password. How do I reset it?
        questions:
          - forgot my password
          - the password reset email is not arriving
          - how do i set a new password
        ---
        Tap "Forgot password" on the sign-in page and we will e-mail you a link to set a new one.
        """,
    "shipping/shipping-costs.ar.md": """\
        ---
        title: كم تكلفة الشحن؟
        questions:
          - كم سعر التوصيل
          - الشحن مجاني ولا بفلوس
          - قديش رسوم التوصيل السريع
        ---
        الشحن مجاني للطلبات فوق 200 ريال، وتكلفته 25 ريالًا لما دون ذلك.
        """,
    "shipping/shipping-costs.en.md": """\
        ---
        title: How much is shipping?
        questions:
          - how much do you charge for delivery
          - is delivery free
          - what does express shipping cost
        ---
        Shipping is free on orders over 200 SAR and costs 25 SAR below that.
        """,
}


def write_articles(folder):
    """Write the small help center into ``folder`` and return it as a Path."""
    folder = pathlib.Path(folder)
    for name, text in ARTICLES.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def write_article(folder, name, text):
    """Write one Markdown file (dedented) under ``folder`` and return its Path."""
    path = pathlib.Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_in_threads(target, arguments):
    """Call ``target(*args)`` for each ``args`` of ``arguments``, each in a thread of its
    own, all started before any is waited for (the tests of racing writers pair it with
    a threading.Barrier inside ``target``); return once every thread has ended."""
    threads = [threading.Thread(target=target, args=args) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def app_over(articles, database, **config):
    """Return the web app over the folder ``articles`` storing in the SQLite file
    ``database``, live reload off unless ``config`` turns it on."""
    return create_app({"TESTING": True, "ARTICLES": str(articles), "DATABASE": str(database),
                       "LIVE_RELOAD": False, **config})


@pytest.fixture(scope="session", autouse=True)
def index_cache(tmp_path_factory):
    """Every app of the test run keeps its built indexes in one temporary folder (the
    INDEX_CACHE setting, through the environment so `dalil` runs see it too): never the
    developer's instance folder, and apps over the same articles share one build."""
    folder = tmp_path_factory.mktemp("index-cache")
    previous = os.environ.get("DALIL_INDEX_CACHE")
    os.environ["DALIL_INDEX_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DALIL_INDEX_CACHE", None)
    else:
        os.environ["DALIL_INDEX_CACHE"] = previous


@pytest.fixture(scope="session", autouse=True)
def lexical_by_default():
    """The run's apps and `dalil` runs match lexically (DALIL_SEMANTIC=off) unless a test
    asks for semantic matching: the hundreds of small help centers the tests write
    would each be encoded (some 20 texts a second), and their answers are asserted as
    the lexical ranking gives them. tests/test_semantic.py tests the semantic matching
    and the default itself; the quality test asks the shipped bot as served."""
    previous = os.environ.get("DALIL_SEMANTIC")
    os.environ["DALIL_SEMANTIC"] = "off"
    yield
    if previous is None:
        os.environ.pop("DALIL_SEMANTIC", None)
    else:
        os.environ["DALIL_SEMANTIC"] = previous


@pytest.fixture
def articles_dir(tmp_path):
    """A fresh folder of small real articles (ar and en, with questions) a test may edit."""
    return write_articles(tmp_path / "articles")


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    """A Bot over the small help center of ``articles_dir`` (built once per module: tests
    only ask it questions)."""
    return Bot.from_articles(str(write_articles(tmp_path_factory.mktemp("articles"))))


@pytest.fixture(scope="session")
def shipped_bot():
    """A Bot over the repository's articles/ folder, built once per session (lexical)."""
    return Bot.from_articles(str(SHIPPED_ARTICLES))


@pytest.fixture(scope="session")
def served_bot(index_cache):
    """The Bot `dalil serve` answers with over the shipped articles with the default
    settings: SEMANTIC=auto (tests/test_semantic.py checks it is the default), each
    matching's own thresholds, the vectors kept in the run's index cache."""
    config = settings({"ARTICLES": str(SHIPPED_ARTICLES), "INDEX_CACHE": str(index_cache),
                       "SEMANTIC": "auto"})
    return build_bot(config, include_learned=False)


@pytest.fixture
def runner(articles_dir, tmp_path):
    """The `dalil` command run by ``app.test_cli_runner()``, with the settings of an app
    over ``articles_dir`` and its own SQLite file. ``runner.invoke(cli, [...])``."""
    return app_over(articles_dir, tmp_path / "cli.sqlite3").test_cli_runner()


@pytest.fixture
def app(articles_dir, tmp_path):
    """The web app over ``articles_dir``, with its SQLite file in ``tmp_path``."""
    return create_app({"TESTING": True, "ARTICLES": str(articles_dir),
                       "DATABASE": str(tmp_path / "dalil.sqlite3")})


@pytest.fixture
def client(app):
    return app.test_client()
