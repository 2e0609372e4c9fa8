"""The channels as the app runs them: the mailboxes and senders made from the settings at
start-up, messages taken in (from the webhooks, or from IMAP by ``run``), and the outbox
delivered — at once after a message or an agent's reply, and again by ``run``'s loop for
what has to be retried.

    setup(app)                      # in create_app: MAILBOXES read (a mistake stops it)
    receive_all(db, inbounds)       # a webhook's messages: stored, answered, sent
    deliver_now(db, outbox_ids)     # those deliveries leave now, if due
    run(app, once=True)             # `dalil channels run`: IMAP, then the outbox, looped

``run`` is its own process (`dalil serve` starts one when a channel is set up): the
web workers answer requests, and the poller's waits on IMAP and SMTP servers never hold
one of them.
"""
import logging
import time
import urllib.parse

from flask import current_app

from bot import store
from bot.channels import PayloadError, imap, inbound, mail, outbox
from bot.channels.mailboxes import load_mailboxes
from bot.channels.senders import TelegramBot, WhatsAppAccount, channel_senders
from .context import get_bot, get_hours, get_teams, now

__all__ = ["setup", "configured", "receive_all", "deliver_now", "record_statuses",
           "mailbox_named", "article_link", "run", "poll_once"]

log = logging.getLogger(__name__)


def setup(app):
    """Read the channels' settings into ``app.extensions``: the mailboxes (MAILBOXES,
    a TOML file; MailboxesError names the file and key) and a sender per channel set up."""
    path = app.config.get("MAILBOXES")
    mailboxes = load_mailboxes(path) if path else ()
    whatsapp_account = telegram_bot = None
    config = app.config
    if config.get("WHATSAPP_TOKEN") and config.get("WHATSAPP_PHONE_NUMBER_ID"):
        whatsapp_account = WhatsAppAccount(config["WHATSAPP_API_URL"],
                                           str(config["WHATSAPP_PHONE_NUMBER_ID"]),
                                           config["WHATSAPP_TOKEN"])
    if config.get("TELEGRAM_TOKEN"):
        telegram_bot = TelegramBot(config["TELEGRAM_API_URL"], config["TELEGRAM_TOKEN"])
    app.extensions["dalil_mailboxes"] = mailboxes
    # A webhook that takes messages with nothing set up to answer them: every reply
    # would wait, then fail, in the outbox. Said at start-up, where it is read.
    for secret, sender, channel in (("MAIL_WEBHOOK_SECRET", mailboxes, "MAILBOXES"),
                                    ("WHATSAPP_APP_SECRET", whatsapp_account,
                                     "WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID"),
                                    ("TELEGRAM_SECRET", telegram_bot, "TELEGRAM_TOKEN")):
        if config.get(secret) and not sender:
            log.warning("%s is set but %s is not: messages will come in, and no reply "
                        "can leave", secret, channel)
    app.extensions["dalil_senders"] = channel_senders(
        mailboxes=mailboxes, whatsapp_account=whatsapp_account, telegram_bot=telegram_bot,
        timeout=float(config["CHANNEL_TIMEOUT"]))


def configured(app):
    """Return whether any channel beyond the chat is set up (a poller is worth running)."""
    return bool(app.extensions.get("dalil_senders")) or any(
        m.imap_host for m in app.extensions.get("dalil_mailboxes", ()))


def mailbox_named(name):
    """Return the name of the mailbox ``name`` (the first one for ""), for an inbound
    mail; "" when no mailbox is set up; None for a name no mailbox has (a typo in the
    provider's route would send the replies from the wrong address)."""
    mailboxes = current_app.extensions.get("dalil_mailboxes", ())
    if not name:
        return mailboxes[0].name if mailboxes else ""
    return next((mailbox.name for mailbox in mailboxes if mailbox.name == name), None)


