"""How the cost of the index and the help-center search grows with the number of articles,
against a BM25 peer (bm25s), on synthetic knowledge bases.

    python benchmarks/scale.py [--sizes 1000,5000,10000] [--out build/synth]
                               [--write docs/benchmarks.md]

Each size is made once with ../shared/devbench/make_synth.py N OUT (articles of 12
questions and a 150-word body; the topics are random mixtures of real questions, so
this measures cost, not quality — quality is the dev suites', benchmarks/devbench.py).
Each size is measured in a fresh process, so its peak memory is its own: the index
build (wall and CPU seconds, peak resident memory), the help-center search build, then
questions of the kit's questions.csv asked of the index (`ask`, the bot's path) and
searched (the help center's): 500 cold (the first the process is asked), 500 others
after them ("steady": new questions to a process that has served some, as a server
is), and the first 500 again ("repeated": every cache warm); then the same questions
through bm25s over each article's title, questions and body in kb.text's stems — the
peer the issue names, when installed (`pip install bm25s`; not a dependency).
"""
import argparse
import csv
import datetime
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

MAKE_SYNTH = os.path.join(ROOT, "..", "shared", "devbench", "make_synth.py")
QUESTIONS = 500


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def percentiles(times):
    ms = np.array(times) * 1000
    return round(float(np.percentile(ms, 50)), 2), round(float(np.percentile(ms, 99)), 2)


def timed(function, items):
    out = []
    for item in items:
        started = time.perf_counter()
        function(item)
        out.append(time.perf_counter() - started)
    return out


def measure_one(folder):
    """Return the figures of one knowledge base (run in its own process)."""
    from kb.articles import load_articles
    from kb.index import Index
    from kb.search import Search

    figures = {}
    articles = load_articles(os.path.join(folder, "articles"))
    figures["articles"] = len({a.id for a in articles})
    wall, cpu = time.perf_counter(), time.process_time()
    index = Index(articles)
    figures["index_build_s"] = round(time.perf_counter() - wall, 1)
    figures["index_build_cpu_s"] = round(time.process_time() - cpu, 1)
    figures["index_peak_mb"] = peak_mb()
    wall = time.perf_counter()
    search = Search(articles, index=index)
    figures["search_build_s"] = round(time.perf_counter() - wall, 1)
    figures["peak_mb"] = peak_mb()
    # What a serving process does once built (web.live): the built objects never become
    # garbage, so the collector stops walking them.
    gc.collect()
    gc.freeze()
    with open(os.path.join(folder, "questions.csv"), encoding="utf-8") as f:
        rows = [row["question"] for row in csv.DictReader(f)]
    questions, others = rows[:QUESTIONS], rows[QUESTIONS:2 * QUESTIONS]
    for name, function in (("ask", lambda q: index.search(q)),
                           ("search", lambda q: search.search(q, lang="ar"))):
        figures[f"{name}_cold"] = percentiles(timed(function, questions))
        figures[f"{name}_steady"] = percentiles(timed(function, others))
        figures[f"{name}_repeated"] = percentiles(timed(function, questions))
    figures.update(measure_peer(articles, questions))
    return figures


def measure_peer(articles, questions):
    """Return bm25s's build time and query percentiles over the same articles, or {}
    when it is not installed."""
    try:
        import bm25s
    except ImportError:
        return {}
    from kb.text import stems

    texts = {}
    for article in articles:
        texts.setdefault(article.id, []).extend([article.title, *article.questions, article.body])
    wall = time.perf_counter()
    corpus = [list(stems(" ".join(parts))) for parts in texts.values()]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)  # word lists: bm25s numbers them
    build = round(time.perf_counter() - wall, 1)
    known = set(retriever.vocab_dict)

    def ask(question):
        words = [w for w in stems(question) if w in known] or [next(iter(known))]
        retriever.retrieve([words], k=5, show_progress=False)

    timed(ask, questions)
    return {"bm25s_build_s": build, "bm25s_query": percentiles(timed(ask, questions))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "synth"))
    parser.add_argument("--write", help="save the table into this Markdown file's scale section")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one)))
        return
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        folder = os.path.join(args.out, str(size))
        if not os.path.exists(os.path.join(folder, "questions.csv")):
            subprocess.run([sys.executable, MAKE_SYNTH, str(size), folder], check=True)
        done = subprocess.run([sys.executable, __file__, "--one", folder], check=True,
                              capture_output=True, text=True)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(size, figures, flush=True)
        rows.append(figures)
    table = render(rows, " ".join(["python benchmarks/scale.py", *sys.argv[1:]]))
    print(table)
    if args.write:
        write_section(args.write, "scale", "Scale: synthetic knowledge bases", table)


def _three(figures, name):
    return ", ".join(f"{figures[f'{name}_{k}'][0]} / {figures[f'{name}_{k}'][1]}"
                     for k in ("cold", "steady", "repeated")) + " ms"


def render(rows, command):
    lines = [
        f"Measured {datetime.date.today()} on {platform.machine()} with {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: `{command}`.",
        "",
        "| articles | index build (CPU) | peak memory | search build | ask p50 / p99: cold, "
        "steady, repeated | search p50 / p99: cold, steady, repeated | bm25s build | "
        "bm25s p50 / p99 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in rows:
        peer = (f"{f['bm25s_build_s']} s | {f['bm25s_query'][0]} / {f['bm25s_query'][1]} ms"
                if "bm25s_build_s" in f else "— | —")
        lines.append(
            f"| {f['articles']:,} | {f['index_build_s']} s ({f['index_build_cpu_s']} s) | "
            f"{f['index_peak_mb']:,} MB index, {f['peak_mb']:,} MB with search | "
            f"{f['search_build_s']} s | {_three(f, 'ask')} | {_three(f, 'search')} | {peer} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
