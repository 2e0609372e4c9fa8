"""The store benchmark: chat messages per second and their p50/p99 on SQLite and on
PostgreSQL, with one node and with two, and how long a question learned on one node
takes to be answered by the other.

    python benchmarks/stores.py [--articles articles] [--workers 2] [--concurrency 32]
                                [--messages 3000] [--seconds 20] [--write docs/benchmarks.md]

Each setup starts real `dalil serve` nodes (``--workers`` gevent workers each) on free
loopback ports over one new store: a SQLite file (two nodes share the file, which only
works on one machine) or a database on a PostgreSQL server started for the run in a
temporary folder (tests/pg_fixtures.py; Debian's initdb and pg_ctl, default durability
settings: fsync and synchronous_commit on). ``--concurrency`` customers, each with a
conversation of their own on a kept-alive connection, are spread over the nodes in
turn and post messages back to back (POST /api/conversations/<id>/messages, the bot
answering each) until ``--messages`` are answered or ``--seconds`` pass. CPU is the
utime + stime of the nodes' processes and, on PostgreSQL, of the server and its
backends, per message. Every answer must be 2xx.

Learning: with two nodes, a learned question is stored (as an agent's resolution
stores it) and node B is asked it every 5 ms until it answers with its article; ten
questions, the median and the slowest reported. B's watcher polls every second
(LIVE_RELOAD_INTERVAL); on PostgreSQL it is also woken by the learned questions'
notice.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]  # see http.py

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from bot import store  # noqa: E402


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# benchmarks/http.py's server start, load client and percentiles (it cannot be imported
# by name: "http" is the standard library's).
http_bench = _load("http_bench", os.path.join(HERE, "http.py"))
from pg_fixtures import temporary_server  # noqa: E402
from benchmarks.sections import write_section  # noqa: E402

LEARNED = ["الكرتونة وصلت مفتوحة وناقص منها قطعة {n}", "the parcel came open and a piece is missing {n}"]


def start_nodes(count, articles, workers, folder, database):
    """Start ``count`` nodes on ``database``; return [(process, port)]. They start at
    once, racing to migrate a new store, as nodes behind a load balancer would."""
    nodes = []
    for n in range(count):
        port = http_bench.free_port()
        node_folder = os.path.join(folder, f"node-{n}")
        os.makedirs(node_folder, exist_ok=True)
        # --db after start_server's own: the last one given is the one used.
        nodes.append((http_bench.start_server(articles, workers, port, node_folder,
                                              extra_args=["--db", database]), port))
    return nodes


def measure(nodes, pg_pid, concurrency, total, seconds):
    """Return the load's row: messages, messages/s, p50/p99 ms, CPU ms per message."""
    ports = [port for _, port in nodes]
    asyncio.run(http_bench.run_load(ports, "chat", 4, 200, seconds, None))  # warm up every worker
    pids = [pid for process, _ in nodes for pid in http_bench.server_pids(process.pid)]
    database_pids = http_bench.server_pids(pg_pid) if pg_pid else []
    before = http_bench.cpu_seconds(pids), http_bench.cpu_seconds(database_pids)
    latencies, wall = asyncio.run(http_bench.run_load(ports, "chat", concurrency, total,
                                                      seconds, None))
    after = http_bench.cpu_seconds(pids), http_bench.cpu_seconds(database_pids)
    count = len(latencies)
    return {"messages": count, "rate": count / wall,
            "p50": http_bench.percentile(latencies, 50) * 1000,
            "p99": http_bench.percentile(latencies, 99) * 1000,
            "cpu": (after[0] - before[0]) / count * 1000,
            "db_cpu": (after[1] - before[1]) / count * 1000 if pg_pid else None}


def _ask(port, question):
    client = http_bench.Client(port)
    try:
        status, body = asyncio.run(client.send(http_bench.request_bytes(
            "POST", "/api/ask", {"question": question}, ["Connection: close"])))
    finally:
        client.close()
    reply = json.loads(body)
    return reply.get("article_id") if reply.get("action") == "answer" else None


