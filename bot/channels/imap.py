"""Take new mail from a mailbox over IMAP, marking each mail only once the caller has
stored it: a mail is fetched without being marked (BODY.PEEK), handed to ``handle``,
and only when ``handle`` returns is it flagged \\Seen or moved to the done folder.

    def store_mail(raw, key):          # commit it (dedup by Message-ID), then return
        ...
    take_new_mail(mailbox, store_mail)  -> 3   (MailboxUnavailable: server down, login refused)

Dalil killed half-way loses nothing (an unmarked mail is taken again next round) and
answers nothing twice (the caller drops a Message-ID it already has).
"""
import base64
import imaplib
import logging
import re
import ssl

from .mailboxes import MailboxesError, ssl_context

__all__ = ["MailboxUnavailable", "take_new_mail"]

log = logging.getLogger(__name__)

# The mails whose handling raised in this process (key -> how many rounds): each round
# takes them after the others, so that mails that always fail cannot fill every round's
# limit and keep new mail waiting for ever.
_failed = {}


class MailboxUnavailable(Exception):
    """The mailbox could not be read this round (server down, login refused, folder
    missing); ``str()`` says which server and what went wrong."""


def take_new_mail(mailbox, handle, *, limit=50, timeout=30):
    """Return how many new mails of ``mailbox`` were handed to ``handle(raw_bytes, key)``
    and marked as taken (at most ``limit``, oldest first; at most twice ``limit``
    tried). ``key`` is "name:uidvalidity:uid", the same for the same mail on every
    round. A mail whose ``handle`` raises is logged and left as it was, to be taken
    again next round after the mails that have not failed. Raise MailboxUnavailable
    when the server cannot be reached or refuses the login."""
    if not mailbox.imap_host:
        raise MailboxUnavailable(f"mailbox {mailbox.name!r} has no imap_host: its mail "
                                 "arrives by webhook, not over IMAP")
    where = f"{mailbox.imap_host}:{mailbox.imap_port}"
    imap = _connect(mailbox, where, timeout)
    try:
        try:
            imap.login(mailbox.imap_username, mailbox.imap_password)
        except imaplib.IMAP4.abort as error:
            raise MailboxUnavailable(f"{where}: the connection broke during login "
                                     f"({_said(error)})") from None
        except imaplib.IMAP4.error as error:
            raise MailboxUnavailable(f"{where}: login refused for {mailbox.imap_username} "
                                     f"({_said(error)})") from None
        return _take(imap, mailbox, where, handle, limit)
    except (imaplib.IMAP4.error, OSError) as error:
        raise MailboxUnavailable(f"{where}: {_said(error)} (mailbox {mailbox.name!r})") from None
    finally:
        try:
            imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass  # the connection is already gone: nothing left to close politely


def _connect(mailbox, where, timeout):
    """Return an IMAP connection to ``mailbox``'s server, encrypted unless its
    imap_security is "none" (allowed on loopback only)."""
    try:
        context = ssl_context(mailbox) if mailbox.imap_security != "none" else None
        if mailbox.imap_security == "tls":
            return imaplib.IMAP4_SSL(mailbox.imap_host, mailbox.imap_port,
                                     ssl_context=context, timeout=timeout)
        imap = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
    except ssl.SSLCertVerificationError as error:
        raise MailboxUnavailable(f"{where}: {untrusted(error)}") from None
    except (imaplib.IMAP4.error, OSError, MailboxesError) as error:
        raise MailboxUnavailable(f"{where}: cannot connect ({_said(error)})") from None
    if mailbox.imap_security == "starttls":
        try:
            imap.starttls(ssl_context=context)
        except (imaplib.IMAP4.error, OSError) as error:
            try:
                imap.shutdown()
            except OSError:
                pass  # a failed handshake closes the socket itself
            text = (untrusted(error) if isinstance(error, ssl.SSLCertVerificationError)
                    else f"STARTTLS failed ({_said(error)})")
            raise MailboxUnavailable(f"{where}: {text}") from None
    return imap


