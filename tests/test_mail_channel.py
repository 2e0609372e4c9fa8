"""E-mail end to end against real servers started by the tests on loopback: Debian's
dovecot holds the inbound mailbox (IMAP over TLS), aiosmtpd receives Dalil's outbound
mail (STARTTLS and AUTH). `dalil channels run` takes the mail, the bot answers or the
queue takes it, an agent replies, and the replies arrive in the same thread."""
import email.utils
import os
import signal
import subprocess
import sys
import time

import pytest

from bot import store
from chat_fixtures import PASSWORD, XHR, Customer, agent_client, database, make_app
from conftest import write_articles
from mail_servers import PASSWORD as MAIL_PASSWORD
from mail_servers import (_smtp_servers, imap_server, imap_user, smtp_server,  # noqa: F401
                          tls_certificate)
from web import channels

SECRET = "inbound-mail-secret"


def mail(text, *, subject="وين طلبي الحين", sender="mona@example.com", message_id=None,
         headers=(), in_reply_to=None):
    """Return a customer's mail as bytes."""
    message_id = message_id or email.utils.make_msgid(domain="example.com")
    lines = [f"From: Mona <{sender}>", "To: support@shop.example", f"Subject: {subject}",
             f"Message-ID: {message_id}", f"Date: {email.utils.formatdate()}",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit", *headers]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + text + "\r\n").encode("utf-8")


def mailboxes_file(folder, imap_server, smtp_server, user):
    path = folder / "mail.toml"
    path.write_text(f"""
[[mailbox]]
name = "support"
address = "support@shop.example"
display_name = "دعم المتجر"
imap_host = "127.0.0.1"
imap_port = {imap_server.imaps_port}
imap_security = "tls"
imap_username = "{user}"
imap_password_env = "TEST_IMAP_PASSWORD"
smtp_host = "127.0.0.1"
smtp_port = {smtp_server.port}
smtp_security = "starttls"
smtp_username = "support"
smtp_password_env = "TEST_SMTP_PASSWORD"
tls_ca_file = "{imap_server.cert}"
lang = "ar"
""", encoding="utf-8")
    return path


@pytest.fixture
def mail_env(monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PASSWORD", MAIL_PASSWORD)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", MAIL_PASSWORD)


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    """The app, built once for the module; each test gives it its own mailbox."""
    return make_app(tmp_path_factory.mktemp("mail"), RATELIMIT_ENABLED=False,
                    PUBLIC_URL="https://help.example.com", MAIL_WEBHOOK_SECRET=SECRET,
                    CHANNEL_TIMEOUT=10)


@pytest.fixture
def app(module_app, tmp_path, imap_server, imap_user, smtp_server, mail_env):
    """The module's app over a fresh SQLite file, reading this test's IMAP user's mail
    (its mailboxes file read again, as at a start)."""
    path = str(tmp_path / "dalil.sqlite3")
    store.open_db(path).close()
    saved = dict(module_app.config)
    module_app.config.update(DATABASE=path, MAILBOXES=str(mailboxes_file(
        tmp_path, imap_server, smtp_server, imap_user)))
    channels.setup(module_app)
    yield module_app
    module_app.config.clear()
    module_app.config.update(saved)
    channels.setup(module_app)


def poll(app):
    db = database(app)
    try:
        with app.app_context():
            return channels.poll_once(db)
    finally:
        db.close()


def rows(app, sql, args=()):
    db = database(app)
    try:
        return [dict(row) for row in db.query(sql, list(args))]
    finally:
        db.close()


def test_a_question_by_mail_is_answered_by_the_bot_in_the_same_thread(app, imap_server,
                                                                     imap_user, smtp_server):
    imap_server.deliver(imap_user, mail("مرحبا، ابي اعرف حالة الشحنة", message_id="<q1@example.com>"))
    counts = poll(app)
    assert counts["mail"] == 1 and counts["sent"] == 1
    [received] = smtp_server.wait_for(1)
    answer = received.message
    assert received.rcpt_tos == ("mona@example.com",) or list(received.rcpt_tos) == ["mona@example.com"]
    assert answer["In-Reply-To"] == "<q1@example.com>"
    assert answer["Subject"] == "Re: وين طلبي الحين"
    assert answer["Auto-Submitted"] == "auto-replied"
    body = answer.get_content()
    assert "https://help.example.com/articles/order-tracking?lang=ar" in body and "«لا»" in body
    assert all("\\Seen" in flags for flags in imap_server.flags(imap_user).values())
    # The next round finds nothing new: nothing is answered twice.
    assert poll(app)["mail"] == 0
    assert len(smtp_server.received) == 1


def test_an_unanswerable_mail_reaches_the_queue_and_the_agents_reply_arrives_threaded(
        app, imap_server, imap_user, smtp_server):
    imap_server.deliver(imap_user, mail("هل تبيعون بطاقات هدايا للشركات؟",
                                        subject="بطاقات", message_id="<q2@example.com>"))
    poll(app)
    [acknowledged] = smtp_server.wait_for(1)
    assert acknowledged.message["In-Reply-To"] == "<q2@example.com>"
    assert "سيرد عليك أحد موظفينا" in acknowledged.message.get_content()
    [handoff] = rows(app, "SELECT * FROM handoffs")
    assert handoff["first_question"] == "هل تبيعون بطاقات هدايا للشركات؟"
    assert handoff["candidates"]  # the bot's guesses, for the agent
    agent = agent_client(app, "sara")
    agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR)
    reply = agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR,
                       json={"text": "نعم، راسل فريق الشركات على b2b@shop.example"})
    assert reply.status_code == 201
    first, second = smtp_server.wait_for(2)
    answer = second.message
    assert "Auto-Submitted" not in answer  # a person wrote it
    assert answer.get_content().strip() == "نعم، راسل فريق الشركات على b2b@shop.example"
    references = answer["References"].split()
    assert references[0] == "<q2@example.com>"
    assert first.message["Message-ID"] in references
    # The customer's answer to that mail joins the same conversation, silently for the bot.
    imap_server.deliver(imap_user, mail("شكرا، أرسلتها.\n\nOn Tue, Dec 1, 2026 at 10:02 AM "
                                        "دعم المتجر <support@shop.example> wrote:\n> نعم",
                                        subject="Re: بطاقات", in_reply_to=answer["Message-ID"]))
    poll(app)
    messages = rows(app, "SELECT role, text FROM messages WHERE conversation_id = ? ORDER BY id",
                    [handoff["conversation_id"]])
    assert messages[-1] == {"role": "customer", "text": "شكرا، أرسلتها."}
    assert len(smtp_server.received) == 2  # the bot stays silent while a person has it


