"""bot/channels/mail.py: mails as customers' clients write them (Gmail, Outlook, Apple
Mail, phones; Arabic and English) read into an Inbound, and replies composed in the
same thread."""
import base64
import email
import email.policy
import urllib.parse

import pytest

from bot.channels import Attachment, DeliveryError, Inbound, PayloadError
from bot.channels.mail import (MAX_MAIL_BYTES, compose_reply, html_to_text, message_id,
                               read_mail, strip_reply)


def mail(body="Where is my order?", *headers, content_type="text/plain; charset=utf-8",
         sender="Mona Ali <Mona@Example.com>", encoding=None):
    """Return the bytes of a one-part mail: ``body`` (str, or bytes as they are sent),
    From ``sender`` (None for none) and the extra ``headers`` ("Name: value")."""
    lines = [f"From: {sender}"] if sender is not None else []
    lines += ["To: help@shop.example", "Subject: My order",
              "Message-ID: <m1@example.com>", "MIME-Version: 1.0",
              f"Content-Type: {content_type}", *headers]
    if encoding:
        lines.append(f"Content-Transfer-Encoding: {encoding}")
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    if encoding == "base64":
        data = base64.encodebytes(data)
    data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return "\r\n".join(lines).encode("utf-8") + b"\r\n\r\n" + data


def b64_word(text):
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


# --- The sender, subject and text ---------------------------------------------------

def test_read_plain_english_mail():
    inbound = read_mail(mail("Hello,\n\nWhere is my order 1042?\n"), mailbox="help")
    assert inbound == Inbound(channel="email", address="mona@example.com",
                              name="Mona Ali", external_id="<m1@example.com>",
                              subject="My order", text="Hello,\n\nWhere is my order 1042?",
                              mailbox="help")


def test_read_arabic_mail_in_base64_with_arabic_display_name():
    raw = mail("مرحبا، أين طلبي؟\nشكرا", f"X-Note: {b64_word('x')}",
               sender=f"{b64_word('منى علي')} <mona@example.com>", encoding="base64")
    raw = raw.replace(b"Subject: My order", f"Subject: {b64_word('سؤال عن   طلبي')}".encode())
    inbound = read_mail(raw)
    assert inbound.name == "منى علي"
    assert inbound.subject == "سؤال عن طلبي"  # whitespace collapsed
    assert inbound.text == "مرحبا، أين طلبي؟\nشكرا"


def test_read_raw_utf8_headers():
    # RFC 6532: modern clients send UTF-8 headers unencoded.
    raw = mail("hi", sender="منى <mona@example.com>").replace(
        b"Subject: My order", "Subject: طلبي".encode())
    inbound = read_mail(raw)
    assert (inbound.name, inbound.subject) == ("منى", "طلبي")


@pytest.mark.parametrize("data, charset, expected", [
    ("أين طلبي؟".encode("windows-1256"), "windows-1256", "أين طلبي؟"),
    # Declared Latin-1 but sent as UTF-8: the usual mislabel.
    ("أين طلبي؟".encode("utf-8"), "iso-8859-1", "أين طلبي؟"),
    # Declared UTF-8 but not: read with replacement, never an error.
    (b"caf\xe9 ok", "utf-8", "caf\ufffd ok"),
    # A charset Python does not know.
    ("où".encode("utf-8"), "x-unknown-charset", "où"),
    (b"plain ascii", "x-unknown-charset", "plain ascii"),
    ("شكرا".encode("utf-8"), "unknown-8bit", "شكرا"),
])
def test_read_text_in_any_charset(data, charset, expected):
    raw = mail(data, content_type=f"text/plain; charset={charset}", encoding="8bit")
    assert read_mail(raw).text == expected


def test_read_html_only_mail():
    html = """<html><head><title>Order</title><style>p {color: red}</style></head>
    <body><script>alert('x')</script><p>Hello&nbsp;team,</p>
    <div>My order &amp; my <a href="https://x.example/1">invoice</a>
    &#1605;&#1585;&#1581;&#1576;&#1575;</div>
    <div>line one<br>line two</div><ul><li>first</li><li>second</li></ul></body></html>"""
    inbound = read_mail(mail(html, content_type="text/html; charset=utf-8"))
    assert inbound.text == ("Hello team,\n\nMy order & my invoice مرحبا\nline one\nline two"
                            "\n\nfirst\nsecond")


