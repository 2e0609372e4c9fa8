"""A customer's message from a channel through the desk (bot/channels/inbound.py) and the
outbox's deliveries (bot/channels/outbox.py): each test on a real SQLite file and on a
real PostgreSQL database, with the shipped articles' bot and the real WhatsApp and
Telegram senders against tests/provider_server.py."""
import datetime

import pytest

from bot import store
from bot.channels import Attachment, Inbound, inbound, outbox
from bot.channels.senders import TelegramBot, WhatsAppAccount, channel_senders
from bot.desk import conversations, handoffs
from bot.store import channels as channel_store
from bot.store import customers as customer_store
from provider_server import PHONE_NUMBER_ID, provider_server  # noqa: F401

ANSWERED = "كيف ارجع منتج"  # the shipped return-policy article answers it
UNANSWERABLE = "هل عندكم وظائف شاغرة في فرع الرياض"


@pytest.fixture
def db(backend_db):
    """The store on SQLite, then on PostgreSQL (tests/pg_fixtures.py)."""
    return backend_db


def link(article_id, lang):
    return f"https://help.example.com/articles/{article_id}?lang={lang}"


def mail(text, external_id="<m1@mail.example>", address="mona@example.com", **fields):
    return Inbound(channel="email", address=address, external_id=external_id, text=text,
                   **{"subject": "", "name": "Mona", **fields})


def outbox_rows(db):
    return list(db.query("SELECT * FROM outbox ORDER BY id"))


def test_a_mail_the_bot_is_sure_of_is_answered_with_a_link_and_a_way_to_a_person(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, mail(ANSWERED), link=link)
    assert received.answered and received.handoff is None and not received.duplicate
    conversation = store.get_conversation(db, received.conversation["id"])
    assert (conversation["channel"], conversation["address"]) == ("email", "mona@example.com")
    [row] = outbox_rows(db)
    assert row["status"] == "pending" and row["address"] == "mona@example.com"
    assert "https://help.example.com/articles/return-policy?lang=ar" in row["text"]
    assert "«لا»" in row["text"]
    assert row["reply_to"] == "<m1@mail.example>"


def test_the_same_mail_taken_twice_is_stored_and_answered_once(db, shipped_bot):
    first = inbound.receive(db, shipped_bot, mail(ANSWERED), link=link)
    again = inbound.receive(db, shipped_bot, mail(ANSWERED), link=link)
    assert again.duplicate and not again.answered
    assert again.conversation["id"] == first.conversation["id"]
    assert len(outbox_rows(db)) == 1
    assert len(store.messages(db, first.conversation["id"])) == 2


def test_a_mail_the_bot_cannot_answer_goes_to_the_queue_with_a_promise_of_a_reply(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, mail(UNANSWERABLE))
    assert received.handoff is not None and not received.answered
    handoff = store.get_handoff(db, received.handoff["id"])
    assert handoff["first_question"] == UNANSWERABLE
    [row] = outbox_rows(db)
    assert "سيرد عليك أحد موظفينا هنا" in row["text"]


def test_an_unsure_bot_hands_over_instead_of_suggesting(db, shipped_bot):
    assert shipped_bot.ask("الدفع").action == "suggest"  # one vague word: the chat suggests
    received = inbound.receive(db, shipped_bot, mail("الدفع"))
    assert received.handoff is not None and received.handoff["candidates"]
    [said] = [m for m in received.messages if m["role"] == "bot"]
    assert said["data"]["action"] == "escalate"


def test_no_after_an_answer_by_mail_hands_over(db, shipped_bot):
    first = inbound.receive(db, shipped_bot, mail(ANSWERED))
    reply = inbound.receive(db, shipped_bot, mail("لا", "<m2@mail.example>",
                                                  references=("<m1@mail.example>",)))
    assert reply.conversation["id"] == first.conversation["id"]
    assert reply.handoff is not None
    assert store.get_handoff(db, reply.handoff["id"])["first_question"] == ANSWERED


@pytest.mark.parametrize("automatic", ["auto-submitted", "bounce", "auto-reply", "list"])
def test_mail_nobody_should_answer_is_kept_but_not_answered(db, shipped_bot, automatic):
    received = inbound.receive(db, shipped_bot, mail(ANSWERED, automatic=automatic))
    assert not received.answered and received.outbox_id is None
    [stored] = store.messages(db, received.conversation["id"])
    assert stored["data"]["not_answered"] == automatic
    assert outbox_rows(db) == []