@pytest.mark.parametrize("headers", [
    ("Auto-Submitted: auto-replied",),
    ("X-Autoreply: yes",),
    ("Precedence: bulk", "List-Id: <offers.example.com>"),
])
def test_an_auto_reply_is_kept_but_not_answered(app, imap_server, imap_user, smtp_server, headers):
    imap_server.deliver(imap_user, mail("أنا خارج المكتب حتى الأحد", subject="Out of Office",
                                        headers=headers))
    assert poll(app)["mail"] == 1
    assert smtp_server.received == []
    [message] = rows(app, "SELECT data FROM messages")
    assert "not_answered" in message["data"]


def test_a_mail_from_a_customer_who_chatted_on_the_web_joins_their_history(app, imap_server,
                                                                          imap_user, smtp_server):
    customer = Customer(app.test_client())
    customer.say("هل تبيعون بطاقات هدايا للشركات؟")
    customer.handoff(name="Mona", email="mona@example.com")
    imap_server.deliver(imap_user, mail("ابي اعرف حالة الشحنة"))
    poll(app)
    linked = rows(app, "SELECT id, customer_id, channel FROM conversations ORDER BY id")
    assert [row["channel"] for row in linked] == ["web", "email"]
    assert linked[0]["customer_id"] is not None
    assert linked[0]["customer_id"] == linked[1]["customer_id"]
    [handoff] = rows(app, "SELECT id FROM handoffs")
    agent = agent_client(app, "sara")
    pane = agent.get(f"/agent/handoffs/{handoff['id']}/pane").get_data(as_text=True)
    assert "ابي اعرف حالة الشحنة" in pane  # the mail is in the customer's history
    # She wrote by mail after leaving the chat: the chat's reply reaches her by mail.
    agent.post(f"/api/agent/handoffs/{handoff['id']}/claim", headers=XHR)
    pane = agent.get(f"/agent/handoffs/{handoff['id']}/pane").get_data(as_text=True)
    assert 'id="reply-route"' in pane and "mona@example.com" in pane
    smtp_server.reset()
    agent.post(f"/api/agent/handoffs/{handoff['id']}/reply", headers=XHR,
               json={"text": "نعم، نبيع بطاقات هدايا للشركات."})
    [sent] = smtp_server.wait_for(1)
    assert sent.message.get_content().strip() == "نعم، نبيع بطاقات هدايا للشركات."
    [mail_id] = rows(app, "SELECT external_id FROM channel_messages WHERE direction = 'in'")
    assert mail_id["external_id"] in sent.message["References"]
    # The chat has it too, should she come back.
    assert customer.new_messages()["messages"][-1]["text"] == "نعم، نبيع بطاقات هدايا للشركات."


