"""bot/channels/mailboxes.py, imap.py and smtp.py against real servers (tests/mail_servers.py:
Debian's dovecot and aiosmtpd on 127.0.0.1 with a self-signed certificate): the mailboxes
file and its mistakes, taking each new mail exactly once and only after it was handled,
and sending with the server's refusals told apart as temporary or permanent."""
import dataclasses
import email.message
import logging
import textwrap

import pytest

from bot.channels import DeliveryError
from bot.channels import imap as imap_channel
from bot.channels.imap import MailboxUnavailable, take_new_mail
from bot.channels.mailboxes import MailboxesError, load_mailboxes, parse_mailboxes
from bot.channels.smtp import send_mail
from mail_servers import (free_port, imap_server, imap_user, mailbox_for,  # noqa: F401  (fixtures)
                          smtp_server, _smtp_servers, tls_certificate)

ENV = {"SUPPORT_IMAP_PASSWORD": "imap-secret", "SUPPORT_SMTP_PASSWORD": "smtp-secret"}

FULL = """\
[[mailbox]]
name = "support"
address = "support@shop.example"
display_name = "Shop support"
imap_host = "imap.shop.example"
imap_password_env = "SUPPORT_IMAP_PASSWORD"
imap_done_folder = "Dalil"
smtp_host = "smtp.shop.example"
smtp_username = "support@shop.example"
smtp_password_env = "SUPPORT_SMTP_PASSWORD"
lang = "en"

[[mailbox]]
name = "sales"
address = "sales@shop.example"
smtp_host = "smtp.shop.example"
smtp_security = "tls"
"""


def mail(subject, number=1):
    return (f"From: Mona <mona@example.com>\r\nTo: support@shop.example\r\n"
            f"Subject: {subject}\r\nMessage-ID: <m{number}@example.com>\r\n\r\n"
            f"body {number}\r\n").encode()


# --- the mailboxes file -----------------------------------------------------------

def test_a_full_mailboxes_file_reads_with_defaults_and_passwords_from_the_environment():
    support, sales = parse_mailboxes(FULL, environ=ENV)
    assert (support.imap_port, support.imap_security, support.imap_username) == \
        (993, "tls", "support@shop.example")
    assert (support.imap_folder, support.imap_done_folder) == ("INBOX", "Dalil")
    assert (support.smtp_port, support.smtp_security) == (587, "starttls")
    assert (support.imap_password, support.smtp_password) == ("imap-secret", "smtp-secret")
    assert support.lang == "en" and support.reads_mail
    # Without imap_host the mailbox only sends (its mail comes by webhook).
    assert not sales.reads_mail and (sales.smtp_port, sales.lang) == (465, "ar")
    assert sales.smtp_username == "" and sales.display_name == ""


def test_passwords_stay_out_of_the_mailbox_repr():
    support = parse_mailboxes(FULL, environ=ENV)[0]
    assert "imap-secret" not in repr(support) and "smtp-secret" not in repr(support)


