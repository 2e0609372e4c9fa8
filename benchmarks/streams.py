"""The streaming benchmark: how fast a customer's message reaches the agent's event
stream while many streams are open, and that none is lost.

    python benchmarks/streams.py [--articles articles] [--workers 2] [--streams 200]
                                 [--customers 50] [--agents 5] [--messages 20]
                                 [--interval 1.0]

Starts a real `dalil serve` on a free loopback port (a fresh database with ``--agents``
agents in it; rate limits off, as in benchmarks/http.py). ``--customers`` customers ask
for a person and the agents claim their handoffs, a share each; every agent opens the
console's stream (GET /api/agent/events) and every customer their chat's (GET
/api/conversations/<id>/events); more customers, who only keep a chat open, make up
``--streams`` open streams in all. Then each posting customer sends ``--messages``
messages, one about every ``--interval`` seconds (jittered), each one unique. The
delivery latency of a message is from the start of its POST to its arrival on its
agent's stream; a message the server acknowledged that no stream carried within 10 s of
the end is lost. Server CPU is the master's and workers' over the posting phase
(/proc), per message and as a share of one core. Prints a Markdown table.
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
import asyncio  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from benchmarks.http import (Client, cpu_seconds, free_port, percentile,  # noqa: E402
                             request_bytes, server_pids, start_server, stop_server)

PASSWORD = "stream benchmark password"
HANDOFF_REQUEST = "بدي احكي مع موظف"
XHR = "X-Requested-With: XMLHttpRequest"
# How long after the last POST a message may still arrive before it counts as lost.
GRACE_SECONDS = 10.0


class Stream:
    """One open event stream: reads chunked text/event-stream and calls ``on_event(name,
    data)`` for every event."""

    def __init__(self, port, path, headers, on_event):
        self.port, self.path, self.headers, self.on_event = port, path, headers, on_event
        self.events = 0

    async def run(self, stop):
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(request_bytes("GET", self.path, headers=self.headers))
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(f"{self.path}: {head[:100]!r}")
            text = ""
            while not stop.is_set():
                size = int((await reader.readuntil(b"\r\n")).strip(), 16)
                if size == 0:
                    return  # the server ended the stream
                text += (await reader.readexactly(size + 2))[:-2].decode()
                while "\n\n" in text:
                    block, text = text.split("\n\n", 1)
                    fields = dict(line.split(": ", 1) for line in block.split("\n")
                                  if line and not line.startswith(":") and ": " in line)
                    if "data" in fields:
                        self.events += 1
                        self.on_event(fields.get("event"), json.loads(fields["data"]))
        finally:
            writer.close()


async def _json(client, method, path, body=None, headers=(), expect=200):
    status, raw = await client.send(request_bytes(method, path, body, headers))
    if status != expect:
        raise RuntimeError(f"{method} {path}: HTTP {status}: {raw[:200]!r}")
    return json.loads(raw) if raw else None


async def _login(port, name):
    """Return the session cookie header of agent ``name``."""
    data = json.dumps({"name": name, "password": PASSWORD}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /api/agent/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                 b"application/json\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(data)
                 + data)
    head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    writer.close()
    for line in head.split("\r\n"):
        if line.lower().startswith("set-cookie:") and "session=" in line:
            return "Cookie: " + line.split(":", 1)[1].strip().split(";", 1)[0]
    raise RuntimeError(f"agent {name} could not sign in: {head[:200]}")


async def run(port, args):
    """Return the figures of one run (a dict)."""
    random.seed(7)
    agents = [f"agent{k}" for k in range(args.agents)]
    cookies = {name: await _login(port, name) for name in agents}
    setup = Client(port)
    customers = []
    for k in range(args.customers):
        conversation = await _json(setup, "POST", "/api/conversations", {"lang": "ar"},
                                   expect=201)
        token = f"X-Conversation-Token: {conversation['token']}"
        said = await _json(setup, "POST", f"/api/conversations/{conversation['id']}/messages",
                           {"text": HANDOFF_REQUEST}, [token])
        agent = agents[k % len(agents)]
        await _json(setup, "POST", f"/api/agent/handoffs/{said['handoff']['id']}/claim",
                    None, [cookies[agent], XHR])
        customers.append((conversation, token, agent))
    idle = []
    for _ in range(max(0, args.streams - args.agents - args.customers)):
        conversation = await _json(setup, "POST", "/api/conversations", {"lang": "ar"},
                                   expect=201)
        idle.append((conversation, f"X-Conversation-Token: {conversation['token']}"))
    setup.close()

    sent, arrived = {}, {}  # message text -> monotonic time

    def on_agent_event(name, data):
        if name == "messages":
            for message in data["messages"]:
                arrived.setdefault(message["text"], time.monotonic())

    stop = asyncio.Event()
    streams = [Stream(port, "/api/agent/events", [cookies[name]], on_agent_event)
               for name in agents]
    streams += [Stream(port, f"/api/conversations/{c['id']}/events", [token],
                       lambda name, data: None)
                for c, token, _ in customers] + [
        Stream(port, f"/api/conversations/{c['id']}/events", [token], lambda name, data: None)
        for c, token in idle]
    tasks = [asyncio.create_task(s.run(stop)) for s in streams]
    await asyncio.sleep(3)  # every stream open and past its first look
    if any(t.done() for t in tasks):
        for t in tasks:
            if t.done():
                t.result()  # raises what went wrong

    pids = server_pids(args.master)
    before, started = cpu_seconds(pids), time.monotonic()
    acknowledged = []

    async def post(number, conversation, token):
        client = Client(port)
        try:
            for n in range(args.messages):
                await asyncio.sleep(args.interval * random.uniform(0.5, 1.5))
                text = f"رسالة {number}-{n}"
                sent[text] = time.monotonic()
                await _json(client, "POST", f"/api/conversations/{conversation['id']}/messages",
                            {"text": text}, [token])
                acknowledged.append(text)
        finally:
            client.close()

    await asyncio.gather(*(post(k, c, token) for k, (c, token, _) in enumerate(customers)))
    posting = time.monotonic() - started
    used = cpu_seconds(pids) - before
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and not all(t in arrived for t in acknowledged):
        await asyncio.sleep(0.1)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [arrived[t] - sent[t] for t in acknowledged if t in arrived]
    return {"streams": len(streams), "customers": len(customers), "agents": len(agents),
            "messages": len(acknowledged), "lost": len(acknowledged) - len(latencies),
            "p50_ms": percentile(latencies, 50) * 1000, "p95_ms": percentile(latencies, 95) * 1000,
            "p99_ms": percentile(latencies, 99) * 1000,
            "cpu_ms_per_message": used / max(1, len(acknowledged)) * 1000,
            "cpu_share": used / posting, "posting_s": posting}


def prepare(folder, agents):
    """Make the database with the benchmark's agents in it."""
    from bot import store
    from bot.desk import agents as desk_agents

    db = store.open_db(os.path.join(folder, "dalil.sqlite3"))
    try:
        for k in range(agents):
            desk_agents.add_agent(db, f"agent{k}", PASSWORD)
    finally:
        db.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", default=os.path.join(ROOT, "articles"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--agents", type=int, default=5)
    parser.add_argument("--messages", type=int, default=20, help="messages per customer")
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between one customer's messages (jittered)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dalil-streams-") as folder:
        prepare(folder, args.agents)
        port = free_port()
        process = start_server(os.path.abspath(args.articles), args.workers, port, folder)
        args.master = process.pid
        try:
            figures = asyncio.run(run(port, args))
        finally:
            stop_server(process)
    print()
    print(f"Measured {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {args.workers} workers, load generator on "
          f"the same machine")
    print()
    print("| open streams | posting customers / agents | messages | lost | delivery p50 / p95 / p99 "
          "| server CPU per message | server CPU while posting |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {figures['streams']} | {figures['customers']} / {figures['agents']} | "
          f"{figures['messages']} | {figures['lost']} | {figures['p50_ms']:.0f} / "
          f"{figures['p95_ms']:.0f} / {figures['p99_ms']:.0f} ms | "
          f"{figures['cpu_ms_per_message']:.1f} ms | {figures['cpu_share'] * 100:.0f}% of a core |")


if __name__ == "__main__":
    main()
