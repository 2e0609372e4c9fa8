"""What a channel's message costs on its way through the desk (bot/channels/inbound.py)
and the outbox (bot/channels/outbox.py): a burst of customer messages from N senders —
half by mail, half by WhatsApp, each a question the shipped bot answers or hands over —
received, then every reply delivered over real HTTP to tests/provider_server.py (the
WhatsApp Cloud API's protocol on loopback) and, by mail, composed as the SMTP sender
would before the network.

    python benchmarks/channels.py [--messages 1000] [--backends sqlite,postgres]

PostgreSQL runs on a temporary server (tests/pg_fixtures.py; Debian's initdb). Prints
one Markdown row per backend: per message received (p50, p99 ms) and per delivery, wall
time (a busy machine makes them noisy: say so with the figures). The bot is the shipped
articles' lexical one (SEMANTIC=off): what `dalil serve` answers with beyond 45
phrasings an article.
"""
import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# Not this folder: its http.py (the load benchmark) would stand in for the standard
# library's http, which the providers' senders use.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))

from bot import Bot, store  # noqa: E402
from bot.channels import Inbound, inbound, mail, outbox  # noqa: E402
from bot.channels.senders import WhatsAppAccount, channel_senders  # noqa: E402
from pg_fixtures import temporary_server  # noqa: E402
from provider_server import PHONE_NUMBER_ID, ProviderServer  # noqa: E402

# Lines customers write, in both languages: answered, handed over, small talk.
LINES = ["وين الطلب حقي؟ صار له أسبوع", "ابغى ارجع المنتج لأنه وصل مكسور",
         "كم تكلفة الشحن إلى جدة", "نسيت كلمة المرور وما يوصلني الرابط", "where is my order",
         "I want a refund for the broken item", "how much is shipping to Riyadh",
         "أبغى أكلم موظف", "هل تبيعون سيارات؟", "شكرا"]


def messages(count):
    for number in range(count):
        line = LINES[number % len(LINES)]
        if number % 2:
            yield Inbound(channel="whatsapp", address=f"9665{number:08d}",
                          external_id=f"wamid.bench{number}", text=line)
        else:
            yield Inbound(channel="email", address=f"customer{number}@example.com",
                          external_id=f"<bench{number}@example.com>", text=line,
                          subject="سؤال", mailbox="support")


def milliseconds(times):
    times = sorted(times)
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000


def measure(db, bot, count, provider):
    received = []
    for message in messages(count):
        started = time.perf_counter()
        inbound.receive(db, bot, message)
        received.append(time.perf_counter() - started)
    composed = []
    for row in db.query("SELECT * FROM outbox WHERE channel = 'email' LIMIT 200"):
        started = time.perf_counter()
        mail.compose_reply(sender="support@shop.example", to=row["address"], subject="سؤال",
                           text=row["text"], references=("<a@example.com>",), automatic=True)
        composed.append(time.perf_counter() - started)
    senders = channel_senders(whatsapp_account=WhatsAppAccount(
        provider.whatsapp_url, PHONE_NUMBER_ID, provider.whatsapp_token))
    # Only WhatsApp's deliveries go out here; the mails stay pending (no SMTP server).
    db.execute("UPDATE outbox SET status = 'sent' WHERE channel = 'email'")
    pending = next(db.query("SELECT count(*) AS n FROM outbox WHERE status = 'pending'"))["n"]
    started = time.perf_counter()
    sent = 0
    while True:
        counts = outbox.deliver_due(db, senders, limit=100)
        sent += counts["sent"]
        if not any(counts.values()):
            break
    delivering = time.perf_counter() - started
    return {"received": milliseconds(received), "composed": milliseconds(composed),
            "delivered": sent, "pending": pending,
            "per_delivery": delivering / max(sent, 1) * 1000}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    os.environ["DALIL_SEMANTIC"] = "off"
    bot = Bot.from_articles(os.path.join(os.path.dirname(HERE), "articles"))
    print("| backend | messages | received p50 / p99 ms | mail composed p50 / p99 ms | "
          "WhatsApp deliveries | per delivery ms |")
    print("|---|---|---|---|---|---|")
    with ProviderServer() as provider, contextlib.ExitStack() as stack:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                folder = stack.enter_context(tempfile.TemporaryDirectory())
                target = os.path.join(folder, "bench.sqlite3")
            else:
                server = stack.enter_context(temporary_server())
                server.admin("CREATE DATABASE bench")
                target = server.url("bench")
            db = store.open_db(target)
            try:
                figures = measure(db, bot, args.messages, provider)
            finally:
                db.close()
            received, composed = figures["received"], figures["composed"]
            print(f"| {backend} | {args.messages} | {received[0]:.2f} / {received[1]:.2f} | "
                  f"{composed[0]:.2f} / {composed[1]:.2f} | {figures['delivered']} of "
                  f"{figures['pending']} | {figures['per_delivery']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