def test_a_sender_over_the_hourly_limit_goes_to_a_person_unanswered(db, shipped_bot):
    for number in range(3):
        received = inbound.receive(db, shipped_bot, mail(ANSWERED, f"<m{number}@x>"),
                                   per_hour=2)
    assert not received.answered and received.outbox_id is None
    assert received.handoff["reason"] == inbound.TO_A_PERSON  # a person reads it
    assert received.messages[0]["handoff_id"] == received.handoff["id"]
    assert len(outbox_rows(db)) == 2


def test_a_mail_answering_an_agents_mail_goes_to_a_person_not_the_bot(db, shipped_bot,
                                                                     provider_server):
    first = inbound.receive(db, shipped_bot, mail(UNANSWERABLE))
    handoffs.claim(db, first.handoff["id"], "sara")
    handoffs.reply(db, first.handoff["id"], "sara", "أرسل لنا رقم الطلب")
    handoffs.resolve(db, shipped_bot, first.handoff["id"], "sara", "not_support")
    agents_mail = "<agent-1@shop.example>"  # as the SMTP sender would have recorded it
    reply = next(r for r in outbox_rows(db) if r["text"] == "أرسل لنا رقم الطلب")
    channel_store.record_channel_message(db, "email", agents_mail, reply["conversation_id"],
                                         reply["message_id"], "out")
    answer = inbound.receive(db, shipped_bot, mail(ANSWERED, "<m2@x>",
                                                   references=("<m1@mail.example>", agents_mail)))
    assert answer.handoff is not None and answer.handoff["id"] != first.handoff["id"]
    assert not answer.answered and answer.outbox_id is None  # the bot stays out of it


@pytest.mark.parametrize("name", ["\u202eMona\u202c", "Mo\x00na", "Mo\ud800na", "Mona\nX"])
def test_a_senders_name_is_stored_clean(db, shipped_bot, name):
    received = inbound.receive(db, shipped_bot, Inbound(
        channel="telegram", address="77", external_id=f"77:{len(name)}", text=ANSWERED,
        name=name))
    stored = store.get_conversation(db, received.conversation["id"])["name"]
    assert stored.replace("?", "").replace(" ", "").startswith("Mo")
    assert all(c.isprintable() for c in stored) and "\u202e" not in stored


def test_start_while_a_person_holds_the_conversation_joins_it(db, shipped_bot):
    first = inbound.receive(db, shipped_bot, Inbound(channel="telegram", address="43",
                                                     external_id="43:1", text="أبغى أكلم موظف"))
    again = inbound.receive(db, shipped_bot, Inbound(channel="telegram", address="43",
                                                     external_id="43:2", text="/start"))
    assert again.handoff["id"] == first.handoff["id"] and again.outbox_id is None


def test_a_reply_threads_into_its_conversation_only_from_the_same_address(db, shipped_bot):
    first = inbound.receive(db, shipped_bot, mail(ANSWERED, subject="Return"))
    same = inbound.receive(db, shipped_bot, mail("شكرا", "<m2@x>",
                                                 references=("<m1@mail.example>",)))
    stranger = inbound.receive(db, shipped_bot, mail("شكرا", "<m3@x>", address="eve@example.com",
                                                     references=("<m1@mail.example>",)))
    assert same.conversation["id"] == first.conversation["id"]
    assert stranger.conversation["id"] != first.conversation["id"]


def test_a_new_mail_keeps_its_subject_on_top(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, mail("مرحبا، طلبت الأسبوع الماضي",
                                                     subject="وين طلبي؟"))
    assert received.messages[0]["text"].startswith("وين طلبي؟\n\n")


def test_a_long_mail_goes_to_a_person_whole(db, shipped_bot):
    text = "تفاصيل الطلب " * 400  # past what the bot reads
    received = inbound.receive(db, shipped_bot, mail(text))
    assert received.handoff is not None
    assert received.messages[0]["text"] == text.strip()
    assert len(outbox_rows(db)) == 1


