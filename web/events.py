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

    event: typing
    data: {"handoff_id": 7, "typing": true}

``queue`` comes at once and whenever a handoff opens, is claimed, released or resolved;
``messages`` when a conversation the agent holds gets new lines (the customer's, a
colleague's note); ``typing`` when the customer of a handoff the agent holds starts or
stops typing. The console then redraws what changed from the API it reads anyway.

"Typing…" (bot/store/typing.py): a customer's stream opened with ``?typing=1`` also
carries

    event: typing
    data: {"typing": true, "agent": "mona"}

when the agent side starts or stops typing (``agent`` null when it stops). Without
``?typing=1`` none comes: a page still running an older widget reads every event as an
``update``. Either stream reads the typing moments with one more query per look, by
primary key, and compares them with the wall clock (every node's is the same
moment, not its monotonic one).
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

__all__ = ["conversation_stream", "agent_stream", "agent_typing", "customer_typing",
           "stop_streams", "POLL_SECONDS", "STATE_SECONDS", "HEARTBEAT_SECONDS",
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


def agent_typing(db, conversation_id):
    """Return the customer stream's ``typing`` data of the conversation now: {"typing",
    "agent"} (the typing agent's name, None when nobody types)."""
    moments = store.typing_of(db, conversation_id) or {}
    until = moments.get("agent_until")
    if until is not None and until > time.time():
        return {"typing": True, "agent": moments["agent"]}
    return {"typing": False, "agent": None}


def customer_typing(db, handoff):
    """Return the agent stream's ``typing`` data of ``handoff`` now: {"handoff_id",
    "typing"}."""
    typing = store.customers_typing(db, [handoff["conversation_id"]], time.time())
    return {"handoff_id": handoff["id"], "typing": bool(typing)}


def conversation_stream(pool, conversation_id, after, *, lifetime=LIFETIME_SECONDS,
                        typing=False):
    """Return the text/event-stream (a generator) of conversation ``conversation_id``
    from message id ``after`` on: a first ``update`` at once (the state, and any
    messages already after ``after``), then one per change, until ``lifetime`` seconds
    have passed; with ``typing``, a ``typing`` event too whenever the agent side starts
    or stops typing. ``pool`` lends the database connections
    (bot.store.connection.Pool)."""
    last_state = looked = None
    last_typing = {"typing": False, "agent": None}  # a new stream: nobody types yet

    def look(db, now):
        nonlocal after, last_state, looked, last_typing
        sent = []
        if typing:
            typed = agent_typing(db, conversation_id)
            if typed != last_typing:
                last_typing = typed
                sent.append(_event("typing", typed))
        messages = store.messages(db, conversation_id, after)
        state = last_state
        if messages or looked is None or now - looked >= STATE_SECONDS:
            state, looked = conversation_state(db, conversation_id), now
        if not messages and state == last_state:
            return sent
        last_state = state
        after = messages[-1]["id"] if messages else after
        payload = {"messages": [message_json(m) for m in messages], **state}
        # The update first: a client hides "typing…" when the agent's line arrives, and
        # a "stopped" sent in the same look must not come before that line.
        return [_event("update", payload, after), *sent]

    return _stream(pool, look, lifetime)


def agent_stream(pool, agent, still_signed_in, *, lifetime=LIFETIME_SECONDS):
    """Return the text/event-stream (a generator) of ``agent``'s console: a ``queue``
    event at once and on every change of the open and claimed handoffs, a ``messages``
    event for each new line of a conversation the agent holds, a ``typing`` event when
    the customer of one starts or stops typing, until ``lifetime`` seconds have passed
    or ``still_signed_in(db)`` is false."""
    last_queue = None
    after = {}  # handoff id -> the last message id seen of its conversation
    typing = set()  # the held handoffs whose customer types, as last sent

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
        sent.extend(_typing_changes(db, queue["mine"], typing))
        shape = {status: [h["id"] for h in handoffs] for status, handoffs in queue.items()}
        if shape != last_queue:
            last_queue = shape
            sent.insert(0, _event("queue", shape))
        return sent

    return _stream(pool, look, lifetime)


def _typing_changes(db, held, typing):
    """Return the ``typing`` events of the ``held`` handoffs whose customer started or
    stopped typing since ``typing`` (the set last sent, updated here): one query for
    all of them. One that left the agent's hands while typing gets a "stopped"."""
    by_conversation = {h["conversation_id"]: h["id"] for h in held}
    now = {by_conversation[c] for c in store.customers_typing(db, by_conversation, time.time())}
    changes = [_event("typing", {"handoff_id": handoff_id, "typing": handoff_id in now})
               for handoff_id in sorted(now ^ typing)]
    typing.clear()
    typing.update(now)
    return changes
