"""`dalil db migrate` and `dalil db copy` on a real SQLite file and a real PostgreSQL
(tests/pg_fixtures.py), and the other commands given a postgresql:// URL."""
from bot import store
from insights_fixtures import seed
from test_cli import assert_clean_error
from web.cli import cli


def test_db_migrate_on_a_file_and_on_a_url(runner, tmp_path, pg_url):
    for database in (str(tmp_path / "dalil.sqlite3"), pg_url):
        result = runner.invoke(cli, ["db", "migrate", "--db", database])
        assert result.exit_code == 0, result.output
        assert "migrations applied, the last m016_channels" in result.output
        db = store.connect(database)
        assert store.migrations.pending(db) == []
        db.close()


def test_db_copy_moves_a_file_to_postgresql_and_says_what(runner, tmp_path, pg_url):
    path = tmp_path / "dalil.sqlite3"
    seed(store.open_db(path)).close()
    result = runner.invoke(cli, ["db", "copy", str(path), pg_url])
    assert result.exit_code == 0, result.output
    assert "the counts match" in result.output
    source, target = store.connect(path), store.connect(pg_url)
    for table in store.copy.TABLES:
        count = next(source.query(f"SELECT count(*) AS n FROM {table}"))["n"]
        assert next(target.query(f"SELECT count(*) AS n FROM {table}"))["n"] == count
        assert f"{table}: {count}" in result.output
    source.close(), target.close()
    again = runner.invoke(cli, ["db", "copy", str(path), pg_url])  # not into a full store
    assert_clean_error(again, "already holds rows")


def test_db_copy_of_a_missing_file_or_an_unreachable_server_is_a_clear_error(runner, tmp_path,
                                                                            pg_server):
    missing = runner.invoke(cli, ["db", "copy", str(tmp_path / "nope.sqlite3"),
                                  str(tmp_path / "new.sqlite3")])
    assert_clean_error(missing, "no such database file")
    url = f"postgresql://dalil:secret@/dalil?host={tmp_path}"  # no server listens there
    unreachable = runner.invoke(cli, ["db", "migrate", "--db", url])
    assert_clean_error(unreachable, "cannot be reached")
    assert "secret" not in unreachable.output  # the password is never printed


def test_agents_add_works_on_a_postgresql_url(runner, pg_url):
    result = runner.invoke(cli, ["agents", "add", "mona", "--db", pg_url],
                           input="correct horse battery\n")
    assert result.exit_code == 0, result.output
    db = store.connect(pg_url)
    assert [a["name"] for a in store.list_agents(db)] == ["mona"]
    db.close()