def test_read_multipart_alternative_prefers_plain_text():
    message = email.message.EmailMessage()
    message["From"] = "mona@example.com"
    message["Message-ID"] = "<alt@example.com>"
    message.set_content("the plain text")
    message.add_alternative("<p>the <b>html</b></p>", subtype="html")
    assert read_mail(message.as_bytes()).text == "the plain text"


def test_read_multipart_alternative_html_when_no_plain():
    message = email.message.EmailMessage()
    message["From"] = "mona@example.com"
    message.set_content("<p>only <b>html</b></p>", subtype="html")
    message.make_alternative()
    assert read_mail(message.as_bytes()).text == "only html"


@pytest.mark.parametrize("html, expected", [
    ("<p>a</p><p>b</p>", "a\n\nb"),
    ("<div>a</div><div>b</div>", "a\nb"),
    ("a<br>b<br/><br/>c", "a\nb\n\nc"),
    ("<p>  lots   of\n  space  </p>", "lots of space"),
    ("<pre>keep\n  this</pre>", "keep\n  this"),
    ("<head><title>t</title><body>shown", "shown"),  # an unclosed head
    ("<p>Thanks</p><blockquote><p>old text</p></blockquote>", "Thanks\n\n> old text"),
    ("<table><tr><td>Order</td><td>1042</td></tr></table>", "Order 1042"),
    ("<noscript>x</noscript><template>y</template>z", "z"),
    ("<p>&lt;b&gt; &quot;q&quot; &#x41;</p>", '<b> "q" A'),
    ("<unclosed <p>broken", "broken"),
])
def test_html_to_text(html, expected):
    assert html_to_text(html) == expected


@pytest.mark.parametrize("html", [
    # Gmail
    ('<div dir="rtl">شكرا لكم<div><br></div><div>منى</div></div><div class="gmail_quote">'
     '<div>On Mon, 1 Jan 2024 at 10:00 Dalil &lt;help@shop.example&gt; wrote:</div>'
     '<blockquote><p>Your order left</p></blockquote></div>'),
    # Outlook
    ('<div><p class=MsoNormal dir=RTL>شكرا لكم<o:p></o:p></p><p>منى</p><div style="border:none;'
     'border-top:solid #E1E1E1 1.0pt"><p><b>From:</b> Dalil &lt;help@shop.example&gt;<br>'
     '<b>Sent:</b> Monday, January 1, 2024 10:00 AM<br><b>To:</b> Mona</p></div>'
     '<p>Your order left</p></div>'),
    # Only a blockquote below the new text.
    '<p>شكرا لكم</p><p>منى</p><blockquote type="cite"><p>Your order left</p></blockquote>',
])
def test_html_reply_keeps_only_the_new_text(html):
    text = read_mail(mail(html, content_type="text/html; charset=utf-8")).text
    assert text == "شكرا لكم\n\nمنى"


def test_text_is_cleaned():
    text = "Hello \u202eevil\u202c and \u2066iso\u2069\x00 and cafe\u0301\x1b\ttab\nend"
    assert read_mail(mail(text)).text == "Hello evil and iso and caf\u00e9\ttab\nend"


def test_bidi_controls_removed_from_name_and_subject():
    name, subject = b64_word("منى\u202e"), b64_word("\u202dطلب")
    raw = mail("hi", sender=f"{name} <mona@example.com>").replace(
        b"Subject: My order", f"Subject: {subject}".encode())
    inbound = read_mail(raw)
    assert (inbound.name, inbound.subject) == ("منى", "طلب")


