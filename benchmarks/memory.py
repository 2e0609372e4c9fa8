"""The memory benchmark: RSS and PSS of each process of a real `dalil serve` — the
gunicorn master, which builds the bot before forking, and its workers, which share
its pages until they write to them.

    python benchmarks/memory.py [--articles articles | --synthetic N [--out build/synth]]
                                [--workers 2] [--reload] [--cache FOLDER | --no-cache] [--json]

--synthetic N makes a knowledge base of N articles with
../shared/devbench/make_synth.py (once: OUT/N/articles is reused when present) and
serves that. The figures come from /proc/<pid>/smaps_rollup after a few requests of
each kind (so each worker has touched what serving touches): RSS counts every page a
process maps, shared ones in full; PSS divides each shared page among the processes
sharing it, so the PSS of all processes added up is what the server really holds.
--reload then changes one article (a byte appended to its body) and measures again
once the master has rebuilt and gunicorn has replaced the workers with new ones forked
from it (web/server.py). The index cache
(INDEX_CACHE, kb/cache.py) starts empty unless --cache names a folder; --no-cache
turns it off.
"""
import os
import sys

# Run as a script, this file's folder comes first on sys.path, where "http" would be
# benchmarks/http.py instead of the standard library's package.
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, ROOT)

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402

from benchmarks.http import free_port, server_pids, start_server, stop_server  # noqa: E402

MAKE_SYNTH = os.path.join(ROOT, "..", "shared", "devbench", "make_synth.py")


def synthetic(n, out):
    """Return the articles folder of a synthetic knowledge base of ``n`` articles under
    ``out``, made with make_synth.py when it is not there yet."""
    folder = os.path.join(out, str(n))
    articles = os.path.join(folder, "articles")
    if not os.path.isdir(articles):
        subprocess.run([sys.executable, MAKE_SYNTH, str(n), folder], check=True)
    return articles


def smaps(pid):
    """Return {field: kB} of /proc/<pid>/smaps_rollup (Rss, Pss, Private_Dirty, ...)."""
    figures = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            match = re.match(r"(\w+):\s+(\d+) kB", line)
            if match:
                figures[match.group(1)] = int(match.group(2))
    return figures


def warm(port, articles):
    """Send a few requests of each kind so each worker touches what serving touches."""
    base = f"http://127.0.0.1:{port}"
    article_id = _one_article(articles)
    requests = [("POST", "/api/ask", {"question": "ابغى ارجع الطلب"}),
                ("POST", "/api/ask", {"question": "how do I reset my password"}),
                ("GET", "/api/search?q=" + urllib.parse.quote("الشحن"), None),
                ("GET", f"/ar/articles/{article_id}", None),
                ("GET", "/ar/", None)]
    for _ in range(10):  # connections close: the requests spread over the workers
        for method, path, body in requests:
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(base + path, data=data, method=method,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()


def _one_article(articles):
    for root, _, files in sorted(os.walk(articles)):
        for name in sorted(files):
            if name.endswith(".md"):
                return name.split(".")[0]
    raise RuntimeError(f"no article under {articles}")


def _count_articles(articles):
    ids = set()
    for _, _, files in os.walk(articles):
        ids.update(name.split(".")[0] for name in files if name.endswith(".md"))
    return len(ids)


def measure(master):
    """Return [(role, pid, smaps figures)] of the master and each worker."""
    rows = [("master", master, smaps(master))]
    rows += [("worker", pid, smaps(pid)) for pid in server_pids(master)[1:]]
    return rows


def _touch_one(articles):
    for root, _, files in sorted(os.walk(articles)):
        for name in sorted(files):
            if name.endswith(".md"):
                with open(os.path.join(root, name), "a", encoding="utf-8") as f:
                    f.write("\n")
                return


def wait_for_reloads(log_path, master, workers, before, timeout):
    """Wait until the server log says the master reloaded and ``workers`` new workers
    (none of the pids ``before``) serve: the master rebuilds and gunicorn replaces the
    workers (web/server.py). RuntimeError when that takes over ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            reloaded = "dalil.live: reloaded" in f.read()
        current = server_pids(master)[1:]
        if reloaded and len(current) == workers and not set(current) & set(before):
            time.sleep(1)  # the new workers' first requests
            return
        time.sleep(0.5)
    raise RuntimeError(f"the workers were not replaced within {timeout} s")


def table(rows):
    """Return the rows as a Markdown table, with the sum of PSS."""
    mb = 1024
    lines = ["| process | RSS | PSS | private (dirty) | shared |", "|---|---|---|---|---|"]
    for role, pid, f in rows:
        shared = f.get("Shared_Clean", 0) + f.get("Shared_Dirty", 0)
        lines.append(f"| {role} | {f['Rss'] / mb:.0f} MB | {f['Pss'] / mb:.0f} MB | "
                     f"{f.get('Private_Dirty', 0) / mb:.0f} MB | {shared / mb:.0f} MB |")
    lines.append(f"| **all (PSS summed)** | | **{sum(f['Pss'] for _, _, f in rows) / mb:.0f} MB** "
                 f"| | |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default=os.path.join(ROOT, "articles"))
    parser.add_argument("--synthetic", type=int, metavar="N",
                        help="serve a synthetic knowledge base of N articles instead")
    parser.add_argument("--out", default=os.path.join(ROOT, "build", "synth"),
                        help="where --synthetic keeps its knowledge bases")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reload", action="store_true",
                        help="also measure after every worker rebuilt for a changed article")
    parser.add_argument("--cache", help="INDEX_CACHE folder (default: a new, empty one)")
    parser.add_argument("--no-cache", action="store_true", help="INDEX_CACHE off")
    parser.add_argument("--start-timeout", type=float, default=3600,
                        help="seconds to wait for the server (a big index builds slowly)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dalil-memory-") as folder:
        if args.synthetic:
            articles = synthetic(args.synthetic, os.path.abspath(args.out))
        else:
            articles = os.path.abspath(args.articles)
        if args.reload:  # the change must not touch the caller's folder
            copy = os.path.join(folder, "articles")
            subprocess.run(["cp", "-r", articles, copy], check=True)
            articles = copy
        env = {"DALIL_INDEX_CACHE": "false" if args.no_cache else
               os.path.abspath(args.cache) if args.cache else os.path.join(folder, "cache")}
        n = _count_articles(articles)
        port = free_port()
        started = time.perf_counter()
        process = start_server(articles, args.workers, port, folder, env=env,
                               timeout=args.start_timeout)
        ready = time.perf_counter() - started
        try:
            warm(port, articles)
            results = {"started": measure(process.pid)}
            if args.reload:
                before = server_pids(process.pid)[1:]
                _touch_one(articles)
                wait_for_reloads(os.path.join(folder, "server.log"), process.pid,
                                 args.workers, before, args.start_timeout)
                warm(port, articles)
                results["after a rebuild"] = measure(process.pid)
        finally:
            stop_server(process)
    if args.json:
        print(json.dumps({"articles": n, "ready_seconds": ready,
                          **{k: [{"role": r, "pid": p, **f} for r, p, f in v]
                             for k, v in results.items()}}, indent=2))
        return
    print(f"Measured {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}: {n} articles, {args.workers} workers, "
          f"index cache {'off' if args.no_cache else 'on'}, server ready in {ready:.1f} s")
    for name, rows in results.items():
        print(f"\n{name}:\n\n{table(rows)}")


if __name__ == "__main__":
    main()