def learning_delays(database, nodes, article_id, questions=10, patience=30):
    """Store ``questions`` learned questions for ``article_id`` (through node A's
    database, as a resolution does); return the seconds until node B answered each."""
    port = nodes[1][1]
    delays = []
    db = store.open_db(database)
    try:
        for n in range(questions):
            question = LEARNED[n % 2].format(n=n)
            started = time.perf_counter()
            store.add_learned_question(db, article_id, question, "ar" if n % 2 == 0 else "en")
            while _ask(port, question) != article_id:
                if time.perf_counter() - started > patience:
                    raise RuntimeError(f"node B never answered {question!r}")
                time.sleep(0.005)
            delays.append(time.perf_counter() - started)
            time.sleep(0.3)  # not in step with the watcher's polls
    finally:
        db.close()
    return delays


@contextlib.contextmanager
def _setup(backend, count, args, folder, server):
    if backend == "sqlite":
        database, pg_pid = os.path.join(folder, "dalil.sqlite3"), None
    else:
        name = f"bench_{count}_{os.getpid()}"
        server.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        database, pg_pid = server.url(name), server.pid
    nodes = start_nodes(count, args.articles, args.workers, folder, database)
    try:
        yield database, nodes, pg_pid
    finally:
        for process, _ in nodes:
            http_bench.stop_server(process)
        if backend == "postgres":
            server.admin(f"DROP DATABASE {name} WITH (FORCE)")


def table(rows):
    lines = ["| store | nodes | messages | messages/s | p50 | p99 | Dalil CPU / message "
             "| PostgreSQL CPU / message | learned on A, answered by B (median / slowest) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        db_cpu = f"{r['db_cpu']:.2f} ms" if r["db_cpu"] is not None else "—"
        learned = (f"{r['learned_median'] * 1000:.0f} / {r['learned_max'] * 1000:.0f} ms"
                   if r.get("learned_median") is not None else "—")
        lines.append(f"| {r['store']} | {r['nodes']} | {r['messages']} | {r['rate']:.0f} "
                     f"| {r['p50']:.1f} ms | {r['p99']:.1f} ms | {r['cpu']:.2f} ms "
                     f"| {db_cpu} | {learned} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default="articles")
    parser.add_argument("--workers", type=int, default=2, help="gevent workers per node")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--setups", default="sqlite:1,sqlite:2,postgres:1,postgres:2",
                        help="store:nodes, comma-separated")
    parser.add_argument("--write", help="replace the Stores section of this Markdown file")
    args = parser.parse_args(argv)
    article_id = http_bench.first_article(args.articles)
    setups = [(s.split(":")[0], int(s.split(":")[1])) for s in args.setups.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        server = None
        if any(backend == "postgres" for backend, _ in setups):
            server = stack.enter_context(temporary_server())
        for backend, count in setups:
            here = os.path.join(folder, f"{backend}-{count}")
            os.makedirs(here)
            with _setup(backend, count, args, here, server) as (database, nodes, pg_pid):
                row = {"store": "SQLite" if backend == "sqlite" else "PostgreSQL",
                       "nodes": count,
                       **measure(nodes, pg_pid, args.concurrency, args.messages, args.seconds)}
                if count > 1:
                    delays = learning_delays(database, nodes, article_id)
                    row["learned_median"], row["learned_max"] = statistics.median(delays), max(delays)
                rows.append(row)
                print(table([row]).splitlines()[-1], flush=True)
    text = table(rows)
    print(text)
    if args.write:
        command = "python benchmarks/stores.py " + " ".join(argv or sys.argv[1:])
        write_section(args.write, "stores", "Stores: SQLite and PostgreSQL, one and two nodes",
                      _section(text, args, command))
    return rows


def _section(text, args, command):
    return (f"Made with `{command.replace(' --write ' + args.write, '')}` on this 2-core machine: "
            f"{args.concurrency} customers posting chat messages back to back (the bot "
            f"answers each), {args.workers} gevent workers a node, PostgreSQL with its "
            "default durability (fsync on) in a temporary folder. Two nodes run on the "
            "same 2 cores, so they show correctness and overhead, not scaling; two SQLite "
            "nodes share one file, which only works on one machine.\n\n" + text + "\n")


if __name__ == "__main__":
    main()