def _take(imap, mailbox, where, handle, limit):
    capabilities = _capabilities(imap)
    typ, data = imap.select(_mailbox_name(mailbox.imap_folder))
    if typ != "OK":
        raise MailboxUnavailable(f"{where}: folder {mailbox.imap_folder!r} of "
                                 f"{mailbox.imap_username} cannot be opened ({_said(data)})")
    # Every server sends it on SELECT (RFC 3501 requires it); 0 if one does not.
    uidvalidity = int((imap.response("UIDVALIDITY")[1] or [0])[0] or 0)
    done = mailbox.imap_done_folder
    if done:
        _create_folder(imap, done, where)
    # Moved mail leaves the folder, so all of it is new; marked mail stays, so only the
    # unseen. UNDELETED skips a mail copied before a crash but not yet expunged.
    typ, data = imap.uid("SEARCH", "UNDELETED" if done else "UNSEEN UNDELETED")
    _ok(typ, data, where, "search")
    uids = (int(uid) for uid in b" ".join(part for part in data if part).split())
    keys = {uid: f"{mailbox.name}:{uidvalidity}:{uid}" for uid in uids}
    # UIDs grow with arrival: oldest first, those that failed before last.
    order = sorted(keys, key=lambda uid: (keys[uid] in _failed, uid))
    handled = tried = 0
    for uid in order:
        # Failures do not count against the limit, up to a point: a round still ends.
        if handled >= limit or tried >= 2 * limit:
            break
        tried += 1
        raw = _fetch(imap, uid, where)
        if raw is None:
            continue  # expunged meanwhile by another client
        key = keys[uid]
        try:
            handle(raw, key)
        except Exception:
            _failed[key] = _failed.get(key, 0) + 1
            log.exception("mailbox %s: mail %s was not taken (%d times now); it is left "
                          "unmarked and taken again next round, after the others",
                          mailbox.name, key, _failed[key])
            continue
        _failed.pop(key, None)
        if done:
            _move(imap, uid, done, capabilities, where)
        else:
            typ, data = imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")
            _ok(typ, data, where, f"marking mail {uid} as seen")
        handled += 1
    return handled


def untrusted(error):
    """Return the sentence for a server certificate that failed verification."""
    return (f"the server's certificate is not trusted ({error.verify_message}); a "
            "self-signed server needs its certificate as the mailbox's tls_ca_file")


def _capabilities(imap):
    """Return the server's capabilities after login (often more than before it)."""
    typ, data = imap.capability()
    return set(b" ".join(part for part in data if part).decode("ascii", "replace").upper().split())


def _fetch(imap, uid, where):
    """Return the raw bytes of mail ``uid`` without setting \\Seen, or None if it is gone."""
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    _ok(typ, data, where, f"fetching mail {uid}")
    for part in data:
        # A server may add untagged FLAGS updates of other mail: keep the body literal.
        if isinstance(part, tuple) and b"BODY[]" in part[0].upper():
            return part[1]
    return None


def _move(imap, uid, folder, capabilities, where):
    name = _mailbox_name(folder)
    if "MOVE" in capabilities:
        typ, data = imap.uid("MOVE", str(uid), name)
        _ok(typ, data, where, f"moving mail {uid} to {folder!r}")
        return
    # RFC 6851's fallback; with UIDPLUS only this mail is expunged, not others'.
    typ, data = imap.uid("COPY", str(uid), name)
    _ok(typ, data, where, f"copying mail {uid} to {folder!r}")
    typ, data = imap.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
    _ok(typ, data, where, f"deleting mail {uid} after copying it")
    if "UIDPLUS" in capabilities:
        typ, data = imap.uid("EXPUNGE", str(uid))
    else:
        typ, data = imap.expunge()
    _ok(typ, data, where, "expunging")


def _create_folder(imap, folder, where):
    name = _mailbox_name(folder)
    typ, data = imap.list('""', name)
    if typ == "OK" and any(data):
        return
    typ, data = imap.create(name)
    # Another client may have made it between the LIST and the CREATE.
    if typ != "OK" and b"ALREADYEXISTS" not in b" ".join(d for d in data if d).upper():
        raise MailboxUnavailable(f"{where}: the done folder {folder!r} cannot be created "
                                 f"({_said(data)})")
    imap.subscribe(name)  # so that mail programs show it


def _ok(typ, data, where, doing):
    if typ != "OK":
        raise MailboxUnavailable(f"{where}: {doing} failed ({_said(data)})")


def _said(what):
    """Return what the server said (or the error), as readable text."""
    if isinstance(what, list):
        what = b" ".join(part for part in what if isinstance(part, bytes))
    if isinstance(what, Exception) and what.args and isinstance(what.args[0], bytes):
        what = what.args[0]
    if isinstance(what, bytes):
        what = what.decode("utf-8", "replace")
    return str(what) or "no reason given"


def _mailbox_name(folder):
    """Return ``folder`` as an IMAP quoted string in modified UTF-7 (RFC 3501 5.1.3), so
    names with spaces or Arabic letters work."""
    encoded, pending = [], []

    def flush():
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            encoded.append("&" + base64.b64encode(utf16).decode("ascii").rstrip("=")
                           .replace("/", ",") + "-")
            pending.clear()

    for char in folder:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            encoded.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return '"' + re.sub(r'(["\\])', r"\\\1", "".join(encoded)) + '"'
