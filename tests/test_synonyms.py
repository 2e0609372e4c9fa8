"""Writers keep search synonyms in articles/synonyms.yml; a broken file is an error
with its place, and the groups reach help-center search."""
import pytest

from bot import Bot
from kb.articles import ArticleError, load_synonyms
from kb.lint import check
from conftest import SHIPPED_ARTICLES, write_article, write_articles


def test_no_file_means_no_synonyms(tmp_path):
    assert load_synonyms(str(tmp_path)) == ()


def test_groups_are_read_in_order(tmp_path):
    (tmp_path / "synonyms.yml").write_text("- [parcel, package]\n- [جوال, موبايل]\n",
                                           encoding="utf-8")
    assert load_synonyms(str(tmp_path)) == (("parcel", "package"), ("جوال", "موبايل"))


@pytest.mark.parametrize("text, message", [
    ("- [a, b\n", "not valid YAML"),
    ("a: b\n", "must be a list"),
    ("- [alone]\n", "two or more words"),
    ("- [a, '']\n", "two or more words"),
])
def test_a_broken_file_is_an_error_in_lint(tmp_path, text, message):
    folder = write_articles(tmp_path / "articles")
    (folder / "synonyms.yml").write_text(text, encoding="utf-8")
    with pytest.raises(ArticleError, match=message):
        load_synonyms(str(folder))
    problems = [p for p in check(str(folder)) if p.code == "invalid-synonyms"]
    assert problems and problems[0].level == "error"


def test_search_matches_a_word_through_its_synonym(tmp_path):
    folder = write_articles(tmp_path / "articles")
    write_article(folder, "orders/parcels.en.md", """\
        ---
        title: Can I send a parcel to a friend?
        ---
        Yes, any parcel can go to another address.
        """)
    word = "consignment"
    assert not Bot.from_articles(str(folder)).search(word, lang="en")
    (folder / "synonyms.yml").write_text(f"- [parcel, {word}]\n", encoding="utf-8")
    results = Bot.from_articles(str(folder)).search(word, lang="en")
    assert results and results[0].article_id == "parcels"


def test_the_shipped_synonyms_are_valid():
    assert len(load_synonyms(str(SHIPPED_ARTICLES))) >= 5