# --- Quoted replies and signatures --------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # Gmail, English, one line and wrapped over two.
    ("Thanks, that worked.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Dalil <help@shop.example> "
     "wrote:\n> Your order left today.\n> Regards", "Thanks, that worked."),
    ("Thanks.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Dalil Help Desk\n<help@shop.example> "
     "wrote:\n\n> Your order left.", "Thanks."),
    # Gmail, Arabic, with and without the comma before كتب.
    ("شكرا جزيلا\n\nفي الاثنين، ١ يناير ٢٠٢٤ في ١٠:٠٠ ص، كتب دليل <help@shop.example>:\n"
     "> طلبك في الطريق", "شكرا جزيلا"),
    ("وصل الطلب\n\n\u200fفي 1 يناير 2024 كتب Dalil <help@shop.example>:\u200f\n> نص",
     "وصل الطلب"),
    ("تم\n\nفي الأحد، 3 مارس 2024 10:15 ص،\nكتب دليل <help@shop.example>:\n> نص", "تم"),
    # Outlook, English and Arabic.
    ("Still waiting.\n\n-----Original Message-----\nFrom: Dalil\nSent: Monday\n\nold",
     "Still waiting."),
    ("ما زلت أنتظر\n\n-----الرسالة الأصلية-----\nمن: دليل\nنص قديم", "ما زلت أنتظر"),
    ("Please call me.\n\n________________________________\nFrom: Dalil <help@shop.example>\n"
     "Sent: Monday, 1 January 2024 10:00\nTo: Mona\nSubject: Re: order\n\nold text",
     "Please call me."),
    ("Please call me.\n\nFrom: Dalil <help@shop.example>\nSent: Monday\nold",
     "Please call me."),
    ("أرجو الاتصال بي\n\nمن: دليل <help@shop.example>\nأُرسلت: الاثنين، 1 يناير 2024\n"
     "إلى: منى\nالموضوع: طلبي\n\nنص قديم", "أرجو الاتصال بي"),
    ("أرجو الاتصال\n\n*من:* دليل\n*التاريخ:* الاثنين\nنص قديم", "أرجو الاتصال"),
    # Quotes: a trailing block goes, one followed by new text stays.
    ("I agree.\n\n> old line one\n> old line two\n>\n", "I agree."),
    ("> Is it paid?\nYes, it is.\n> And shipped?\nNot yet.", "> Is it paid?\nYes, it is.\n"
     "> And shipped?\nNot yet."),
    # Signatures.
    ("See you.\n-- \nMona Ali\nAcme Ltd", "See you."),
    ("See you.\n--\nMona", "See you."),
    ("Where is it?\n\nSent from my iPhone", "Where is it?"),
    ("Where is it?\n\nSent from my Samsung Galaxy smartphone.", "Where is it?"),
    ("Where is it?\n\nGet Outlook for Android", "Where is it?"),
    ("Where is it?\n\nSent from Mail for Windows 10", "Where is it?"),
    ("أين هو؟\n\nأرسلت من iPhone", "أين هو؟"),
    ("أين هو؟\n\nأُرسلت من الـ iPhone الخاص بي", "أين هو؟"),
    ("أين هو؟\n\nمرسل من هاتفي", "أين هو؟"),
    # What only looks like a reply header or signature stays.
    ("On my last order you wrote:\nit would come Monday.", "On my last order you wrote:\n"
     "it would come Monday."),
    ("في طلبي السابق كتبت لكم:\nالعنوان خطأ", "في طلبي السابق كتبت لكم:\nالعنوان خطأ"),
    ("I sent from my account 500 SAR.\nSent from my account too", "I sent from my account "
     "500 SAR.\nSent from my account too"),
    ("أرسلت من حسابي مبلغ 500 ريال", "أرسلت من حسابي مبلغ 500 ريال"),
    ("a -- b\n---\nc", "a -- b\n---\nc"),
    ("", ""),
])
def test_strip_reply(text, expected):
    assert strip_reply(text) == expected


def test_strip_reply_handles_crlf():
    assert strip_reply("Yes\r\n\r\nOn 1 Jan 2024, Dalil wrote:\r\n> q") == "Yes"


def test_reply_that_only_quotes_keeps_the_quote():
    text = "On Mon, 1 Jan 2024 at 10:00 Dalil <help@shop.example> wrote:\n> Your order left."
    assert read_mail(mail(text)).text == text


# --- Threading ----------------------------------------------------------------------

@pytest.mark.parametrize("headers, expected", [
    ((), ()),
    (("In-Reply-To: <b@x>",), ("<b@x>",)),
    (("References: <a@x> <b@x>", "In-Reply-To: <c@x>"), ("<a@x>", "<b@x>", "<c@x>")),
    (("References: <a@x>\r\n <b@x>", "In-Reply-To: <b@x>"), ("<a@x>", "<b@x>")),
    (("References: <a@x> <a@x> junk <b@x>",), ("<a@x>", "<b@x>")),
    (("In-Reply-To: <b@x> (Mona's message of Monday)",), ("<b@x>",)),
])
def test_references_oldest_first(headers, expected):
    assert read_mail(mail("hi", *headers)).references == expected


