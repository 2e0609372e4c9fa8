"""The widget keeps what the customer typed when the server cannot take it (here: the
database's write lock held past the busy timeout, a real 503), says so, and sends it
again by itself with the same Idempotency-Key: the message is stored once."""
from bot import store

SENT = "where is my order"
HELD = "how much is shipping"


def _customer_texts(live_server):
    db = store.connect(live_server.app.config["DATABASE"])
    try:
        return [row["text"] for row in db.query(
            "SELECT text FROM messages WHERE role = 'customer' AND text IN (?, ?)",
            [SENT, HELD])]
    finally:
        db.close()


def test_the_widget_keeps_unsent_text_and_retries_it_once(live_server, page, screenshot):
    page.goto(f"{live_server.url}/chat?lang=en")
    box = page.locator(".dalil-form textarea")
    box.fill(SENT)
    box.press("Enter")
    page.locator(".dalil-customer", has_text=SENT).wait_for()
    assert box.input_value() == ""  # sent: the box is empty again

    holder = store.connect(live_server.app.config["DATABASE"])
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock past busy_timeout
    try:
        box.fill(HELD)
        box.press("Enter")
        error = page.locator(".dalil-error")
        error.filter(has_text="Your message is kept").wait_for(timeout=20000)
        assert box.input_value() == HELD  # nothing the customer typed is lost
        assert page.locator(".dalil-customer", has_text=HELD).count() == 0
        screenshot(page, "widget-unavailable-en")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # The widget sends it again after Retry-After, by itself.
    page.locator(".dalil-customer", has_text=HELD).wait_for(timeout=30000)
    assert box.input_value() == ""
    assert page.locator(".dalil-error").inner_text() == ""
    assert sorted(_customer_texts(live_server)) == sorted([SENT, HELD])
