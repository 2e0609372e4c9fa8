"""Real mail servers for the tests: Debian's dovecot for IMAP, aiosmtpd for SMTP, both on
127.0.0.1 with a self-signed certificate made by ``openssl`` for the session.

    from mail_servers import imap_server, imap_user, smtp_server, tls_certificate  # noqa: F401

    def test_it(imap_server, imap_user, smtp_server):
        imap_server.deliver(imap_user, b"Subject: hi\\r\\n\\r\\nbody\\r\\n")
        mailbox = mailbox_for(imap_server, smtp_server, user=imap_user)
        ...
        smtp_server.wait_for(1)   -> [Received(mail_from, rcpt_tos, raw)]

``imap_server`` (session): dovecot started with its own config in a temporary folder
(``dovecot -c <tmp>/dovecot.conf -F``, never the system's service), an imaps port and
an imap port with STARTTLS, users in a passwd-file, maildirs in the folder. As root its
helpers run as Debian's ``dovecot``/``dovenull`` users and the mail as ``nobody``, since
dovecot will not keep mail as root. ``imap_user``: a user with an empty INBOX for one
test (one of SPARE_USERS written before the start). Skipped, saying so, without
dovecot; `make test` installs dovecot-imapd.

``smtp_server``: aiosmtpd with STARTTLS and AUTH (support/secret, only after TLS), plus
an implicit-TLS twin (``smtps_port``); emptied for each test, ``refuse("451 ...")``
makes it answer a code instead of accepting.
"""
import contextlib
import dataclasses
import email
import email.policy
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

import pytest

from bot.channels.mailboxes import Mailbox

USERS = {"support": "secret", "sales": "secret"}
PASSWORD = "secret"
# Fresh users are written before dovecot starts: it may not notice a passwd-file that
# changes twice within a second (it compares modification times).
SPARE_USERS = 60


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on (now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process=None, seconds=10, log_path=None):
    """Return once 127.0.0.1:``port`` accepts connections; raise RuntimeError (with the
    server's log) if ``process`` ends or ``seconds`` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    log = ""
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()[-2000:]
    raise RuntimeError(f"the server did not listen on port {port} in {seconds} s\n{log}")


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory):
    """(cert_path, key_path): a self-signed certificate for localhost and 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl program is not installed (it makes the test certificate)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(cert), str(key)


def client_context(cert):
    """An SSLContext that trusts the test certificate (and checks the host name)."""
    context = ssl.create_default_context()
    context.load_verify_locations(cert)
    return context


# --- IMAP: dovecot ----------------------------------------------------------------

DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = required
ssl_cert = <{cert}
ssl_key = <{key}
auth_mechanisms = plain login
# A wrong password is answered at once: the tests try one on purpose.
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%n {folder}/passwd
}}
# No growing delay for an address after failed logins (every test comes from 127.0.0.1):
# https://doc.dovecot.org/2.3/configuration_manual/authentication/auth_penalty/
service anvil {{
  {chroot}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
"""


def _dovecot_users():
    """Return (internal user, its group, login user, mail uid, mail gid): ourselves when
    not root; as root Debian's dovecot and dovenull users, and nobody's mail."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, _group_name(me.pw_gid), me.pw_name, me.pw_uid, me.pw_gid
    internal = _user("dovecot", "nobody")
    login = _user("dovenull", "nobody")
    mail = _user("nobody")
    return (internal.pw_name, _group_name(internal.pw_gid), login.pw_name,
            mail.pw_uid, mail.pw_gid)


def _user(*names):
    for name in names:
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError(f"running as root with none of the users {', '.join(names)}")


def _group_name(gid):
    import grp
    return grp.getgrgid(gid).gr_name


class ImapServer:
    """A running dovecot: ``imaps_port`` (TLS from the start), ``imap_port`` (STARTTLS),
    ``cert`` (the CA file that trusts it); users and their mail through the helpers."""

    def __init__(self, folder, cert, imap_port, imaps_port, mail_uid, mail_gid):
        self.folder, self.cert = folder, cert
        self.imap_port, self.imaps_port = imap_port, imaps_port
        self.mail_uid, self.mail_gid = mail_uid, mail_gid
        self._users = 0
        self._lock = threading.Lock()

    def add_user(self, name, password=PASSWORD):
        """Add the user ``name`` (an empty mailbox) to the passwd-file; return its name."""
        home = os.path.join(self.folder, "mail", name)
        with open(os.path.join(self.folder, "passwd"), "a", encoding="utf-8") as f:
            f.write(f"{name}:{{PLAIN}}{password}:{self.mail_uid}:{self.mail_gid}::{home}\n")
        return name

    def new_user(self):
        """Return a user no test has used yet (password ``secret``, an empty INBOX)."""
        with self._lock:
            self._users += 1
            if self._users > SPARE_USERS:
                raise RuntimeError(f"more than {SPARE_USERS} fresh users asked for: "
                                   "raise SPARE_USERS")
            return f"user{self._users}"

    @contextlib.contextmanager
    def connect(self, user, password=PASSWORD):
        """Yield an imaplib connection logged in as ``user`` over imaps."""
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port,
                                 ssl_context=client_context(self.cert), timeout=10)
        try:
            imap.login(user, password)
            yield imap
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                imap.logout()

    def deliver(self, user, raw, folder="INBOX"):
        """Put the mail ``raw`` (bytes) into ``user``'s ``folder``, unseen; return its UID."""
        with self.connect(user) as imap:
            typ, data = imap.append(folder, None, None, raw)
            assert typ == "OK", data
            # "[APPENDUID <uidvalidity> <uid>] Append completed."
            return int(data[0].split(b"]")[0].split()[-1])

    def list_folder(self, user, folder="INBOX"):
        """Return {uid: (flags, raw bytes)} of the mail in ``user``'s ``folder``, read
        without changing any flag ({} when the folder does not exist)."""
        with self.connect(user) as imap:
            typ, _ = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return {}
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            mail = {}
            for part in data:
                if isinstance(part, tuple):
                    head = part[0].decode()
                    uid = int(head.split("UID ")[1].split()[0])
                    flags = head.split("FLAGS (")[1].split(")")[0].split()
                    mail[uid] = (tuple(flags), part[1])
            return mail

    def flags(self, user, folder="INBOX"):
        """Return {uid: flags} of the mail in ``user``'s ``folder``."""
        return {uid: flags for uid, (flags, _) in self.list_folder(user, folder).items()}

    def folders(self, user):
        """Return the names of ``user``'s folders."""
        with self.connect(user) as imap:
            _, data = imap.list()
            return [line.decode().rsplit(' "/" ', 1)[1].strip('"') for line in data if line]


@pytest.fixture(scope="session")
def imap_server(tmp_path_factory, tls_certificate):
    """The session's dovecot (started on first use), or a skip without dovecot."""
    dovecot = shutil.which("dovecot") or next(
        (path for path in ("/usr/sbin/dovecot",) if os.path.exists(path)), None)
    if dovecot is None:
        pytest.skip("dovecot is not installed (make test installs Debian's dovecot-imapd)")
    folder = tempfile.mkdtemp(prefix="dalil-dovecot-")
    internal, group, login, uid, gid = _dovecot_users()
    # dovecot's own users must reach the folder; the mail belongs to the mail user.
    os.chmod(folder, 0o755)
    os.mkdir(os.path.join(folder, "mail"))
    if os.geteuid() == 0:
        os.chown(os.path.join(folder, "mail"), uid, gid)
    cert, key = tls_certificate
    imap_port, imaps_port = free_port(), free_port()
    conf = os.path.join(folder, "dovecot.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(DOVECOT_CONF.format(
            folder=folder, cert=cert, key=key, imap_port=imap_port, imaps_port=imaps_port,
            internal_user=internal, internal_group=group, login_user=login,
            # Only root may chroot the login and anvil processes.
            chroot="" if os.geteuid() == 0 else "chroot ="))
    server = ImapServer(folder, cert, imap_port, imaps_port, uid, gid)
    for name, password in USERS.items():
        server.add_user(name, password)
    for number in range(1, SPARE_USERS + 1):
        server.add_user(f"user{number}")
    log_path = os.path.join(folder, "dovecot.log")
    with open(log_path + ".stderr", "wb") as stderr:
        process = subprocess.Popen([dovecot, "-c", conf, "-F"], stdout=subprocess.DEVNULL,
                                   stderr=stderr)
    try:
        wait_until_listening(imaps_port, process, log_path=log_path)
        wait_until_listening(imap_port, process, log_path=log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def imap_user(imap_server):
    """A new IMAP user with an empty INBOX, for this test alone."""
    return imap_server.new_user()


# --- SMTP: aiosmtpd ---------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple
    raw: bytes

    @property
    def message(self):
        """The mail parsed (email.policy.default: headers decoded)."""
        return email.message_from_bytes(self.raw, policy=email.policy.default)


class Collector:
    """aiosmtpd handler: keeps every accepted mail, or answers ``refusal`` instead."""

    def __init__(self):
        self.received = []
        self.refusal = None   # ("RCPT" | "DATA", "451 4.3.0 ...")
        self.changed = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusal and self.refusal[0] == "RCPT":
            return self.refusal[1]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusal and self.refusal[0] == "DATA":
            return self.refusal[1]
        with self.changed:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                          envelope.original_content))
            self.changed.notify_all()
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult
    login = getattr(auth_data, "login", b"") or b""
    password = getattr(auth_data, "password", b"") or b""
    # handled=False: aiosmtpd answers the 535 itself (True would leave the client waiting).
    return AuthResult(success=USERS.get(login.decode()) == password.decode(), handled=False)


