"""The insights on PostgreSQL give what they give on SQLite: the seeded week of
tests/insights_fixtures.py written to both (a real file, a real server from
tests/pg_fixtures.py), every store query and the whole report compared.
(test_insights.py checks the SQLite figures against the hand-worked values.)"""
import pytest

from bot import store
from bot.desk.insights import build_report
from insights_fixtures import NOW, SINCE, UNTIL, seed

QUERIES = [store.chat_messages, store.conversation_messages, store.conversations_with_handoffs,
           store.asks_in, store.searches_in, store.views_per_article,
           store.article_feedback_in, store.handoffs_in, store.ratings_in]
PERIODS = [(SINCE, UNTIL), (SINCE.replace(day=3), SINCE.replace(day=4)),
           (UNTIL.replace(day=7, hour=23, minute=59, second=59), UNTIL)]


@pytest.fixture(scope="module")
def both(pg_server, tmp_path_factory):
    """(SQLite db, PostgreSQL db), each holding the seeded week."""
    name = "insights_both"
    pg_server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
    sqlite = seed(store.open_db(str(tmp_path_factory.mktemp("insights") / "dalil.sqlite3")))
    postgres = seed(store.open_db(pg_server.url(name)))
    yield sqlite, postgres
    sqlite.close()
    postgres.close()
    pg_server.admin(f"DROP DATABASE {name} WITH (FORCE)")


def _iso(moment):
    return moment.isoformat(timespec="seconds")


@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query.__name__)
@pytest.mark.parametrize("period", PERIODS, ids=["week", "one day", "edge second"])
def test_each_query_returns_the_same_rows_on_both(both, query, period):
    sqlite, postgres = both
    since, until = map(_iso, period)
    expected = query(sqlite, since, until)
    if period == PERIODS[0]:
        assert expected  # the week holds rows of every kind
    assert query(postgres, since, until) == expected


def test_the_backlog_is_the_same_on_both(both):
    sqlite, postgres = both
    for moment in (UNTIL, NOW, SINCE):
        assert store.backlog_at(postgres, _iso(moment)) == store.backlog_at(sqlite, _iso(moment))


def test_the_whole_report_is_the_same_on_both(both, bot):
    sqlite, postgres = both
    for since, until in PERIODS:
        assert (build_report(postgres, since, until, bot=bot, now=NOW)
                == build_report(sqlite, since, until, bot=bot, now=NOW))
