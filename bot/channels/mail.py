"""Read a customer's mail into an ``Inbound`` and compose the reply in the same thread;
pure functions over bytes and ``EmailMessage``s, no network.

    inbound = read_mail(raw_bytes, mailbox="help@shop.example")
    inbound.text          # only what the customer wrote now: quotes and signature gone
    inbound.automatic     # "bounce", "auto-reply", ... : nobody should answer it
    reply = compose_reply(sender="help@shop.example", to=inbound.address,
                          subject=inbound.subject, text="Your order left today.",
                          references=inbound.references + (inbound.external_id,),
                          automatic=True, name="Dalil")
    reply.as_bytes()      # what SMTP sends; message_id(reply) is its Message-ID

What reading a mail does:
  - the From address (lower case) and display name, RFC 2047 and raw UTF-8 alike;
  - Message-ID (or a stable id made from the bytes when it has none), References and
    In-Reply-To, oldest first, for threading;
  - the text: text/plain preferred, else HTML made plain (html_to_text), decoded even
    when the declared charset is wrong or unknown, then the quoted reply and signature
    removed (strip_reply), in Arabic and English;
  - attachments, with safe file names, their bytes dropped above a size limit;
  - why no one should answer it (an auto-reply, a bounce, a mailing list).
"""
import codecs
import datetime
import email
import email.errors
import email.headerregistry
import email.policy
import email.utils
import hashlib
import html.parser
import re
import unicodedata
from email.message import EmailMessage

from bot.channels import Attachment, DeliveryError, Inbound, PayloadError

__all__ = ["MAX_ATTACHMENT_BYTES", "MAX_MAIL_BYTES", "MAX_REFERENCES", "read_mail",
           "strip_reply", "html_to_text", "compose_reply", "message_id"]

