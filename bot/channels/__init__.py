"""Channels beyond the web chat: e-mail (IMAP in, SMTP out, or a provider's inbound
webhook), WhatsApp Business (Cloud API) and Telegram (Bot API). Each reaches the same
bot, queue and customer history as the chat.

What a channel hands the desk is an ``Inbound`` (one customer message, whatever the
channel); what the desk hands a channel to send is an outbox row (bot/channels/outbox.py),
delivered by the channel's ``send`` and retried with back-off when it raises
``DeliveryError(temporary=True)``.

    mail.py       parse a mail (threading headers, quoted text and signatures stripped,
                  HTML to text, attachments, auto-replies and bounces told apart);
                  compose a reply in the same thread
    mailboxes.py  the mailboxes file (IMAP and SMTP settings per mailbox)
    imap.py       take new mail from an IMAP mailbox, marking each only once it is stored
    smtp.py       send a mail over SMTP with STARTTLS or TLS
    whatsapp.py   WhatsApp Cloud API: webhook signature, messages in, messages out
    telegram.py   Telegram Bot API: webhook secret, updates in, messages out
    inbound.py    an Inbound into a conversation: threading, customer, bot or queue
    outbox.py     what waits to leave, its delivery and retries
    senders.py    one sender per channel set up (the outbox calls them)
    http.py       JSON over HTTPS for the providers (no redirects; tokens kept out of errors)
"""
import dataclasses

from bot.store.channels import CHANNELS

__all__ = ["CHANNELS", "Inbound", "Attachment", "DeliveryError", "PayloadError"]



class DeliveryError(Exception):
    """A message that did not leave; ``str()`` says why. ``temporary``: worth trying
    again later (a connection refused, a 4xx SMTP reply, an HTTP 429 or 5xx); else the
    provider refused it for good (a 5xx SMTP reply, an HTTP 400 or 403)."""

    def __init__(self, text, temporary=True):
        super().__init__(text)
        self.temporary = temporary


class PayloadError(ValueError):
    """A webhook body or a mail that cannot be read; ``str()`` says why (a 400)."""


@dataclasses.dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int  # bytes, as received
    data: bytes | None  # None when over the size limit (kept as a name and size only)


@dataclasses.dataclass(frozen=True)
class Inbound:
    """One customer message from a channel.

    ``address``: who sent it, on that channel (an e-mail address in lower case, a
    WhatsApp phone number in international digits, a Telegram chat id). ``external_id``:
    the channel's own id of the message (a mail's Message-ID, the provider's message
    id), what makes taking it twice harmless. ``references``: the ids it answers (a
    mail's In-Reply-To and References, oldest first). ``automatic``: why no one should
    answer it ("auto-submitted", "bounce", "auto-reply", "list"), empty for a person's
    message. ``mailbox``: the mailbox it reached (e-mail only), which the reply leaves
    from."""
    channel: str
    address: str
    external_id: str
    text: str
    name: str = ""
    subject: str = ""
    references: tuple = ()
    attachments: tuple = ()
    automatic: str = ""
    mailbox: str = ""
