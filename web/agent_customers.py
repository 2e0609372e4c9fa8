"""A customer's whole history for agents (/agent/customers/<id>): every message of every
conversation, the chat's, mail's and messaging apps', in one timeline with where each
came from; and merging another record the agent recognises as the same person (its
e-mail address, phone number or chat id) into this one. Agents only; the form carries
the CSRF token.
"""
from flask import Blueprint, abort, redirect, render_template, request, url_for

from bot.desk import customers as desk_customers
from bot.store import channels as channel_store
from bot.store import customers as customer_store

from . import agent, csrf
from .auth import login_required
from .context import get_db
from .inputs import numeric_id
from .payloads import message_json

__all__ = ["bp"]

bp = Blueprint("agent_customers", __name__)
bp.url_value_preprocessor(numeric_id("customer_id"))
bp.context_processor(agent.console_helpers)


def _page(customer_id, problem=None, status=200):
    db = get_db()
    customer = customer_store.get_customer(db, customer_id)
    if customer is None:
        abort(404)
    timeline = [{**message_json(m), "channel": m["channel"], "conversation_id": m["conversation_id"]}
                for m in customer_store.customer_timeline(db, customer_id)
                if not (m["role"] == "system" and m["data"].get("kind") == "handoff")]
    return render_template(
        "agent/customer.html", customer=customer, timeline=timeline, problem=problem,
        addresses=channel_store.customer_addresses(db, customer_id),
        conversations=customer_store.customer_conversations(db, customer_id),
        merged=bool(request.args.get("merged"))), status


@bp.get("/agent/customers/<customer_id>")
@login_required
def page(customer_id):
    return _page(customer_id)


@bp.post("/agent/customers/<customer_id>/merge")
@login_required
def merge(customer_id):
    """Merge the customer known by the form's ``address`` into this one, then back to
    this history; a refused merge is said at its top (400)."""
    csrf.protect()
    if customer_store.get_customer(get_db(), customer_id) is None:
        abort(404)
    try:
        desk_customers.merge(get_db(), customer_id, request.form.get("address", ""))
    except desk_customers.MergeError as error:
        return _page(customer_id, problem=str(error), status=400)
    return redirect(url_for("agent_customers.page", customer_id=customer_id, merged=1), 303)
