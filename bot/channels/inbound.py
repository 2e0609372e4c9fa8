"""A customer's message from a channel into the desk: which conversation it belongs to,
which customer sent it, and what the bot does with it — answer when sure (the article's
short answer, a link, and how to reach a person), otherwise the queue with the bot's
candidates — and what goes back out on the channel.

    received = receive(db, bot, inbound, link=article_link, teams=teams)
    received.duplicate     # True: the channel's message was taken before; nothing done
    received.answered      # True: the bot's answer is queued in the outbox
    received.handoff       # the active handoff, if a person has (or now gets) it

All of it happens in one write transaction with the record of the channel's message id,
so a mail taken twice (Dalil stopped after storing it, before marking it in the
mailbox) is stored and answered once. Mail that nobody should answer (auto-replies,
bounces, mailing lists) is stored — in the customer's history, in a handoff a person
holds — but never answered: two robots must not keep answering each other. A sender
past ``per_hour`` messages, and a reply to what an agent wrote, go to a person
without the bot.
"""
import dataclasses
import datetime
import unicodedata

from kb.text import detect_language

from bot import InvalidQuestion, store
from bot.clean import UncleanText, clean_text
from bot.desk import conversations
from bot.desk import handoffs as handoff_actions
from bot.messages import message
from bot.store import channels as channel_store
from bot.store import customers as customer_store

__all__ = ["Received", "receive", "outgoing_text", "MAX_STORED_TEXT", "PER_HOUR", "SESSION_HOURS"]

# A long mail is kept whole for the agent (the bot reads only MAX_QUESTION_LENGTH).
MAX_STORED_TEXT = 20000
# A person writes a few messages an hour; a robot answering our replies writes more.
PER_HOUR = 20
# The handoff reason agents read for a message that went to a person without the bot.
TO_A_PERSON = "answered a person, or wrote too often: for a person"
# A messaging-app customer's next message within this many hours continues the same
# conversation (WhatsApp's customer-service window is 24 hours too); a mail continues
# one only by its threading headers.
SESSION_HOURS = 24


@dataclasses.dataclass(frozen=True)
class Received:
    conversation: dict
    messages: list  # what was stored: the customer's message, then the bot's and notices
    handoff: dict | None
    duplicate: bool = False
    answered: bool = False
    outbox_id: int | None = None


def receive(db, bot, inbound, *, link=None, lang="ar", hours=None, now=None, teams=None,
            per_hour=PER_HOUR):
    """Store ``inbound`` (a bot.channels.Inbound) in its conversation and do what follows
    it; return a Received. ``link(article_id, lang)``: the article's address on the help
    center, or None (no link in answers). ``lang``: a new conversation's language when
    the text does not tell. ``hours``, ``now`` and ``teams`` as for
    bot.desk.conversations.post_message."""
    with store.transaction(db):
        if channel_store.is_known_external(db, inbound.channel, inbound.external_id):
            conversation = channel_store.conversation_of_external(
                db, inbound.channel, [inbound.external_id])
            return Received(conversation, [], store.active_handoff(db, conversation["id"]),
                            duplicate=True)
        inbound = dataclasses.replace(inbound, name=_one_line(inbound.name),
                                      subject=_one_line(inbound.subject))
        conversation = _conversation(db, inbound, lang)
        _link_customer(db, conversation, inbound)
        text = _stored_text(db, inbound, conversation)
        held = store.active_handoff(db, conversation["id"])
        quiet = inbound.automatic
        if quiet:
            new, handoff = _store_only(db, conversation, text, inbound, quiet)
        elif not held and (_over_limit(db, inbound, per_hour)
                           or _answers_a_person(db, inbound)):
            # Past the hourly limit (a robot, or a very busy customer), or answering what
            # a person wrote: a person reads it, and nothing is sent back automatically.
            quiet = "to a person"
            new, handoff = _to_a_person(db, bot, conversation, text, inbound, teams)
        elif not held and _opening_command(inbound, text):
            new, handoff = _welcome(db, conversation, text)
        else:
            new, handoff = _answer(db, bot, conversation, text, inbound, hours, now, teams)
        customer_message = new[0]
        channel_store.record_channel_message(db, inbound.channel, inbound.external_id,
                                             conversation["id"], customer_message["id"], "in")
        for attachment in inbound.attachments:
            channel_store.add_attachment(db, conversation["id"], customer_message["id"],
                                         attachment)
        outbox_id, answered = None, False
        if not quiet:
            said = outgoing_text(new[1:], link)
            if said:
                outbox_id = channel_store.queue_delivery(db, conversation, new[1]["id"], said,
                                                         reply_to=inbound.external_id)
                answered = new[1]["data"].get("action") == "answer"
        return Received(conversation, new, handoff, answered=answered, outbox_id=outbox_id)