BROKEN = [
    ('address = "a@shop.example"\nsmtp_host = "h"', "mailbox 1: name is missing"),
    ('name = "Support!"\naddress = "a@shop.example"\nsmtp_host = "h"',
     "mailbox 'Support!': name 'Support!': a mailbox's name is lower-case"),
    ('name = "a"\nsmtp_host = "h"', "mailbox 'a': address is missing"),
    ('name = "a"\naddress = "not an address"\nsmtp_host = "h"',
     "address 'not an address': must be one e-mail address"),
    ('name = "a"\naddress = "a@shop.example"', "mailbox 'a': smtp_host is missing"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nsmtp_security = "ssl"',
     'smtp_security \'ssl\': write "tls", "starttls" or "none"'),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "smtp.shop.example"\n'
     'smtp_security = "none"', "allowed only for a server on this machine"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nimap_host = "imap.example"\n'
     'imap_security = "none"\nimap_password_env = "X"', 'imap_security "none" sends'),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nimap_host = "i"\n'
     'imap_password_env = "NOT_SET_ANYWHERE"',
     "imap_password_env: the environment variable NOT_SET_ANYWHERE is not set"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nimap_host = "i"',
     "mailbox 'a': imap_password_env is missing"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nsmtp_username = "u"',
     "smtp_password_env is missing"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nimap_folder = "Box"',
     "imap_folder is set but imap_host is missing"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nsmtp_port = 70000',
     "smtp_port must be a port number"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nlang = "fr"',
     "lang 'fr': write \"ar\" or \"en\""),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\nsmtp_hots = "h"',
     "mailbox 'a': smtp_hots: unknown key"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\ndisplay_name = 3',
     "display_name must be text in quotes"),
    ('name = "a"\naddress = "a@shop.example"\nsmtp_host = "h"\ntls_ca_file = "nowhere.pem"',
     "tls_ca_file", ),
]


@pytest.mark.parametrize("entry, expected", BROKEN)
def test_a_wrong_mailbox_is_refused_naming_the_file_the_mailbox_and_the_key(entry, expected):
    with pytest.raises(MailboxesError, match="^mail.toml: ") as caught:
        parse_mailboxes("[[mailbox]]\n" + entry + "\n", environ={"X": "x"})
    assert expected in str(caught.value)


def test_plain_text_is_allowed_to_a_server_on_this_machine():
    (relay,) = parse_mailboxes('[[mailbox]]\nname = "a"\naddress = "a@shop.example"\n'
                               'smtp_host = "127.0.0.1"\nsmtp_security = "none"\n')
    assert (relay.smtp_security, relay.smtp_port) == ("none", 25)


def test_two_mailboxes_may_not_share_a_name():
    text = FULL.replace('name = "sales"', 'name = "support"')
    with pytest.raises(MailboxesError, match="mailbox 'support': name is used by another"):
        parse_mailboxes(text, environ=ENV)


@pytest.mark.parametrize("text, expected", [
    ("", "no mailboxes"),
    ('mailbox = "x"', "no mailboxes"),
    ('[mailboxes]\nname = "a"', "mailboxes: unknown key"),
    ('[[mailbox]]\nname = "a\nlang = "ar"', "line 2"),
])
def test_a_file_without_mailboxes_or_not_toml_is_refused(text, expected):
    with pytest.raises(MailboxesError, match=expected):
        parse_mailboxes(text)


def test_load_mailboxes_names_a_missing_file_and_finds_the_ca_file_beside_it(tmp_path):
    with pytest.raises(MailboxesError, match="no such mailboxes file"):
        load_mailboxes(tmp_path / "mail.toml")
    (tmp_path / "ca.pem").write_text("not checked until used\n")
    path = tmp_path / "mail.toml"
    path.write_text(FULL.replace('lang = "en"', 'lang = "en"\ntls_ca_file = "ca.pem"'),
                    encoding="utf-8")
    support = load_mailboxes(path, environ=ENV)[0]
    assert support.tls_ca_file == str(tmp_path / "ca.pem")


# --- IMAP: taking new mail --------------------------------------------------------

class Taken:
    """A handle that keeps what it is given; fails for the subjects in ``failing``."""

    def __init__(self, failing=()):
        self.mail, self.failing = [], set(failing)

    def __call__(self, raw, key):
        subject = email.message_from_bytes(raw)["Subject"]
        if subject in self.failing:
            raise RuntimeError(f"cannot store {subject}")
        self.mail.append((subject, key))

    @property
    def subjects(self):
        return [subject for subject, _ in self.mail]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_each_new_mail_is_taken_once_oldest_first_and_then_marked_seen(
        imap_server, imap_user, security):
    uids = [imap_server.deliver(imap_user, mail(f"s{n}", n)) for n in range(3)]
    mailbox = mailbox_for(imap_server, user=imap_user, imap_security=security)
    taken = Taken()
    assert take_new_mail(mailbox, taken) == 3
    assert taken.subjects == ["s0", "s1", "s2"]
    _, uidvalidity, uid = taken.mail[0][1].split(":")
    assert taken.mail[0][1].startswith("support:") and int(uid) == uids[0]
    assert all("\\Seen" in flags for flags in imap_server.flags(imap_user).values())
    # Taken already: the next round finds nothing, a new mail only.
    assert take_new_mail(mailbox, taken) == 0
    imap_server.deliver(imap_user, mail("s3", 3))
    assert take_new_mail(mailbox, taken) == 1
    assert taken.subjects[-1] == "s3" and taken.mail[-1][1].split(":")[1] == uidvalidity