# An attachment above this is kept as a name and size only: a desk is not a file store.
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# What the common providers accept (Gmail's limit is 25 MB); anything bigger is not a
# customer writing in.
MAX_MAIL_BYTES = 25 * 1024 * 1024
# References kept in a reply: enough to thread in every client, short enough that the
# header does not grow with each round of a long conversation (Thunderbird keeps ~20).
MAX_REFERENCES = 20
MAX_FILENAME_LENGTH = 200

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SPACES = re.compile(r"\s+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# Bidi embeddings, overrides and isolates (as bot.clean.BIDI_CONTROLS): one left
# unbalanced reorders everything shown after it in the agents' console.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# What text never keeps: those, and control characters (Cc) but tab and line feed
# (which one-line text has made spaces already): the store refuses them.
_REMOVED = dict.fromkeys([*range(0x20), *range(0x7f, 0xa0), *map(ord, _BIDI_CONTROLS)])
del _REMOVED[ord("\t")], _REMOVED[ord("\n")]
# Marks Gmail and Outlook put around Arabic reply headers; ignored when matching them.
_DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c" + _BIDI_CONTROLS))


# --- Reading ------------------------------------------------------------------------

def read_mail(raw, *, mailbox="", max_attachment_bytes=MAX_ATTACHMENT_BYTES,
              max_mail_bytes=MAX_MAIL_BYTES):
    """Return the ``Inbound`` (channel "email") that the mail ``raw`` (its bytes, as
    IMAP or a webhook gives them) carries; raise PayloadError saying why when it is not
    a mail Dalil can answer: empty, not bytes, over ``max_mail_bytes``, or without a
    From address."""
    if not isinstance(raw, (bytes, bytearray)):
        raise PayloadError(f"a mail must be given as bytes, not {type(raw).__name__}")
    raw = bytes(raw)
    if not raw.strip():
        raise PayloadError("the mail is empty")
    if len(raw) > max_mail_bytes:
        raise PayloadError(f"the mail is too big ({len(raw):,} bytes; the limit is "
                           f"{max_mail_bytes:,})")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    address, name = _sender(message)
    body_part = _body_part(message)
    full_text = _part_text(body_part) if body_part is not None else ""
    return Inbound(
        channel="email",
        address=address,
        name=name,
        external_id=_header(message, "Message-ID") or _derived_id(raw),
        references=_references(message),
        subject=_header(message, "Subject"),
        # A reply that only quotes (or forwards) still says something: keep all of it.
        text=strip_reply(full_text) or full_text,
        attachments=_attachments(message, body_part, max_attachment_bytes),
        automatic=_automatic(message, address),
        mailbox=mailbox,
    )


def _clean(text, *, lines=True):
    """Return ``text`` NFC-normalized without bidi controls and control characters
    (tab and, with ``lines``, LF kept; CRLF made LF), lone surrogates made U+FFFD;
    without ``lines``, on one line with runs of whitespace made one space."""
    text = _unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    if not lines:  # before control characters go, so "a\r\nb" stays two words
        text = _SPACES.sub(" ", text)
    text = unicodedata.normalize("NFC", text.translate(_REMOVED))
    return text if lines else _SPACES.sub(" ", text).strip()


def _unescape(text):
    """Return ``text`` with the raw bytes the parser kept as surrogates (8-bit headers
    and filenames, RFC 6532) read as UTF-8, and any other lone surrogate made U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:  # a surrogate outside U+DC80–DCFF: not a byte, just broken
        return "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _header(message, name):
    """Return the header ``name`` decoded and cleaned onto one line, "" when absent or
    unreadable."""
    try:
        value = message[name]
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
        value = _raw_header(message, name)  # a parser bug on odd input: take it as written
    return _clean(str(value), lines=False) if value is not None else ""


def _raw_header(message, name):
    """Return the header ``name`` as it came, unparsed; None when absent."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def _sender(message):
    """Return the From (address in lower case, display name); raise PayloadError when
    the mail has no address to answer."""
    address = name = ""
    try:
        found = message["From"].addresses if message["From"] is not None else ()
        if found:
            address, name = found[0].addr_spec, found[0].display_name
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
        name, address = email.utils.parseaddr(_raw_header(message, "From") or "")
    address = _clean(address, lines=False).lower()
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain.strip(".") or " " in address or len(address) > 254:
        raise PayloadError("the mail has no usable From address to answer")
    return address, _clean(name, lines=False)


def _derived_id(raw):
    # A mail without a Message-ID still needs the same id each time it is read, or
    # taking it twice (IMAP after a crash) would store it twice.
    return f"<{hashlib.sha256(raw).hexdigest()}@dalil.invalid>"


def _references(message):
    """Return the ids the mail answers: References (oldest first), then In-Reply-To."""
    ids = []
    for name in ("References", "In-Reply-To"):
        for found in _MESSAGE_ID.findall(_header(message, name)):
            if found not in ids:
                ids.append(found)
    return tuple(ids)


def _body_part(message):
    """Return the part holding the mail's text (text/plain preferred over HTML), None
    when it has none."""
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
        return None


def _part_text(part):
    """Return the text of a text/plain or text/html part, as plain clean text."""
    text = _decode(part.get_payload(decode=True) or b"", part.get_content_charset())
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return _clean(text).strip()


def _decode(data, charset):
    """Return ``data`` as text, never raising: valid UTF-8 wins over a single-byte
    charset (the usual mislabel), then the declared charset, then replacement."""
    codec = None
    if charset:
        try:
            codec = codecs.lookup(charset).name
        except (LookupError, ValueError):
            codec = None  # "unknown-8bit", a typo: guess as if nothing were declared
    wide = codec is not None and codec.startswith(("utf-16", "utf-32"))
    if not wide and not data.isascii():
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return data.decode(codec or "utf-8", "replace")


def _attachments(message, body_part, max_bytes):
    """Return the mail's attachments: parts marked as such, inline non-text parts with
    a file name (an image pasted into the text), and a mail that is only a file."""
    found = []
    for part in _leaves(message):
        if part is body_part:
            continue
        filename = _filename(part)
        non_text = part.get_content_maintype() != "text"
        if not (part.get_content_disposition() == "attachment" or (non_text and filename)
                or (non_text and part is message)):
            continue
        data = _part_bytes(part)
        found.append(Attachment(
            filename=filename or f"attachment-{len(found) + 1}",
            content_type=part.get_content_type(),
            size=len(data),
            data=data if len(data) <= max_bytes else None,
        ))
    return tuple(found)


def _leaves(part):
    """Yield the parts that are not multipart containers; an attached mail
    (message/rfc822) is one leaf, not opened."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


def _part_bytes(part):
    """Return an attachment's bytes, decoded from its transfer encoding (an attached
    mail as its own bytes)."""
    if part.get_content_maintype() == "message":
        try:
            return b"".join(sub.as_bytes(policy=email.policy.default)
                            for sub in part.iter_parts())
        except (email.errors.MessageError, ValueError, UnicodeError, LookupError):
            return b""
    return part.get_payload(decode=True) or b""


def _filename(part):
    """Return the part's file name, decoded, without any folder in it (it ends up in a
    download's name, so "../../etc/passwd" becomes "passwd"); "" when it has none."""
    try:
        filename = part.get_filename() or ""
    except (email.errors.MessageError, ValueError, IndexError, TypeError, AttributeError):
        filename = ""
    if "=?" in filename:  # RFC 2047 inside a quoted parameter: not standard, but common
        try:
            filename = str(email.headerregistry.UnstructuredHeader.value_parser(filename))
        except (email.errors.MessageError, ValueError, IndexError):
            pass
    filename = _clean(filename, lines=False)
    filename = re.split(r"[/\\]", filename)[-1].strip().lstrip(".").strip()
    if len(filename) > MAX_FILENAME_LENGTH:  # shortened, its extension kept
        stem, dot, extension = filename.rpartition(".")
        extension = dot + extension[:20] if stem else ""
        filename = filename[:MAX_FILENAME_LENGTH - len(extension)] + extension
    return filename