def outgoing_text(replies, link=None):
    """Return what the customer reads on the channel for the bot's ``replies`` (stored
    messages: the bot's line, a handoff's notice), or "" when there is nothing to send
    (a person holds the conversation: the bot stays silent). An answer ends with the
    article's link and how to reach a person; a handoff with the promise of a reply in
    the same thread — not the chat's notice, which speaks of the chat window."""
    bot_lines = [m for m in replies if m["role"] == "bot"]
    if not bot_lines:
        return ""
    line = bot_lines[0]
    data, lang = line["data"], line["data"].get("lang") or "ar"
    parts = [line["text"]]
    if data.get("action") == "answer":
        address = link(data["article_id"], lang) if link and data.get("article_id") else None
        if address:
            parts.append(message("channel_read_more", lang).format(link=address))
        parts.append(message("channel_did_it_help", lang))
    elif data.get("action") == "escalate":
        parts.append(message("channel_handoff", lang))
    return "\n\n".join(parts)


def _conversation(db, inbound, lang):
    """The conversation ``inbound`` continues, or a new one: a mail by its threading
    headers (from the same address only: a Message-ID is no secret), a messaging-app
    message by its sender within SESSION_HOURS or while a person has the conversation."""
    if inbound.channel == "email":
        found = channel_store.conversation_of_external(db, "email", inbound.references)
        if found is not None and found["address"] == inbound.address:
            return found
    else:
        found = channel_store.latest_channel_conversation(db, inbound.channel, inbound.address)
        if found is not None and (store.active_handoff(db, found["id"])
                                  or _recent(db, found["id"])):
            return found
    return channel_store.create_channel_conversation(
        db, inbound.channel, inbound.address, _language(inbound, lang),
        subject=inbound.subject, mailbox=inbound.mailbox, name=inbound.name)


