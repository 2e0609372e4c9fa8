"""What "typing…" adds to a stream's look (web/events.py): the one extra query each
stream makes every POLL_SECONDS, against the query every look made already.

    python benchmarks/typing_look.py [--conversations 2000] [--messages 20] [--held 5]
                                     [--looks 20000]

Builds a fresh SQLite file in a temporary folder (``--conversations`` conversations of
``--messages`` messages each, a tenth of them with a customer typing), then times, per
look: the customer stream's existing query (store.messages after the newest id) and its
extra one (store.typing_of, by primary key); the agent stream's extra one
(store.customers_typing over ``--held`` held conversations). Prints a Markdown table of
microseconds per call (the median of five rounds). Figures taken on a shared machine
are noisy.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, ROOT)

import argparse  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bot import store  # noqa: E402


def build(path, conversations, messages):
    """Fill a new store at ``path``; return (its conversation ids, their newest message ids)."""
    db = store.open_db(path)
    ids, newest = [], {}
    with store.transaction(db):
        for _ in range(conversations):
            conversation = store.create_conversation(db, "ar", "bench")
            ids.append(conversation["id"])
            for n in range(messages):
                row = store.add_message(db, conversation["id"], "customer", f"رسالة {n}")
            newest[conversation["id"]] = row["id"]
    now = time.time()
    for conversation_id in ids[::10]:
        store.mark_typing(db, conversation_id, "customer", at=now, seconds=3600, every=2)
    db.close()
    return ids, newest


def per_call(fn, looks):
    """Return the median over five rounds of microseconds per call of ``fn(i)``."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for i in range(looks):
            fn(i)
        rounds.append((time.perf_counter() - started) / looks * 1e6)
    return statistics.median(rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--held", type=int, default=5)
    parser.add_argument("--looks", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "dalil.sqlite3")
        ids, newest = build(path, args.conversations, args.messages)
        db = store.connect(path)
        rng = random.Random(1)
        picks = [rng.choice(ids) for _ in range(args.looks)]
        held = [rng.sample(ids, args.held) for _ in range(args.looks)]
        now = time.time()
        rows = [
            ("customer stream: messages after the newest (already every look)",
             per_call(lambda i: store.messages(db, picks[i], newest[picks[i]]), args.looks)),
            ("customer stream, ?typing=1: typing_of (the extra query)",
             per_call(lambda i: store.typing_of(db, picks[i]), args.looks)),
            (f"agent stream: customers_typing over {args.held} held (the extra query)",
             per_call(lambda i: store.customers_typing(db, held[i], now), args.looks)),
        ]
        db.close()
    print(f"{args.conversations} conversations × {args.messages} messages, SQLite, "
          f"{args.looks} looks × 5 rounds\n")
    print("| per look | µs per call (median) |\n|---|---|")
    for name, micros in rows:
        print(f"| {name} | {micros:.1f} |")


if __name__ == "__main__":
    main()