# --- Who should not be answered -----------------------------------------------------

_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(auto:|automatic reply:|out of office|رد تلقائي)", re.IGNORECASE)
_SUPPRESS_AUTO_REPLY = re.compile(r"\b(all|autoreply|oof)\b", re.IGNORECASE)


def _automatic(message, address):
    """Return why no one should answer the mail ("bounce", "auto-submitted",
    "auto-reply", "list"), "" for a person's mail. A bounce is named first because it
    also says something about the address (it usually carries Auto-Submitted too)."""
    def header(name):
        return _header(message, name).lower()

    local_part = address.rpartition("@")[0]
    if (message.get_content_type() == "multipart/report"
            or local_part in ("mailer-daemon", "postmaster")
            or header("Return-Path").replace(" ", "") == "<>"):
        return "bounce"
    auto_submitted = header("Auto-Submitted").split(";")[0].strip()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    precedence = header("Precedence")
    if (_header(message, "X-Autoreply") or _header(message, "X-Autorespond")
            or _SUPPRESS_AUTO_REPLY.search(header("X-Auto-Response-Suppress"))
            or precedence == "auto_reply"
            or _AUTO_REPLY_SUBJECT.match(_header(message, "Subject"))):
        return "auto-reply"
    if (_header(message, "List-Id") or _header(message, "List-Unsubscribe")
            or precedence in ("bulk", "list", "junk")):
        return "list"
    return ""


# --- HTML to text -------------------------------------------------------------------

# Their content is never text a person reads.
_SKIPPED = {"script", "style", "head", "title", "noscript", "template", "svg"}
# Each starts a new line.
_BLOCKS = {"address", "article", "aside", "blockquote", "dd", "div", "dl", "dt",
           "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
           "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
           "section", "table", "tr", "ul", "center"}
# And these leave a blank line too (paragraphs); Gmail's one <div> per line does not.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul",
               "ol", "hr", "pre"}


