"""Server-Sent Events: a customer's open chat and an agent's console hold one stream each
and learn of changes as they happen, instead of asking every few seconds.

The customer's stream:

    GET /api/conversations/<id>/events?after=<message id>     (X-Conversation-Token)

    id: 42
    event: update
    data: {"messages": [...], "handoff": {...}, "rated": false}

Each ``update`` has the shape GET /api/conversations/<id>/messages answers: the messages
after the last one sent (``id:`` is the newest, so a reconnecting client sends it back as
``Last-Event-ID`` or ``?after=``) and the conversation's state, sent whenever either
changed. A comment line every HEARTBEAT_SECONDS keeps proxies from closing an idle
stream and tells a client the server is there; after LIFETIME_SECONDS the server ends
the stream and the client opens a new one, so no connection lives for ever. Polling that
URL stays the fallback of a client without streams.

The agent's stream, one for everything the console shows (signed in: the session cookie):

    GET /api/agent/events

    event: queue
    data: {"open": [handoff ids, oldest first], "mine": [the agent's claimed ones]}

    event: messages
    data: {"handoff_id": 7, "conversation_id": 3, "messages": [...]}

``queue`` comes at once and whenever a handoff opens, is claimed, released or resolved;
``messages`` when a conversation the agent holds gets new lines (the customer's, a
colleague's note). The console then redraws what changed from the API it reads anyway.
A stream ends when its session does (signed out, password changed): the session is
checked at every look.

How a stream learns of a change: it looks, every POLL_SECONDS, for messages after its
last one (one indexed query) and, every STATE_SECONDS or after a new message, at the
handoff's state (its place in the queue moves as others are claimed). The stream takes a
database connection from the pool for each look and gives it back at once: open streams
hold no connection. Under the gevent worker (web/worker.py) a stream is a greenlet that
sleeps between looks, so hundreds of them cost memory, not workers.
"""
import json
import time

from bot import store

from .payloads import conversation_state, message_json

__all__ = ["conversation_stream", "agent_stream", "stop_streams", "POLL_SECONDS", "STATE_SECONDS", "HEARTBEAT_SECONDS",
           "LIFETIME_SECONDS"]

# An agent's reply reaches the customer within this (plus the request's own time).
POLL_SECONDS = 0.5
# The queue position and status are looked at this often when no message came.
STATE_SECONDS = 2.0
# Within the worker's deadline for a write making progress (web/worker.py: 30 s), and
# under the 60 s idle timeout of common proxies.
HEARTBEAT_SECONDS = 15.0
# Long enough that reconnecting is rare, short enough that a stream whose client went
# away unnoticed (no write has failed yet) is let go.
LIFETIME_SECONDS = 300.0

# Set when this process is told to stop (web/worker.py): every stream then ends at its
# next look, and its client reconnects — to a new worker after a reload (HUP), instead
# of holding the old one for gunicorn's whole graceful timeout. A plain value, not a
# threading.Event: the module is imported before the gevent worker patches threading.
_stopping = False


def stop_streams():
    """End every open stream of this process at its next look."""
    global _stopping
    _stopping = True


def _over(started, now, lifetime):
    return _stopping or now - started >= lifetime


def _stream(pool, look, lifetime):
    """Yield a text/event-stream: the reconnect hint, then what ``look(db, now)`` finds
    every POLL_SECONDS (a list of events' texts, maybe empty; None ends the stream),
    with a database connection ``pool`` lends for that look only; a heartbeat after
    HEARTBEAT_SECONDS without an event; until ``lifetime`` seconds have passed or the
    process is told to stop."""
    started = last_beat = time.monotonic()
    yield "retry: 2000\n\n"  # how long a client waits before reconnecting (ms)
    while True:
        now = time.monotonic()
        db = pool.take()
        try:
            sent = look(db, now)
        finally:
            pool.give(db)
        if sent is None:
            return
        if sent:
            yield "".join(sent)
            last_beat = now
        elif now - last_beat >= HEARTBEAT_SECONDS:
            yield ": still here\n\n"
            last_beat = now
        if _over(started, now, lifetime):
            return
        # time.sleep looked up now, not when this module was imported: the gevent worker
        # patches it after the fork, so that it sleeps this greenlet, not the worker.
        time.sleep(POLL_SECONDS)


def _event(name, data, event_id=None):
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def conversation_stream(pool, conversation_id, after, *, lifetime=LIFETIME_SECONDS):
    """Return the text/event-stream (a generator) of conversation ``conversation_id``
    from message id ``after`` on: a first ``update`` at once (the state, and any
    messages already after ``after``), then one per change, until ``lifetime`` seconds
    have passed. ``pool`` lends the database connections (bot.store.connection.Pool)."""
    last_state = looked = None

    def look(db, now):
        nonlocal after, last_state, looked
        messages = store.messages(db, conversation_id, after)
        state = last_state
        if messages or looked is None or now - looked >= STATE_SECONDS:
            state, looked = conversation_state(db, conversation_id), now
        if not messages and state == last_state:
            return []
        last_state = state
        after = messages[-1]["id"] if messages else after
        payload = {"messages": [message_json(m) for m in messages], **state}
        return [_event("update", payload, after)]

    return _stream(pool, look, lifetime)


def agent_stream(pool, agent, still_signed_in, *, lifetime=LIFETIME_SECONDS):
    """Return the text/event-stream (a generator) of ``agent``'s console: a ``queue``
    event at once and on every change of the open and claimed handoffs, a ``messages``
    event for each new line of a conversation the agent holds, until ``lifetime``
    seconds have passed or ``still_signed_in(db)`` is false."""
    last_queue = None
    after = {}  # handoff id -> the last message id seen of its conversation

    def look(db, now):
        nonlocal last_queue
        if not still_signed_in(db):
            return None
        queue = {status: store.handoffs(db, status, agent=agent) for status in ("open", "mine")}
        sent = []
        for handoff in queue["mine"]:
            seen = after.get(handoff["id"])
            new = store.messages(db, handoff["conversation_id"], seen or 0)
            if new:
                after[handoff["id"]] = new[-1]["id"]
            if new and seen is not None:  # a claim's first look only marks where it is
                sent.append(_event("messages", {
                    "handoff_id": handoff["id"], "conversation_id": handoff["conversation_id"],
                    "messages": [message_json(m) for m in new]}))
        for handoff_id in set(after) - {h["id"] for h in queue["mine"]}:
            del after[handoff_id]  # released or resolved: no longer this agent's
        shape = {status: [h["id"] for h in handoffs] for status, handoffs in queue.items()}
        if shape != last_queue:
            last_queue = shape
            sent.insert(0, _event("queue", shape))
        return sent

    return _stream(pool, look, lifetime)
