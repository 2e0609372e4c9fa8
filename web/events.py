"""Server-Sent Events for an open chat: a customer's page or widget holds one stream and
gets the conversation's new messages and its handoff's state as they happen, instead of
asking every few seconds.

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

__all__ = ["conversation_stream", "POLL_SECONDS", "STATE_SECONDS", "HEARTBEAT_SECONDS",
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


def conversation_stream(pool, conversation_id, after, *, lifetime=LIFETIME_SECONDS):
    """Yield the text/event-stream of conversation ``conversation_id`` from message id
    ``after`` on: a first ``update`` at once (the state, and any messages already after
    ``after``), then one per change, heartbeats between, until ``lifetime`` seconds have
    passed. ``pool`` lends the database connections (bot.store.connection.Pool)."""
    started = time.monotonic()
    last_state = None
    last_beat = last_state_look = started
    first = True
    yield "retry: 2000\n\n"  # how long a client waits before reconnecting (ms)
    while True:
        now = time.monotonic()
        db = pool.take()
        try:
            messages = store.messages(db, conversation_id, after)
            state = None
            if first or messages or now - last_state_look >= STATE_SECONDS:
                state, last_state_look = conversation_state(db, conversation_id), now
        finally:
            pool.give(db)
        if messages or (state is not None and state != last_state):
            if state is not None:
                last_state = state
            after = messages[-1]["id"] if messages else after
            payload = {"messages": [message_json(m) for m in messages], **last_state}
            yield f"id: {after}\nevent: update\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"
            last_beat = now
        elif now - last_beat >= HEARTBEAT_SECONDS:
            yield ": still here\n\n"
            last_beat = now
        first = False
        if now - started >= lifetime:
            return
        # time.sleep looked up now, not when this module was imported: the gevent worker
        # patches it after the fork, so that it sleeps this greenlet, not the worker.
        time.sleep(POLL_SECONDS)
