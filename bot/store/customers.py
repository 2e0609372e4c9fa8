"""Customers the team knows again (the customers table and conversations.customer_id):
who they are, their earlier conversations, and erasing what Dalil holds about one.

A conversation is linked to a customer "verified" (the shop vouched for the identity,
bot/desk/customers.py checks the signature) or "email" (the customer typed an address:
anyone can, so only agents see such links, never the customer's side).
"""
import json

from .connection import decode_message, first_row, insert_row, now, transaction
from .learned import announce_learned_change

__all__ = ["verified_customer", "email_customer", "channel_customer", "get_customer",
           "customer_timeline", "customers_by_address", "merge_customers", "link_conversation",
           "conversation_customer", "customer_conversations", "customers_with_email",
           "forget_customers"]

# "channel": known by a messaging app's address (a phone number, a chat id), agents only.
IDENTIFIED = ("verified", "email", "channel")


def verified_customer(db, external_id, email, name):
    """Return the id of the customer the shop calls ``external_id``, made on first sight;
    their e-mail and name follow what the shop says now (a non-empty name only)."""
    with transaction(db):
        row = first_row(db.query("SELECT id FROM customers WHERE external_id = ?", [external_id]))
        if row is None:
            return insert_row(db, "customers", {"external_id": external_id, "email": email,
                                                "name": name or "", "created": now(),
                                                "seen": now()})
        db.execute("UPDATE customers SET email = ?, name = coalesce(nullif(?, ''), name), "
                   "seen = ? WHERE id = ?", [email, name or "", now(), row["id"]])
        return row["id"]


def email_customer(db, email, name=""):
    """Return the id of the customer known by ``email`` alone (lower case), made on first
    sight. A shop-verified customer with that address is not used: typing an address
    must never join someone's verified history."""
    with transaction(db):
        row = first_row(db.query("SELECT id FROM customers WHERE external_id IS NULL AND "
                                 "email = ? ORDER BY id LIMIT 1", [email]))
        if row is None:
            return insert_row(db, "customers", {"external_id": None, "email": email,
                                                "name": name or "", "created": now(),
                                                "seen": now()})
        db.execute("UPDATE customers SET name = coalesce(nullif(?, ''), name), seen = ? "
                   "WHERE id = ?", [name or "", now(), row["id"]])
        return row["id"]


def channel_customer(db, name=""):
    """Return the id of a new customer first met on a messaging app (no e-mail yet);
    bot/store/channels.py records the address they are known by."""
    return insert_row(db, "customers", {"external_id": None, "email": "", "name": name or "",
                                        "created": now(), "seen": now()})


def link_conversation(db, conversation_id, customer_id, identified):
    """Link the conversation to the customer; a verified link is never replaced by an
    e-mail one."""
    if identified not in IDENTIFIED:
        raise ValueError(f"identified must be one of {IDENTIFIED}, not {identified!r}")
    db.execute("UPDATE conversations SET customer_id = ?, identified = ? WHERE id = ? AND "
               "(identified IS NULL OR identified = 'email' OR ? = 'verified')",
               [customer_id, identified, conversation_id, identified])


def conversation_customer(db, conversation_id):
    """Return the conversation's customer row with ``identified`` ("verified" or
    "email"), or None."""
    return first_row(db.query(
        "SELECT cu.*, c.identified FROM conversations c JOIN customers cu "
        "ON cu.id = c.customer_id WHERE c.id = ?", [conversation_id]))


def customer_conversations(db, customer_id, verified_only=False, limit=50):
    """Return the customer's conversations, newest first, each with its first customer
    message, its latest handoff's status and outcome, the rating given and the
    articles the bot answered with. ``verified_only``: only those the shop vouched for
    (what the customer may see again)."""
    where = "c.customer_id = ?" + (" AND c.identified = 'verified'" if verified_only else "")
    rows = list(db.query(
        "SELECT c.id, c.token, c.lang, c.created, c.identified, c.channel, "
        "(SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND "
        " m.role = 'customer' ORDER BY m.id LIMIT 1) AS first_message, "
        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) AS messages, "
        "h.id AS handoff_id, h.status AS handoff_status, h.outcome AS outcome, "
        "h.article_id AS resolved_with, r.score AS rating "
        f"FROM conversations c LEFT JOIN handoffs h ON h.id = (SELECT max(id) FROM handoffs "
        " WHERE conversation_id = c.id) LEFT JOIN ratings r ON r.handoff_id = h.id "
        f"WHERE {where} ORDER BY c.id DESC LIMIT ?", [customer_id, limit]))
    if rows:
        marks = ", ".join("?" * len(rows))
        answered = {}
        for row in db.query(f"SELECT conversation_id, data FROM messages WHERE role = 'bot' "
                            f"AND conversation_id IN ({marks}) ORDER BY id",
                            [row["id"] for row in rows]):
            answered.setdefault(row["conversation_id"], []).append(row["data"])
        for row in rows:
            row["articles"] = _answered_articles(answered.get(row["id"], ()))
    return rows


def _answered_articles(datas):
    found = []
    for data in datas:
        try:
            decoded = json.loads(data or "{}")
        except ValueError:
            continue
        article_id = decoded.get("article_id") if decoded.get("action") == "answer" else None
        if article_id and article_id not in found:
            found.append(article_id)
    return found


def get_customer(db, customer_id):
    """Return the customer's row, or None."""
    return first_row(db.query("SELECT * FROM customers WHERE id = ?", [customer_id]))