def test_a_mail_is_not_marked_while_it_is_being_handled(imap_server, imap_user):
    imap_server.deliver(imap_user, mail("one"))
    seen_during = []
    handle = lambda raw, key: seen_during.append(imap_server.flags(imap_user))  # noqa: E731
    assert take_new_mail(mailbox_for(imap_server, user=imap_user), handle) == 1
    assert [list(flags.values()) for flags in seen_during] == [[()]]


def test_a_mail_whose_handling_fails_stays_unseen_and_is_taken_next_round(
        imap_server, imap_user, caplog):
    for n, subject in enumerate(["fine", "broken", "also fine"]):
        imap_server.deliver(imap_user, mail(subject, n))
    mailbox = mailbox_for(imap_server, user=imap_user)
    failing = Taken(failing={"broken"})
    with caplog.at_level(logging.ERROR, logger="bot.channels.imap"):
        assert take_new_mail(mailbox, failing) == 2
    assert failing.subjects == ["fine", "also fine"]
    assert "was not taken" in caplog.text and "cannot store broken" in caplog.text
    flags = sorted(imap_server.flags(imap_user).items())
    assert ["\\Seen" in f for _, f in flags] == [True, False, True]
    retried = Taken()
    assert take_new_mail(mailbox, retried) == 1 and retried.subjects == ["broken"]


def test_taken_mail_moves_to_the_done_folder_which_is_created(imap_server, imap_user):
    for n in range(2):
        imap_server.deliver(imap_user, mail(f"s{n}", n))
    mailbox = mailbox_for(imap_server, user=imap_user, done_folder="Dalil/Done")
    taken = Taken(failing={"s1"})
    assert take_new_mail(mailbox, taken) == 1
    assert "Dalil/Done" in imap_server.folders(imap_user)
    moved = imap_server.list_folder(imap_user, "Dalil/Done")
    assert [email.message_from_bytes(raw)["Subject"] for _, raw in moved.values()] == ["s0"]
    # Moved mail is never marked; what stayed (the failed one) is taken next round.
    assert ["\\Seen" in flags for flags, _ in moved.values()] == [False]
    assert take_new_mail(mailbox, Taken()) == 1
    assert imap_server.list_folder(imap_user) == {}


def test_a_done_folder_with_an_arabic_name_is_written_in_modified_utf7(imap_server, imap_user):
    imap_server.deliver(imap_user, mail("s"))
    mailbox = mailbox_for(imap_server, user=imap_user, done_folder="تم الرد")
    assert take_new_mail(mailbox, Taken()) == 1
    # RFC 3501 5.1.3: "تم" is U+062A U+0645, base64 of its UTF-16 "BioGRQ".
    assert "&BioGRQ- &BicGRAYxBi8-" in imap_server.folders(imap_user)


@pytest.mark.parametrize("capabilities", [{"UIDPLUS"}, set()])
def test_without_move_a_mail_is_copied_deleted_and_expunged(imap_server, imap_user,
                                                            capabilities):
    keep = imap_server.deliver(imap_user, mail("keep", 1))
    uid = imap_server.deliver(imap_user, mail("move", 2))
    with imap_server.connect(imap_user) as imap:
        imap.create("Done")
        imap.select("INBOX")
        imap_channel._move(imap, uid, "Done", capabilities, "test")
    assert list(imap_server.list_folder(imap_user)) == [keep]
    assert len(imap_server.list_folder(imap_user, "Done")) == 1


