"""What the agents' conversation search costs (bot/desk/search.py over bot/store/search.py):
a store of N messages in conversations that each have a handoff, searched by text (a
word in many conversations, a rare one, one in none), by tag, by customer and by page;
the first text search, which folds every message into message_search, and the
catching up after new messages.

    python benchmarks/conversation_search.py [--messages 20000] [--backends sqlite,postgres]

PostgreSQL runs on a temporary server (tests/pg_fixtures.py; Debian's initdb). Prints one
Markdown row per backend and measure: the median and slowest of --rounds, in ms of wall
time (a busy machine makes them noisy: say so with the figures).
"""
import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from bot import store  # noqa: E402
from bot.desk.search import parse_query, search  # noqa: E402
from bot.desk.tags import MAX_TAGS  # noqa: E402
from kb.text import normalize  # noqa: E402
from pg_fixtures import temporary_server  # noqa: E402

# Lines customers and agents write, in both languages, some with diacritics and tatweel.
LINES = ["وين الطَّلَب حقي؟ صار له أسبوع", "ابغى ارجع المنتج لأنه وصل مكسور",
         "كم تكلفة الشحن إلى جدة", "الفاتورة ما وصلتني على الإيميل", "where is my order",
         "I want a refund for the broken item", "how much is shipping to Riyadh",
         "نسيت كلمة المرور وما يوصلني الرابط", "شكرًا لكم، تم حل المشكلة", "my parcel is late"]


def fill(db, messages, per_conversation=5, seed=0):
    """Write ``messages`` messages into ``db``, ``per_conversation`` to a conversation with
    a handoff; one conversation in ten tagged "late"; one message in 500 says "zanzibar"."""
    rng = random.Random(seed)
    for number in range(messages // per_conversation):
        conversation = store.create_conversation(db, "ar")["id"]
        store.set_contact(db, conversation, f"Customer {number}", f"customer{number}@example.com")
        for line in range(per_conversation):
            text = rng.choice(LINES) + f" {number}-{line}"
            if rng.random() < 1 / 500:
                text += " zanzibar"
            store.add_message(db, conversation, "customer" if line % 2 == 0 else "agent", text)
        store.open_handoff(db, conversation, reason="asked for a person", lang="ar")
        if number % 10 == 0:
            store.add_tag(db, conversation, "late", "mona", MAX_TAGS)


def timed(run, rounds):
    """Return (median, slowest) ms of ``rounds`` calls of ``run``."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def measure(db, rounds):
    """Yield (what, median ms, slowest ms, hits on the first page)."""
    def query(**args):
        return lambda: search(db, parse_query(args), "UTC")

    started = time.perf_counter()
    folded = store.index_messages(db, normalize)
    elapsed = (time.perf_counter() - started) * 1000
    yield f"first text search folds {folded} messages", elapsed, None, None
    cases = [("text in many conversations (الطلب)", {"q": "الطلب"}),
             ("text in a few (zanzibar)", {"q": "zanzibar"}),
             ("text in none (xylophone)", {"q": "xylophone"}),
             ("tag (late)", {"tag": "late"}),
             ("customer e-mail (customer77@)", {"customer": "customer77@"}),
             ("text + tag", {"q": "refund", "tag": "late"}),
             ("no filter, page 5", {"page": "5"}),
             ("text, page 40", {"q": "order", "page": "40"})]
    for what, args in cases:
        median, slowest = timed(query(**args), rounds)
        yield what, median, slowest, len(query(**args)().hits)
    conversation = store.create_conversation(db, "en")["id"]
    for n in range(50):
        store.add_message(db, conversation, "customer", f"a new line {n}")
    started = time.perf_counter()
    search(db, parse_query({"q": "new line"}), "UTC")
    yield "text search after 50 new messages", (time.perf_counter() - started) * 1000, None, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    print("| store | measure | median ms | slowest ms | hits |")
    print("|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        for backend in args.backends.split(","):
            if backend == "postgres":
                server = stack.enter_context(temporary_server())
                server.admin("CREATE DATABASE bench")
                database = server.url("bench")
            else:
                database = os.path.join(folder, "bench.sqlite3")
            db = store.open_db(database)
            try:
                fill(db, args.messages)
                for what, median, slowest, hits in measure(db, args.rounds):
                    print(f"| {backend} | {what} | {median:.1f} | "
                          f"{'' if slowest is None else f'{slowest:.1f}'} | "
                          f"{'' if hits is None else hits} |", flush=True)
            finally:
                db.close()


if __name__ == "__main__":
    main()
