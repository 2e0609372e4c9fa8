"""kb.render: Markdown as writers use it becomes safe HTML; hostile Markdown does not."""
import pytest

from kb.render import plain_text, render


def article_url(article_id):
    return f"/ar/articles/{article_id}"


def image_url(path):
    return f"/media/{path}"


def html_of(body, base="returns"):
    return render(body, article_url=article_url, image_url=image_url, base=base)


def test_renders_headings_with_ids_lists_tables_and_code():
    html = html_of("## خطوات الإرجاع\n\n1. افتح طلباتي\n2. اضغط إرجاع\n\n- أ\n- ب\n\n"
                   "| السبب | الرسوم |\n|---|---|\n| تالف | مجانًا |\n\n```\ncode <here>\n```\n")
    assert '<h2 id="s-خطوات-الإرجاع">خطوات الإرجاع</h2>' in html
    assert "<ol>" in html and "<li>افتح طلباتي</li>" in html and "<ul>" in html
    assert "<table>" in html and "<td>تالف</td>" in html
    assert "<pre><code>code &lt;here&gt;" in html


def test_links_to_articles_by_id_become_article_pages():
    html = html_of("See [refunds](article:refunds) and [a section](article:refunds#fees).")
    assert '<a href="/ar/articles/refunds" rel="noopener noreferrer">refunds</a>' in html
    assert 'href="/ar/articles/refunds#s-fees"' in html


def test_relative_images_resolve_under_the_articles_folder():
    html = html_of("![map](img/map.png) ![up](../shipping/truck.png)")
    assert 'src="/media/returns/img/map.png"' in html
    assert 'src="/media/shipping/truck.png"' in html


def test_images_climbing_out_of_the_articles_folder_are_dropped():
    html = html_of("![x](../../etc/passwd.png)")
    assert "etc/passwd" not in html


def test_external_links_and_images_are_kept():
    html = html_of("[site](https://example.com/a) ![logo](https://example.com/logo.png)")
    assert 'href="https://example.com/a"' in html and 'src="https://example.com/logo.png"' in html


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "![x](javascript:alert(1))",
    '<form action="https://evil.example"><input name=x></form>',
    "<style>body{display:none}</style>",
    '<object data="x.swf"></object><embed src="x.swf">',
])
def test_hostile_markdown_never_reaches_the_html(hostile):
    html = html_of(f"Intro\n\n{hostile}\n\nOutro").lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "<iframe", "<svg",
                "data:text", "<form", "<input", "<style", "<object", "<embed", "style="):
        assert bad not in html
    assert "intro" in html and "outro" in html


def test_raw_ids_cannot_clobber_the_page():
    html = html_of('<h2 id="q">x</h2><a id="q-list">y</a>')
    assert 'id="q"' not in html and 'id="q-list"' not in html


def test_plain_text_keeps_the_words_only():
    text = plain_text("# Title\n\nSome **bold** and [a link](article:x).\n\n- one\n- two &amp; "
                      "<b>three</b>\n\n<script>alert(1)</script>")
    assert text == "Title Some bold and a link. one two & three"