def test_the_limit_takes_the_oldest_mail_first(imap_server, imap_user):
    for n in range(4):
        imap_server.deliver(imap_user, mail(f"s{n}", n))
    mailbox = mailbox_for(imap_server, user=imap_user)
    taken = Taken()
    assert take_new_mail(mailbox, taken, limit=3) == 3
    assert take_new_mail(mailbox, taken, limit=3) == 1
    assert taken.subjects == ["s0", "s1", "s2", "s3"]


def test_mail_that_always_fails_cannot_keep_new_mail_waiting(imap_server, imap_user):
    for n, subject in enumerate(["bad one", "bad two", "new", "newer"]):
        imap_server.deliver(imap_user, mail(subject, n))
    mailbox = mailbox_for(imap_server, user=imap_user)
    taken = Taken(failing={"bad one", "bad two"})
    # A round tries at most twice its limit: here both the failing ones...
    assert take_new_mail(mailbox, taken, limit=1) == 0
    # ...which from then on wait behind the rest.
    assert take_new_mail(mailbox, taken, limit=1) == 1
    assert take_new_mail(mailbox, taken, limit=1) == 1
    assert taken.subjects == ["new", "newer"]
    assert take_new_mail(mailbox, Taken(), limit=2) == 2  # mended: they are taken


def test_a_wrong_password_says_the_login_was_refused(imap_server, imap_user):
    mailbox = mailbox_for(imap_server, user=imap_user, password="wrong")
    with pytest.raises(MailboxUnavailable, match=rf"^127.0.0.1:\d+: login refused for "
                                                 rf"{imap_user} \(.*Authentication failed"):
        take_new_mail(mailbox, Taken())


def test_a_server_that_is_down_or_untrusted_is_unavailable(imap_server, imap_user):
    down = dataclasses.replace(mailbox_for(imap_server, user=imap_user), imap_port=free_port())
    with pytest.raises(MailboxUnavailable, match=r"cannot connect \(.*refused"):
        take_new_mail(down, Taken(), timeout=2)
    untrusted = dataclasses.replace(mailbox_for(imap_server, user=imap_user), tls_ca_file="")
    with pytest.raises(MailboxUnavailable, match="certificate is not trusted .*tls_ca_file"):
        take_new_mail(untrusted, Taken())
    starttls = dataclasses.replace(untrusted, imap_security="starttls",
                                   imap_port=imap_server.imap_port)
    with pytest.raises(MailboxUnavailable, match="certificate is not trusted"):
        take_new_mail(starttls, Taken())


def test_plain_text_imap_works_to_a_server_on_this_machine(imap_server, imap_user):
    # dovecot counts a connection from its own address as secure, as Dalil does.
    imap_server.deliver(imap_user, mail("plain"))
    plain = mailbox_for(imap_server, user=imap_user, imap_security="none")
    assert take_new_mail(plain, Taken()) == 1


def test_a_send_only_mailbox_has_no_mail_to_take(smtp_server):
    with pytest.raises(MailboxUnavailable, match="arrives by webhook"):
        take_new_mail(mailbox_for(None, smtp_server), Taken())


# --- SMTP: sending ----------------------------------------------------------------