def test_attachments_are_stored_with_the_message(db, shipped_bot):
    files = (Attachment("receipt.pdf", "application/pdf", 4, b"%PDF"),
             Attachment("video.mp4", "video/mp4", 10_000_000, None))
    received = inbound.receive(db, shipped_bot, mail(UNANSWERABLE, attachments=files))
    stored = channel_store.attachments_for(db, received.conversation["id"])
    assert [(a["filename"], bool(a["stored"])) for a in stored] == [("receipt.pdf", True),
                                                                    ("video.mp4", False)]
    assert channel_store.get_attachment(db, stored[0]["id"])["data"] == b"%PDF"


def test_a_customer_who_chatted_on_the_web_and_then_mailed_has_one_history(db, shipped_bot):
    chat = store.create_conversation(db, "ar", "127.0.0.1")
    conversations.post_message(db, shipped_bot, chat, UNANSWERABLE)
    customer = customer_store.email_customer(db, "mona@example.com", "Mona")
    customer_store.link_conversation(db, chat["id"], customer, "email")
    received = inbound.receive(db, shipped_bot, mail(ANSWERED, address="mona@example.com"))
    assert customer_store.conversation_customer(db, received.conversation["id"])["id"] == customer
    history = customer_store.customer_conversations(db, customer)
    assert {row["id"] for row in history} == {chat["id"], received.conversation["id"]}
    assert channel_store.customer_addresses(db, customer) == [("email", "mona@example.com")]


def test_a_messaging_app_customer_continues_their_conversation(db, shipped_bot):
    message = Inbound(channel="whatsapp", address="966501234567", external_id="wamid.1",
                      text=ANSWERED, name="Mona")
    first = inbound.receive(db, shipped_bot, message)
    second = inbound.receive(db, shipped_bot, Inbound(channel="whatsapp", address="966501234567",
                                                      external_id="wamid.2", text="لا"))
    assert second.conversation["id"] == first.conversation["id"]
    assert second.handoff is not None
    customer = customer_store.conversation_customer(db, first.conversation["id"])
    assert customer["identified"] == "channel" and customer["name"] == "Mona"


def test_an_agents_reply_leaves_on_the_conversations_channel(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, mail(UNANSWERABLE))
    handoffs.claim(db, received.handoff["id"], "sara")
    said = handoffs.reply(db, received.handoff["id"], "sara", "نعم، أرسل سيرتك الذاتية.")
    rows = outbox_rows(db)
    assert rows[-1]["message_id"] == said["id"] and rows[-1]["text"] == "نعم، أرسل سيرتك الذاتية."


def test_a_web_conversation_queues_nothing(db, shipped_bot):
    chat = store.create_conversation(db, "ar", "127.0.0.1")
    _, handoff = conversations.post_message(db, shipped_bot, chat, UNANSWERABLE)
    handoffs.claim(db, handoff["id"], "sara")
    handoffs.reply(db, handoff["id"], "sara", "مرحبا")
    assert outbox_rows(db) == []


# --- the outbox ---------------------------------------------------------------------------

def whatsapp_senders(server):
    return channel_senders(whatsapp_account=WhatsAppAccount(server.whatsapp_url, PHONE_NUMBER_ID,
                                                            server.whatsapp_token), timeout=5)


def whatsapp_question(db, bot, text=ANSWERED, external_id="wamid.in1"):
    return inbound.receive(db, bot, Inbound(channel="whatsapp", address="966501234567",
                                            external_id=external_id, text=text))


def test_a_delivery_is_sent_once_and_its_id_threads_the_conversation(db, shipped_bot,
                                                                    provider_server):
    received = whatsapp_question(db, shipped_bot)
    assert outbox.deliver_due(db, whatsapp_senders(provider_server)) == {
        "sent": 1, "retried": 0, "failed": 0}
    assert outbox.deliver_due(db, whatsapp_senders(provider_server))["sent"] == 0
    [request] = provider_server.requests
    assert request.body["to"] == "966501234567"
    assert request.body["context"] == {"message_id": "wamid.in1"}
    [row] = outbox_rows(db)
    assert row["status"] == "sent" and row["external_id"].startswith("wamid.")
    thread = channel_store.thread_of(db, received.conversation["id"], "whatsapp")
    assert thread == ["wamid.in1", row["external_id"]]


