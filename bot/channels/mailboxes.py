"""The mailboxes file: a TOML list of the shop's mailboxes, each with where its mail is
read (IMAP, optional: without it mail arrives by a provider's webhook) and where its
replies leave (SMTP). Passwords are never in the file, only the names of the
environment variables that hold them.

    mailboxes = load_mailboxes("mail.toml")   # MailboxesError names the file, mailbox and key
    mailboxes[0].smtp_host                    -> "smtp.shop.example"
    ssl_context(mailboxes[0])                 -> an ssl.SSLContext that verifies the server

    [[mailbox]]
    name = "support"
    address = "support@shop.example"
    imap_host = "imap.shop.example"
    imap_password_env = "SUPPORT_IMAP_PASSWORD"
    smtp_host = "smtp.shop.example"

Reading the file and the environment is the only I/O here; what comes back is frozen.
"""
import dataclasses
import os
import re
import ssl

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package
    import tomli as tomllib

__all__ = ["Mailbox", "MailboxesError", "load_mailboxes", "parse_mailboxes", "ssl_context",
           "MAILBOX_NAME", "SECURITIES"]

# A mailbox's name is part of every taken mail's key and shows in logs and the queue.
MAILBOX_NAME = re.compile(r"[a-z0-9-]{1,40}")
# One address, a dot in its domain: what a From header can carry without surprises.
ADDRESS = re.compile(r"[^@\s<>\"(),;:]{1,64}@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]{2,}")
SECURITIES = ("tls", "starttls", "none")
# Plain text only where nothing leaves the machine: a relay or a test server beside Dalil.
LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEFAULT_PORTS = {"imap": {"tls": 993, "starttls": 143, "none": 143},
                 "smtp": {"tls": 465, "starttls": 587, "none": 25}}
LANGS = ("ar", "en")

KEYS = {"name", "address", "display_name", "imap_host", "imap_port", "imap_security",
        "imap_username", "imap_password_env", "imap_folder", "imap_done_folder", "smtp_host",
        "smtp_port", "smtp_security", "smtp_username", "smtp_password_env", "tls_ca_file", "lang"}


class MailboxesError(ValueError):
    """A mailboxes file that cannot be used; ``str()`` names the file, the mailbox and
    the key ("mail.toml: mailbox 'support': smtp_host is missing")."""


@dataclasses.dataclass(frozen=True)
class Mailbox:
    name: str
    address: str                 # replies leave From it (and bounces come back to it)
    smtp_host: str
    smtp_port: int
    smtp_security: str           # "tls" | "starttls" | "none"
    display_name: str = ""
    imap_host: str = ""          # "": the mailbox only sends; its mail comes by webhook
    imap_port: int = 993
    imap_security: str = "tls"
    imap_username: str = ""
    imap_folder: str = "INBOX"
    imap_done_folder: str = ""   # "": taken mail is marked \Seen; else moved there
    smtp_username: str = ""      # "": no AUTH
    tls_ca_file: str = ""        # a CA bundle trusted besides the system's
    lang: str = "ar"             # the language of a conversation this mailbox starts
    # Resolved from the environment; repr=False keeps them out of logs and tracebacks.
    imap_password: str = dataclasses.field(default="", repr=False)
    smtp_password: str = dataclasses.field(default="", repr=False)

    @property
    def reads_mail(self):
        """True when Dalil fetches this mailbox's mail over IMAP."""
        return bool(self.imap_host)


def load_mailboxes(path, environ=os.environ):
    """Return the Mailboxes of the TOML file at ``path``, passwords read from
    ``environ``; raise MailboxesError naming the file and the line (a syntax error) or
    the mailbox and key (a wrong value, a missing environment variable). A relative
    ``tls_ca_file`` is found beside the file."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise MailboxesError(f"{path}: no such mailboxes file") from None
    except OSError as error:
        raise MailboxesError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MailboxesError(f"{path}: is not UTF-8 text") from None
    return parse_mailboxes(text, source=str(path), environ=environ,
                           folder=os.path.dirname(os.path.abspath(path)))


def parse_mailboxes(text, source="mail.toml", environ=os.environ, *, folder=None):
    """Return the Mailboxes of the TOML ``text`` (``source`` names it in errors;
    ``folder``: where a relative ``tls_ca_file`` is, the current folder by default);
    raise MailboxesError saying which mailbox and key is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MailboxesError(f"{source}: {error}") from None  # "... (at line 3, column 7)"
    unknown = set(data) - {"mailbox"}
    if unknown:
        raise MailboxesError(f"{source}: {sorted(unknown)[0]}: unknown key "
                             "(write each mailbox as a [[mailbox]] section)")
    entries = data.get("mailbox")
    if not isinstance(entries, list) or not entries or \
            not all(isinstance(entry, dict) for entry in entries):
        raise MailboxesError(f"{source}: no mailboxes (write each as a [[mailbox]] section)")
    mailboxes = []
    for number, entry in enumerate(entries, 1):
        mailbox = _mailbox(entry, _Where(source, number, entry), environ, folder)
        if any(other.name == mailbox.name for other in mailboxes):
            raise MailboxesError(f"{source}: mailbox {mailbox.name!r}: name is used by "
                                 "another mailbox already (names must be unique)")
        mailboxes.append(mailbox)
    return tuple(mailboxes)


