"""The HTTP benchmark: requests/s, p50 and p99 at several concurrencies against a real
`dalil serve` on loopback, and the server's CPU time per request.

    python benchmarks/http.py [--articles articles] [--workers 2] [--requests 2000]
                              [--concurrency 1,8,32] [--endpoints ask,search,article,chat]
                              [--seconds 20] [--rounds 1] [--compare-env KEY=VALUE ...]

Starts `dalil serve` on a free loopback port with a fresh database and index cache and
DALIL_RATELIMIT_ENABLED=false (the chat's per-conversation and per-address limits would
otherwise answer most of a load test with 429), waits until it answers, then for each
endpoint and concurrency runs a bounded load: ``--requests`` requests or ``--seconds``
seconds, whichever comes first, from that many clients, each a kept-alive connection
(asyncio, raw sockets: the generator must cost less than the server). The server's CPU
is the utime + stime of the gunicorn master and its workers (/proc/<pid>/stat) before
and after each run, divided by the requests answered. Every response must be 2xx: a
run with any other status stops with an error. The server is stopped at the end.

The CPU per request moves by a few tenths of a millisecond from run to run when other
jobs share the machine, more than most changes move it. ``--rounds N`` runs each row N
times and reports the median with the lowest and highest; ``--compare-env KEY=VALUE``
(repeatable) starts a second server with those variables added (DALIL_ACCESS_LOG=false,
or PYTHONPATH=<another checkout> to compare code) and the two take turns, round by
round (A B, B A, ...), so both meet the same load; the second's rows also give the
median of the rounds' differences from the first.

Endpoints: ask (POST /api/ask), search (GET /api/search?q=), article (GET
/ar/articles/<id>, a rendered page), chat (POST /api/conversations/<id>/messages, one
conversation per client, made before the run).
"""
import os
import sys

# Run as a script, this file's folder comes first on sys.path, where "http" would be
# this file instead of the standard library's package.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from urllib.parse import quote  # noqa: E402

ROOT = os.path.dirname(HERE)

QUESTIONS = ["ابغى ارجع الطلب", "how do I reset my password", "wein talabi",
             "متى يصل الشحن", "can I pay with cash on delivery", "كيف اغير عنواني"]
# Questions the bot answers: in a chat, an escalated question would hand the
# conversation to a person, and the messages after it would only join the handoff.
CHAT_QUESTIONS = ["ابغى ارجع الطلب", "how do I reset my password", "wein talabi",
                  "can I pay with cash on delivery", "how long does delivery take",
                  "كم تكلفة الشحن"]
SEARCHES = ["الشحن", "refund", "كلمة المرور", "delivery time", "استرجاع", "coupon"]
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(articles, workers, port, folder, extra_args=(), env=None, timeout=120):
    """Start `dalil serve` on 127.0.0.1:``port`` with its database, index cache and log
    (server.log) in ``folder``; return the Popen once the server answers (RuntimeError
    if it dies or does not answer within ``timeout`` seconds)."""
    env = {**os.environ, "DALIL_RATELIMIT_ENABLED": "false",
           "DALIL_INDEX_CACHE": os.path.join(folder, "index-cache"), **(env or {})}
    dalil = os.path.join(os.path.dirname(sys.executable), "dalil")
    command = [dalil, "serve", "--articles", articles, "--db",
               os.path.join(folder, "dalil.sqlite3"), "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), *extra_args]
    log = open(os.path.join(folder, "server.log"), "wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dalil serve exited with {process.returncode}; see "
                               f"{log.name}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n"
                          b"Connection: close\r\n\r\n")
                if s.recv(12).startswith(b"HTTP/1.1 200"):
                    return process
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"dalil serve did not answer within {timeout} s")


def stop_server(process):
    """Stop the server started by start_server (SIGTERM to its session, then SIGKILL)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def server_pids(master):
    """Return [master, its workers...]: the process and its children (from /proc)."""
    pids = [master]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry))
    return pids


def cpu_seconds(pids):
    """Return the user + system CPU seconds the processes ``pids`` have used."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:  # a worker that exited meanwhile
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