def test_the_inbound_webhook_takes_a_raw_mail(app, smtp_server):
    client = app.test_client()
    body = mail("ابي اعرف حالة الشحنة", message_id="<w1@example.com>")
    refused = client.post("/api/channels/email", data=body,
                          headers={"Content-Type": "message/rfc822", "Authorization": "Bearer x"})
    assert refused.status_code == 403
    taken = client.post("/api/channels/email?mailbox=support", data=body,
                        headers={"Content-Type": "message/rfc822",
                                 "Authorization": f"Bearer {SECRET}"})
    assert taken.status_code == 200 and taken.json == {"received": 1, "duplicates": 0}
    [answer] = smtp_server.wait_for(1)
    assert answer.message["In-Reply-To"] == "<w1@example.com>"
    bad = client.post("/api/channels/email", data=b"\x00\xff garbage",
                      headers={"Content-Type": "message/rfc822",
                               "Authorization": f"Bearer {SECRET}"})
    assert bad.status_code == 400 and bad.json["error"]


def test_dalil_killed_while_fetching_loses_no_mail_and_answers_none_twice(
        tmp_path, imap_server, imap_user, smtp_server, mail_env, index_cache):
    """A real `dalil channels run` process, killed (SIGKILL) once it has stored some of
    the mail, then started again: every mail stored once, answered once, marked."""
    articles = write_articles(tmp_path / "articles")
    database = tmp_path / "dalil.sqlite3"
    settings = {"DALIL_ARTICLES": str(articles), "DALIL_DATABASE": str(database),
                "DALIL_MAILBOXES": str(mailboxes_file(tmp_path, imap_server, smtp_server,
                                                      imap_user)),
                "DALIL_CHANNELS_POLL_SECONDS": "0.2", "DALIL_PUBLIC_URL": "https://h.example"}
    environment = {**os.environ, **settings}
    questions = 12
    for number in range(questions):
        imap_server.deliver(imap_user, mail(f"ابي اعرف حالة الشحنة رقم {number}",
                                            message_id=f"<k{number}@example.com>"))
    command = [sys.executable, "-c", "from web.cli import cli; cli()", "channels", "run"]
    log = tmp_path / "channels.log"
    with open(log, "wb") as errors:
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                                   stderr=errors)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if database.exists():
                db = store.connect(str(database))
                try:
                    taken = db.execute("SELECT count(*) FROM channel_messages WHERE "
                                       "direction = 'in'").fetchone()[0]
                except Exception:
                    taken = 0
                finally:
                    db.close()
                if taken >= 3:
                    break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert taken >= 3, log.read_text(errors="replace")[-2000:]
    restarted = subprocess.run([*command, "--once"], env=environment, capture_output=True,
                               timeout=120)
    assert restarted.returncode == 0, restarted.stderr.decode()[-2000:]
    db = store.connect(str(database))
    try:
        stored = [row["external_id"] for row in db.query(
            "SELECT external_id FROM channel_messages WHERE direction = 'in'")]
        outbox = list(db.query("SELECT message_id, status FROM outbox"))
        customer_messages = db.execute("SELECT count(*) FROM messages WHERE role = 'customer'"
                                       ).fetchone()[0]
    finally:
        db.close()
    assert sorted(stored) == sorted(f"<k{n}@example.com>" for n in range(questions))
    assert customer_messages == questions
    assert len(outbox) == questions  # one answer each, queued with the mail it answers
    answered = [r.message["In-Reply-To"] for r in smtp_server.received]
    assert len(answered) == len(set(answered))  # none answered twice
    # Sent, or (killed between the send and its record) leased for a later round.
    assert sum(row["status"] == "sent" for row in outbox) >= questions - 1
    assert all("\\Seen" in flags for flags in imap_server.flags(imap_user).values())
