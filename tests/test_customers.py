"""Customers never repeat themselves, and can be forgotten: the shop's signed identity
(bot/desk/customers.py) through the conversation API, the earlier conversations a
verified customer sees again, the links an e-mail address makes for agents only, and
`dalil customers forget` erasing a customer's personal data on both store backends."""
import hashlib
import hmac

import pytest
from click.testing import CliRunner

from bot import store
from bot.desk import customers
from bot.store import customers as customer_store
from chat_fixtures import Customer, chat_app, database, shared_app  # noqa: F401
from web import commands

SECRET = "the shop's shared secret"
MONA = {"id": "c-1042", "email": "Mona@Example.com", "name": "منى"}


def signed(identity, secret=SECRET):
    """The identity as the shop's server signs it (computed here the way the README
    tells a shop to, not with Dalil's own function)."""
    message = f"{identity['id']}\n{identity['email']}".encode()
    return {**identity, "hash": hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()}


# --- verification (pure) -------------------------------------------------------------------------

def test_the_shops_signature_verifies_and_the_email_is_kept_lower_case():
    identity = customers.verify(SECRET, signed(MONA))
    assert identity == customers.Identity("c-1042", "mona@example.com", "منى")
    assert customers.identity_hash(SECRET, "c-1042", "Mona@Example.com") == signed(MONA)["hash"]
    upper = {**signed(MONA), "hash": signed(MONA)["hash"].upper()}  # hex in either case
    assert customers.verify(SECRET, upper) == identity


@pytest.mark.parametrize("given, forged", [
    ({**signed(MONA), "email": "omar@example.com"}, True),  # someone else's address
    ({**signed(MONA), "id": "c-1"}, True),  # someone else's id
    (signed(MONA, secret="another secret"), True),
    ({**MONA, "hash": ""}, False),
    ({**MONA}, False),
    ({**signed(MONA), "id": ""}, False),
    ({**signed(MONA), "id": 1042}, False),
    ({**signed(MONA), "id": "x" * 201}, False),
    ({**signed(MONA), "name": "منى\x00"}, False),
    ("c-1042", False),
])
def test_an_identity_that_is_not_the_shops_is_refused(given, forged):
    with pytest.raises(customers.IdentityError) as caught:
        customers.verify(SECRET, given)
    assert caught.value.forged is forged and str(caught.value)


def test_without_a_secret_no_identity_is_believed():
    with pytest.raises(customers.IdentityError) as caught:
        customers.verify(None, signed(MONA))
    assert caught.value.forged and "IDENTITY_SECRET" in str(caught.value)


def test_a_forged_signature_with_a_malformed_email_is_still_forged():
    with pytest.raises(customers.IdentityError) as caught:
        customers.verify(SECRET, {**MONA, "email": "not an address", "hash": "00"})
    assert caught.value.forged


# --- the conversation API ------------------------------------------------------------------------

@pytest.fixture
def shop(chat_app):
    chat_app.config["IDENTITY_SECRET"] = SECRET
    return chat_app


def start(app, identity=None, status=201):
    response = app.test_client().post("/api/conversations",
                                      json={"lang": "ar", **({"customer": identity} if identity else {})})
    assert response.status_code == status, response.json
    return response.json


class SignedIn(Customer):
    """A customer's conversation started with the shop's signed identity."""

    def __init__(self, client, identity):
        self.client, self.last = client, 0
        response = client.post("/api/conversations", json={"lang": "ar", "customer": identity})
        assert response.status_code == 201, response.json
        self.id, self.token = response.json["id"], response.json["token"]


def history(app, conversation):
    response = app.test_client().get(f"/api/conversations/{conversation['id']}/history",
                                     headers={"X-Conversation-Token": conversation["token"]})
    assert response.status_code == 200, response.json
    return response.json


def test_a_verified_customer_is_known_and_never_asked_again(shop):
    started = start(shop, signed(MONA))
    assert started["customer"] == {"name": "منى", "email": "mona@example.com", "verified": True}
    db = database(shop)
    conversation = store.get_conversation(db, started["id"])
    assert (conversation["name"], conversation["email"]) == ("منى", "mona@example.com")
    db.close()