def test_missing_message_id_gives_the_same_derived_id():
    raw = mail("hi").replace(b"Message-ID: <m1@example.com>\r\n", b"")
    first, second = read_mail(raw).external_id, read_mail(raw).external_id
    assert first == second
    assert first.startswith("<") and first.endswith("@dalil.invalid>") and len(first) == 80
    assert read_mail(raw + b"more").external_id != first


def test_message_id_kept_as_written():
    raw = mail("hi").replace(b"<m1@example.com>", b"  <CAF+x=Y@mail.gmail.com>  ")
    assert read_mail(raw).external_id == "<CAF+x=Y@mail.gmail.com>"


# --- Who should not be answered -----------------------------------------------------

@pytest.mark.parametrize("headers, sender, expected", [
    ((), "mona@example.com", ""),
    (("Auto-Submitted: auto-replied",), "mona@example.com", "auto-submitted"),
    (("Auto-Submitted: auto-generated; owner-email=x@y.z",), "mona@example.com",
     "auto-submitted"),
    (("Auto-Submitted: no",), "mona@example.com", ""),
    (("Auto-Submitted: No ",), "mona@example.com", ""),
    ((), "MAILER-DAEMON@mx.example.com", "bounce"),
    ((), "postmaster@example.com", "bounce"),
    (("Return-Path: <>",), "mona@example.com", "bounce"),
    (("Return-Path: <mona@example.com>",), "mona@example.com", ""),
    (("X-Autoreply: yes",), "mona@example.com", "auto-reply"),
    (("X-Autorespond: Out of office",), "mona@example.com", "auto-reply"),
    (("X-Auto-Response-Suppress: All",), "mona@example.com", "auto-reply"),
    (("X-Auto-Response-Suppress: DR, OOF, AutoReply",), "mona@example.com", "auto-reply"),
    (("X-Auto-Response-Suppress: DR",), "mona@example.com", ""),
    (("Precedence: auto_reply",), "mona@example.com", "auto-reply"),
    (("List-Id: <news.shop.example>",), "mona@example.com", "list"),
    (("List-Unsubscribe: <mailto:u@x.example>",), "mona@example.com", "list"),
    (("Precedence: bulk",), "mona@example.com", "list"),
    (("Precedence: junk",), "mona@example.com", "list"),
    (("Precedence: list",), "mona@example.com", "list"),
])
def test_automatic_mail_by_headers(headers, sender, expected):
    assert read_mail(mail("hi", *headers, sender=sender)).automatic == expected


@pytest.mark.parametrize("subject, expected", [
    ("Auto: I am away", "auto-reply"),
    ("Automatic reply: My order", "auto-reply"),
    ("Out of Office until Monday", "auto-reply"),
    ("رد تلقائي: طلبي", "auto-reply"),
    ("About my automatic reply settings", ""),
])
def test_automatic_mail_by_subject(subject, expected):
    raw = mail("hi").replace(b"Subject: My order", f"Subject: {b64_word(subject)}".encode())
    assert read_mail(raw).automatic == expected


def test_delivery_report_is_a_bounce():
    raw = mail("--b\r\nContent-Type: text/plain\r\n\r\nDelivery failed\r\n--b\r\n"
               "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n"
               "\r\nFinal-Recipient: rfc822; x@y.z\r\nAction: failed\r\n--b--\r\n",
               content_type='multipart/report; report-type=delivery-status; boundary="b"')
    inbound = read_mail(raw)
    assert (inbound.automatic, inbound.text, inbound.attachments) == (
        "bounce", "Delivery failed", ())


# --- Attachments --------------------------------------------------------------------

def mail_with_attachments(*files, text="See attached."):
    """Return the bytes of a multipart/mixed mail with ``files`` (filename, data,
    maintype, subtype[, disposition]) attached."""
    message = email.message.EmailMessage()
    message["From"] = "mona@example.com"
    message["Subject"] = "files"
    message.set_content(text)
    for filename, data, maintype, subtype, *disposition in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                               disposition=disposition[0] if disposition else "attachment")
    return message.as_bytes()


