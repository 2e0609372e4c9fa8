"""The Arabic/English text pipeline against the test vectors of ../shared/ARABIC.md."""
import pytest

from kb.text import (CLITICS, PERSON_CLITICS, content_words, detect_language, keyboard_variants,
                     normalize, stem, stems, terms, tokens, topic_stems, without_clitic,
                     without_tanween)

ZWNJ = "\u200c"


# ARABIC.md, "Test vectors": input → expected after normalization.
@pytest.mark.parametrize("text, expected", [
    ("ﺍﻟﺒﻄﺎﻗﺔ", "البطاقه"),  # NFKC folds presentation forms, then ة → ه
    ("ﻻ", "لا"),  # the lam-alef key of the Arabic keyboard
    ("روبرـــــت", "روبرت"),  # tatweel
    ("الحمــــــد", "الحمد"),
    ("مَبنا", "مبنا"),  # diacritics
    ("ولداً", "ولدا"),
    ("ولدٌ", "ولد"),
    ("هتميّ", "هتمي"),
    ("رَحْمٰن", "رحمن"),  # superscript alef
    (f"أ{ZWNJ}ب", "اب"),  # format characters
    ("ا\u200fب\u200e", "اب"),  # RLM, LRM
    ("١٢٣٤", "1234"),  # Arabic-Indic digits
    ("۱۲۳۴", "1234"),  # Persian digits
    ("آجن", "اجن"),  # alef forms
    ("أحمد", "احمد"),
    ("إعاذ", "اعاذ"),
    ("ٱلحمد", "الحمد"),
    ("بنى", "بني"),  # alef maksura
    ("يومى", "يومي"),
    ("فاطمة", "فاطمه"),  # taa marbuta
    ("النهاردة", "النهارده"),
    ("های", "هاي"),  # Persian letters
    ("کشاندن", "كشاندن"),
    ("زادہ", "زاده"),
    ("إلغاء", "الغاء"),  # the same word after folding
    ("الغاء", "الغاء"),
    ("مسؤول", "مسوول"),  # hamza on waw
    ("كيف؟ نعم، لا؛", "كيف? نعم, لا;"),  # Arabic punctuation
    ("  Where   IS my\tORDER ", "where is my order"),  # case and white space
])
def test_normalize_matches_arabic_md_vectors(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("text", ["إلغاء", "الغاء", "الغاء", "إلـغـاء", "إِلْغَاء"])
def test_spellings_of_one_word_normalize_alike(text):
    assert normalize(text) == normalize("الغاء")


# ARABIC.md: "stem: ..." rows, checked as stem(normalize(word)).
@pytest.mark.parametrize("word, expected", [
    ("الحسن", "حسن"),  # each one-letter-plus-ال prefix
    ("والحسن", "حسن"),
    ("بالحسن", "حسن"),
    ("كالحسن", "حسن"),
    ("فالحسن", "حسن"),
    ("للاخر", "اخر"),
    ("زوجها", "زوج"),
    ("ساهدات", "ساهد"),
    ("ساهدين", "ساهد"),
    ("ساهدون", "ساهد"),
    ("كبيرة", "كبير"),
    ("مشروبات", "مشروب"),
    ("الكتاب", "كتاب"),
    ("البطاقة", "بطاق"),
    ("بطاقات", "بطاق"),
    ("والبطاقات", "بطاق"),
    ("بالبطاقة", "بطاق"),
    ("التحويلات", "تحويل"),
    ("الحساب", "حساب"),
    ("حسابي", "حساب"),
])
def test_light_stemming_matches_arabic_md_vectors(word, expected):
    assert stem(normalize(word)) == expected


def test_possessive_after_taa_marbuta_stems_like_the_plain_noun():
    # The gap ARABIC.md names: بطاقتي must meet البطاقة.
    assert stem(normalize("بطاقتي")) == stem(normalize("البطاقة"))


@pytest.mark.parametrize("word", ["متى", "على", "بدي", "ازاي", "لم", "ما", "كيف", "ليش", "مش"])
def test_protected_words_are_not_stemmed(word):
    assert stem(normalize(word)) == normalize(word)


def test_short_arabic_tokens_are_not_stemmed():
    assert stem("بيت") == "بيت"


@pytest.mark.parametrize("text", ["can't pay", "cannot pay", "I cant pay", "can’t pay"])
def test_english_negation_is_kept_as_not(text):
    words = tokens(text)
    assert "not" in words or "cannot" in words
    assert "pay" in words


def test_cant_expands_to_can_not_in_tokens_stems_and_terms():
    assert tokens("can't pay") == ["can", "not", "pay"]
    assert "not" in stems("can't pay")
    assert "not" in terms("can't pay")


@pytest.mark.parametrize("text", ["لم يصل الطلب", "الطلب مش واصل", "ما وصلني الطلب"])
def test_arabic_negation_survives_tokens_and_terms(text):
    negations = {"لم", "مش", "ما", "لا"}
    assert negations & set(tokens(text))
    assert negations & set(terms(text))


@pytest.mark.parametrize("words, expected", [
    ("refunds refunded refunding", "refund"),
    ("cancelled cancelling cancels", "cancel"),
])
def test_english_words_get_snowball_stems(words, expected):
    assert {stem(w) for w in tokens(words)} == {expected}


# ARABIC.md, "Dialect → MSA function words": whole tokens, both forms kept.
@pytest.mark.parametrize("dialect, msa", [
    ("بدي", "أريد"),  # Levantine
    ("ابغى", "أريد"),  # Gulf
    ("أبغى", "أريد"),
    ("عايز", "أريد"),  # Egyptian
    ("بغيت", "أريد"),  # Moroccan
    ("شو", "ماذا"),
    ("وش", "ماذا"),
    ("ايش", "ماذا"),
    ("وين", "أين"),
    ("فين", "أين"),
    ("ليش", "لماذا"),
    ("ليه", "لماذا"),
    ("ازاي", "كيف"),
    ("كيفاش", "كيف"),
    ("امتى", "متى"),
    ("مين", "من"),
    ("قديش", "كم"),
    ("بكام", "بكم"),
    ("لازم", "يجب"),
    ("ممكن", "يمكن"),
    ("مش", "لا"),
    ("مو", "لا"),
    ("مافي", "لا"),
    ("الحين", "الآن"),
    ("هلق", "الآن"),
    ("بكرة", "غدا"),
    ("حدا", "أحد"),
    ("عشان", "لأن"),
    ("شلون", "كيف"),  # Iraqi
    ("شكد", "كم"),
    ("شوكت", "متى"),
    ("هسه", "الآن"),
    ("اكو", "يوجد"),
    ("اكدر", "أستطيع"),
    ("فوقاش", "متى"),  # Maghrebi
    ("واش", "هل"),
    ("خاصني", "يجب"),
])
def test_dialect_words_keep_the_original_and_add_msa(dialect, msa):
    words = tokens(dialect)
    assert normalize(dialect) in words
    assert normalize(msa).split()[0] in words


def test_dialect_words_are_mapped_as_whole_tokens_only():
    # شو inside a longer word (شوكولاتة) is not the question word.
    assert normalize("ماذا") not in tokens("شوكولاتة")
    # بدي inside بديل (replacement) is not "I want".
    assert normalize("أريد") not in tokens("بديل")


@pytest.mark.parametrize("question, msa", [
    ("شفت الرسالة", "رأيت"),  # Levantine / Gulf "saw"
    ("الموبايل خربان", "معطل"),  # "broken"
    ("الموبايل خربان", "الهاتف"),  # the article kept on the equivalent
    ("بعتلي رسالة غلط", "أرسل"),  # with a pronoun attached
    ("بعتلي رسالة غلط", "خطأ"),
    ("وبعتلي كود", "أرسل"),  # a clinging conjunction
    ("الجهاز بايظ", "معطل"),  # Egyptian
    ("ضيعت الكود", "فقدت"),
    ("ملقيتش الطلب", "وجدت"),  # ما…ش as well: its negation stays too
    ("دزيت الطلب", "أرسل"),  # Iraqi / Gulf "sent"
    ("صيفطت الطلب", "أرسل"),  # Moroccan
])
def test_everyday_dialect_words_keep_the_original_and_add_msa(question, msa):
    words = tokens(question)
    assert normalize(msa) in words
    assert all(normalize(w) in words for w in question.split())


def test_everyday_words_with_an_msa_meaning_of_their_own_are_not_read_as_dialect():
    assert tokens("سكر") == [normalize("سكر")]  # sugar, not "closed"
    assert tokens("مرة واحدة") == [normalize("مرة"), normalize("واحدة")]  # once, not "very"
    assert normalize("لا") in tokens("ملقيتش الطلب")


def test_a_dialect_question_meets_an_article_written_in_msa(tmp_path):
    from kb.articles import load_articles
    from kb.index import Index
    # The customers' words share none with the writers': only their MSA readings do.
    articles = {"broken-phone": ("الهاتف معطل", ["وصلني الهاتف معطل"]),
                "lost-code": ("فقدت رمز الخصم", ["أين رمز الخصم؟"]),
                "wrong-invoice": ("الفاتورة فيها خطأ", ["مبلغ الفاتورة خطأ"])}
    for article_id, (title, questions) in articles.items():
        listed = "".join(f"  - {q}\n" for q in questions)
        (tmp_path / f"{article_id}.md").write_text(
            f"---\nid: {article_id}\ntitle: {title}\nlang: ar\nquestions:\n{listed}---\n\n"
            f"{title}.\n", encoding="utf-8")
    index = Index(load_articles(str(tmp_path)))
    assert index.search("الموبايل خربان")[0].article_id == "broken-phone"
    assert index.search("ضيعت الكوبون")[0].article_id == "lost-code"
    assert index.search("طلعت غلط")[0].article_id == "wrong-invoice"


def test_levantine_progressive_particle_is_dropped():
    assert "عم" not in tokens("عم بستنى الطلب")


@pytest.mark.parametrize("text, words", [
    ("الحساب", ["الحساب"]),
    ("الدفع؟", ["الدفع"]),
    ("the refund", ["refund"]),
    ("وين طلبي", ["وين", "طلبي"]),  # as typed: not also أين
    ("عم بستنى", ["بستني"]),
    ("stc pay", ["stc", "pay"]),
    ("", []),
])
def test_content_words_are_the_words_typed_without_glue(text, words):
    assert content_words(text) == words


@pytest.mark.parametrize("text, words", [
    ("do you have job openings?", {"job", "open"}),
    ("هل عندكم وظائف شاغرة؟", {"ظايف", "شاغر"}),
    ("وين طلبي", {"طلب"}),  # وين and the أين it reads as say nothing of the topic
    ("ابي ارجع الجزمة", {"ارجع", "جزم"}),
    ("I want to track order 12345", {"track", "order"}),
    ("ممكن تساعدني؟", {"تساعد"}),
    ("how can I do it?", set()),
    # A word whose stem is a glue word's keeps it: الكمية (quantity) stems to كم.
    ("كم الكمية المتوفرة", {"كم", "متوفر"}),
    ("يوم الاحد", {"يوم", "احد"}),
    # Arabizi glue left in Latin letters says nothing either.
    ("ana 3ayez a3raf el talab", {"a3raf", "talab"}),
])
def test_topic_stems_are_what_a_question_is_about(text, words):
    assert topic_stems(text) == words


@pytest.mark.parametrize("word, verb", [
    ("ماعنديش", "عندي"),  # Egyptian: I don't have
    ("ماجاش", "جا"),  # it didn't come
    ("ماوصلش", "وصل"),
])
def test_wraparound_negation_becomes_not_plus_verb(word, verb):
    words = tokens(word)
    assert normalize(word) in words  # the original is kept
    assert "لا" in words
    assert verb in words


@pytest.mark.parametrize("word", ["ماش", "مش", "موش"])
def test_short_negation_words_are_not_split_as_wraparound(word):
    assert tokens(word) == [normalize(word), "لا"]


@pytest.mark.parametrize("word, bare", [
    ("لموظف", "موظف"),  # ل: to, for
    ("بطلبي", "طلبي"),  # ب: with, by
    ("وليش", "ليش"),  # و: and
    ("فليش", "ليش"),  # ف: so
    ("كيف", "كيف"),  # ك is not a clitic: كيف, كلمة, كود stand alone
    ("كلمة", "كلمة"),
    ("لكم", "لكم"),  # three letters: a word, not a clitic and a root
])
def test_without_clitic_takes_off_one_clinging_preposition_or_conjunction(word, bare):
    assert without_clitic(word) == bare


def test_clitic_sets_differ_only_by_fa_and_a_longer_minimum_can_be_asked():
    assert CLITICS - PERSON_CLITICS == {"ف"} and "ك" not in CLITICS
    assert without_clitic("فموظف", PERSON_CLITICS) == "فموظف"
    assert without_clitic("بريد", min_length=5) == "بريد"


@pytest.mark.parametrize("word, bare", [
    (normalize("موظفًا"), "موظف"),  # the alef that carries tanween fath
    ("هذا", "هذا"),  # three letters keep their alef
    ("موظف", "موظف"),
])
def test_without_tanween_drops_the_final_alef_of_longer_words(word, bare):
    assert without_tanween(word) == bare


@pytest.mark.parametrize("word, msa", [("لفين", "اين"), ("وليش", "لماذا")])
def test_a_clitic_on_a_dialect_word_still_maps_it_to_msa(word, msa):
    assert msa in tokens(word)


# ARABIC.md step 12: the wrong keyboard layout.
@pytest.mark.parametrize("typed, meant", [
    ("hgf'hrm", "البطاقة"),  # Arabic typed on an English layout
    (";glm hgsv", "كلمة السر"),
    ("حشسسصخقي", "password"),  # English typed on an Arabic layout
])
def test_keyboard_variants_read_text_typed_on_the_other_layout(typed, meant):
    assert meant in keyboard_variants(typed)


@pytest.mark.parametrize("text", ["", "   ", "مرحبا؟ 🙂", "hello 😀"])
def test_keyboard_variants_are_empty_when_no_layout_applies(text):
    assert keyboard_variants(text) == []


def test_keyboard_variants_never_return_the_text_itself():
    for text in ["hello", "مرحبا", "123"]:
        assert text not in keyboard_variants(text)


@pytest.mark.parametrize("text, lang", [
    ("متى تصل بطاقتي؟", "ar"),
    ("where is my order?", "en"),
    ("وين الطلب order 123", "ar"),  # more Arabic letters than Latin
    ("my iPhone وصل", "en"),  # more Latin letters than Arabic
    ("ﺍﻟﺒﻄﺎﻗﺔ", "ar"),
])
def test_detect_language_follows_the_script_with_more_letters(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("default", ["ar", "en"])
def test_detect_language_falls_back_to_the_default_without_letters(default):
    assert detect_language("12345 ?!", default=default) == default
    assert detect_language("", default=default) == default
