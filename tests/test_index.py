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


@pytest.mark.parametrize("view", ["stems", "terms", "stem_ngrams", "text_ngrams"])
@pytest.mark.parametrize("binary", [True, False])
def test_views_are_scikit_learns_tfidf_vectors(view, binary):
    """kb.vectors computes TfidfVectorizer's vectors without it: the same features, the
    same weights (columns matched by feature name)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kb.text import normalize, stems, terms
    texts = [q for a in load_articles("articles") for q in (a.title, *a.questions)][:400]
    if view in ("stems", "terms"):
        reference = TfidfVectorizer(analyzer={"stems": stems, "terms": terms}[view],
                                    binary=binary)
    else:
        preprocessor = ((lambda t: " ".join(stems(t))) if view == "stem_ngrams" else normalize)
        reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), binary=binary,
                                    preprocessor=preprocessor)
    expected = reference.fit_transform(texts).toarray()
    views = Views([view], binary=binary)
    got = views.fit_transform(texts).toarray()
    vocabulary = views._parts[0].vocabulary
    assert set(vocabulary) == set(reference.vocabulary_)
    columns = [vocabulary[name] for name in reference.get_feature_names_out()]
    assert np.allclose(got[:, columns], expected, atol=1e-9)


def test_several_views_are_each_unit_length_then_the_whole_row():
    texts = ["كيف أتتبع طلبي؟", "where is my order", "؟", "سياسة الإرجاع والاستبدال"]
    views = Views(VIEWS)
    matrix = views.fit_transform(texts).toarray()
    offsets = np.cumsum([0] + [part.size for part in views._parts])
    for row in matrix:
        blocks = [row[a:b] for a, b in zip(offsets[:-1], offsets[1:])]
        present = [np.linalg.norm(b) for b in blocks if np.linalg.norm(b) > 0]
        assert np.allclose(present, 1 / np.sqrt(len(present))) if present else not row.any()


def test_a_help_center_too_big_for_the_classifier_is_ranked_by_centroids(tmp_path):
    """Above classifier_articles the index trains no classifier (its weights grow with
    articles x features) and still ranks by the articles' centroids."""
    from kb.index import IndexSettings
    folder = write_articles(tmp_path / "articles")
    big = build_index(str(folder), settings=IndexSettings(classifier_articles=2))
    coef, _ = big._classifier
    assert not isinstance(coef, np.ndarray)  # sparse centroids, not dense weights
    assert big.search("وين طلبي")[0].article_id == "order-tracking"
    assert big.search("I forgot my password")[0].article_id == "reset-password"
    assert all(0 <= hit.score <= 1 for hit in big.search("كيف ارجع المنتج", limit=5))


def test_an_index_loaded_from_its_pickle_needs_no_scikit_learn(tmp_path):
    """Loading and searching a built index imports no scikit-learn (a second of start-up
    for `dalil ask` and every worker): only training does."""
    import pathlib
    import pickle
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parents[1]
    path = tmp_path / "index.pickle"
    path.write_bytes(pickle.dumps(build_index(str(write_articles(tmp_path / "a")))))
    script = ("import pickle, sys; index = pickle.load(open(sys.argv[1], 'rb')); "
              "hits = index.search('وين طلبي'); "
              "print(hits[0].article_id, 'sklearn' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, check=True, cwd=root)
    assert done.stdout.split() == ["order-tracking", "False"]