def test_attachments_small_kept_big_without_data():
    raw = mail_with_attachments(("receipt.pdf", b"%PDF-1.4 small", "application", "pdf"),
                                ("photo.jpg", b"\xff" * 2000, "image", "jpeg"))
    inbound = read_mail(raw, max_attachment_bytes=1000)
    assert inbound.text == "See attached."
    assert inbound.attachments == (
        Attachment("receipt.pdf", "application/pdf", 14, b"%PDF-1.4 small"),
        Attachment("photo.jpg", "image/jpeg", 2000, None))


def test_inline_image_with_filename_is_an_attachment():
    raw = mail_with_attachments(("pasted.png", b"\x89PNG", "image", "png", "inline"))
    assert read_mail(raw).attachments == (Attachment("pasted.png", "image/png", 4, b"\x89PNG"),)


@pytest.mark.parametrize("filename, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\mona\\invoice.pdf", "invoice.pdf"),
    ("..", "attachment-1"),
    (".bashrc", "bashrc"),
    ("bad\u202egnp.exe", "badgnp.exe"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_attachment_filenames_made_safe(filename, expected):
    raw = mail_with_attachments((filename, b"data", "application", "octet-stream"))
    assert read_mail(raw).attachments[0].filename == expected


def test_mail_that_is_only_a_file():
    raw = mail(base64.b64decode("JVBERg=="), content_type="application/pdf")
    inbound = read_mail(raw)
    assert (inbound.text, inbound.attachments) == (
        "", (Attachment("attachment-1", "application/pdf", 4, b"%PDF"),))


def test_attachment_without_filename_gets_one():
    raw = mail("--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
               "Content-Type: application/pdf\r\nContent-Disposition: attachment\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--b--\r\n",
               content_type='multipart/mixed; boundary="b"')
    assert read_mail(raw).attachments == (
        Attachment("attachment-1", "application/pdf", 4, b"%PDF"),)


@pytest.mark.parametrize("disposition", [
    # RFC 2231, as Thunderbird and Apple Mail write it.
    "attachment; filename*=utf-8''" + urllib.parse.quote("فاتورة الطلب.pdf"),
    # RFC 2047 inside the quotes, as Gmail and Outlook write it.
    f'attachment; filename="{b64_word("فاتورة الطلب.pdf")}"',
    # Raw UTF-8.
    'attachment; filename="فاتورة الطلب.pdf"',
])
def test_arabic_attachment_filename(disposition):
    raw = mail(f"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n"
               f"Content-Type: application/pdf\r\nContent-Disposition: {disposition}\r\n"
               f"\r\n%PDF\r\n--b--\r\n", content_type='multipart/mixed; boundary="b"')
    assert read_mail(raw).attachments[0].filename == "فاتورة الطلب.pdf"


def test_attached_mail_is_one_attachment():
    inner = mail("the forwarded mail")
    message = email.message.EmailMessage()
    message["From"] = "mona@example.com"
    message.set_content("Forwarding this.")
    message.add_attachment(email.message_from_bytes(inner, policy=email.policy.default),
                           filename="old.eml")
    inbound = read_mail(message.as_bytes())
    assert inbound.text == "Forwarding this."
    [attachment] = inbound.attachments
    assert (attachment.filename, attachment.content_type) == ("old.eml", "message/rfc822")
    assert b"the forwarded mail" in attachment.data


# --- Bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"  \r\n ", "empty"),
    ("From: a@b.c\r\n\r\nhi", "bytes"),
    (None, "bytes"),
    (b"just some garbage bytes without headers", "From"),
    (bytes(range(256)) * 4, "From"),
    (b"\x00\xff\xfe" * 1000, "From"),
    (mail("hi", sender=None), "From"),
    (mail("hi", sender="Mona"), "From"),
    (mail("hi", sender="<>"), "From"),
    (mail("hi", sender="mona@localhost"), "From"),
    (mail("hi", sender="=?utf-8?b?!!!?= <"), "From"),
])
def test_bad_input_raises_payload_error(raw, reason):
    with pytest.raises(PayloadError, match=reason):
        read_mail(raw)


def test_too_big_mail_refused():
    with pytest.raises(PayloadError, match="too big"):
        read_mail(b"x" * (MAX_MAIL_BYTES + 1))


def test_odd_headers_do_not_raise():
    raw = mail("hi", "References: <<<>>> <a@x", "In-Reply-To: \x00",
               "Auto-Submitted: =?bad?q?x?=", "Return-Path: <<>")
    inbound = read_mail(raw.replace(b"Message-ID: <m1@example.com>", b"Message-ID: ("))
    assert inbound.address == "mona@example.com"
    assert inbound.references == ()