def _recent(db, conversation_id):
    since = (datetime.datetime.now(datetime.timezone.utc)
             - datetime.timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds")
    last = channel_store.last_message_at(db, conversation_id)
    return last is not None and last >= since


def _language(inbound, default):
    """A new conversation's language: the message's own when it has letters of one (a
    command's Latin letters, "/start", tell nothing)."""
    if _opening_command(inbound, inbound.text):
        return default
    return detect_language(f"{inbound.subject}\n{inbound.text}", default=default)


def _link_customer(db, conversation, inbound):
    """Link the conversation to the one customer known by the sender's address on this
    channel — for a mail, also the customer who gave that address in the web chat, so
    both conversations are one history. A sender's address is not proof of who they
    are, so the link is for agents' eyes only, as an address typed into the chat is."""
    customer_id = channel_store.customer_by_address(db, inbound.channel, inbound.address)
    if customer_id is None:
        if inbound.channel == "email":
            customer_id = customer_store.email_customer(db, inbound.address, inbound.name)
        else:
            customer_id = customer_store.channel_customer(db, inbound.name)
        channel_store.add_customer_address(db, customer_id, inbound.channel, inbound.address)
    customer_store.link_conversation(db, conversation["id"], customer_id,
                                     "email" if inbound.channel == "email" else "channel")


def _stored_text(db, inbound, conversation):
    """The message as stored: cleaned, within MAX_STORED_TEXT; a mail that opens a
    conversation keeps its subject on top (often the whole question: "Where is my
    order?" over "Hello, ...")."""
    text = inbound.text
    subject = inbound.subject.strip()
    if (inbound.channel == "email" and subject and subject.lower() not in text.lower()
            and channel_store.last_message_at(db, conversation["id"]) is None):
        text = f"{subject}\n\n{text}" if text else subject
    try:
        text = clean_text(text, "the message")
    except UncleanText:
        # What a channel hands over is decoded already, by its own rules: a mail in a
        # mislabelled charset keeps U+FFFD where bytes could not be read. Whatever
        # clean_text refuses is replaced here, never a reason to lose the message.
        text = clean_text("".join(_storable(c) for c in text), "the message")
    return text[:MAX_STORED_TEXT]


def _storable(character):
    if character == "\ufffd" or unicodedata.category(character) == "Cs":
        return "?"
    return character if character.isprintable() or character in "\n\t" else " "


# What a messaging app sends when a customer opens the chat with the bot (Telegram's
# Start button sends "/start"): a greeting is due, not a search of the articles.
OPENING_COMMANDS = ("/start", "/help")


def _opening_command(inbound, text):
    return inbound.channel == "telegram" and text.split()[:1] and \
        text.split()[0].lower().split("@")[0] in OPENING_COMMANDS


def _welcome(db, conversation, text):
    """Greet a customer who opened the chat: the bot's greeting, in the conversation's
    language, with no handoff."""
    lang = conversation["lang"] or "ar"
    stored = store.add_message(db, conversation["id"], "customer", text, {"command": True})
    said = store.add_message(db, conversation["id"], "bot", message("greeting", lang),
                             {"action": "smalltalk", "reason": "greeting", "lang": lang},
                             reply_to=stored["id"])
    return [stored, said], None


def _one_line(text):
    """A name or a subject as stored: one line, clean (bidi overrides in a Telegram name
    would reorder the queue's cards; a lone surrogate or NUL would not store)."""
    return " ".join(clean_text("".join(_storable(c) for c in text or ""), "the name",
                               lines=True).split())


def _answers_a_person(db, inbound):
    """Whether ``inbound`` answers a message an agent wrote (a mail in reply to theirs):
    the person it answers should read it, not the bot — also where the agent's reply
    left by another of the customer's conversations (bot.store.channels.reply_route)."""
    return channel_store.answers_agent(db, inbound.channel, inbound.references)


def _to_a_person(db, bot, conversation, text, inbound, teams):
    """Store the message in a handoff of its own conversation — opened, without the bot's
    words or an acknowledgement, and routed like any — so a person reads it."""
    handoff, created = store.open_handoff(
        db, conversation["id"], reason=TO_A_PERSON, lang=conversation["lang"] or "ar",
        first_question=text[:1000], candidates=[])
    stored = store.add_message(db, conversation["id"], "customer", text or "—",
                               {"channel": inbound.channel}, handoff_id=handoff["id"])
    if created and teams is not None:
        handoff = handoff_actions.route(db, bot, teams, handoff)
    return [stored], store.get_handoff(db, handoff["id"])


def _over_limit(db, inbound, per_hour):
    """Whether the sender already wrote ``per_hour`` messages on this channel within the
    hour."""
    since = (datetime.datetime.now(datetime.timezone.utc)
             - datetime.timedelta(hours=1)).isoformat(timespec="seconds")
    return channel_store.messages_from(db, inbound.channel, inbound.address, since) >= per_hour


def _store_only(db, conversation, text, inbound, why):
    """Store a message nobody answers automatically; a person holding the conversation
    sees it there."""
    handoff = store.active_handoff(db, conversation["id"])
    stored = store.add_message(db, conversation["id"], "customer", text or "—",
                               {"channel": inbound.channel, "not_answered": why},
                               handoff_id=handoff["id"] if handoff else None)
    return [stored], handoff


def _answer(db, bot, conversation, text, inbound, hours, now, teams):
    """The bot's turn, as in the chat but with no suggestions to pick from; a message
    the bot cannot read (too long, only attachments) goes to a person whole."""
    try:
        return conversations.post_message(db, bot, conversation, text, hours=hours, now=now,
                                          teams=teams, suggestions=False)
    except InvalidQuestion:
        pass
    handoff = store.active_handoff(db, conversation["id"])
    stored = store.add_message(db, conversation["id"], "customer", text or "—",
                               {"channel": inbound.channel})
    new = []
    if handoff is None:
        handoff, new = conversations.request_handoff(db, bot, conversation, hours=hours,
                                                     now=now, teams=teams)
    # Attached here, its first 1,000 characters the handoff's question if it has none.
    store.join_handoff(db, handoff["id"], stored["id"], stored["text"][:1000])
    stored["handoff_id"] = handoff["id"]
    return [stored, *new], store.get_handoff(db, handoff["id"])