def ssl_context(mailbox):
    """Return an SSLContext for ``mailbox``'s servers: the system's CAs and host name
    checks, and its ``tls_ca_file`` trusted too when it names one (a self-signed server);
    raise MailboxesError when that file is not a CA bundle."""
    context = ssl.create_default_context()
    if mailbox.tls_ca_file:
        try:
            context.load_verify_locations(mailbox.tls_ca_file)
        except (OSError, ssl.SSLError) as error:
            raise MailboxesError(f"mailbox {mailbox.name!r}: tls_ca_file {mailbox.tls_ca_file}: "
                                 f"not a readable CA bundle ({error})") from None
    return context


class _Where:
    """Names a mailbox in errors: by its name once it has a usable one, else by number."""

    def __init__(self, source, number, entry):
        name = entry.get("name")
        self.prefix = (f"{source}: mailbox {name!r}" if isinstance(name, str) and name
                       else f"{source}: mailbox {number}")

    def error(self, text):
        return MailboxesError(f"{self.prefix}: {text}")


def _text(entry, key, where, default=None, pattern=None, explain=""):
    value = entry.get(key, default)
    if value is None:
        raise where.error(f"{key} is missing")
    if not isinstance(value, str):
        raise where.error(f"{key} must be text in quotes")
    value = value.strip()
    # A line break in a header value would let it write headers of its own.
    if any(char in value for char in "\r\n\0"):
        raise where.error(f"{key} must be on one line")
    if pattern is not None and not pattern.fullmatch(value):
        raise where.error(f"{key} {value!r}: {explain}")
    return value


def _security(entry, key, host, default, where):
    security = _text(entry, key, where, default)
    if security not in SECURITIES:
        raise where.error(f'{key} {security!r}: write "tls", "starttls" or "none"')
    if security == "none" and host not in LOOPBACK:
        raise where.error(f'{key} "none" sends the password and mail unencrypted; it is '
                          f"allowed only for a server on this machine "
                          f"({', '.join(LOOPBACK)}), not {host}")
    return security


def _port(entry, key, default, where):
    port = entry.get(key, default)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise where.error(f"{key} must be a port number, 1 to 65535")
    return port


def _password(entry, key, where, environ):
    variable = _text(entry, key, where)
    value = environ.get(variable)
    if not value:
        raise where.error(f"{key}: the environment variable {variable} is not set "
                          "(the password is read from it, never from this file)")
    return value


def _mailbox(entry, where, environ, folder):
    unknown = set(entry) - KEYS
    if unknown:
        raise where.error(f"{sorted(unknown)[0]}: unknown key")
    name = _text(entry, "name", where, pattern=MAILBOX_NAME,
                 explain="a mailbox's name is lower-case letters, digits or '-' (at most 40)")
    address = _text(entry, "address", where, pattern=ADDRESS,
                    explain="must be one e-mail address, like support@shop.example")
    fields = {"name": name, "address": address,
              "display_name": _text(entry, "display_name", where, "")}

    imap_host = _text(entry, "imap_host", where, "")
    if imap_host:
        security = _security(entry, "imap_security", imap_host, "tls", where)
        fields.update(
            imap_host=imap_host, imap_security=security,
            imap_port=_port(entry, "imap_port", DEFAULT_PORTS["imap"][security], where),
            imap_username=_text(entry, "imap_username", where, address),
            imap_password=_password(entry, "imap_password_env", where, environ),
            imap_folder=_text(entry, "imap_folder", where, "INBOX") or "INBOX",
            imap_done_folder=_text(entry, "imap_done_folder", where, ""))
        if fields["imap_done_folder"] == fields["imap_folder"]:
            raise where.error("imap_done_folder must differ from imap_folder "
                              '(or be "" to mark taken mail as seen)')
    else:
        given = sorted(key for key in entry if key.startswith("imap_"))
        if given:
            raise where.error(f"{given[0]} is set but imap_host is missing "
                              "(without imap_host the mailbox only sends)")

    smtp_host = _text(entry, "smtp_host", where)
    if not smtp_host:
        raise where.error("smtp_host is missing")
    security = _security(entry, "smtp_security", smtp_host, "starttls", where)
    fields.update(smtp_host=smtp_host, smtp_security=security,
                  smtp_port=_port(entry, "smtp_port", DEFAULT_PORTS["smtp"][security], where),
                  smtp_username=_text(entry, "smtp_username", where, ""))
    if fields["smtp_username"]:
        fields["smtp_password"] = _password(entry, "smtp_password_env", where, environ)
    elif "smtp_password_env" in entry:
        raise where.error("smtp_password_env is set but smtp_username is missing")

    ca_file = _text(entry, "tls_ca_file", where, "")
    if ca_file:
        ca_file = os.path.join(folder or os.getcwd(), os.path.expanduser(ca_file))
        if not os.path.isfile(ca_file):
            raise where.error(f"tls_ca_file {ca_file}: no such file")
    fields["tls_ca_file"] = ca_file

    lang = _text(entry, "lang", where, "ar")
    if lang not in LANGS:
        raise where.error(f'lang {lang!r}: write "ar" or "en"')
    fields["lang"] = lang
    return Mailbox(**fields)