def request_bytes(method, path, body=None, headers=()):
    """Return one HTTP/1.1 request, kept alive, as bytes."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *headers]
    data = b""
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


class Client:
    """One kept-alive connection that sends a request and reads the whole response."""

    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def send(self, data):
        """Send ``data``; return (status, body bytes), reconnecting when the server
        closed the connection."""
        for attempt in (1, 2):
            if self.writer is None:
                await self._connect()
            try:
                self.writer.write(data)
                head = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt == 2:
                    raise
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                body += await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _new_conversation(client):
    status, body = await client.send(request_bytes("POST", "/api/conversations",
                                                   {"lang": "ar"}))
    if status != 201:
        raise RuntimeError(f"POST /api/conversations answered {status}: {body[:200]!r}")
    return json.loads(body)


async def requests_for(endpoint, client, article_id):
    """Return a function i -> request bytes for ``endpoint`` on ``client``."""
    if endpoint == "ask":
        payloads = [request_bytes("POST", "/api/ask", {"question": q}) for q in QUESTIONS]
        return lambda i: payloads[i % len(payloads)]
    if endpoint == "search":
        payloads = [request_bytes("GET", f"/api/search?q={quote(q)}") for q in SEARCHES]
        return lambda i: payloads[i % len(payloads)]
    if endpoint == "article":
        payload = request_bytes("GET", f"/ar/articles/{article_id}")
        return lambda i: payload
    if endpoint == "chat":
        conversation = await _new_conversation(client)
        path = f"/api/conversations/{conversation['id']}/messages"
        token = f"X-Conversation-Token: {conversation['token']}"
        payloads = [request_bytes("POST", path, {"text": q}, [token])
                    for q in CHAT_QUESTIONS]
        return lambda i: payloads[i % len(payloads)]
    raise ValueError(f"unknown endpoint {endpoint!r}")


async def run_load(port, endpoint, concurrency, total, seconds, article_id):
    """Send ``total`` requests (or for ``seconds``) from ``concurrency`` clients; return
    (latencies in seconds, wall seconds). RuntimeError on a non-2xx answer. ``port`` may
    be a list: the clients are spread over those servers in turn (several nodes)."""
    ports = port if isinstance(port, (list, tuple)) else [port]
    clients = [Client(ports[i % len(ports)]) for i in range(concurrency)]
    makers = [await requests_for(endpoint, c, article_id) for c in clients]
    latencies = []
    remaining = [total]
    started = time.perf_counter()
    deadline = started + seconds

    async def worker(client, make):
        i = 0
        while remaining[0] > 0 and time.perf_counter() < deadline:
            remaining[0] -= 1
            sent = time.perf_counter()
            status, body = await client.send(make(i))
            latencies.append(time.perf_counter() - sent)
            if not 200 <= status < 300:
                raise RuntimeError(f"{endpoint}: HTTP {status}: {body[:200]!r}")
            i += 1

    try:
        await asyncio.gather(*(worker(c, m) for c, m in zip(clients, makers)))
    finally:
        for client in clients:
            client.close()
    return latencies, time.perf_counter() - started


def percentile(values, p):
    """Return the nearest-rank ``p``th percentile of ``values`` (an observed value)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def first_article(articles):
    """Return the id of one Arabic article under ``articles`` (from its file name)."""
    for root, _, files in sorted(os.walk(articles)):
        for name in sorted(files):
            if name.endswith(".ar.md"):
                return name[:-len(".ar.md")]
    raise RuntimeError(f"no .ar.md article under {articles}")


def _run(process, port, endpoint, concurrency, total, seconds, article_id):
    """Return (latencies, wall seconds, server CPU seconds) of one bounded load."""
    pids = server_pids(process.pid)
    before = cpu_seconds(pids)
    latencies, wall = asyncio.run(
        run_load(port, endpoint, concurrency, total, seconds, article_id))
    return latencies, wall, cpu_seconds(pids) - before


def _row(server, endpoint, concurrency, runs, first=None):
    """Return the row dict of one server's ``runs`` of a row; ``first``: the runs of the
    server it is compared with, round for round."""
    latencies = [latency for run in runs for latency in run[0]]
    cpu = [used / len(run_latencies) * 1000 for run_latencies, _, used in runs]
    row = {"server": server, "endpoint": endpoint, "concurrency": concurrency,
           "rounds": len(runs), "requests": len(latencies),
           "rps": len(latencies) / sum(wall for _, wall, _ in runs),
           "p50_ms": percentile(latencies, 50) * 1000,
           "p99_ms": percentile(latencies, 99) * 1000,
           "cpu_ms": statistics.median(cpu), "cpu_min_ms": min(cpu), "cpu_max_ms": max(cpu)}
    if first is not None:
        theirs = [used / len(run_latencies) * 1000 for run_latencies, _, used in first]
        differences = [mine - other for mine, other in zip(cpu, theirs)]
        row["cpu_difference_ms"] = statistics.median(differences)
        row["rounds_lower"] = sum(difference < 0 for difference in differences)
    return row


