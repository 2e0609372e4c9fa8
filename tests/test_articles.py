"""Loading Markdown articles from disk: defaults, drafts, and errors that name file and line."""
import pytest

from kb.articles import ArticleError, load_articles, read_article, short_answer
from conftest import write_article


def by_key(articles):
    return {(a.id, a.lang): a for a in articles}


def load_one(folder, name, text):
    """Write one article into an empty ``folder``, load the folder, return the error."""
    path = write_article(folder, name, text)
    with pytest.raises(ArticleError) as caught:
        load_articles(str(folder))
    return path, caught.value


def test_loads_every_published_article_in_both_languages(articles_dir):
    articles = load_articles(str(articles_dir))
    assert sorted(by_key(articles)) == [
        (topic, lang)
        for topic in ["order-tracking", "reset-password", "return-policy", "shipping-costs"]
        for lang in ["ar", "en"]
    ]


def test_article_fields_come_from_front_matter_and_body(articles_dir):
    article = by_key(load_articles(str(articles_dir)))[("order-tracking", "ar")]
    assert article.title == "كيف أتتبع طلبي؟"
    assert article.tags == ("orders", "tracking")
    assert article.questions == ("وين طلبي الحين", "ابي اعرف حالة الشحنة", "رابط التتبع ما يشتغل")
    assert article.status == "published"
    assert article.body.startswith("افتح «طلباتي»")
    assert article.path == str(articles_dir / "orders" / "order-tracking.ar.md")


def test_question_lines_point_at_each_question_in_the_file(articles_dir):
    article = by_key(load_articles(str(articles_dir)))[("order-tracking", "ar")]
    path = articles_dir / "orders" / "order-tracking.ar.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    assert len(article.question_lines) == len(article.questions)
    for question, line in zip(article.questions, article.question_lines):
        assert question in lines[line - 1]


def test_id_defaults_to_the_file_name_without_language_suffix(articles_dir):
    # returns/return-policy.ar.md and .en.md have no id in their front matter.
    articles = by_key(load_articles(str(articles_dir)))
    assert ("return-policy", "ar") in articles
    assert ("return-policy", "en") in articles


def test_id_defaults_to_the_file_name_when_there_is_no_suffix(tmp_path):
    write_article(tmp_path, "faq.md", """\
        ---
        title: What are your opening hours?
        ---
        We answer every day from 9 to 21.
        """)
    [article] = load_articles(str(tmp_path))
    assert article.id == "faq"


def test_lang_comes_from_the_file_name_suffix(articles_dir):
    # order-tracking.en.md has no lang key.
    articles = by_key(load_articles(str(articles_dir)))
    assert articles[("order-tracking", "en")].lang == "en"
    assert articles[("return-policy", "ar")].lang == "ar"


@pytest.mark.parametrize("title, body, lang", [
    ("كيف أغير عنواني؟", "افتح حسابي ثم العناوين.", "ar"),
    ("How do I change my address?", "Open My account, then Addresses.", "en"),
])
def test_lang_is_detected_without_key_or_suffix(tmp_path, title, body, lang):
    write_article(tmp_path, "address.md", f"---\ntitle: {title}\n---\n{body}\n")
    [article] = load_articles(str(tmp_path))
    assert article.lang == lang


def test_category_comes_from_the_sub_folder(articles_dir):
    articles = by_key(load_articles(str(articles_dir)))
    assert articles[("return-policy", "ar")].category == "returns"  # no category key
    assert articles[("order-tracking", "en")].category == "orders"
    assert articles[("shipping-costs", "en")].category == "shipping"


def test_category_in_front_matter_wins_over_the_folder(tmp_path):
    write_article(tmp_path, "returns/gift.en.md", """\
        ---
        title: Gift cards
        category: offers
        ---
        Gift cards never expire.
        """)
    [article] = load_articles(str(tmp_path))
    assert article.category == "offers"


def test_article_at_the_top_level_has_no_category(tmp_path):
    write_article(tmp_path, "hours.en.md", "---\ntitle: Opening hours\n---\nEvery day.\n")
    [article] = load_articles(str(tmp_path))
    assert article.category == ""


DRAFT = """\
    ---
    title: Our new loyalty programme
    status: draft
    ---
    Coming soon.
    """


def test_drafts_are_left_out_by_default(articles_dir):
    write_article(articles_dir, "offers/loyalty.en.md", DRAFT)
    assert "loyalty" not in {a.id for a in load_articles(str(articles_dir))}


