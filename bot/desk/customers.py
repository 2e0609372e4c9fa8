"""Who a customer is, so nobody repeats themselves: a shop-signed identity (as Intercom's
identity verification does) or the e-mail a customer gives, and forgetting a customer.

The shop's server signs each signed-in customer for the widget with the secret it shares
with Dalil (the IDENTITY_SECRET setting):

    user_hash = HMAC-SHA256(secret, f"{customer_id}\\n{email}").hexdigest()

    identity_hash(secret, "c-1042", "mona@example.com")   # what the shop computes
    verify(secret, {"id": "c-1042", "email": "mona@example.com", "hash": ...})
        # -> Identity(external_id, email, name), or IdentityError saying why

Only a verified identity lets a customer see their earlier conversations; an address
typed into the contact form links the conversation for the agents' eyes only. An agent
who recognises one person under two records (a WhatsApp number and an e-mail address)
merges them into one history (``merge``).
"""
import dataclasses
import hashlib
import hmac
import re

from bot import store
from bot.clean import UncleanText, clean_text
from bot.store import customers as customer_store

__all__ = ["Identity", "IdentityError", "MergeError", "identity_hash", "verify", "identify",
           "identify_by_email", "normal_email", "known_address", "merge", "forget",
           "MAX_ID_LENGTH"]

MAX_ID_LENGTH = 200
MAX_NAME_LENGTH = 120
MAX_EMAIL_LENGTH = 254
# What the contact form accepts too (web/chat.py): one address, a dot in its domain.
EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]+\.[^@\s<>\".]{2,}$")


class IdentityError(ValueError):
    """An identity that cannot be used; ``str()`` says why, ``forged`` whether the
    signature was wrong (403) rather than the identity malformed (400)."""

    def __init__(self, text, forged=False):
        super().__init__(text)
        self.forged = forged


@dataclasses.dataclass(frozen=True)
class Identity:
    external_id: str
    email: str
    name: str = ""


def normal_email(email):
    """Return ``email`` as Dalil keeps it (trimmed, lower case), or raise IdentityError."""
    if not isinstance(email, str) or len(email) > MAX_EMAIL_LENGTH or not EMAIL.match(email.strip()):
        raise IdentityError("the customer's email is not a valid e-mail address")
    return email.strip().lower()


def identity_hash(secret, external_id, email):
    """Return the hex HMAC-SHA256 the shop signs a customer's identity with."""
    message = f"{external_id}\n{email}".encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _text(value, what, limit, required=True):
    try:
        text = clean_text(value, f"the customer's {what}", limit=limit, lines=False)
    except UncleanText as error:
        raise IdentityError(str(error)) from None
    if required and not text:
        raise IdentityError(f"the customer's {what} is required, as text")
    return text


def verify(secret, given):
    """Return the Identity in ``given`` ({"id", "email", "name": optional, "hash"}) when
    its hash is the shop's signature under ``secret``; raise IdentityError otherwise
    (``forged`` for a wrong signature, and when no secret is set up)."""
    if not isinstance(given, dict):
        raise IdentityError("customer must be an object: {\"id\", \"email\", \"name\", \"hash\"}")
    if not secret:
        raise IdentityError("this help center does not verify identities (IDENTITY_SECRET "
                            "is not set): start the conversation without a customer",
                            forged=True)
    external_id = _text(given.get("id"), "id", MAX_ID_LENGTH)
    email = given.get("email")
    name = _text(given.get("name"), "name", MAX_NAME_LENGTH, required=False)
    signature = given.get("hash")
    if not isinstance(signature, str) or not signature:
        raise IdentityError("the customer's hash is required: the shop's signature of "
                            "the id and email")
    # The signature is over what the shop sent, exactly; kept lower-cased afterwards.
    if not isinstance(email, str) or not hmac.compare_digest(
            identity_hash(secret, given["id"], email).encode(), signature.strip().lower().encode()):
        raise IdentityError("the customer's identity could not be verified (the hash is "
                            "not the shop's signature of this id and email)", forged=True)
    return Identity(external_id, normal_email(email), name)


def identify(db, conversation_id, identity):
    """Link the conversation to the verified customer (made on first sight) and keep
    their name and e-mail as its contact details; return the customer's id."""
    with store.transaction(db):
        customer_id = customer_store.verified_customer(db, identity.external_id, identity.email,
                                                       identity.name)
        customer_store.link_conversation(db, conversation_id, customer_id, "verified")
        store.set_contact(db, conversation_id, identity.name, identity.email)
    return customer_id


def identify_by_email(db, conversation_id, email, name=""):
    """Link the conversation to the customer known by the (already checked) ``email``
    it was given, unless the shop already vouched for who it is; return the id, or
    None when there is no address."""
    if not email:
        return None
    with store.transaction(db):
        current = customer_store.conversation_customer(db, conversation_id)
        if current is not None and current["identified"] == "verified":
            return current["id"]
        customer_id = customer_store.email_customer(db, normal_email(email), name)
        customer_store.link_conversation(db, conversation_id, customer_id, "email")
    return customer_id


class MergeError(ValueError):
    """A merge that cannot be made; ``str()`` says why."""


def merge(db, customer_id, address):
    """Make the customer known by ``address`` (an e-mail address, a WhatsApp number, a
    Telegram chat id: what an agent recognised as the same person) part of customer
    ``customer_id`` — one history; return the merged customer's id. Raise MergeError
    saying why not: no such address, several customers by it, the customer itself, or
    two identities the shop verified."""
    try:
        address = clean_text(address if isinstance(address, str) else None, "the address",
                             limit=MAX_EMAIL_LENGTH, lines=False)
    except UncleanText as error:
        raise MergeError(str(error)) from None
    address = address.lower() if "@" in address else address.lstrip("+")
    if not address:
        raise MergeError("give the other customer's e-mail address, phone number or chat id")
    found = [c for c in customer_store.customers_by_address(db, address) if c != customer_id]
    if not found:
        raise MergeError(f"no other customer is known by {address}")
    if len(found) > 1:
        raise MergeError(f"{len(found)} customers are known by {address}: merge them one "
                         f"at a time from each one's history")
    if not customer_store.merge_customers(db, customer_id, found[0]):
        raise MergeError("both are customers the shop verified: they stay apart")
    return customer_id


def forget(db, email):
    """Erase what Dalil holds about the person with ``email`` — or with the phone number
    or chat id a messaging app knows them by (see bot.store.customers.forget_customers);
    return {what: how many}. Raises IdentityError for a malformed address."""
    return customer_store.forget_customers(db, known_address(email))


def known_address(address):
    """Return ``address`` as Dalil keeps it: an e-mail address checked and in lower case,
    a phone number's digits (without "+" or spaces), a chat id as given; raise
    IdentityError for one that is none of these."""
    if isinstance(address, str) and "@" not in address:
        number = "".join(address.split()).lstrip("+")
        if re.fullmatch(r"-?[0-9]{3,20}", number):
            return number
        raise IdentityError("give an e-mail address, a phone number or a chat id (digits)")
    return normal_email(address)