def measure(servers, endpoints, levels, total, seconds, article_id, rounds=1, warmup=200):
    """Return a list of row dicts, one per server, endpoint and concurrency. ``servers``
    is [(name, process, port), ...]; each row runs ``rounds`` times, the servers taking
    turns (A B, then B A, so neither always comes first), and its CPU per request is the
    median of its rounds."""
    rows = []
    for endpoint in endpoints:
        for _, _, port in servers:
            asyncio.run(run_load(port, endpoint, 4, warmup, seconds, article_id))
        for concurrency in levels:
            runs = {name: [] for name, _, _ in servers}
            for round_ in range(rounds):
                for name, process, port in servers[::-1] if round_ % 2 else servers:
                    runs[name].append(_run(process, port, endpoint, concurrency, total,
                                           seconds, article_id))
            first = servers[0][0]
            for name, _, _ in servers:
                row = _row(name, endpoint, concurrency, runs[name],
                           None if name == first else runs[first])
                rows.append(row)
                spread = (f" ({row['cpu_min_ms']:.2f}-{row['cpu_max_ms']:.2f} over "
                          f"{rounds} rounds)" if rounds > 1 else "")
                compared = (f"; {row['cpu_difference_ms']:+.2f} ms vs {first}, lower in "
                            f"{row['rounds_lower']}/{rounds}" if name != first else "")
                label = f"{name}  " if len(servers) > 1 else ""
                print(f"{label}{endpoint:8} c={concurrency:<3} {row['rps']:7.0f} req/s  "
                      f"p50 {row['p50_ms']:6.2f} ms  p99 {row['p99_ms']:7.2f} ms  "
                      f"server CPU {row['cpu_ms']:.2f} ms/request{spread}{compared}",
                      flush=True)
    return rows


ENDPOINT_NAMES = {"ask": "`POST /api/ask`", "search": "`GET /api/search?q=`",
                  "article": "`GET /ar/articles/<id>`",
                  "chat": "`POST /api/conversations/<id>/messages`"}


def table(rows):
    """Return the rows as a Markdown table (a server column when there are two)."""
    servers = len({row["server"] for row in rows}) > 1
    spread = any(row["rounds"] > 1 for row in rows)
    head = ["endpoint", "concurrency", "requests", "requests/s", "p50", "p99",
            "server CPU / request"]
    if spread:
        head.append("lowest-highest")
    if servers:
        head.insert(0, "server")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [ENDPOINT_NAMES[row["endpoint"]], str(row["concurrency"]),
                 str(row["requests"]), f"{row['rps']:.0f}", f"{row['p50_ms']:.2f} ms",
                 f"{row['p99_ms']:.2f} ms", f"{row['cpu_ms']:.2f} ms"]
        if spread:
            cells.append(f"{row['cpu_min_ms']:.2f}-{row['cpu_max_ms']:.2f} ms")
        if servers:
            cells.insert(0, row["server"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default=os.path.join(ROOT, "articles"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=2000,
                        help="requests per endpoint, concurrency and round (at most)")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="time per endpoint, concurrency and round (at most)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each row; the CPU figure is their median")
    parser.add_argument("--compare-env", action="append", default=[], metavar="KEY=VALUE",
                        help="a second server with this environment variable added "
                             "(repeatable); the two take turns round by round")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument("--endpoints", default="ask,search,article,chat")
    parser.add_argument("--serve-arg", action="append", default=[],
                        help="one more argument for `dalil serve` (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",")]
    endpoints = args.endpoints.split(",")
    articles = os.path.abspath(args.articles)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if any("=" not in pair for pair in args.compare_env):
        parser.error("--compare-env takes KEY=VALUE")
    variants = [("A", {})]
    if args.compare_env:
        variants.append(("B", dict(pair.split("=", 1) for pair in args.compare_env)))
        print(f"A: this environment; B: with {' '.join(args.compare_env)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="dalil-http-") as folder:
        servers = []
        try:
            for name, env in variants:
                os.makedirs(os.path.join(folder, name))
                port = free_port()
                servers.append((name, start_server(articles, args.workers, port,
                                                   os.path.join(folder, name),
                                                   args.serve_arg, env), port))
            rows = measure(servers, endpoints, levels, args.requests, args.seconds,
                           first_article(articles), args.rounds)
        finally:
            for _, process, _ in servers:
                stop_server(process)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print()
    print(f"Measured {datetime.date.today()} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{args.workers} workers, load generator on the same machine, load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    if args.compare_env:
        print(f"A: this environment; B: with {' '.join(args.compare_env)}")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