def test_drafts_are_loaded_with_include_drafts(articles_dir):
    write_article(articles_dir, "offers/loyalty.en.md", DRAFT)
    articles = by_key(load_articles(str(articles_dir), include_drafts=True))
    draft = articles[("loyalty", "en")]
    assert draft.status == "draft"
    assert not draft.published
    assert len(articles) == 9


def test_readme_and_hidden_folders_are_not_articles(articles_dir):
    (articles_dir / "README.md").write_text("# How to write articles\n", encoding="utf-8")
    write_article(articles_dir, ".drafts/x.en.md", "not an article at all")
    assert len(load_articles(str(articles_dir))) == 8


def test_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path):
    text = "---\r\ntitle: كيف أدفع؟\r\nquestions:\r\n  - طرق الدفع\r\n---\r\nبالبطاقة أو نقدًا.\r\n"
    (tmp_path / "pay.ar.md").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    [article] = load_articles(str(tmp_path))
    assert (article.id, article.title, article.questions) == ("pay", "كيف أدفع؟", ("طرق الدفع",))
    assert article.summary == "بالبطاقة أو نقدًا."


# --- errors name the file and the line --------------------------------------------------

def assert_names(error, path, line):
    assert error.path == str(path)
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")


def test_article_error_is_a_value_error():
    assert issubclass(ArticleError, ValueError)


def test_bad_yaml_names_the_line_of_the_problem(tmp_path):
    path, error = load_one(tmp_path, "bad.en.md", """\
        ---
        title: Returns
        category: returns: extra
        ---
        Body.
        """)
    assert_names(error, path, 3)
    assert "YAML" in error.message


def test_bad_yaml_in_a_list_names_that_line(tmp_path):
    path, error = load_one(tmp_path, "bad.en.md", """\
        ---
        title: Returns
        questions:
          - how do I return
          - [unclosed
        lang: en
        ---
        Body.
        """)
    assert error.path == str(path)
    assert error.line in (5, 6)  # the unclosed list, or where the parser noticed it


def test_missing_title_is_an_error(tmp_path):
    path, error = load_one(tmp_path, "no-title.en.md", """\
        ---
        id: no-title
        questions: [where is my order]
        ---
        Body.
        """)
    assert_names(error, path, 2)
    assert "title" in error.message


@pytest.mark.parametrize("title", ['""', "'   '", "[a, b]"])
def test_empty_or_non_text_title_is_an_error(tmp_path, title):
    path, error = load_one(tmp_path, "x.en.md", f"---\nid: x\ntitle: {title}\n---\nBody.\n")
    assert_names(error, path, 3)
    assert "title" in error.message


def test_unknown_lang_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "hours.md", """\
        ---
        title: Heures d'ouverture
        lang: fr
        ---
        Tous les jours.
        """)
    assert_names(error, path, 3)
    assert "'fr'" in error.message


