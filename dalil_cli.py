"""The `dalil` command: check articles, ask the bot, measure it, serve the help center."""
import json
import os
import sys

import click

from bot import Bot, InvalidQuestion, Thresholds
from bot.evaluate import QuestionsFileError, evaluate, read_questions
from kb.articles import ArticleError
from kb.lint import check as lint

DEFAULT_ARTICLES = os.environ.get("DALIL_ARTICLES", "articles")

articles_option = click.option(
    "--articles", "articles", default=DEFAULT_ARTICLES, show_default=True,
    type=click.Path(file_okay=False), help="Folder of Markdown articles.")


@click.group()
@click.version_option(package_name="dalil")
def cli():
    """Dalil: an Arabic-first FAQ bot and help center."""


def _load_bot(folder, **options):
    if not os.path.isdir(folder):
        raise click.ClickException(f"{folder}: no such folder of articles")
    try:
        return Bot.from_articles(folder, **options)
    except ArticleError as error:
        raise click.ClickException(f"{error} (run `dalil check {folder}` for every problem)")


@cli.command()
@click.argument("folder", default=DEFAULT_ARTICLES, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def check(folder, as_json):
    """Check the articles in FOLDER: schema, ids, questions, links, translations.

    Exits 1 when there are errors (warnings alone exit 0).

        dalil check articles/
    """
    problems = lint(folder)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        click.echo(json.dumps({"errors": errors, "warnings": warnings,
                               "problems": [p.__dict__ for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem), err=problem.level == "error")
        click.echo(f"{errors} error(s), {warnings} warning(s) in {folder}")
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("question")
@articles_option
@click.option("--lang", type=click.Choice(["ar", "en"]), help="Reply in this language.")
@click.option("--json", "as_json", is_flag=True, help="Print the reply as JSON.")
def ask(question, articles, lang, as_json):
    """Ask the bot QUESTION and show its reply and the top candidates.

        dalil ask "متى يصل طلبي؟"
    """
    bot = _load_bot(articles)
    try:
        reply = bot.ask(question, lang=lang)
    except InvalidQuestion as error:
        raise click.ClickException(str(error))
    if as_json:
        click.echo(json.dumps({
            "action": reply.action, "article_id": reply.article_id, "title": reply.title,
            "text": reply.text, "lang": reply.lang, "reason": reply.reason,
            "confidence": reply.confidence, "suggestions": list(reply.suggestions),
            "candidates": [{"article_id": a, "score": s} for a, s in reply.candidates],
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"{reply.action} ({reply.reason}; confidence {reply.confidence:.2f})")
    if reply.article_id:
        click.echo(f"article: {reply.article_id}")
    click.echo(reply.text)
    click.echo("candidates:")
    for article_id, score in reply.candidates:
        click.echo(f"  {score:.3f}  {article_id}")


@cli.command(name="eval")
@articles_option
@click.option("--questions", required=True, type=click.Path(dir_okay=False),
              help="CSV with the columns question,expected (empty: should go to a person).")
@click.option("--answer-at", type=float, help="Override the answer threshold.")
@click.option("--suggest-at", type=float, help="Override the suggest threshold.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def eval_command(articles, questions, answer_at, suggest_at, as_json):
    """Measure the bot on labelled questions: accuracy, coverage at 90% and 95%
    precision, outcomes with the thresholds, latency.

        dalil eval --articles suite/articles --questions suite/questions.csv
    """
    try:
        rows = read_questions(questions)
    except QuestionsFileError as error:
        raise click.ClickException(str(error))
    defaults = Thresholds()
    thresholds = Thresholds(answer_at=defaults.answer_at if answer_at is None else answer_at,
                            suggest_at=defaults.suggest_at if suggest_at is None else suggest_at)
    bot = _load_bot(articles, thresholds=thresholds)

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
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(_format_report(report))


def _format_report(r):
    pct = "{:.1%}".format
    out = [f"questions: {r['questions']} ({r['answerable']} answerable, "
           f"{r['unanswerable']} should go to a person)"]
    if r["answerable"]:
        out.append(f"top-1 accuracy: {r['top1']:.3f}    hit@3: {r['hit3']:.3f}")
    for target, value in r["precision_targets"].items():
        threshold = "unreachable" if value["answer_at"] is None else f"answer_at={value['answer_at']:.3f}"
        out.append(f"coverage at {float(target):.0%} precision: {value['coverage']:.3f} ({threshold})")
    t = r["thresholds"]
    out.append(f"with answer_at={t['answer_at']}, suggest_at={t['suggest_at']}:")
    a = r["answerable_outcomes"]
    if r["answerable"]:
        out.append(f"  answerable: answered right {pct(a['answered_right'])}, answered wrong "
                   f"{pct(a['answered_wrong'])}, suggested {pct(a['suggested'])} (right one "
                   f"among them {pct(a['suggested_with_right'])}), escalated {pct(a['escalated'])}")
    u = r["unanswerable_outcomes"]
    if r["unanswerable"]:
        out.append(f"  unanswerable: escalated {pct(u['escalated'])}, suggested "
                   f"{pct(u['suggested'])}, answered {pct(u['answered'])}")
    out.append(f"  wrong answers: {pct(r['wrong_answers_of_all'])} of all questions")
    lat = r["latency_ms"]
    out.append(f"ask latency: p50 {lat['p50']:.2f} ms, p99 {lat['p99']:.2f} ms")
    return "\n".join(out)


@cli.command()
@articles_option
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite file (default: in the instance folder).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers.")
@click.option("--debug", is_flag=True, help="Flask's development server with the reloader.")
def serve(articles, db, host, port, workers, debug):
    """Serve the help center and the bot.

        dalil serve --articles articles/ --port 8000
    """
    from web import create_app

    config = {"ARTICLES": os.path.abspath(articles)}
    if db:
        config["DATABASE"] = os.path.abspath(db)
    try:
        app = create_app(config)
    except ArticleError as error:
        raise click.ClickException(f"{error} (run `dalil check {articles}`)")
    if debug:
        app.run(host=host, port=port, debug=True)
        return
    from web.server import serve_with_gunicorn

    serve_with_gunicorn(app, host=host, port=port, workers=workers)



# --- agents ---------------------------------------------------------------------------------

db_option = click.option("--db", type=click.Path(dir_okay=False),
                         help="SQLite file (default: $DALIL_DATABASE, else the instance folder's).")


def _open_agents_db(path):
    from bot import store

    if not path:
        path = os.environ.get("DALIL_DATABASE")
    if not path:
        from flask import Flask

        path = os.path.join(Flask("web").instance_path, "dalil.sqlite3")
        os.makedirs(os.path.dirname(path), exist_ok=True)  # the instance folder, as the app does
    folder = os.path.dirname(os.path.abspath(path))
    # A typo in --db must not leave a new folder and an empty database behind.
    if not os.path.isdir(folder):
        raise click.ClickException(f"{path}: there is no folder {folder}")
    return store.open_db(path)


@cli.group()
def agents():
    """Manage the support agents who sign in to /agent."""


@agents.command(name="add")
@click.argument("name")
@db_option
def agents_add(name, db):
    """Add the agent NAME; asks for the password (or reads one line from standard input
    when it is piped). Stored hashed.

        dalil agents add mona
        echo "$PASSWORD" | dalil agents add mona --db instance/dalil.sqlite3
    """
    from bot.agents import AgentError, add_agent

    database = _open_agents_db(db)  # before the password: a wrong --db is said at once
    try:
        if sys.stdin.isatty():
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        add_agent(database, name, password)
    except AgentError as error:
        raise click.ClickException(str(error))
    finally:
        database.close()
    click.echo(f"added agent {name}")


@agents.command(name="list")
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the agents as JSON.")
def agents_list(db, as_json):
    """List the agents and when they were added.

        dalil agents list
    """
    from bot.agents import list_agents

    database = _open_agents_db(db)
    try:
        found = list_agents(database)
    finally:
        database.close()
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
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
    from bot.agents import AgentError, remove_agent

    database = _open_agents_db(db)
    try:
        remove_agent(database, name)
    except AgentError as error:
        raise click.ClickException(str(error))
    finally:
        database.close()
    click.echo(f"removed agent {name}")

# --- learned questions -----------------------------------------------------------------------

@cli.group()
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
    from bot import store

    database = _open_agents_db(db)
    try:
        rows = store.list_learned(database)
    finally:
        database.close()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("nothing learned yet", err=True)
    by_article = {}
    for row in rows:
        by_article.setdefault(row["article_id"], []).append(row)
    for article_id in sorted(by_article):
        click.echo(f"{article_id}:")
        for row in by_article[article_id]:
            flag = f"  [no x{row['disputed']}]" if row["disputed"] else ""
            click.echo(f"  - {row['question']}  ({row['lang']}, {row['source']}){flag}")


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
    import difflib

    from bot import store
    from kb.articles import ArticleError
    from kb.frontmatter import plan_export

    database = _open_agents_db(db)
    try:
        rows = [r for r in store.list_learned(database) if not r["disputed"]]
    finally:
        database.close()
    triples = [(r["article_id"], r["lang"], r["question"]) for r in reversed(rows)]
    try:
        changes = plan_export(articles, triples)
    except (ArticleError, OSError) as error:
        raise click.ClickException(f"{error} (run `dalil check {articles}`)")
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

@cli.command()
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
    import datetime

    from bot import insights

    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        start = insights.parse_moment(since, now)
        end = insights.parse_moment(until, now) if until else now
    except ValueError as error:
        raise click.ClickException(str(error))
    if start >= end:
        raise click.ClickException(f"--since ({insights.iso(start)}) must be before --until "
                                   f"({insights.iso(end)})")
    path = db or os.environ.get("DALIL_DATABASE")
    if path and not os.path.isfile(path):
        raise click.ClickException(f"{path}: no such database file")
    # The articles name each content gap's closest article; without them, ids only.
    bot = _load_bot(articles) if os.path.isdir(articles) else None
    database = _open_agents_db(path)
    try:
        figures = insights.build_report(database, start, end, bot=bot, now=now)
    finally:
        database.close()
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        click.echo(insights.as_text(figures))


if __name__ == "__main__":
    cli()