def reply(subject="رد: طلبي لم يصل", to="mona@example.com"):
    message = email.message.EmailMessage()
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<reply-1@shop.example>"
    message.set_content("مرحبا منى، طلبك في الطريق.\n")
    return message


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_mail_arrives_with_its_headers_intact(smtp_server, security):
    send_mail(mailbox_for(None, smtp_server, smtp_security=security), reply())
    (received,) = smtp_server.wait_for(1)
    assert (received.mail_from, received.rcpt_tos) == ("support@shop.example",
                                                       ("mona@example.com",))
    message = received.message
    assert message["Subject"] == "رد: طلبي لم يصل"
    assert message["Message-ID"] == "<reply-1@shop.example>"
    # No From given: the mailbox's display name and address.
    assert message["From"].addresses[0].display_name == "دعم المتجر"
    assert message["From"].addresses[0].addr_spec == "support@shop.example"
    assert message.get_content().rstrip() == "مرحبا منى، طلبك في الطريق."


def test_the_callers_message_is_left_as_it_was(smtp_server):
    message = reply()
    send_mail(mailbox_for(None, smtp_server), message)
    assert message["From"] is None


@pytest.mark.parametrize("reply_code, at, temporary", [
    ("451 4.3.0 Try again later", "RCPT", True),
    ("550 5.1.1 No such user", "RCPT", False),
    ("452 4.3.1 Insufficient storage", "DATA", True),
    ("554 5.7.1 Message rejected as spam", "DATA", False),
])
def test_a_refusal_says_whether_to_try_again(smtp_server, reply_code, at, temporary):
    smtp_server.refuse(reply_code, at=at)
    with pytest.raises(DeliveryError) as caught:
        send_mail(mailbox_for(None, smtp_server), reply())
    assert caught.value.temporary is temporary
    assert f"127.0.0.1:{smtp_server.port}" in str(caught.value)
    assert reply_code in str(caught.value)


def test_a_wrong_smtp_password_is_permanent(smtp_server):
    with pytest.raises(DeliveryError, match="login refused for support .*535") as caught:
        send_mail(mailbox_for(None, smtp_server, smtp_password="wrong"), reply())
    assert caught.value.temporary is False


def test_a_server_that_is_down_is_temporary():
    mailbox = dataclasses.replace(mailbox_for(), smtp_port=free_port())
    with pytest.raises(DeliveryError, match=r"cannot connect .*refused") as caught:
        send_mail(mailbox, reply(), timeout=2)
    assert caught.value.temporary is True


def test_an_untrusted_certificate_is_temporary_and_names_tls_ca_file(smtp_server):
    mailbox = dataclasses.replace(mailbox_for(None, smtp_server), tls_ca_file="")
    with pytest.raises(DeliveryError, match="certificate is not trusted .*tls_ca_file") as caught:
        send_mail(mailbox, reply())
    assert caught.value.temporary is True and smtp_server.received == []


def test_a_mail_without_recipients_is_refused_before_connecting():
    message = reply()
    del message["To"]
    with pytest.raises(DeliveryError, match="no To, Cc or Bcc") as caught:
        send_mail(mailbox_for(), message)
    assert caught.value.temporary is False


def test_mailboxes_file_to_real_servers(tmp_path, imap_server, imap_user, smtp_server):
    """The whole path: a mailboxes file with the password in the environment, read, used."""
    path = tmp_path / "mail.toml"
    path.write_text(textwrap.dedent(f"""\
        [[mailbox]]
        name = "support"
        address = "support@shop.example"
        imap_host = "127.0.0.1"
        imap_port = {imap_server.imap_port}
        imap_security = "starttls"
        imap_username = "{imap_user}"
        imap_password_env = "IMAP_PASSWORD"
        smtp_host = "localhost"
        smtp_port = {smtp_server.port}
        smtp_username = "support"
        smtp_password_env = "SMTP_PASSWORD"
        tls_ca_file = "{imap_server.cert}"
        """), encoding="utf-8")
    (mailbox,) = load_mailboxes(path, environ={"IMAP_PASSWORD": "secret",
                                               "SMTP_PASSWORD": "secret"})
    imap_server.deliver(imap_user, mail("hello"))
    assert take_new_mail(mailbox, Taken()) == 1
    send_mail(mailbox, reply())
    assert len(smtp_server.wait_for(1)) == 1
