"""The schema's one migration history (the sqlite-utils set "dalil"), and the adoption of
the records older installations wrote under three separate sets.

Migrations run in the order they are declared here and are never edited once shipped:
a change to the schema is a new migration at the end.

The same history drives PostgreSQL: sqlite-utils' Migrations runs these functions on a
postgres.Database too, whose tables offer the sqlite-utils calls used here (create with
pk, foreign_keys, not_null and defaults; create_index; add_column) and whose
``execute`` takes SQL both dialects read (the partial unique indexes). A new migration
keeps to those calls, or to such SQL (tests/test_store_schema.py compares the columns
both backends end up with). The migrations' records live in ``_sqlite_migrations`` on
both; on PostgreSQL open_db takes an advisory lock around applying them.
"""
from sqlite_utils.migrations import Migrations

migrations = Migrations("dalil")


@migrations()
def m001_help_center(db):
    """Views, feedback and searches of the help center (issue 5's insights read them)."""
    db["article_views"].create({"id": int, "article_id": str, "lang": str, "created": str},
                               pk="id")
    db["article_views"].create_index(["article_id"])
    db["article_feedback"].create({"id": int, "article_id": str, "lang": str,
                                   "helpful": int, "comment": str, "created": str}, pk="id")
    db["article_feedback"].create_index(["article_id", "lang"])
    # ``source``: "page" (the results page), "api", or "suggest" (search as you type,
    # one row per pause in typing: insights should usually leave these out).
    db["searches"].create({"id": int, "query": str, "lang": str, "results": int,
                           "source": str, "created": str}, pk="id")
    db["searches"].create_index(["created"])


@migrations()
def m002_conversations(db):
    """Conversations, their messages, handoffs, agents, learned questions, ratings."""
    db["conversations"].create({"id": int, "token": str, "lang": str, "client": str,
                                "name": str, "email": str, "created": str}, pk="id")
    db["conversations"].create_index(["client", "created"])
    db["handoffs"].create({
        "id": int, "conversation_id": int, "status": str, "assignee": str, "reason": str,
        "lang": str, "first_question": str, "candidates": str, "created": str,
        "claimed": str, "resolved": str, "outcome": str, "article_id": str,
    }, pk="id", foreign_keys=[("conversation_id", "conversations", "id")],
        not_null={"conversation_id", "status", "created"}, defaults={"status": "open"})
    # At most one active (open or claimed) handoff per conversation, as a fact of the
    # file: two requests escalating at once cannot open two.
    db.execute("CREATE UNIQUE INDEX handoffs_one_active ON handoffs(conversation_id) "
               "WHERE status != 'resolved'")
    db["handoffs"].create_index(["status", "id"])
    # ``data``: JSON of what the line carries beyond its text (a bot reply's action,
    # article and candidates; an agent's name; a system notice's kind).
    db["messages"].create({"id": int, "conversation_id": int, "role": str, "text": str,
                           "data": str, "handoff_id": int, "created": str}, pk="id",
                          foreign_keys=[("conversation_id", "conversations", "id"),
                                        ("handoff_id", "handoffs", "id")],
                          not_null={"conversation_id", "role", "text", "created"})
    db["messages"].create_index(["conversation_id", "id"])
    db["messages"].create_index(["handoff_id"])
    db["agents"].create({"id": int, "name": str, "password_hash": str, "created": str},
                        pk="id", not_null={"name", "password_hash"})
    db["agents"].create_index(["name"], unique=True)
    db["learned_questions"].create({"id": int, "article_id": str, "question": str,
                                    "lang": str, "handoff_id": int, "agent": str,
                                    "created": str}, pk="id")
    db["learned_questions"].create_index(["article_id"])
    db["ratings"].create({"id": int, "conversation_id": int, "handoff_id": int, "score": int,
                          "comment": str, "created": str}, pk="id")
    db["ratings"].create_index(["handoff_id"], unique=True)


@migrations()
def m003_learned_sources(db):
    """Where a learned question came from ("agent": an article-linked resolution;
    "customer": "yes, this answered my question"), and how often customers said "no"
    to an answer it produced (a reason to review it)."""
    db["learned_questions"].add_column("source", str, not_null_default="agent")
    db["learned_questions"].add_column("disputed", int, not_null_default=0)


@migrations()
def m004_login_failures(db):
    """Failed agent sign-ins, so guessing passwords is slowed down (web/ratelimit.py)."""
    db["login_failures"].create({"id": int, "name": str, "client": str, "created": str},
                                pk="id")
    db["login_failures"].create_index(["created"])