def test_a_forged_or_unverifiable_identity_is_refused(shop):
    assert "could not be verified" in start(shop, signed(MONA, "guess"), status=403)["error"]
    assert start(shop, {**MONA}, status=400)["error"]
    shop.config["IDENTITY_SECRET"] = None
    assert "IDENTITY_SECRET" in start(shop, signed(MONA), status=403)["error"]
    assert start(shop)["customer"] is None  # without an identity all is as before


def test_a_verified_customer_sees_their_earlier_conversations_and_no_one_elses(shop):
    first = SignedIn(shop.test_client(), signed(MONA))
    first.say("وين طلبي الحين")
    omar = start(shop, signed({"id": "c-7", "email": "omar@example.com"}))
    stranger = Customer(shop.test_client())  # types Mona's address into the contact form
    stranger.say("عندي مشكلة")
    assert stranger.handoff(email="mona@example.com").status_code == 200
    again = start(shop, signed(MONA))
    seen = history(shop, again)
    assert seen["customer"]["email"] == "mona@example.com"
    assert [(c["id"], c["token"], c["first_message"]) for c in seen["conversations"]] == [
        (first.id, first.token, "وين طلبي الحين")]
    assert history(shop, omar)["conversations"] == []
    anonymous = start(shop)
    assert history(shop, anonymous) == {"customer": None, "conversations": []}
    wrong = shop.test_client().get(f"/api/conversations/{again['id']}/history",
                                   headers={"X-Conversation-Token": omar["token"]})
    assert wrong.status_code == 404


def test_an_address_given_in_the_contact_form_links_the_conversation_for_agents(shop):
    customer = Customer(shop.test_client())
    customer.say("عندي مشكلة")
    assert customer.handoff(name="سارة", email="Sara@Example.com").status_code == 200
    db = database(shop)
    linked = customer_store.conversation_customer(db, customer.id)
    assert (linked["email"], linked["identified"]) == ("sara@example.com", "email")
    [row] = customer_store.customer_conversations(db, linked["id"])
    assert (row["id"], row["first_message"], row["handoff_status"]) == (customer.id, "عندي مشكلة", "open")
    db.close()


def test_a_verified_conversation_stays_verified_when_an_address_is_typed(shop):
    started = start(shop, signed(MONA))
    headers = {"X-Conversation-Token": started["token"]}
    client = shop.test_client()
    assert client.post(f"/api/conversations/{started['id']}/handoff",
                       json={"email": "other@example.com"}, headers=headers).status_code == 200
    db = database(shop)
    linked = customer_store.conversation_customer(db, started["id"])
    assert (linked["external_id"], linked["identified"]) == ("c-1042", "verified")
    db.close()


# --- forgetting ----------------------------------------------------------------------------------

def _conversation_with_everything(db, email, name="منى", verified=None):
    conversation = store.create_conversation(db, "ar", "client-key")
    if verified:
        customers.identify(db, conversation["id"], customers.Identity(verified, email, name))
    else:
        store.set_contact(db, conversation["id"], name, email)
        customers.identify_by_email(db, conversation["id"], email, name)
    store.add_message(db, conversation["id"], "customer", f"رقم طلبي 5521 وعنواني عند {name}")
    handoff, _ = store.open_handoff(db, conversation["id"], lang="ar", reason="asked for a person",
                                    first_question=f"رقم طلبي 5521 وعنواني عند {name}")
    store.claim_handoff(db, handoff["id"], "mona")
    store.add_message(db, conversation["id"], "agent", f"أهلا {name}", handoff_id=handoff["id"])
    store.add_note(db, handoff["id"], conversation["id"], "mona", f"{name} زبونة قديمة")
    store.add_learned_question(db, "order-tracking", f"وين طلب {name}", "ar",
                               handoff_id=handoff["id"], agent="mona")
    store.resolve_handoff(db, handoff["id"], "mona", "article", "order-tracking")
    store.add_rating(db, conversation["id"], handoff["id"], 4, f"شكرا يا {name}")
    return conversation, handoff


