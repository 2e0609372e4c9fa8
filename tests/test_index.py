"""The index on real article files: ranking, Arabic variants, keyboard layouts, the
body's vocabulary, and learning new questions without a rebuild."""
import numpy as np
import pytest

from kb.articles import load_articles
from kb.index import VIEWS, Hit, Index, build_index
from kb.vectors import Views

from conftest import write_article, write_articles


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return build_index(str(write_articles(tmp_path_factory.mktemp("articles"))))


def test_search_returns_hits_best_first_with_scores_between_0_and_1(index):
    hits = index.search("وين طلبي", limit=4)
    assert [type(h) for h in hits] == [Hit] * 4
    assert hits[0].article_id == "order-tracking"
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert hits[0].question  # the closest known question, for explanations


@pytest.mark.parametrize("question", [
    "نسيت كلمة المرور",          # MSA
    "نَسِيتُ كَلِمَةَ المُرُورِ",      # with diacritics
    "نسيت كلمه المرور",          # taa marbuta written as haa
    "نسيت الباسوورد",            # a typo
    "forgot password",          # English
])
def test_spelling_variants_find_the_same_article(index, question):
    assert index.search(question)[0].article_id == "reset-password"


def test_arabic_typed_with_the_english_layout_is_searched_as_meant(index):
    # "نسيت الباسورد" typed with the English layout active.
    reading, hits = index.lookup("ksdj hgfhs,v]")
    assert reading == "نسيت الباسورد"
    assert hits[0].article_id == "reset-password"


def test_text_as_typed_wins_over_a_gibberish_keyboard_reading(index):
    reading, _ = index.lookup("where is my order")
    assert reading == "where is my order"


def test_words_found_only_in_the_body_point_to_the_article(tmp_path):
    folder = write_articles(tmp_path / "articles")
    write_article(folder, "orders/gift-wrap.en.md", """\
        ---
        title: Can you wrap my present?
        questions:
          - can my order come as a present
        ---
        Yes: choose ribbon and a handwritten card at checkout for 10 SAR.
        """)
    index = build_index(str(folder))
    assert index.search("ribbon handwritten card")[0].article_id == "gift-wrap"


def test_learn_returns_a_new_index_that_knows_the_question(index):
    question = "الطرد تبعي وين صار"
    learned = index.learn({"shipping-costs": [question]})
    hit = learned.search(question)[0]
    assert hit.article_id == "shipping-costs"
    assert hit.learned and hit.question == question
    # The original index is untouched: indexes are immutable values.
    assert question not in index.questions
    assert question in learned.questions


def test_learned_questions_weigh_less_than_the_writers_own(index):
    learned = index.learn({"shipping-costs": ["سؤال تعلمه البوت"]})
    writers = learned.search("كم سعر التوصيل")[0]
    taught = learned.search("سؤال تعلمه البوت")[0]
    assert writers.score > taught.score


def test_learn_ignores_unknown_articles_and_known_questions(index):
    assert index.learn({"no-such-article": ["سؤال"]}) is index
    assert index.learn({"order-tracking": ["where is my order"]}) is index


def test_a_full_build_takes_learned_questions_too(tmp_path):
    articles = load_articles(str(write_articles(tmp_path / "articles")))
    index = Index(articles, learned={"return-policy": ["الجزمة طلعت صغيرة"]})
    hit = index.search("الجزمة طلعت صغيرة")[0]
    assert (hit.article_id, hit.learned) == ("return-policy", True)


def test_drafts_are_never_searched(tmp_path):
    folder = write_articles(tmp_path / "articles")
    write_article(folder, "orders/secret-sale.en.md", """\
        ---
        title: Secret sale next week
        status: draft
        ---
        Not announced yet.
        """)
    index = build_index(str(folder))
    assert "secret-sale" not in index.article_ids
    assert all(h.article_id != "secret-sale" for h in index.search("secret sale"))


def test_one_article_and_no_article_are_valid_indexes(tmp_path):
    write_article(tmp_path / "one", "only.en.md", "---\ntitle: The only article\n---\nBody.\n")
    (tmp_path / "none").mkdir()
    assert build_index(str(tmp_path / "one")).search("only article")[0].article_id == "only"
    empty = build_index(str(tmp_path / "none"))
    assert len(empty) == 0 and empty.search("anything") == []


def test_blank_text_finds_nothing(index):
    assert index.search("   ") == []


def test_the_fast_query_vector_is_the_row_a_build_gives():
    texts = ["كيف أتتبع طلبي؟", "وين طلبي الحين", "where is my order", "سياسة الإرجاع"]
    views = Views(VIEWS, binary=True, dtype=np.float32)
    matrix = views.fit_transform(texts)
    for row, text in enumerate(texts):
        indices, values = views.vector(text)
        dense = np.zeros(matrix.shape[1], dtype=np.float32)
        dense[indices] = values
        assert np.allclose(dense, matrix[row].toarray().ravel(), atol=1e-6)
        assert np.allclose(views.transform([text]).toarray().ravel(), dense, atol=1e-6)