@migrations()
def m005_asks(db):
    """Questions asked through POST /api/ask and the bot's action on each."""
    db["asks"].create({"id": int, "question": str, "lang": str, "action": str,
                       "article_id": str, "reason": str, "created": str}, pk="id")
    db["asks"].create_index(["created"])


# Until the store became a package the schema was three sets ("dalil" for the help
# center, "dalil-chat", "dalil-insights"). sqlite-utils tells what has run by the
# (migration_set, name) records in its table, so a file from then would see
# m002..m005 as pending and fail creating tables it has: its records are renamed first.
# ("dalil", "m001_help_center") kept its set and name.
_OLD_NAMES = {
    ("dalil-chat", "m001_conversations"): "m002_conversations",
    ("dalil-chat", "m002_learned_sources"): "m003_learned_sources",
    ("dalil-chat", "m003_login_failures"): "m004_login_failures",
    ("dalil-insights", "m001_asks"): "m005_asks",
}


def adopt_old_migrations(db):
    """Rename the records of the old "dalil-chat" and "dalil-insights" sets to their
    migrations in the one history; return how many were renamed (0 on a new file and on
    every start-up after the first). Run it in a write transaction, before
    ``migrations.apply(db)``."""
    table = migrations.migrations_table
    if not db[table].exists():
        return 0
    renamed = 0
    for (old_set, old_name), new_name in _OLD_NAMES.items():
        # OR IGNORE: if the new record somehow exists too, the unique (migration_set,
        # name) index keeps it and the old one is deleted below.
        renamed += db.execute(
            f"UPDATE OR IGNORE [{table}] SET migration_set = ?, name = ? "
            "WHERE migration_set = ? AND name = ?",
            [migrations.name, new_name, old_set, old_name]).rowcount
        db.execute(f"DELETE FROM [{table}] WHERE migration_set = ? AND name = ?",
                   [old_set, old_name])
    return renamed


@migrations()
def m006_learned_review(db):
    """A learned question's ``status``: "live" (the bot uses it) or "review" (held until
    an agent approves it, because it is nearly the same as a writer's question of
    another article: ``conflict_article_id`` and ``conflict_question`` say which)."""
    db["learned_questions"].add_column("status", str, not_null_default="live")
    db["learned_questions"].add_column("conflict_article_id", str)
    db["learned_questions"].add_column("conflict_question", str)
    db["learned_questions"].create_index(["status", "id"])


@migrations()
def m007_agent_sessions(db):
    """The agents' signed-in sessions, kept on the server so signing out or a new
    password ends them (web/auth.py): a row per session, ``id`` the SHA-256 of the
    random id in the signed cookie (the file alone signs nobody in); and sign-in
    failures counted per address and per name and address together
    (web/signin_limits.py)."""
    db["agent_sessions"].create({"id": str, "agent_id": int, "created": str}, pk="id",
                                foreign_keys=[("agent_id", "agents", "id")],
                                not_null={"agent_id", "created"})
    db["agent_sessions"].create_index(["agent_id"])
    db["login_failures"].create_index(["client", "created"])
    db["login_failures"].create_index(["name", "client", "created"])


@migrations()
def m008_message_keys(db):
    """A customer message's ``idempotency_key`` (the client's, sent as the Idempotency-Key
    header): a retried send is stored once per conversation and key, as a fact of the
    file; and ``reply_to``, the customer message a bot reply or handoff notice answers,
    so a retry gets back the same reply."""
    db["messages"].add_column("idempotency_key", str)
    db["messages"].add_column("reply_to", int)
    db.execute("CREATE UNIQUE INDEX messages_idempotency_key ON messages(conversation_id, "
               "idempotency_key) WHERE idempotency_key IS NOT NULL")


@migrations()
def m009_notes(db):
    """Agents' internal notes on a handoff: for the team only, in a table of their own,
    so no query for the customer's conversation (their page, the widget, the API, an
    event stream) can ever return one."""
    db["notes"].create({"id": int, "handoff_id": int, "conversation_id": int, "agent": str,
                        "text": str, "created": str}, pk="id",
                       foreign_keys=[("handoff_id", "handoffs", "id"),
                                     ("conversation_id", "conversations", "id")],
                       not_null={"handoff_id", "conversation_id", "agent", "text", "created"})
    db["notes"].create_index(["handoff_id", "id"])


