"""The read-only queries behind the support leads' figures (bot.desk.insights computes them).

Each query takes a period [since, until) of ISO-8601 UTC strings and compares it with the
``created`` columns as text: db.now() writes every one in the same
"YYYY-MM-DDTHH:MM:SS+00:00" form, so text order is time order.
"""
from .connection import decode_message


def chat_messages(db, since, until):
    """Return the customer and bot messages created in the period, by conversation then
    id (``data`` decoded)."""
    return [decode_message(row) for row in db.query(
        "SELECT id, conversation_id, role, text, data, handoff_id, created FROM messages "
        "WHERE role IN ('customer', 'bot') AND created >= ? AND created < ? "
        "ORDER BY conversation_id, id", [since, until])]


def conversation_messages(db, since, until):
    """Return the customer and bot messages of the conversations started in the period
    (whenever written), by conversation then id (``data`` decoded)."""
    return [decode_message(row) for row in db.query(
        "SELECT m.id, m.conversation_id, m.role, m.text, m.data, m.handoff_id, m.created "
        "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
        "WHERE m.role IN ('customer', 'bot') AND c.created >= ? AND c.created < ? "
        "ORDER BY m.conversation_id, m.id", [since, until])]


def conversations_by_channel(db, since, until):
    """Return the conversations started in the period with their ``channel``, how many
    customer ``messages`` they hold (not counting auto-replies and bounces), and their first handoff's ``handoff_created`` and
    its first agent reply (``first_response``), both None without one."""
    return list(db.query(
        "SELECT c.id, coalesce(c.channel, 'web') AS channel, "
        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND "
        " m.role = 'customer' AND m.data NOT LIKE '%\"not_answered\"%') AS messages, "
        "h.created AS handoff_created, "
        "(SELECT min(m.created) FROM messages m WHERE m.handoff_id = h.id AND "
        " m.role = 'agent') AS first_response "
        "FROM conversations c LEFT JOIN handoffs h ON h.id = (SELECT min(id) FROM handoffs "
        " WHERE conversation_id = c.id) "
        "WHERE c.created >= ? AND c.created < ? ORDER BY c.id", [since, until]))


def conversations_with_handoffs(db, since, until):
    """Return the ids of the conversations started in the period that have a handoff."""
    return {row["id"] for row in db.query(
        "SELECT c.id FROM conversations c WHERE c.created >= ? AND c.created < ? AND "
        "EXISTS (SELECT 1 FROM handoffs h WHERE h.conversation_id = c.id)", [since, until])}


def asks_in(db, since, until):
    """Return the API's logged questions of the period, oldest first."""
    return list(db.query("SELECT question, lang, action, article_id, reason, created FROM asks "
                         "WHERE created >= ? AND created < ? ORDER BY id", [since, until]))


def searches_in(db, since, until, sources=("page", "api")):
    """Return the searches of the period from ``sources`` (leave out "suggest": one row
    per pause in typing), oldest first."""
    marks = ", ".join("?" for _ in sources)
    return list(db.query(
        f"SELECT query, lang, results, source, created FROM searches WHERE created >= ? "
        f"AND created < ? AND source IN ({marks}) ORDER BY id", [since, until, *sources]))


def views_per_article(db, since, until):
    """Return [{"article_id", "views"}, ...] of the period, most read first."""
    return list(db.query(
        "SELECT article_id, count(*) AS views FROM article_views WHERE created >= ? AND "
        "created < ? GROUP BY article_id ORDER BY views DESC, article_id", [since, until]))


def article_feedback_in(db, since, until):
    """Return the help center's "was this helpful?" answers of the period, oldest first."""
    return list(db.query(
        "SELECT article_id, lang, helpful, comment, created FROM article_feedback "
        "WHERE created >= ? AND created < ? ORDER BY id", [since, until]))


def handoffs_in(db, since, until):
    """Return the handoffs opened in the period with the time of their first agent reply
    (``first_response``, None when no agent has written yet), oldest first."""
    return list(db.query(
        "SELECT h.id, h.conversation_id, h.status, h.assignee, h.reason, h.lang, "
        "h.first_question, h.outcome, h.created, h.claimed, h.resolved, "
        "(SELECT min(m.created) FROM messages m WHERE m.handoff_id = h.id AND "
        "m.role = 'agent') AS first_response FROM handoffs h "
        "WHERE h.created >= ? AND h.created < ? ORDER BY h.id", [since, until]))


def backlog_at(db, moment):
    """Return the handoffs opened before ``moment`` and not resolved by then, oldest
    first."""
    return list(db.query(
        "SELECT id, status, assignee, created, claimed, resolved FROM handoffs "
        "WHERE created < ? AND (resolved IS NULL OR resolved >= ?) ORDER BY id",
        [moment, moment]))


def ratings_in(db, since, until):
    """Return the customers' ratings of the period with the agent who resolved the rated
    handoff, oldest first."""
    return list(db.query(
        "SELECT r.score, r.comment, r.created, h.assignee FROM ratings r "
        "LEFT JOIN handoffs h ON h.id = r.handoff_id WHERE r.created >= ? AND r.created < ? "
        "ORDER BY r.id", [since, until]))


def team_handoffs_in(db, since, until):
    """Return the handoffs opened in the period with their team and level, when they
    reached that level (``level_started``), the first agent reply since
    (``first_response``) and how many transfers and escalations they had, oldest first."""
    return list(db.query(
        "SELECT h.id, h.team, h.level, h.status, h.created, h.resolved, "
        "coalesce(h.level_since, h.created) AS level_started, "
        "(SELECT min(m.created) FROM messages m WHERE m.handoff_id = h.id AND m.role = 'agent' "
        "AND m.created >= coalesce(h.level_since, h.created)) AS first_response, "
        "(SELECT count(*) FROM transfers t WHERE t.handoff_id = h.id) AS transfers "
        "FROM handoffs h WHERE h.created >= ? AND h.created < ? ORDER BY h.id", [since, until]))


def transfers_in(db, since, until):
    """Return the transfers and escalations made in the period, oldest first."""
    return list(db.query(
        "SELECT handoff_id, kind, from_agent, to_agent, from_team, to_team, from_level, "
        "to_level, created FROM transfers WHERE created >= ? AND created < ? ORDER BY id",
        [since, until]))