def test_lang_disagreeing_with_the_file_suffix_is_an_error(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", """\
        ---
        title: Opening hours
        lang: ar
        ---
        Every day.
        """)
    assert_names(error, path, 3)
    assert ".en.md" in error.message


def test_duplicate_id_and_lang_names_both_files(tmp_path):
    first = write_article(tmp_path, "a/hours.en.md", "---\ntitle: Opening hours\n---\nDaily.\n")
    second = write_article(tmp_path, "b/hours.en.md", "---\ntitle: When are you open?\n---\n9-5.\n")
    with pytest.raises(ArticleError) as caught:
        load_articles(str(tmp_path))
    message = str(caught.value)
    assert str(first) in message
    assert str(second) in message
    assert "'hours'" in message


def test_same_id_in_two_languages_is_a_translation_not_a_duplicate(tmp_path):
    write_article(tmp_path, "hours.en.md", "---\ntitle: Opening hours\n---\nDaily.\n")
    write_article(tmp_path, "hours.ar.md", "---\ntitle: أوقات العمل\n---\nيوميًا.\n")
    assert sorted(by_key(load_articles(str(tmp_path)))) == [("hours", "ar"), ("hours", "en")]


def test_unknown_key_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", """\
        ---
        title: Opening hours
        tags: [support]
        colour: blue
        ---
        Daily.
        """)
    assert_names(error, path, 4)
    assert "'colour'" in error.message


def test_unknown_status_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "x.en.md", "---\ntitle: Hours\nstatus: live\n---\nDaily.\n")
    assert_names(error, path, 3)


def test_invalid_id_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "x.en.md", "---\ntitle: Hours\nid: Opening Hours\n---\nx\n")
    assert_names(error, path, 3)


def test_empty_question_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", """\
        ---
        title: Hours
        questions:
          - when are you open
          - ""
        ---
        Daily.
        """)
    assert_names(error, path, 5)


def test_questions_must_be_a_list_of_texts(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", """\
        ---
        title: Hours
        questions:
          when: are you open
        ---
        Daily.
        """)
    assert_names(error, path, 3)


def test_related_ids_and_their_lines_come_from_front_matter(tmp_path):
    path = write_article(tmp_path, "returns/return-policy.en.md", """\
        ---
        title: What is your return policy?
        related:
          - refunds
          - exchanges
        ---
        Within 14 days.
        """)
    article = read_article(str(path), root=str(tmp_path))
    assert article.related == ("refunds", "exchanges")
    assert article.related_lines == (4, 5)


@pytest.mark.parametrize("front, related", [
    ("related: [refunds, exchanges]", ("refunds", "exchanges")),
    ("related: refunds", ("refunds",)),  # one id needs no list
    ("related: []", ()),
    ("tags: [x]", ()),  # no related key: none
])
def test_related_accepts_a_flow_list_one_id_or_nothing(tmp_path, front, related):
    path = write_article(tmp_path, "policy.en.md", f"---\ntitle: Policy\n{front}\n---\nx\n")
    article = read_article(str(path))
    assert article.related == related
    assert article.related_lines == (3,) * len(related)


def test_related_must_be_a_list_of_ids(tmp_path):
    path, error = load_one(tmp_path, "policy.en.md", """\
        ---
        title: Policy
        related:
          refunds: yes
        ---
        x
        """)
    assert_names(error, path, 3)
    assert "'related' must be a list of article ids" in error.message


def test_empty_related_id_names_its_line(tmp_path):
    path, error = load_one(tmp_path, "policy.en.md", """\
        ---
        title: Policy
        related:
          - refunds
          - ""
        ---
        x
        """)
    assert_names(error, path, 5)


def test_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "hours.ar.md"
    path.write_bytes("---\ntitle: أوقات العمل\n".encode("utf-8")
                     + b"questions: [\xff\xfe]\n---\nx\n")
    with pytest.raises(ArticleError) as caught:
        load_articles(str(tmp_path))
    assert_names(caught.value, path, 3)
    assert "UTF-8" in caught.value.message


def test_missing_front_matter_is_an_error_on_line_1(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", "# Opening hours\n\nDaily.\n")
    assert_names(error, path, 1)
    assert "front matter" in error.message


def test_unclosed_front_matter_is_an_error(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", "---\ntitle: Hours\n\nDaily.\n")
    assert_names(error, path, 1)
    assert "not closed" in error.message


def test_front_matter_that_is_not_a_mapping_is_an_error(tmp_path):
    path, error = load_one(tmp_path, "hours.en.md", "---\n- just\n- a list\n---\nDaily.\n")
    assert error.path == str(path)
    assert "key: value" in error.message


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(ArticleError, match="not a folder"):
        load_articles(str(tmp_path / "nope"))


def test_read_article_reports_the_same_errors_for_one_file(tmp_path):
    path = write_article(tmp_path, "x.en.md", "---\nlang: en\n---\nBody\n")
    with pytest.raises(ArticleError) as caught:
        read_article(str(path))
    assert caught.value.path == str(path)


# --- the short answer --------------------------------------------------------------------

def test_summary_skips_headings_and_strips_links_and_emphasis(articles_dir):
    article = by_key(load_articles(str(articles_dir)))[("return-policy", "ar")]
    assert article.summary == "يمكنك إرجاع أي منتج خلال 14 يومًا من الاستلام من صفحة طلباتي."


@pytest.mark.parametrize("body, expected", [
    ("First paragraph.\n\nSecond paragraph.", "First paragraph."),
    ("One paragraph\nover two lines.\n\nNext.", "One paragraph over two lines."),
    ("# Title\n\n## Steps\nOpen the app.", "Open the app."),
    ("\n\n  Indented start.  \n", "Indented start."),
    ("See [delivery times](article:delivery-times) for more.", "See delivery times for more."),
    ("Visit [our site](https://example.com) and [the FAQ](/faq).", "Visit our site and the FAQ."),
    ("![a box](box.png)\n\nPack it in the box.", "Pack it in the box."),
    ("| a | b |\n|---|---|\n\nAfter the table.", "After the table."),
    ("It takes **3 to 5** _working_ days, `not` more.", "It takes 3 to 5 working days, not more."),
    ("## Only a heading", ""),
    ("", ""),
])
def test_short_answer_is_the_first_paragraph_as_plain_text(body, expected):
    assert short_answer(body) == expected