class SmtpServer:
    """aiosmtpd on ``port`` (STARTTLS, AUTH after TLS) and ``smtps_port`` (TLS from the
    start), sharing one Collector; ``cert`` trusts them."""

    def __init__(self, collector, port, smtps_port, cert):
        self.collector, self.port, self.smtps_port, self.cert = collector, port, smtps_port, cert

    @property
    def received(self):
        return list(self.collector.received)

    def wait_for(self, count, timeout=5):
        """Return the received mail once there are ``count``; AssertionError after ``timeout``."""
        with self.collector.changed:
            if not self.collector.changed.wait_for(
                    lambda: len(self.collector.received) >= count, timeout):
                raise AssertionError(f"{len(self.collector.received)} mails arrived, "
                                     f"not {count}, in {timeout} s")
            return list(self.collector.received)

    def refuse(self, reply, at="RCPT"):
        """Answer ``reply`` (like "451 4.3.0 Try later") at RCPT TO or DATA from now on."""
        self.collector.refusal = (at, reply)

    def reset(self):
        with self.collector.changed:
            self.collector.received.clear()
        self.collector.refusal = None


@pytest.fixture(scope="session")
def _smtp_servers(tls_certificate):
    controller_module = pytest.importorskip(
        "aiosmtpd.controller", reason="aiosmtpd is not installed (pip install -e '.[test]')")
    cert, key = tls_certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    collector = Collector()
    common = {"hostname": "127.0.0.1", "authenticator": _authenticator,
              "server_hostname": "localhost"}
    starttls = controller_module.Controller(
        collector, port=free_port(), tls_context=server_context, require_starttls=True,
        auth_require_tls=True, **common)
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; this one is TLS throughout.
    smtps = controller_module.Controller(
        collector, port=free_port(), ssl_context=server_context, auth_require_tls=False,
        **common)
    starttls.start()
    try:
        smtps.start()
        try:
            yield SmtpServer(collector, starttls.port, smtps.port, cert)
        finally:
            smtps.stop()
    finally:
        starttls.stop()


@pytest.fixture
def smtp_server(_smtp_servers):
    """The session's SMTP servers, with nothing received and no refusal set."""
    _smtp_servers.reset()
    yield _smtp_servers
    _smtp_servers.reset()


# --- A Mailbox for them ------------------------------------------------------------

def mailbox_for(imap_server=None, smtp_server=None, *, user="support", password=PASSWORD,
                imap_security="tls", smtp_security="starttls", done_folder="",
                smtp_username="support", smtp_password=PASSWORD, name="support"):
    """Return a Mailbox reading ``user``'s mail on ``imap_server`` and sending through
    ``smtp_server`` (either may be None), trusting the test certificate."""
    fields = {"name": name, "address": "support@shop.example", "display_name": "دعم المتجر",
              "smtp_host": "127.0.0.1", "smtp_port": 9, "smtp_security": smtp_security,
              "lang": "ar"}
    if imap_server is not None:
        fields.update(imap_host="127.0.0.1", imap_security=imap_security,
                      imap_port=(imap_server.imaps_port if imap_security == "tls"
                                 else imap_server.imap_port),
                      imap_username=user, imap_password=password,
                      imap_done_folder=done_folder, tls_ca_file=imap_server.cert)
    if smtp_server is not None:
        fields.update(smtp_port=(smtp_server.smtps_port if smtp_security == "tls"
                                 else smtp_server.port),
                      smtp_username=smtp_username, smtp_password=smtp_password,
                      tls_ca_file=smtp_server.cert)
    return Mailbox(**fields)