def test_an_outage_is_retried_with_back_off_then_shown_to_the_agent(db, shipped_bot,
                                                                   provider_server):
    received = whatsapp_question(db, shipped_bot, UNANSWERABLE)
    provider_server.outage = True
    senders = whatsapp_senders(provider_server)
    at = datetime.datetime.now(datetime.timezone.utc)
    assert outbox.deliver_due(db, senders, at=at)["retried"] == 1
    # Not due again before its back-off is over.
    assert outbox.deliver_due(db, senders, at=at)["retried"] == 0
    for wait in outbox.BACKOFF[:-1]:
        at += datetime.timedelta(seconds=wait)
        assert outbox.deliver_due(db, senders, at=at)["retried"] == 1
    at += datetime.timedelta(seconds=outbox.BACKOFF[-1])
    assert outbox.deliver_due(db, senders, at=at)["failed"] == 1
    [row] = outbox_rows(db)
    assert row["status"] == "failed" and row["attempts"] == len(outbox.BACKOFF) + 1
    assert "503" in row["error"] or "unavailable" in row["error"].lower()
    notice = store.messages(db, received.conversation["id"])[-1]
    assert notice["role"] == "system" and notice["data"]["kind"] == "delivery_failed"
    assert notice["handoff_id"] == received.handoff["id"]  # in the agent's conversation
    assert "واتساب" in notice["text"]
    # An agent's "try again" once the provider is back.
    provider_server.outage = False
    assert outbox.retry_failed(db, row["id"])
    assert outbox.deliver_due(db, senders)["sent"] == 1


def test_a_permanent_refusal_fails_at_once(db, shipped_bot, provider_server):
    whatsapp_question(db, shipped_bot)
    provider_server.fail_next(1, 400)
    assert outbox.deliver_due(db, whatsapp_senders(provider_server))["failed"] == 1


def test_a_channel_that_is_not_set_up_is_retried_not_dropped(db, shipped_bot):
    whatsapp_question(db, shipped_bot)
    assert outbox.deliver_due(db, {})["retried"] == 1
    assert "not set up" in outbox_rows(db)[0]["error"]


def test_a_provider_failure_reported_later_is_shown(db, shipped_bot, provider_server):
    received = whatsapp_question(db, shipped_bot)
    outbox.deliver_due(db, whatsapp_senders(provider_server))
    sent = outbox_rows(db)[0]
    assert outbox.provider_failed(db, "whatsapp", sent["external_id"], "number not on WhatsApp")
    assert outbox_rows(db)[0]["status"] == "failed"
    assert store.messages(db, received.conversation["id"])[-1]["data"]["kind"] == "delivery_failed"


def test_telegram_replies_leave_through_the_bot_api(db, shipped_bot, provider_server):
    inbound.receive(db, shipped_bot, Inbound(channel="telegram", address="42",
                                             external_id="42:7", text=ANSWERED))
    senders = channel_senders(telegram_bot=TelegramBot(provider_server.telegram_url,
                                                       provider_server.telegram_token))
    assert outbox.deliver_due(db, senders)["sent"] == 1
    [request] = provider_server.requests
    assert request.body["chat_id"] == "42" and "return-policy" not in request.body["text"]


def test_a_mail_in_a_mislabelled_charset_is_kept_with_what_could_be_read(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, mail("طلبي \ufffd\ufffd لم يصل \udcff"))
    assert received.messages[0]["text"] == "طلبي ?? لم يصل ?"


def test_dalil_channels_status_lists_the_outbox_and_its_failures(tmp_path, shipped_bot):
    from click.testing import CliRunner

    from web.cli import cli
    path = str(tmp_path / "cli.sqlite3")
    database = store.open_db(path)
    try:
        whatsapp_question(database, shipped_bot)
        start = datetime.datetime.now(datetime.timezone.utc)
        for day in range(len(outbox.BACKOFF) + 1):  # every try a day later: each one due
            outbox.deliver_due(database, {}, at=start + datetime.timedelta(days=day))
    finally:
        database.close()
    result = CliRunner().invoke(cli, ["channels", "status", "--db", path])
    assert result.exit_code == 0, result.output
    assert "pending: 0, sent: 0, failed: 1" in result.output
    assert "whatsapp to 966501234567: whatsapp is not set up" in result.output