def article_link(article_id, lang):
    """Return the article's address on the help center (PUBLIC_URL), or None without
    one: a link must not come from a request's Host header, which a client can forge."""
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base:
        return None
    return f"{base}/articles/{urllib.parse.quote(article_id)}?lang={lang}"


def _mailbox_lang(name):
    for mailbox in current_app.extensions.get("dalil_mailboxes", ()):
        if mailbox.name == name:
            return mailbox.lang
    return "ar"


def receive_one(db, message):
    """Store one bot.channels.Inbound and what the bot does with it; return the Received."""
    return inbound.receive(db, get_bot(), message, link=article_link,
                           lang=_mailbox_lang(message.mailbox), hours=get_hours(), now=now(),
                           teams=get_teams(),
                           per_hour=int(current_app.config["CHANNEL_MESSAGES_PER_HOUR"]))


def receive_all(db, inbounds):
    """Store each message of a webhook, then send the replies it queued; return the
    Receiveds."""
    received = [receive_one(db, message) for message in inbounds]
    queued = [r.outbox_id for r in received if r.outbox_id]
    if queued:
        deliver_now(db, queued)
    return received


def deliver_now(db, outbox_ids):
    """Send the deliveries ``outbox_ids`` now, if due; return the counts
    (bot.channels.outbox). Only those: a request must not wait for other conversations'
    retries, which `dalil channels run` sends. A failure is only a retry later: this
    never raises for a channel's trouble."""
    senders = current_app.extensions.get("dalil_senders", {})
    return outbox.deliver_due(db, senders, only=outbox_ids)


def record_statuses(db, channel, statuses):
    """Mark deliveries the provider reports failed after taking them (a WhatsApp
    "failed" status: the number has no WhatsApp, the 24-hour window closed)."""
    for provider_id, status, error in statuses:
        if status == "failed":
            outbox.provider_failed(db, channel, provider_id, error or "failed")


def poll_once(db):
    """Take new mail from every IMAP mailbox, then deliver what is due; return counts."""
    counts = {"mail": 0}
    for mailbox in current_app.extensions.get("dalil_mailboxes", ()):
        if not mailbox.imap_host:
            continue
        limit = int(current_app.config["MAX_ATTACHMENT_BYTES"])
        largest = int(current_app.config["MAX_MAIL_BYTES"])

        def handle(raw, key, mailbox=mailbox):
            try:
                message = mail.read_mail(raw, mailbox=mailbox.name, max_attachment_bytes=limit,
                                         max_mail_bytes=largest)
            except PayloadError as error:
                # Not a mail anyone can read: left marked as taken, and logged, rather
                # than fetched and refused forever.
                log.warning("%s: mail %s skipped: %s", mailbox.name, key, error)
                return
            receive_one(db, message)

        timeout = float(current_app.config["CHANNEL_TIMEOUT"])
        try:
            counts["mail"] += imap.take_new_mail(mailbox, handle, timeout=timeout)
        except imap.MailboxUnavailable as error:
            log.warning("%s", error)
    counts.update(outbox.deliver_due(db, current_app.extensions.get("dalil_senders", {})))
    return counts


def run(app, once=False):
    """Poll the mailboxes and deliver the outbox every CHANNELS_POLL_SECONDS until
    stopped (``once``: one round)."""
    interval = float(app.config["CHANNELS_POLL_SECONDS"])
    with app.app_context():
        while True:
            db = None
            try:
                db = store.connect(app.config["DATABASE"])
                counts = poll_once(db)
                if counts["mail"] or counts["sent"] or counts["failed"]:
                    log.info("channels: %s", counts)
            except store.StorageUnavailable as error:
                log.warning("channels: the store is unavailable (%s); trying again", error)
            except Exception:
                # One bad round (a bug, a server answering nonsense) must not end the
                # poller: `dalil serve` does not restart it, and mail would wait unseen.
                log.exception("channels: this round failed; trying again")
            finally:
                if db is not None:
                    db.close()
            if once:
                return
            time.sleep(interval)
