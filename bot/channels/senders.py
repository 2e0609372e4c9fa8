"""The outbox's senders, one per channel that is set up, from the settings.

    senders = channel_senders(mailboxes=load_mailboxes("mail.toml"),
                              whatsapp=WhatsAppAccount(url, phone_number_id, token),
                              telegram=TelegramBot(url, token))
    deliver_due(db, senders)

A mail leaves from the mailbox its conversation came in on (the first one for a
conversation that has none), in the same thread: its References are the conversation's
mails so far, oldest first. The bot's own mails say ``Auto-Submitted: auto-replied``
(RFC 3834), so other robots do not answer them; a person's replies do not.
"""
import dataclasses

from . import DeliveryError, mail, smtp, telegram, whatsapp

__all__ = ["WhatsAppAccount", "TelegramBot", "channel_senders"]


@dataclasses.dataclass(frozen=True)
class WhatsAppAccount:
    api_url: str
    phone_number_id: str
    token: str = dataclasses.field(repr=False)  # a secret: never in a log line


@dataclasses.dataclass(frozen=True)
class TelegramBot:
    api_url: str
    token: str = dataclasses.field(repr=False)  # a secret (and part of every API address)


def channel_senders(*, mailboxes=(), whatsapp_account=None, telegram_bot=None, timeout=30):
    """Return {channel: sender} for the channels that are set up."""
    senders = {}
    if mailboxes:
        senders["email"] = _email_sender(tuple(mailboxes), timeout)
    if whatsapp_account is not None:
        senders["whatsapp"] = _whatsapp_sender(whatsapp_account, timeout)
    if telegram_bot is not None:
        senders["telegram"] = _telegram_sender(telegram_bot, timeout)
    return senders


def _email_sender(mailboxes, timeout):
    by_name = {mailbox.name: mailbox for mailbox in mailboxes}

    def send(row, thread):
        mailbox = by_name.get(row.get("mailbox") or "", mailboxes[0])
        composed = mail.compose_reply(
            sender=mailbox.address, to=row["address"], subject=row.get("subject") or "",
            text=row["text"], references=tuple(thread), automatic=row.get("role") == "bot",
            domain=mailbox.address.rpartition("@")[2] or "dalil.invalid",
            name=mailbox.display_name or "")
        smtp.send_mail(mailbox, composed, timeout=timeout)
        return mail.message_id(composed)
    return send


def _whatsapp_sender(account, timeout):
    def send(row, thread):
        try:
            return whatsapp.send_text(base_url=account.api_url,
                                      phone_number_id=account.phone_number_id,
                                      token=account.token, to=row["address"], text=row["text"],
                                      reply_to=row.get("reply_to") or None, timeout=timeout)
        except ValueError as error:  # a text WhatsApp would refuse (over 4,096 characters)
            raise DeliveryError(str(error), temporary=False) from None
    return send


def _telegram_sender(bot, timeout):
    def send(row, thread):
        try:
            return telegram.send_text(base_url=bot.api_url, token=bot.token,
                                      chat_id=row["address"], text=row["text"],
                                      reply_to=row.get("reply_to") or None, timeout=timeout)
        except ValueError as error:  # a text Telegram would refuse (over 4,096 characters)
            raise DeliveryError(str(error), temporary=False) from None
    return send