def test_dalil_channels_run_says_when_no_channel_is_set_up(runner):
    from web.cli import cli
    result = runner.invoke(cli, ["channels", "run", "--once"])
    assert result.exit_code == 1 and "no channel is set up" in result.output


def test_merging_customers_moves_conversations_and_addresses(db, shipped_bot):
    from bot.desk import customers as desk_customers
    phone = whatsapp_question(db, shipped_bot)
    by_mail = inbound.receive(db, shipped_bot, mail(ANSWERED))
    keep = customer_store.conversation_customer(db, phone.conversation["id"])["id"]
    other = customer_store.conversation_customer(db, by_mail.conversation["id"])["id"]
    assert desk_customers.merge(db, keep, "MONA@example.com") == keep
    assert customer_store.get_customer(db, other) is None
    assert channel_store.customer_addresses(db, keep) == [("whatsapp", "966501234567"),
                                                          ("email", "mona@example.com")]
    assert customer_store.get_customer(db, keep)["email"] == "mona@example.com"
    timeline = customer_store.customer_timeline(db, keep)
    assert [m["channel"] for m in timeline if m["role"] == "customer"] == ["whatsapp", "email"]
    # The next mail from that address joins the merged customer.
    again = inbound.receive(db, shipped_bot, mail(ANSWERED, "<m9@x>"))
    assert customer_store.conversation_customer(db, again.conversation["id"])["id"] == keep
    with pytest.raises(desk_customers.MergeError, match="no other customer"):
        desk_customers.merge(db, keep, "966501234567")  # its own number


def test_two_shop_verified_customers_are_never_merged(db):
    from bot.desk import customers as desk_customers
    first = customer_store.verified_customer(db, "c-1", "a@example.com", "A")
    customer_store.verified_customer(db, "c-2", "b@example.com", "B")
    with pytest.raises(desk_customers.MergeError, match="verified"):
        desk_customers.merge(db, first, "b@example.com")


def test_a_reply_leaves_where_the_customer_wrote_last(db, shipped_bot):
    from bot.desk import customers as desk_customers
    by_mail = inbound.receive(db, shipped_bot, mail(UNANSWERABLE))
    later = whatsapp_question(db, shipped_bot, "وين طلبي؟", external_id="wamid.L1")
    keep = customer_store.conversation_customer(db, by_mail.conversation["id"])["id"]
    desk_customers.merge(db, keep, "966501234567")
    handoffs.claim(db, by_mail.handoff["id"], "sara")
    said = handoffs.reply(db, by_mail.handoff["id"], "sara", "وصل طلبك اليوم")
    row = outbox_rows(db)[-1]
    assert (row["message_id"], row["channel"], row["conversation_id"]) == (
        said["id"], "whatsapp", later.conversation["id"])
    assert channel_store.deliveries_for(db, by_mail.conversation["id"])[said["id"]]["id"] == row["id"]
    # A chat written in since stays with the conversation's own channel.
    chat = store.create_conversation(db, "ar", "127.0.0.1")
    customer_store.link_conversation(db, chat["id"], keep, "email")
    conversations.post_message(db, shipped_bot, chat, "مرحبا")
    said = handoffs.reply(db, by_mail.handoff["id"], "sara", "هل وصلك؟")
    assert outbox_rows(db)[-1]["channel"] == "email"


def test_a_telegram_start_is_greeted_not_handed_over(db, shipped_bot):
    received = inbound.receive(db, shipped_bot, Inbound(channel="telegram", address="42",
                                                        external_id="42:1", text="/start"))
    assert received.handoff is None and received.outbox_id is not None
    assert outbox_rows(db)[0]["text"].startswith("أهلًا وسهلًا")


def test_a_whatsapp_customer_is_forgotten_by_their_number(db, shipped_bot):
    from bot.desk import customers as desk_customers
    received = whatsapp_question(db, shipped_bot)
    customer = customer_store.conversation_customer(db, received.conversation["id"])["id"]
    erased = desk_customers.forget(db, "+966 50123 4567")
    assert erased["customers"] == 1 and erased["messages"] >= 2
    assert store.messages(db, received.conversation["id"]) == []
    assert channel_store.customer_addresses(db, customer) == []
    assert store.get_conversation(db, received.conversation["id"])["address"] == ""
    with pytest.raises(desk_customers.IdentityError):
        desk_customers.forget(db, "not an address")
