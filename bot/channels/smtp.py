"""Send a mail over a mailbox's SMTP server, with STARTTLS or TLS (or in plain text to
a relay on this machine), and say in a DeliveryError whether trying again is worth it.

    send_mail(mailbox, message)   # DeliveryError(temporary=True): a 4xx, the server down
                                  # DeliveryError(temporary=False): a 5xx, the login refused

The envelope sender is the mailbox's address (bounces come back to it); a message
without a From header gets the mailbox's display name and address.
"""
import copy
import email.utils
import logging
import smtplib
import ssl

from bot.channels import DeliveryError

from .imap import untrusted
from .mailboxes import MailboxesError, ssl_context

__all__ = ["send_mail"]

log = logging.getLogger(__name__)


def send_mail(mailbox, message, *, timeout=30):
    """Send the EmailMessage ``message`` through ``mailbox``'s SMTP server; return None
    once the server has accepted it. Raise DeliveryError saying which server and what it
    said, ``temporary`` when a later try may succeed."""
    if not any(message.get_all(field) for field in ("To", "Cc", "Bcc")):
        raise DeliveryError("the mail has no To, Cc or Bcc: nobody to send it to",
                            temporary=False)
    if message["From"] is None:
        message = copy.deepcopy(message)  # the caller's message stays as it was
        message["From"] = email.utils.formataddr((mailbox.display_name, mailbox.address))
    where = f"{mailbox.smtp_host}:{mailbox.smtp_port}"
    try:
        refused = _send(mailbox, message, timeout)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        said = "; ".join(f"{address}: {code} {_text(text)}"
                         for address, (code, text) in error.recipients.items())
        raise DeliveryError(f"{where} refused every recipient ({said})",
                            temporary=bool(codes) and all(400 <= c < 500 for c in codes)) from None
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(f"{where}: login refused for {mailbox.smtp_username} "
                            f"({error.smtp_code} {_text(error.smtp_error)})",
                            temporary=400 <= error.smtp_code < 500) from None
    except smtplib.SMTPResponseException as error:  # the sender, the data, the greeting
        raise DeliveryError(f"{where} refused the mail ({error.smtp_code} "
                            f"{_text(error.smtp_error)})",
                            temporary=400 <= error.smtp_code < 500) from None
    except smtplib.SMTPServerDisconnected as error:
        raise DeliveryError(f"{where} closed the connection ({error or 'no reason given'})",
                            temporary=True) from None
    except smtplib.SMTPNotSupportedError as error:
        # STARTTLS or AUTH missing: the mailbox's settings are wrong, not the moment.
        raise DeliveryError(f"{where}: {error}", temporary=False) from None
    except smtplib.SMTPException as error:
        raise DeliveryError(f"{where}: {error}", temporary=False) from None
    except MailboxesError as error:
        raise DeliveryError(str(error), temporary=False) from None
    except ssl.SSLCertVerificationError as error:
        # Temporary: the mail is fine, and a renewed certificate or a fixed tls_ca_file
        # lets the retry through instead of losing the reply.
        raise DeliveryError(f"{where}: {untrusted(error)}", temporary=True) from None
    except OSError as error:  # refused, timed out, no such host, a TLS failure
        raise DeliveryError(f"{where}: cannot connect ({error})", temporary=True) from None
    if refused:
        # The others have it already: raising would make a retry send it to them twice.
        log.warning("mailbox %s: %s refused some recipients: %s", mailbox.name, where,
                    {address: f"{code} {_text(text)}" for address, (code, text) in refused.items()})


def _send(mailbox, message, timeout):
    """Return the recipients the server refused (when it took the others)."""
    if mailbox.smtp_security == "tls":
        client = smtplib.SMTP_SSL(mailbox.smtp_host, mailbox.smtp_port, timeout=timeout,
                                  context=ssl_context(mailbox))
    else:
        client = smtplib.SMTP(mailbox.smtp_host, mailbox.smtp_port, timeout=timeout)
    with client:
        if mailbox.smtp_security == "starttls":
            client.starttls(context=ssl_context(mailbox))
        if mailbox.smtp_username:
            client.login(mailbox.smtp_username, mailbox.smtp_password)
        return client.send_message(message, from_addr=mailbox.address)


def _text(said):
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