def test_forgetting_erases_every_personal_trace_and_keeps_the_figures(backend_db):
    db = backend_db
    verified, verified_handoff = _conversation_with_everything(db, "mona@example.com",
                                                               verified="c-1042")
    typed, _ = _conversation_with_everything(db, "mona@example.com")  # learns the same question
    other, _ = _conversation_with_everything(db, "omar@example.com", name="عمر")
    erased = customers.forget(db, " MONA@example.com ")
    assert erased == {"customers": 2, "conversations": 2, "messages": 4, "notes": 2,
                      "handoffs": 2, "transfers": 0, "ratings": 2, "learned": 1,
                      "attachments": 0}
    for conversation in (verified, typed):
        row = store.get_conversation(db, conversation["id"])
        assert (row["name"], row["email"], row["client"], row["customer_id"]) == ("", "", "", None)
        assert store.messages(db, conversation["id"]) == []
    handoff = store.get_handoff(db, verified_handoff["id"])
    assert (handoff["status"], handoff["outcome"], handoff["first_question"]) == (
        "resolved", "article", "")  # that it happened and how it ended stay
    assert store.notes_for(db, verified_handoff["id"]) == []
    rating = store.handoff_rating(db, verified_handoff["id"])
    assert (rating["score"], rating["comment"]) == (4, "")
    assert [row["question"] for row in store.list_learned(db)] == ["وين طلب عمر"]
    assert customer_store.customers_with_email(db, "mona@example.com") == []
    assert len(store.messages(db, other["id"])) == 2  # someone else's stays whole
    assert customers.forget(db, "mona@example.com")["conversations"] == 0  # nothing left


def test_the_command_says_what_it_erased_and_refuses_a_malformed_address(tmp_path):
    path = str(tmp_path / "dalil.sqlite3")
    db = store.open_db(path)
    _conversation_with_everything(db, "mona@example.com", verified="c-1042")
    db.close()
    runner = CliRunner()
    shown = runner.invoke(commands.customers, ["show", "mona@example.com", "--db", path])
    assert shown.exit_code == 0 and "verified" in shown.output and "5521" in shown.output
    refused = runner.invoke(commands.customers, ["forget", "mona@example.com", "--db", path],
                            input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    result = runner.invoke(commands.customers, ["forget", "mona@example.com", "--db", path, "--yes"])
    assert result.exit_code == 0, result.output
    assert "forgot mona@example.com" in result.output and "messages: 2" in result.output
    again = runner.invoke(commands.customers, ["forget", "mona@example.com", "--db", path, "--yes"])
    assert "nothing held about mona@example.com" in again.output
    bad = runner.invoke(commands.customers, ["forget", "not an address", "--db", path, "--yes"])
    assert bad.exit_code == 1 and "an e-mail address, a phone number or a chat id" in bad.output
    assert "Traceback" not in bad.output


# --- the agents' customer panel ----------------------------------------------------------------

def test_agents_see_a_returning_customers_earlier_conversations(shop):
    from chat_fixtures import agent_client
    first = SignedIn(shop.test_client(), signed(MONA))
    first.say("ابي اكلم موظف")
    later = SignedIn(shop.test_client(), signed(MONA))
    later.say("بدي احكي مع موظف")
    mona = agent_client(shop, "mona")
    queue = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    newest = max(queue, key=lambda h: h["id"])
    panel = mona.get(f"/api/agent/handoffs/{newest['id']}").json["customer"]
    assert (panel["email"], panel["verified"], panel["external_id"]) == (
        "mona@example.com", True, "c-1042")
    assert [c["id"] for c in panel["conversations"]] == [first.id]
    assert panel["conversations"][0]["handoff_status"] == "open"
    page = mona.get(f"/agent/handoffs/{newest['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "هوية موثقة من المتجر" in text or "Identity verified by the shop" in text
    assert "ابي اكلم موظف" in text and "c-1042" in text
    anonymous = Customer(shop.test_client())
    anonymous.say("ابي اكلم موظف")
    queue = mona.get("/api/agent/handoffs?status=open").json["handoffs"]
    assert mona.get(f"/api/agent/handoffs/{max(h['id'] for h in queue)}").json["customer"] is None