def customer_timeline(db, customer_id, limit=1000):
    """Return the newest ``limit`` messages of all the customer's conversations, oldest
    first, each with its conversation's ``channel`` and ``address`` (``data`` decoded):
    one history across the chat, mail and messaging apps."""
    rows = [decode_message(row) for row in db.query(
        "SELECT m.*, coalesce(c.channel, 'web') AS channel, c.address FROM messages m "
        "JOIN conversations c ON c.id = m.conversation_id WHERE c.customer_id = ? "
        "ORDER BY m.id DESC LIMIT ?", [customer_id, limit])]
    return rows[::-1]


def customers_by_address(db, address):
    """Return the ids of the customers known by ``address`` on any channel, or by that
    e-mail address, oldest first."""
    return [row["id"] for row in db.query(
        "SELECT id FROM customers WHERE email = ? AND email != '' UNION "
        "SELECT customer_id AS id FROM customer_addresses WHERE address = ? ORDER BY id",
        [address, address])]


def merge_customers(db, keep_id, other_id):
    """Make customer ``other_id`` part of ``keep_id``: their conversations, addresses
    (one per channel and address) and missing details move, the other row goes.
    Return False when either is missing or both are shop-verified identities (two
    accounts of the shop's are not one person's by an agent's word)."""
    with transaction(db):
        keep, other = get_customer(db, keep_id), get_customer(db, other_id)
        if keep is None or other is None or keep_id == other_id:
            return False
        if keep["external_id"] and other["external_id"]:
            return False
        db.execute("UPDATE conversations SET customer_id = ? WHERE customer_id = ?",
                   [keep_id, other_id])
        # (An address is one customer's at most: a unique index; none can clash.)
        db.execute("UPDATE customer_addresses SET customer_id = ? WHERE customer_id = ?",
                   [keep_id, other_id])
        db.execute("DELETE FROM customers WHERE id = ?", [other_id])
        db.execute("UPDATE customers SET external_id = coalesce(external_id, ?), "
                   "email = coalesce(nullif(email, ''), ?), name = coalesce(nullif(name, ''), ?), "
                   "seen = ? WHERE id = ?",
                   [other["external_id"], other["email"], other["name"], now(), keep_id])
        return True


def customers_with_email(db, email):
    """Return the ids of every customer known by ``email`` (verified or not)."""
    return [row["id"] for row in db.query("SELECT id FROM customers WHERE email = ?", [email])]


def forget_customers(db, email):
    """Erase what Dalil holds about the person with ``email`` (lower case; or the phone
    number or chat id a messaging app knows them by): every
    conversation linked to a customer with that address or carrying it as contact
    detail loses its messages, notes, contact details and client key, its handoffs
    their first question and transfer reasons, its ratings their comments, and the
    questions the bot learned from those handoffs are removed; the customer rows are
    deleted. What is not personal stays, so the team's figures stay true: that a
    conversation and a handoff happened, when, its outcome and team, a rating's score.
    Return {what: how many} of what was erased."""
    with transaction(db):
        # By the address given: an e-mail (a customer's, or typed in a conversation), or
        # a phone number or chat id a messaging app knows them by.
        customer_ids = sorted(set(customers_with_email(db, email))
                              | set(customers_by_address(db, email)))
        marks = ", ".join("?" * len(customer_ids)) or "NULL"
        conversation_ids = [row["id"] for row in db.query(
            f"SELECT id FROM conversations WHERE lower(email) = ? OR address = ? OR "
            f"customer_id IN ({marks})", [email, email, *customer_ids])]
        counts = {"customers": len(customer_ids), "conversations": len(conversation_ids)}
        if not conversation_ids:
            counts.update(messages=0, notes=0, handoffs=0, transfers=0, ratings=0, learned=0,
                          attachments=0)
        else:
            inside = ", ".join("?" * len(conversation_ids))
            handoff_ids = [row["id"] for row in db.query(
                f"SELECT id FROM handoffs WHERE conversation_id IN ({inside})", conversation_ids)]
            handoffs_in = ", ".join("?" * len(handoff_ids)) or "NULL"

            def run(sql, args):
                return db.execute(sql, args).rowcount

            counts["learned"] = run(f"DELETE FROM learned_questions WHERE handoff_id IN "
                                    f"({handoffs_in})", handoff_ids)
            if counts["learned"]:
                announce_learned_change(db)  # every node's bot forgets them too
            counts["notes"] = run(f"DELETE FROM notes WHERE conversation_id IN ({inside})",
                                  conversation_ids)
            counts["transfers"] = run(f"UPDATE transfers SET reason = '' WHERE handoff_id IN "
                                      f"({handoffs_in})", handoff_ids)
            counts["ratings"] = run(f"UPDATE ratings SET comment = '' WHERE conversation_id "
                                    f"IN ({inside}) AND comment != ''", conversation_ids)
            # What the channels kept: files, the words waiting to leave, message ids.
            counts["attachments"] = run(f"DELETE FROM attachments WHERE conversation_id IN "
                                        f"({inside})", conversation_ids)
            run(f"DELETE FROM outbox WHERE conversation_id IN ({inside})", conversation_ids)
            run(f"DELETE FROM channel_messages WHERE conversation_id IN ({inside})",
                conversation_ids)
            # Messages first: they refer to the handoffs, which stay.
            counts["messages"] = run(f"DELETE FROM messages WHERE conversation_id IN ({inside})",
                                     conversation_ids)
            counts["handoffs"] = run(f"UPDATE handoffs SET first_question = '' WHERE "
                                     f"conversation_id IN ({inside})", conversation_ids)
            run(f"UPDATE conversations SET name = '', email = '', client = '', customer_id = NULL, "
                f"identified = NULL, address = '', subject = '' WHERE id IN ({inside})",
                conversation_ids)
        if customer_ids:
            db.execute(f"DELETE FROM customer_addresses WHERE customer_id IN ({marks})",
                       customer_ids)
            db.execute(f"DELETE FROM customers WHERE id IN ({marks})", customer_ids)
    return counts
