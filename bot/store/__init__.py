"""Every SQL statement of Dalil, over one SQLite file opened with sqlite-utils or one
PostgreSQL database (psycopg 3) when the DATABASE setting is a postgresql:// URL.

    db = store.open_db("instance/dalil.sqlite3")   # at start-up: WAL mode, migrations applied
    db = store.open_db("postgresql://dalil@db/dalil")  # the same on PostgreSQL
    db = store.connect(path)                       # per request
    store.record_view(db, "refunds", "ar")
    with store.transaction(db):                    # several writes, all or nothing
        ...

Every function takes the store handle first (a sqlite-utils Database, or a
postgres.Database with the same small interface). Storage trouble (a lock held too
long, a full or read-only disk, a lost server) is raised as ``StorageUnavailable`` on
both backends. Callers use this package's names (``from bot import store``); the
modules behind them, one per owner:

    connection.py    connect, open_db, transaction, Pool; helpers the others share
    postgres.py      the PostgreSQL handle, pool, write lock and migration lock
    errors.py        StorageUnavailable, and which driver errors are the storage's
    schema.py        the one migration history ``migrations`` (every table is created there)
    help_center.py   article_views, article_feedback, searches, asks
    conversations.py conversations, messages, handoffs, transfers, ratings (and the
                     rate-limit counts)
    agents.py        agents (team, level, status, capacity), login_failures
    learned.py       learned_questions
    notes.py         notes (agents' internal notes on handoffs)
    canned.py        canned_replies (the team's saved replies)
    reads.py         agent_reads (how far each agent has read each handoff: unread counts)
    tags.py          conversation_tags (agents' labels on conversations)
    search.py        message_search, and the agents' search over conversations
    typing.py        "typing…" on both sides (m015's columns on conversations)
    channels.py      a conversation's channel, channel_messages, outbox, attachments,
                     customer_addresses (m016: e-mail, WhatsApp, Telegram)
    insights.py      read-only queries over all of them for the support leads' figures
    copy.py          copy_store: every row from one store into another (SQLite <-> PostgreSQL)

Imports inside the package run one way: connection imports schema and errors (and
postgres, only when a URL is opened; postgres imports errors); the table modules
import connection (conversations also help_center, for the comment limit), as does
copy; none imports this file.
"""
from .agents import (add_agent, add_agent_session, agent_loads, agent_profile,
                     clear_sign_in_failures, end_agent_session, end_agent_sessions, get_agent,
                     list_agents, record_login_failure, remove_agent, session_agent,
                     set_agent_fields, set_password_hash, sign_in_failures)
from .conversations import (HANDOFF_STATUSES, OUTCOMES, active_handoff, add_message,
                            add_rating, assign_handoff, attach_message, claim_handoff,
                            conversation_times, create_conversation, customer_times,
                            get_conversation, get_handoff, handoff_details, handoff_rating,
                            handoffs, is_rated, join_handoff, last_bot_message,
                            latest_handoff, message_with_key, messages, open_handoff,
                            queue_position, release_handoff, replies_to, resolve_handoff,
                            route_handoff, set_contact, transfer_handoff, transfers_for,
                            waiting_handoffs)
from .canned import (add_canned_reply, canned_replies, delete_canned_reply,
                     get_canned_reply, update_canned_reply)
from .copy import CopyError, copy_store
from .connection import connect, integrity_errors, is_postgres, open_db, transaction
from .errors import StorageUnavailable
from .help_center import (MAX_COMMENT_LENGTH, feedback_summary, most_viewed, record_ask,
                          record_feedback, record_search, record_view)
from .insights import (article_feedback_in, asks_in, backlog_at, chat_messages,
                       conversations_by_channel,
                       conversation_messages, conversations_with_handoffs, handoffs_in,
                       ratings_in, searches_in, team_handoffs_in, transfers_in,
                       views_per_article)
from .learned import (LEARNED_STATUSES, add_learned_question, approve_learned_question,
                      dispute_learned_question, get_learned_question, learned_for_handoff,
                      learned_listener, learned_questions, learned_questions_after,
                      learned_version, list_learned, remove_learned_question)
from .notes import add_note, notes_for
from .reads import last_seen, mark_read, newest_message_id, unread_counts
from .schema import migrations
from .search import first_matches, index_messages, search_conversations
from .tags import add_tag, remove_tag, tags_for, tags_in_use
from .typing import customers_typing, mark_typing, stop_typing, typing_of

__all__ = [
    # connection
    "connect", "open_db", "transaction", "is_postgres", "integrity_errors",
    "StorageUnavailable",
    # copy
    "copy_store", "CopyError",
    # schema
    "migrations",
    # help_center
    "MAX_COMMENT_LENGTH", "record_view", "record_feedback", "record_search", "record_ask",
    "most_viewed", "feedback_summary",
    # conversations
    "HANDOFF_STATUSES", "OUTCOMES", "create_conversation", "get_conversation", "set_contact",
    "add_message", "messages", "message_with_key", "replies_to", "last_bot_message",
    "customer_times", "conversation_times",
    "get_handoff", "active_handoff", "latest_handoff", "open_handoff", "attach_message",
    "join_handoff", "claim_handoff", "release_handoff", "resolve_handoff", "handoffs",
    "queue_position", "add_rating", "handoff_rating", "is_rated", "assign_handoff",
    "handoff_details", "route_handoff", "waiting_handoffs", "transfer_handoff", "transfers_for",
    # agents
    "add_agent", "get_agent", "list_agents", "remove_agent", "record_login_failure",
    "sign_in_failures", "clear_sign_in_failures", "set_password_hash", "add_agent_session",
    "session_agent", "end_agent_session", "end_agent_sessions", "agent_profile",
    "agent_loads", "set_agent_fields",
    # learned
    "LEARNED_STATUSES", "add_learned_question", "learned_questions", "learned_version",
    "learned_questions_after", "list_learned", "remove_learned_question",
    "dispute_learned_question", "get_learned_question", "learned_for_handoff",
    "approve_learned_question", "learned_listener",
    # notes
    "add_note", "notes_for",
    # reads
    "mark_read", "last_seen", "unread_counts", "newest_message_id",
    # tags
    "add_tag", "remove_tag", "tags_for", "tags_in_use",
    # typing
    "typing_of", "mark_typing", "stop_typing", "customers_typing",
    # search
    "index_messages", "search_conversations", "first_matches",
    # canned
    "add_canned_reply", "get_canned_reply", "canned_replies", "update_canned_reply",
    "delete_canned_reply",
    # insights
    "chat_messages", "conversation_messages", "conversations_by_channel", "conversations_with_handoffs", "asks_in",
    "searches_in", "views_per_article", "article_feedback_in", "handoffs_in", "backlog_at",
    "ratings_in", "team_handoffs_in", "transfers_in",
]