@migrations()
def m010_teams(db):
    """Teams, levels and routing (bot/desk/routing.py, teams.toml): an agent's ``team``,
    ``level``, ``status`` (online, away, offline: only online ones are given handoffs),
    ``capacity`` (the most handoffs at once) and ``last_assigned`` (ties go to the one
    waiting longest); a handoff's ``team``, ``level``, ``level_since`` (when it reached
    that level: its targets count from then) and ``released_by`` (not given straight
    back to them); and ``transfers``, one row per transfer or escalation with the reason
    the next agent reads. A team of NULL: from before teams (routed at the next
    assignment), or an agent in none (claims by hand)."""
    db["agents"].add_column("team", str)
    db["agents"].add_column("level", str, not_null_default="1")
    db["agents"].add_column("status", str, not_null_default="offline")
    db["agents"].add_column("capacity", int, not_null_default=3)
    db["agents"].add_column("last_assigned", str)
    db["handoffs"].add_column("team", str)
    db["handoffs"].add_column("level", str, not_null_default="1")
    db["handoffs"].add_column("level_since", str)
    db["handoffs"].add_column("released_by", str)
    db["handoffs"].create_index(["status", "team", "id"])
    # ``kind``: "transfer" (to an agent or a team) or "escalate" (one level up).
    db["transfers"].create({
        "id": int, "handoff_id": int, "kind": str, "from_agent": str, "to_agent": str,
        "from_team": str, "to_team": str, "from_level": str, "to_level": str,
        "reason": str, "created": str,
    }, pk="id", foreign_keys=[("handoff_id", "handoffs", "id")],
        not_null={"handoff_id", "kind", "reason", "created"})
    db["transfers"].create_index(["handoff_id", "id"])
    db["transfers"].create_index(["created"])


@migrations()
def m011_customers(db):
    """Customers the team knows again: ``external_id`` is the shop's own id for a
    customer whose identity the widget passed signed (an HMAC under the shared
    IDENTITY_SECRET, bot/desk/customers.py); a customer known only by the e-mail they
    gave has none. A conversation's ``customer_id`` links it to one, and ``identified``
    says how: "verified" (only those are shown back to the customer) or "email" (shown
    to agents only: anyone can type an address)."""
    db["customers"].create({"id": int, "external_id": str, "email": str, "name": str,
                            "created": str, "seen": str}, pk="id",
                           not_null={"email", "name", "created", "seen"})
    db.execute("CREATE UNIQUE INDEX customers_external_id ON customers(external_id) "
               "WHERE external_id IS NOT NULL")
    db["customers"].create_index(["email"])
    db["conversations"].add_column("customer_id", int)
    db["conversations"].add_column("identified", str)
    db["conversations"].create_index(["customer_id", "id"])


@migrations()
def m012_canned_replies(db):
    """Canned (saved) replies the team shares: a ``title`` to pick it by, its ``lang``
    ("ar" or "en"), the ``text`` with placeholders such as ``{name}`` (bot/desk/canned.py
    fills them), who wrote it and when it last changed."""
    db["canned_replies"].create({"id": int, "title": str, "lang": str, "text": str,
                                 "created_by": str, "created": str, "updated": str},
                                pk="id", not_null={"title", "lang", "text", "created_by",
                                                   "created", "updated"})
    db["canned_replies"].create_index(["lang", "title"])


@migrations()
def m013_agent_reads(db):
    """How far each agent has read each handoff's conversation (the inbox's unread
    counts): ``last_seen_message_id``, the newest message shown to ``agent`` there. One
    row per agent and handoff, so one agent's reading never clears another's count."""
    db["agent_reads"].create({"id": int, "agent": str, "handoff_id": int,
                              "last_seen_message_id": int, "updated": str}, pk="id",
                             foreign_keys=[("handoff_id", "handoffs", "id")],
                             not_null={"agent", "handoff_id", "last_seen_message_id",
                                       "updated"})
    db["agent_reads"].create_index(["agent", "handoff_id"], unique=True)


@migrations()
def m014_conversation_tags(db):
    """Tags on conversations (bot/desk/tags.py says what a tag is): one row per
    conversation and tag, with who added it and when; and ``message_search``, each
    message's text as kb.text.normalize makes it (``id`` the message's), which the
    conversation search matches against and fills itself (bot/store/search.py). A
    trigger deletes a message's search text with the message, so erasing a customer
    (``dalil customers forget``) leaves none of their words behind here either. The
    trigger is the one statement the two dialects write differently. And handoffs get
    an index on their conversation."""
    db["conversation_tags"].create({"id": int, "conversation_id": int, "tag": str,
                                    "added_by": str, "added": str}, pk="id",
                                   foreign_keys=[("conversation_id", "conversations", "id")],
                                   not_null={"conversation_id", "tag", "added_by", "added"})
    db["conversation_tags"].create_index(["conversation_id", "tag"], unique=True)
    db["conversation_tags"].create_index(["tag"])
    db["message_search"].create({"id": int, "conversation_id": int, "text": str}, pk="id",
                                not_null={"conversation_id", "text"})
    db["message_search"].create_index(["conversation_id"])
    # A conversation's latest handoff is looked up per conversation (the search's
    # results, the customer panel's history): without it each look-up reads them all.
    db["handoffs"].create_index(["conversation_id", "id"])
    if getattr(db, "backend", "sqlite") == "postgres":
        db.execute("CREATE FUNCTION message_search_forget() RETURNS trigger LANGUAGE plpgsql "
                   "AS $$ BEGIN DELETE FROM message_search WHERE id = OLD.id; RETURN NULL; "
                   "END $$")
        db.execute("CREATE TRIGGER message_search_forget AFTER DELETE ON messages "
                   "FOR EACH ROW EXECUTE FUNCTION message_search_forget()")
    else:
        db.execute("CREATE TRIGGER message_search_forget AFTER DELETE ON messages "
                   "BEGIN DELETE FROM message_search WHERE id = old.id; END")