class _TextMaker(html.parser.HTMLParser):
    """Collects an HTML document's text as lines, a blockquote's lines marked with ">"
    so strip_reply can tell the quoted reply from the new text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = []  # (quote depth, text)
        self.current = []
        self.current_depth = 0
        self.skipping = 0
        self.quote_depth = 0
        self.preformatted = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.skipping = 0  # a <head> left open must not swallow the whole mail
        elif tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.end_line(force=True)
        elif tag in ("td", "th"):
            self.current.append(" ")
        elif tag in _BLOCKS:
            self.end_line(blank=tag in _PARAGRAPHS)
        if tag == "blockquote":
            self.quote_depth += 1
        elif tag == "pre":
            self.preformatted += 1

    def handle_startendtag(self, tag, attrs):
        if tag not in _SKIPPED:  # <br/>, <hr/>; a self-closed <script/> holds nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.end_line(blank=tag in _PARAGRAPHS)
        if tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag == "pre":
            self.preformatted = max(0, self.preformatted - 1)

    def handle_data(self, data):
        if self.skipping:
            return
        if self.preformatted:
            first, *rest = data.replace("\r\n", "\n").split("\n")
            self.add(first)
            for line in rest:
                self.end_line(force=True)
                self.add(line)
        else:
            self.add(_SPACES.sub(" ", data))

    def add(self, text):
        if not self.current or not "".join(self.current).strip():
            self.current_depth = self.quote_depth
        self.current.append(text)

    def end_line(self, blank=False, force=False):
        line = "".join(self.current)
        # Preformatted text keeps its indentation (a table of an order, code).
        line = line.rstrip() if self.preformatted else line.strip()
        if line or force:
            self.lines.append((self.current_depth, line))
        if blank:
            self.lines.append((0, ""))
        self.current = []
        self.current_depth = self.quote_depth

    def text(self):
        self.end_line()
        lines = [("> " * depth + line) if line and depth else line
                 for depth, line in self.lines]
        return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html_text):
    """Return the text a person reads in ``html_text``: scripts, styles and the head
    dropped, blocks and <br> as line breaks, entities decoded, links as their text,
    quoted blocks as ">" lines, at most one blank line in a row."""
    maker = _TextMaker()
    maker.feed(html_text)
    maker.close()
    return maker.text()


# --- Quoted replies and signatures --------------------------------------------------

# The line a client writes above the mail it quotes. Each holds a date, which a
# customer's own "On my last order you wrote:" does not.
_REPLY_HEADER = [
    re.compile(r"^(?=.*\d)On\s.{0,300}\swrote:$", re.IGNORECASE),
    # Gmail in Arabic: "في الأحد، ١ يناير ٢٠٢٣ ١٠:٠٠ ص، كتب منى <mona@example.com>:";
    # the comma or the address tells it from "في طلبي كتبت لكم:".
    re.compile(r"^(?=.*\d)في\s.{0,300}(،\s*كتب|\sكتب\s.{0,300}@).{0,300}:$"),
    re.compile(r"^-{2,}\s*(original message|الرسالة الأ?صلية)\s*-{2,}$", re.IGNORECASE),
    re.compile(r"^_{20,}$"),  # Outlook's line above its From:/Sent: block
]
# Outlook's block: a From: line and, within a few lines, the other fields it quotes.
_FROM_FIELD = re.compile(r"^\*?(from|من)\s*:", re.IGNORECASE)
_OTHER_FIELD = re.compile(
    r"^\*?(sent|date|to|subject|cc|أ\u064f?رسلت|أ\u064f?رسل|تم الإرسال|التاريخ|إلى|الى"
    r"|الموضوع|نسخة)\s*:", re.IGNORECASE)
_FIELDS_WITHIN = 4
# A signature: the standard "-- " delimiter, or what a phone or app adds below a mail
# (names of devices only, so "Sent from my account ..." stays).
_SIGNATURE = re.compile(
    r"^(--\s?$"
    r"|sent from my (iphone|ipad|android|samsung|galaxy|huawei|xiaomi|pixel|blackberry"
    r"|mobile|phone|smartphone)\b.{0,60}$"
    r"|sent from mail for windows\b.{0,20}$"
    r"|sent from (yahoo mail|outlook)\b.{0,40}$"
    r"|get outlook for (ios|android)\b.{0,20}$"
    r"|أ\u064f?رسلت من (الـ ?|جهاز )?(iphone|ipad|آيفون|ايفون|أيفون|android|أندرويد"
    r"|هاتفي|جوالي)\b.{0,40}$"
    r"|مرسل(ة)? من (هاتفي|جوالي|جهازي|iphone|ايفون|آيفون)\b.{0,40}$)", re.IGNORECASE)


def strip_reply(text):
    """Return ``text`` without the mail it quotes and the sender's signature: from a
    reply header ("On … wrote:", "في … كتب …:", "-----Original Message-----", an
    Outlook From:/Sent: block) or signature on, and the ">" lines at its end. Text
    above is kept as written, ">" lines followed by new text among it."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _first_cut(lines)
    lines = lines[:cut]
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    return "\n".join(lines).strip()


