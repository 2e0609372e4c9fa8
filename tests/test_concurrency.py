"""Many customers and agents at once on one real SQLite file (WAL), through the real
Flask client, one client per thread: every message is stored exactly once, every
handoff is claimed by exactly one agent, none is lost."""
import collections
import threading
import time

from chat_fixtures import XHR, Customer, agent_client, database, make_app

CUSTOMERS = 50
AGENTS = 5
DEADLINE = 60  # seconds: a hang fails the test instead of the suite


def test_fifty_customers_escalate_while_five_agents_claim(tmp_path):
    app = make_app(tmp_path, RATELIMIT_ENABLED=False)
    agents = [agent_client(app, f"agent{n}") for n in range(AGENTS)]
    start = threading.Barrier(CUSTOMERS + AGENTS)
    customers_done = threading.Event()
    wins = collections.defaultdict(list)  # handoff id -> agents whose claim returned 200
    conflicts = collections.Counter()
    errors = []
    conversations = {}
    lock = threading.Lock()

    def customer(n):
        try:
            start.wait(timeout=DEADLINE)
            person = Customer(app.test_client())
            person.say(f"وين طلبي رقم {n}")
            person.say("بدي احكي مع حدا")
            person.say(f"رقم الطلب {n}")  # joins the handoff, the bot stays silent
            with lock:
                conversations[person.id] = n
        except Exception as error:  # reported below, with the others
            errors.append(repr(error))

    def agent(client, name):
        try:
            start.wait(timeout=DEADLINE)
            until = time.monotonic() + DEADLINE
            while time.monotonic() < until:
                queue = client.get("/api/agent/handoffs?status=open").json["handoffs"]
                if not queue and customers_done.is_set():
                    # One last look: a handoff may have opened after the listing.
                    if not client.get("/api/agent/handoffs?status=open").json["handoffs"]:
                        return
                for handoff in queue:
                    response = client.post(f"/api/agent/handoffs/{handoff['id']}/claim",
                                           headers=XHR)
                    with lock:
                        if response.status_code == 200:
                            wins[handoff["id"]].append(name)
                        elif response.status_code == 409:
                            conflicts[name] += 1
                        else:
                            errors.append(f"claim {response.status_code} {response.json}")
        except Exception as error:
            errors.append(repr(error))

    threads = [threading.Thread(target=customer, args=(n,)) for n in range(CUSTOMERS)]
    agent_threads = [threading.Thread(target=agent, args=(client, f"agent{n}"))
                     for n, client in enumerate(agents)]
    for thread in threads + agent_threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DEADLINE)
    customers_done.set()
    for thread in agent_threads:
        thread.join(timeout=DEADLINE)
    assert not any(t.is_alive() for t in threads + agent_threads), "a thread hung"
    assert errors == []
    assert len(conversations) == CUSTOMERS

    db = database(app)
    # Every customer message stored exactly once, in its own conversation.
    rows = list(db.query("SELECT conversation_id, text FROM messages WHERE role = 'customer'"))
    assert len(rows) == 3 * CUSTOMERS
    assert collections.Counter((r["conversation_id"], r["text"]) for r in rows).most_common(1)[0][1] == 1
    for conversation_id, n in conversations.items():
        texts = [r["text"] for r in rows if r["conversation_id"] == conversation_id]
        assert texts == [f"وين طلبي رقم {n}", "بدي احكي مع حدا", f"رقم الطلب {n}"]
    # One handoff per conversation, each claimed by exactly one agent: the one the
    # database names, and the only one whose claim succeeded.
    handoffs = list(db.query("SELECT id, conversation_id, status, assignee FROM handoffs"))
    assert len(handoffs) == CUSTOMERS
    assert {h["conversation_id"] for h in handoffs} == set(conversations)
    assert all(h["status"] == "claimed" for h in handoffs)
    assert {h["id"]: [h["assignee"]] for h in handoffs} == dict(wins)
    # The bot said nothing after the handoff opened: one escalation, one notice each.
    counts = collections.Counter(r["role"] for r in db.query("SELECT role FROM messages"))
    assert counts == {"customer": 3 * CUSTOMERS, "bot": 2 * CUSTOMERS, "system": CUSTOMERS}