@migrations()
def m015_typing(db):
    """"Typing…" on both sides of a conversation: until when the customer
    (``customer_typing_until``) and the agent holding it (``agent_typing_until``, with
    their name in ``agent_typing``) count as typing, in seconds since the epoch. A
    column each, not a table: every node's streams read them with the conversation's
    own primary key, and a ping that changes nothing writes nothing
    (bot/store/typing.py)."""
    db["conversations"].add_column("customer_typing_until", float)
    db["conversations"].add_column("agent_typing_until", float)
    db["conversations"].add_column("agent_typing", str)


@migrations()
def m016_channels(db):
    """Channels beyond the web chat (bot/channels): a conversation's ``channel`` ("web",
    "email", "whatsapp", "telegram"), the customer's ``address`` there (an e-mail address,
    a phone number, a Telegram chat id), a mail's ``subject`` and the ``mailbox`` it
    reached (replies leave from it).

    ``channel_messages``: each message's id on its channel (a mail's Message-ID, the
    provider's message id), in or out, unique per channel — what threads a reply into
    its conversation and makes taking the same mail twice harmless. ``outbox``: what
    waits to leave on a channel (``text``: the words as they leave, ``reply_to``: the
    channel's id of what it answers), its attempts, the next one and the last error, until it
    is "sent" or "failed" (bot/channels/outbox.py). ``attachments``: files that came with
    a customer's message (``data`` None when over the size limit: kept as a name and
    size). ``customer_addresses``: the addresses one customer is known by, one customer
    per channel and address (the same person on the web, by mail and on WhatsApp)."""
    db["conversations"].add_column("channel", str, not_null_default="web")
    db["conversations"].add_column("address", str)
    db["conversations"].add_column("subject", str)
    db["conversations"].add_column("mailbox", str)
    db["conversations"].create_index(["channel", "address", "id"])
    db["channel_messages"].create({"id": int, "channel": str, "external_id": str,
                                   "conversation_id": int, "message_id": int,
                                   "direction": str, "created": str}, pk="id",
                                  foreign_keys=[("conversation_id", "conversations", "id")],
                                  not_null={"channel", "external_id", "conversation_id",
                                            "direction", "created"})
    db["channel_messages"].create_index(["channel", "external_id"], unique=True)
    db["channel_messages"].create_index(["conversation_id"])
    db["outbox"].create({"id": int, "conversation_id": int, "message_id": int, "channel": str,
                         "address": str, "text": str, "status": str, "attempts": int,
                         "next_attempt": str, "error": str, "reply_to": str,
                         "external_id": str, "created": str, "sent": str},
                        pk="id", foreign_keys=[("conversation_id", "conversations", "id")],
                        not_null={"conversation_id", "message_id", "channel", "address",
                                  "text", "status", "attempts", "created"})
    db["outbox"].create_index(["status", "next_attempt"])
    db["outbox"].create_index(["conversation_id", "id"])
    db["attachments"].create({"id": int, "conversation_id": int, "message_id": int,
                              "filename": str, "content_type": str, "size": int,
                              "data": bytes, "created": str}, pk="id",
                             foreign_keys=[("conversation_id", "conversations", "id")],
                             not_null={"conversation_id", "message_id", "filename",
                                       "content_type", "size", "created"})
    db["attachments"].create_index(["message_id"])
    db["attachments"].create_index(["conversation_id"])
    db["customer_addresses"].create({"id": int, "customer_id": int, "channel": str,
                                     "address": str, "created": str}, pk="id",
                                    foreign_keys=[("customer_id", "customers", "id")],
                                    not_null={"customer_id", "channel", "address", "created"})
    db["customer_addresses"].create_index(["channel", "address"], unique=True)
    db["customer_addresses"].create_index(["customer_id"])
