"""kb.roots: Arabic roots by general morphology, and the index's root view."""
import dataclasses

import pytest

from kb.articles import Article
from kb.index import Index, IndexSettings
from kb.roots import READINGS, candidates, root, roots
from kb.text import normalize


@pytest.mark.parametrize("word, expected", [
    # the article, pronouns, plurals and taa marbuta come off
    ("التحويلات", "حول"), ("بطاقتي", "بطق"), ("والبطاقات", "بطق"), ("بالبطاقة", "بطق"),
    ("حساباته", "حسب"), ("الرسوم", "رسم"), ("الموظفين", "وظف"), ("رجعت", "رجع"),
    # derivation patterns: tafʿīl, istifʿāl, ifʿāl, mafʿūl, mustafʿil, iftaʿal, fāʿil
    ("تحويل", "حول"), ("استرجاع", "رجع"), ("ارجاع", "رجع"), ("معلومات", "علم"),
    ("مسروقة", "سرق"), ("مستخدم", "خدم"), ("يستخدم", "خدم"), ("اشتغل", "شغل"),
    ("استلمت", "سلم"), ("مرتجع", "رجع"), ("كاتب", "كتب"), ("تكرار", "كرر"),
    # imperfect verbs, with the dialect progressive and future particles
    ("يرجع", "رجع"), ("يحول", "حول"), ("بيشتغل", "شغل"), ("حيوصل", "وصل"),
    ("اتحقق", "حقق"),
    # broken plurals meet their singulars
    ("مبالغ", "بلغ"), ("مبلغ", "بلغ"), ("فواتير", "فتر"), ("فاتورتي", "فتر"),
    ("مكاتب", "كتب"), ("كتاب", "كتب"), ("المكتبة", "كتب"),
    # the two roots ARABIC.md names as root stemmers' failures
    ("المرور", "مرر"),
    # a clinging preposition or conjunction, when the word reads no other way
    ("لحسابي", "حسب"), ("وبطاقتي", "بطق"),
])
def test_root_of_a_word(word, expected):
    assert root(normalize(word)) == expected


@pytest.mark.parametrize("word", ["طلب", "كود", "من", "ab", "", "1234"])
def test_short_and_non_arabic_words_are_their_own_root(word):
    assert root(word) == word


def test_an_ambiguous_word_has_both_readings_best_first():
    # تزوج: the noun pattern فعول, or ت + زوج (form V); الموظفين has one reading.
    assert candidates(normalize("تزوجت")) == ("تزج", "زوج")
    assert candidates(normalize("الموظفين")) == ("وظف",)


def test_roots_of_a_text_keep_content_words_only():
    # ابغى (dialect "I want") and its MSA أريد, كيف and لا are left to the other views.
    assert roots("ابغى استرجع المبالغ كيف لا") == ("رجع", "بلغ")
    assert roots("where is my refund") == ()


def test_roots_keep_at_most_readings_a_word():
    assert all(len(candidates(normalize(w))) >= 1 for w in ["تزوجت", "ناسي"])
    assert len(roots("ناسي")) == min(READINGS, len(candidates("ناسي")))


def _article(article_id, title):
    return Article(id=article_id, lang="ar", title=title, body="", path=f"{article_id}.md")


ARTICLES = [_article("refund", "ارجاع مبلغ"), _article("transfer", "تحويل الى حساب اخر"),
            _article("card", "تفعيل بطاقة"), _article("stolen", "سرقة الهاتف"),
            _article("bill", "فواتير الشهر"), _article("pin", "تغيير الرقم السري")]


@pytest.mark.parametrize("question, expected", [
    ("يحولوا", "transfer"),  # without roots: the bills (the letters و and ل)
    ("مسروق", "stolen"),  # without roots: a tie with the refund
    ("المبالغ", "refund"), ("استرجعت", "refund"), ("فاتورتي", "bill"), ("مفعلة", "card"),
])
def test_index_finds_the_title_a_derived_form_shares_a_root_with(question, expected):
    assert Index(ARTICLES).search(question)[0].article_id == expected


def test_without_the_root_view_the_other_views_still_match():
    without = Index(ARTICLES, settings=IndexSettings(root_view=False))
    assert without.search("يحولوا")[0].article_id == "bill"
    assert without.search("تحويل")[0].article_id == "transfer"


def test_root_view_is_left_out_when_articles_have_many_phrasings():
    # Two questions an article are "many" for a regression that trains on one: the SVM
    # takes over, and the roots with it are left out, as for ar-dev-full.
    articles = [Article(id=a.id, lang="ar", title=a.title, body="", path=a.path,
                        questions=("سؤال اول عن " + a.title, "سؤال ثان عن " + a.title))
                for a in ARTICLES]
    settings = IndexSettings(classifier_questions=1)
    many = Index(articles, settings=settings)
    without = Index(articles, settings=dataclasses.replace(settings, root_view=False))
    for question in ("يحولوا", "مسروق", "استرجعت"):
        hits, expected = many.search(question), without.search(question)
        # (Leaving the root view out by setting or because the SVM takes over builds the
        # same features, and the SVM visits rows in a fixed order: the scores agree.)
        assert [h.article_id for h in hits] == [h.article_id for h in expected]
        assert [h.score for h in hits] == pytest.approx([h.score for h in expected], abs=1e-3)