def _first_cut(lines):
    """Return the index of the first line of quoted mail or signature, len(lines) when
    there is none."""
    bare = [line.translate(_DIRECTION_MARKS).strip() for line in lines]
    # The next line with text after each line, for headers wrapped over two lines.
    following_lines, following = [], ""
    for line in reversed(bare):
        following_lines.append(following)
        following = line or following
    following_lines.reverse()
    for index, line in enumerate(bare):
        if not line or line.startswith(">"):  # quoted: strip_reply drops those at the end
            continue
        if any(pattern.match(line) for pattern in _REPLY_HEADER):
            return index
        following = following_lines[index]
        if line[:2].lower() in ("on", "في") and any(
                pattern.match(f"{line} {following}") and not pattern.match(following)
                for pattern in _REPLY_HEADER[:2]):
            return index  # a header a client wrapped over two lines
        if _FROM_FIELD.match(line) and any(
                _OTHER_FIELD.match(later) for later in bare[index + 1:index + 1 + _FIELDS_WITHIN]):
            return index
        if _SIGNATURE.match(line):
            return index
    return len(lines)


# --- Composing ----------------------------------------------------------------------

# 7-bit: non-ASCII text goes base64 or quoted-printable (whichever is shorter), so
# the mail passes any SMTP server, 8BITMIME or not.
_COMPOSE_POLICY = email.policy.default.clone(cte_type="7bit")
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|رد)\s*(\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)


def compose_reply(*, sender, to, subject, text, references=(), automatic=False,
                  domain="dalil.invalid", name=""):
    """Return a plain-text UTF-8 ``EmailMessage`` answering in the thread of
    ``references`` (the ids the customer's mail carried plus its own Message-ID,
    oldest first): "Re: subject", a fresh Message-ID under ``domain``, In-Reply-To the
    last reference, and Auto-Submitted: auto-replied when ``automatic`` (RFC 3834: the
    bot's answer, which other robots must not answer). Raise DeliveryError (not
    temporary) when ``sender`` or ``to`` is not an address it can be sent to."""
    message = EmailMessage(policy=_COMPOSE_POLICY)
    message["From"] = _address(sender, _clean(name, lines=False), "sender")
    message["To"] = _address(to, "", "recipient")
    topic = _REPLY_PREFIX.sub("", _clean(subject, lines=False))
    message["Subject"] = f"Re: {topic}" if topic else "Re:"
    message["Date"] = datetime.datetime.now(datetime.timezone.utc)
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    ids = [found for reference in references
           for found in _MESSAGE_ID.findall(str(reference))]
    ids = list(dict.fromkeys(ids))[-MAX_REFERENCES:]
    if ids:
        message["In-Reply-To"] = ids[-1]
        message["References"] = " ".join(ids)
    if automatic:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(_clean(text).strip() + "\n")
    return message


def _address(address, display_name, role):
    """Return ``address`` as a header's Address; raise DeliveryError when it is none."""
    address = (address or "").strip() if isinstance(address, str) else ""
    try:
        return email.headerregistry.Address(display_name=display_name, addr_spec=address)
    except (email.errors.MessageError, ValueError, IndexError, TypeError):
        raise DeliveryError(f"the {role} {address!r} is not an e-mail address",
                            temporary=False) from None


def message_id(message):
    """Return the Message-ID of ``message`` (with its angle brackets), "" when it has
    none."""
    value = message["Message-ID"]
    return str(value).strip() if value is not None else ""