# --- Composing ----------------------------------------------------------------------

def test_compose_reply_headers():
    reply = compose_reply(sender="help@shop.example", to="mona@example.com",
                          subject="My order", text="It left today.",
                          references=("<a@x>", "<b@x>"), name="Dalil", domain="shop.example")
    assert reply["From"] == "Dalil <help@shop.example>"
    assert reply["To"] == "mona@example.com"
    assert reply["Subject"] == "Re: My order"
    assert reply["In-Reply-To"] == "<b@x>"
    assert reply["References"] == "<a@x> <b@x>"
    assert reply["Auto-Submitted"] is None
    assert reply["Date"] is not None
    assert message_id(reply).endswith("@shop.example>")
    assert reply.get_content_type() == "text/plain"
    assert reply.get_content() == "It left today.\n"


def test_compose_reply_gives_each_reply_its_own_message_id():
    made = {message_id(compose_reply(sender="h@shop.example", to="m@example.com",
                                     subject="s", text="t")) for _ in range(3)}
    assert len(made) == 3


@pytest.mark.parametrize("subject, expected", [
    ("My order", "Re: My order"),
    ("Re: My order", "Re: My order"),
    ("RE: re:  My order", "Re: My order"),
    ("AW: Bestellung", "Re: Bestellung"),
    ("رد: طلبي", "Re: طلبي"),
    ("Fwd: My order", "Re: Fwd: My order"),
    ("", "Re:"),
    ("line\r\nBcc: x@y.z", "Re: line Bcc: x@y.z"),  # no header injection
])
def test_compose_reply_subject(subject, expected):
    reply = compose_reply(sender="h@shop.example", to="m@example.com", subject=subject,
                          text="t")
    assert reply["Subject"] == expected
    assert reply["Bcc"] is None


def test_compose_reply_automatic_is_auto_submitted():
    reply = compose_reply(sender="h@shop.example", to="m@example.com", subject="s",
                          text="t", automatic=True)
    assert reply["Auto-Submitted"] == "auto-replied"
    assert read_mail(reply.as_bytes()).automatic == "auto-submitted"


def test_compose_reply_caps_references():
    ids = tuple(f"<{n}@x>" for n in range(30))
    reply = compose_reply(sender="h@shop.example", to="m@example.com", subject="s",
                          text="t", references=ids)
    assert reply["References"].split() == list(ids[-20:])
    assert reply["In-Reply-To"] == "<29@x>"


def test_arabic_reply_round_trips():
    reply = compose_reply(sender="help@shop.example", to="Mona@Example.com",
                          subject="سؤال عن طلبي", text="مرحبا منى،\nطلبك في الطريق.\n",
                          references=("<first@example.com>", "<m1@example.com>"),
                          name="دليل")
    raw = reply.as_bytes()
    assert raw.isascii()  # 7-bit safe: encoded words and a transfer encoding
    inbound = read_mail(raw)
    assert inbound.name == "دليل"
    assert inbound.address == "help@shop.example"
    assert inbound.subject == "Re: سؤال عن طلبي"
    assert inbound.text == "مرحبا منى،\nطلبك في الطريق."
    assert inbound.external_id == message_id(reply)
    assert inbound.references == ("<first@example.com>", "<m1@example.com>")
    assert email.message_from_bytes(raw, policy=email.policy.default)["In-Reply-To"] \
        == "<m1@example.com>"


@pytest.mark.parametrize("sender, to", [
    ("not an address", "m@example.com"),
    ("h@shop.example", ""),
    ("h@shop.example", None),
])
def test_compose_reply_refuses_bad_addresses(sender, to):
    with pytest.raises(DeliveryError, match="not an e-mail address") as caught:
        compose_reply(sender=sender, to=to, subject="s", text="t")
    assert caught.value.temporary is False


def test_message_id_of_message_without_one():
    assert message_id(email.message.EmailMessage()) == ""


def test_the_size_limit_is_the_callers_to_set():
    raw = b"From: a@example.com\r\nSubject: x\r\n\r\n" + b"x" * 2000
    assert read_mail(raw, max_mail_bytes=4000).text.startswith("x")
    with pytest.raises(PayloadError, match="too big"):
        read_mail(raw, max_mail_bytes=1000)
