"""The Bot contract: what every reply carries, how it treats bad input, and which shipped
article real customer questions must find."""
import pytest

import bot as bot_module
from bot import Bot, InvalidQuestion, Thresholds
from bot.messages import message
from kb.text import ARABIC_LETTER, detect_language, normalize
from conftest import SHIPPED_ARTICLES, write_article, write_articles

ACTIONS = {"answer", "suggest", "escalate", "smalltalk"}


def assert_contract(reply, article_ids):
    """Everything issue 2 promises about a Reply, whatever the action."""
    assert reply.action in ACTIONS
    assert (reply.article_id is not None) == (reply.action == "answer")
    if reply.article_id is not None:
        assert reply.article_id in article_ids
        assert reply.article_id == reply.candidates[0][0]
    assert isinstance(reply.candidates, list)
    assert 1 <= len(reply.candidates) <= 5
    ids = [aid for aid, _ in reply.candidates]
    scores = [score for _, score in reply.candidates]
    assert set(ids) <= article_ids
    assert len(set(ids)) == len(ids)
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert reply.lang in ("ar", "en")
    assert reply.text.strip()
    assert reply.reason.strip()
    assert detect_language(reply.text) == reply.lang
    if reply.lang == "ar":
        assert ARABIC_LETTER.search(reply.text)
    else:
        assert not ARABIC_LETTER.search(reply.text)


# --- the contract on the shipped help center ---------------------------------------------

@pytest.mark.parametrize("question, lang, action", [
    ("متى بيوصلني الطلب تبعي", "ar", "answer"),
    ("how do I cancel an order", "en", "answer"),
    ("what's the weather in Riyadh tomorrow", "en", "escalate"),
    ("وش رايك في مباراة الهلال", "ar", "escalate"),
    ("أبغى أكلم موظف", "ar", "escalate"),
    ("talk to a human", "en", "escalate"),
    ("مرحبا", "ar", "smalltalk"),
    ("thanks!", "en", "smalltalk"),
])
def test_reply_keeps_the_contract(shipped_bot, question, lang, action):
    reply = shipped_bot.ask(question)
    assert_contract(reply, set(shipped_bot.index.article_ids))
    assert (reply.action, reply.lang) == (action, lang)


def test_answer_gives_the_articles_short_answer_in_the_customers_language(shipped_bot):
    reply = shipped_bot.ask("how do I cancel an order")
    article = shipped_bot.article("cancel-order", "en")
    assert (reply.action, reply.article_id) == ("answer", "cancel-order")
    assert reply.text == article.summary
    assert reply.title == article.title
    assert reply.reason == "confident match"


@pytest.mark.parametrize("question, lang", [
    ("أبغى أكلم موظف", "ar"),  # Gulf
    ("بدي احكي مع حدا", "ar"),  # Levantine
    ("عايز اكلم حد من خدمة العملاء", "ar"),  # Egyptian
    ("أريد التحدث مع موظف", "ar"),  # MSA
    ("talk to a human", "en"),
    ("I want to speak to an agent", "en"),
])
def test_asking_for_a_person_escalates(shipped_bot, question, lang):
    reply = shipped_bot.ask(question)
    assert (reply.action, reply.reason, reply.lang) == ("escalate", "asked for a person", lang)
    assert reply.article_id is None
    assert reply.text == message("escalate_person", lang)
    assert reply.candidates  # still filled: an agent sees what the bot would have offered


@pytest.mark.parametrize("question", [
    "what's the weather in Riyadh tomorrow",
    "who won the world cup",
    "هل عندكم وظائف شاغرة",
    "ما عاصمة فرنسا",
])
def test_question_no_article_covers_escalates(shipped_bot, question):
    reply = shipped_bot.ask(question)
    assert reply.action == "escalate"
    assert reply.reason != "asked for a person"
    assert reply.text == message("escalate_no_match", reply.lang)


# Over a handful of articles every question is near one of them (the classifier's
# probabilities add up to one): each of these was answered, confidently, before an answer
# needed a word in common with its article.
@pytest.mark.parametrize("question", [
    "my dog is sick", "how do I cook rice", "can I pay with bitcoin",
    "do you have job openings?", "كيف اطبخ الرز", "ابي اشتري سيارة مستعملة",
    "هل عندكم وظائف شاغرة؟",
])
def test_a_question_sharing_no_word_with_the_small_help_center_goes_to_a_person(bot, question):
    reply = bot.ask(question)
    assert reply.action == "escalate" and reply.reason in ("no word in common", "no match")
    assert reply.text == message("escalate_no_match", reply.lang)


def test_a_learned_question_gives_its_article_the_words_it_shares(articles_dir):
    from kb.index import Hit
    question, tracking = "my parcel went to the neighbours", [Hit("order-tracking", 0.5, "")]
    index = Bot.from_articles(str(articles_dir)).index
    assert index.sharing_a_word(question, tracking) == []
    taught = index.learn({"order-tracking": ["the courier gave my parcel to the neighbours"]})
    assert taught.sharing_a_word(question, tracking) == tracking


@pytest.mark.parametrize("question", ["how much?", "where is it", "how much is it?"])
def test_a_question_with_no_word_that_says_its_topic_gets_suggestions_at_most(bot, question):
    reply = bot.ask(question)
    assert reply.action != "answer"
    if reply.action == "suggest":
        assert reply.reason in ("no topic word", "articles too close", "low confidence")


@pytest.mark.parametrize("question, article_id", [
    ("forgot my pasword", "reset-password"),  # a slip of the article's word
    ("how much is shiping", "shipping-costs"),
    ("ابي ارجع الجزمة", "return-policy"),
    ("وين طلبي", "order-tracking"),
])
def test_a_question_sharing_a_word_with_its_article_is_still_answered(bot, question, article_id):
    reply = bot.ask(question)
    assert (reply.action, reply.article_id) == ("answer", article_id)


@pytest.mark.parametrize("question", ["الحساب", "الدفع", "الشحن", "refund", "account",
                                      "el 7esab", "الحساب الحساب", "refund refund"])
def test_one_word_is_offered_choices_not_answered(shipped_bot, question):
    # A topic, not a question: however sure the scores, which article is meant is not.
    reply = shipped_bot.ask(question)
    assert reply.action == "suggest" and len(reply.suggestions) >= 2


def test_one_word_an_article_has_as_a_question_is_answered(tmp_path):
    folder = write_articles(tmp_path / "articles")
    path = folder / "returns" / "return-policy.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "questions:\n", "questions:\n  - refund\n", 1), encoding="utf-8")
    bot = Bot.from_articles(str(folder))
    for asked in ("Refund?", "refunds"):  # in any inflection
        reply = bot.ask(asked)
        assert (reply.action, reply.article_id) == ("answer", "return-policy"), asked


def test_one_word_a_customer_taught_is_still_not_answered():
    # One customer's "yes" after choosing a suggestion must not answer everyone.
    taught = Bot.from_articles(str(SHIPPED_ARTICLES), learned={"update-account": ["الحساب"]})
    assert taught.ask("الحساب").action == "suggest"


@pytest.mark.parametrize("question, kind, lang", [
    ("مرحبا", "greeting", "ar"),
    ("السلام عليكم", "greeting", "ar"),
    ("هلا والله", "greeting", "ar"),  # Gulf
    ("أهلين", "greeting", "ar"),  # Levantine
    ("ازيك", "greeting", "ar"),  # Egyptian
    ("hello", "greeting", "en"),
    ("شكرا", "thanks", "ar"),
    ("يعطيك العافية", "thanks", "ar"),
    ("مشكور", "thanks", "ar"),
    ("تسلم ايدك", "thanks", "ar"),
    ("thanks!", "thanks", "en"),
    ("thx", "thanks", "en"),
    ("مع السلامة", "goodbye", "ar"),
    ("يلا باي", "goodbye", "ar"),
    ("bye", "goodbye", "en"),
    ("see you later", "goodbye", "en"),
])
def test_small_talk_gets_small_talk_in_the_customers_language(shipped_bot, question, kind, lang):
    reply = shipped_bot.ask(question)
    assert (reply.action, reply.reason, reply.lang) == ("smalltalk", kind, lang)
    assert reply.article_id is None
    assert reply.text == message(kind, lang)
    assert reply.candidates


@pytest.mark.parametrize("question", ["مرحبا، كيف الغي طلبي؟", "hi, how do I cancel my order?"])
def test_greeting_with_a_question_is_answered_as_a_question(shipped_bot, question):
    reply = shipped_bot.ask(question)
    assert reply.action != "smalltalk"
    assert reply.candidates[0][0] == "cancel-order"


# --- the contract on the small help center ------------------------------------------------

@pytest.mark.parametrize("question, lang", [
    ("وين طلبي", "ar"),
    ("where is my order", "en"),
    ("نسيت كلمة السر", "ar"),
    ("how much is shipping", "en"),
    ("كيف ارجع", "ar"),
    ("مَتَى يَصِلُ الطَّلَبُ؟", "ar"),
])
def test_reply_language_follows_the_question(bot, question, lang):
    reply = bot.ask(question)
    assert_contract(reply, set(bot.index.article_ids))
    assert reply.lang == lang


def test_answer_on_the_small_help_center(bot):
    reply = bot.ask("where is my order")
    assert (reply.action, reply.article_id, reply.lang) == ("answer", "order-tracking", "en")
    assert reply.text.startswith('Open "My orders"')
    assert len(reply.candidates) == 4  # every article of a small help center


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_lang_option_sets_the_reply_language(bot, lang):
    reply = bot.ask("where is my order", lang=lang)
    assert reply.lang == lang
    assert reply.article_id == "order-tracking"
    assert reply.text == bot.article("order-tracking", lang).summary


def test_unknown_lang_option_is_invalid(bot):
    with pytest.raises(InvalidQuestion):
        bot.ask("where is my order", lang="fr")


@pytest.mark.parametrize("question", ["where is my order", "وين طلبي", "كم سعر التوصيل"])
def test_suggest_offers_two_or_three_articles(bot, question):
    # Thresholds that never answer and never escalate: every question gets suggestions.
    unsure = Bot(bot.index, thresholds=Thresholds(answer_at=1.1, suggest_at=0.0))
    reply = unsure.ask(question)
    assert_contract(reply, set(bot.index.article_ids))
    assert reply.action == "suggest"
    assert 2 <= len(reply.suggestions) <= 3
    assert list(reply.suggestions) == [aid for aid, _ in reply.candidates[:len(reply.suggestions)]]
    assert reply.text.startswith(message("suggest", reply.lang))
    for article_id in reply.suggestions:
        assert bot.article(article_id, reply.lang).title in reply.text


def test_answer_from_an_article_in_the_other_language_says_so(tmp_path):
    write_article(tmp_path, "hours.en.md", """\
        ---
        title: What are your opening hours?
        questions: [when are you open]
        ---
        We answer every day from 9 to 21.
        """)
    one_language = Bot.from_articles(str(tmp_path))
    reply = one_language.ask("when are you open?", lang="ar")
    assert (reply.action, reply.lang) == ("answer", "ar")
    assert reply.text.startswith(message("other_language", "ar"))
    assert "We answer every day from 9 to 21." in reply.text


def test_bot_without_articles_escalates(tmp_path):
    empty = Bot.from_articles(str(tmp_path))
    reply = empty.ask("where is my order")
    assert (reply.action, reply.reason, reply.candidates) == ("escalate", "no match", [])


def test_reply_is_a_frozen_value(bot):
    reply = bot.ask("where is my order")
    with pytest.raises(AttributeError):
        reply.action = "escalate"


# --- bad input ------------------------------------------------------------------------

def test_invalid_question_is_a_value_error():
    assert issubclass(InvalidQuestion, ValueError)
    for name in ["EmptyQuestion", "QuestionTooLong", "ControlCharacters", "UndecodableQuestion"]:
        assert issubclass(getattr(bot_module, name), InvalidQuestion)


@pytest.mark.parametrize("question, error", [
    ("", "EmptyQuestion"),
    ("   ", "EmptyQuestion"),
    ("\n\t \r\n", "EmptyQuestion"),
    ("\u3000", "EmptyQuestion"),  # ideographic space
    (b"", "EmptyQuestion"),
    ("x" * 1001, "QuestionTooLong"),
    ("متى " * 300, "QuestionTooLong"),
    ("\x00", "ControlCharacters"),
    ("where is my order\x00", "ControlCharacters"),
    ("وين طلبي\x07", "ControlCharacters"),
    ("\x1b[31mred", "ControlCharacters"),
    (b"\xff\xfe", "UndecodableQuestion"),
    (b"where is \xe9 my order", "UndecodableQuestion"),
    ("caf\ufffd", "UndecodableQuestion"),
    ("\ud800", "UndecodableQuestion"),  # a lone surrogate
    (None, "InvalidQuestion"),
    (42, "InvalidQuestion"),
])
def test_bad_input_raises_invalid_question(bot, question, error):
    with pytest.raises(getattr(bot_module, error)) as caught:
        bot.ask(question)
    assert isinstance(caught.value, InvalidQuestion)
    assert str(caught.value)  # says why, in words


def test_question_at_the_length_limit_is_accepted(bot):
    question = ("where is my order " * 100)[:1000]
    assert len(question) == 1000
    assert bot.ask(question).action in ACTIONS


def test_length_limit_is_configurable(bot):
    short = Bot(bot.index, max_length=20)
    assert short.ask("where is my order").action == "answer"
    with pytest.raises(bot_module.QuestionTooLong):
        short.ask("where is my order, please tell me")


@pytest.mark.parametrize("question", [
    "وين طلبي".encode("utf-8"),
    bytearray("وين طلبي".encode("utf-8")),
])
def test_utf8_bytes_are_asked_like_text(bot, question):
    assert bot.ask(question) == bot.ask("وين طلبي")


def test_line_breaks_and_tabs_inside_a_question_are_fine(bot):
    reply = bot.ask("where is\nmy\torder\r\n")
    assert reply.article_id == "order-tracking"


# --- quality: real customer questions must find their shipped article --------------------

# New phrasings (none copied from the articles' front matter): MSA, Gulf, Levantine and
# Egyptian dialect, without hamza, with diacritics, with typos, typed on the wrong
# keyboard layout, and English.
QUALITY = [
    # MSA
    ("أريد إلغاء طلبي", "cancel-order"),
    ("كيف أحصل على فاتورة", "tax-invoice"),
    ("متى يتوفر المنتج مرة أخرى", "out-of-stock"),
    ("اريد استبدال الحذاء بمقاس آخر", "exchanges"),
    ("الجهاز تعطل وهو في فترة الضمان", "warranty"),
    ("أين أضع كود الخصم", "discount-codes"),
    ("كيف أحمي بياناتي", "privacy"),
    # Gulf
    ("ابغى الغي طلبي اللي طلبته امس", "cancel-order"),
    ("نسيت كلمة السر حقتي", "reset-password"),
    ("ابي اشتري بطاقة هدية", "gift-cards"),
    ("ابغى اقسط مع تابي", "buy-now-pay-later"),
    ("ابي ابدل المقاس", "exchanges"),
    ("كود الخصم مو شغال", "discount-codes"),
    ("ابغى اعرف وين طلبي", "order-tracking"),
    # Levantine
    ("بدي ادفع كاش لما يجي المندوب", "cash-on-delivery"),
    ("متى بيوصلني الطلب تبعي", "delivery-times"),
    ("المنتج وصل مكسور شو اعمل", "damaged-items"),
    ("شو طرق الدفع اللي عندكم", "payment-methods"),
    # Egyptian
    ("عايز ارجع الجزمة عشان مش عاجباني", "return-policy"),
    ("الطلب ما وصلش لحد دلوقتي", "order-tracking"),
    ("فين الفاتورة بتاعتي", "tax-invoice"),
    # no hamza, no taa marbuta, dialect spelling
    ("نسيت كلمه المرور", "reset-password"),
    ("امتى الفلوس ترجعلي على البطاقه", "refunds"),
    ("رصيد المحفظة كيف استعمله", "store-credit"),
    ("مكتوب انه اتسلم بس ما وصلني شي", "delivered-not-received"),
    ("كيف احذف الحساب", "delete-account"),
    # with diacritics
    ("نَسيتُ كَلِمَةَ المُرور", "reset-password"),
    ("مَتَى يَصِلُ طَلَبِي", "delivery-times"),
    # short and everyday
    ("كم سعر الشحن", "shipping-costs"),
    ("هل الشحن مجاني", "shipping-costs"),
    ("هل توصلون الى قطر", "international-shipping"),
    ("ممكن اغير العنوان بعد الطلب", "change-delivery-address"),
    ("رقم خدمة العملاء", "contact-us"),
    ("الشاشة وصلت مكسورة", "damaged-items"),
    ("وصلني لون غير اللي طلبته", "wrong-or-missing-items"),
    ("المندوب ما اجا اليوم", "missed-delivery"),
    ("ليش بطاقتي مرفوضة", "payment-failed"),
    # typos
    ("نسيت كلمة المرو", "reset-password"),
    ("الغاء الطلبب", "cancel-order"),
    # Arabic typed with the English layout active
    (";glm hgsv", "reset-password"),  # كلمة السر
    ("hgyhx hg'gf", "cancel-order"),  # الغاء الطلب
    # English, typos included
    ("i forgot my pasword", "reset-password"),
    ("how long does shiping take", "delivery-times"),
    ("wher is my order", "order-tracking"),
    ("can I return shoes that dont fit", "return-policy"),
    ("my refund hasnt arrived", "refunds"),
    ("do you accept apple pay", "payment-methods"),
    ("my parcel arrived damaged", "damaged-items"),
    ("do you ship to qatar", "international-shipping"),
    ("how do I use a promo code", "discount-codes"),
    ("can i pay in installments", "buy-now-pay-later"),
    ("how do i get a receipt for my order", "tax-invoice"),
    ("is my gift card still valid", "gift-cards"),
    ("my order says delivered but its not here", "delivered-not-received"),
    ("i want to make a complaint about your service", "complaints"),
]


@pytest.mark.parametrize("question, article_id", QUALITY)
def test_customer_question_finds_its_article(shipped_bot, question, article_id):
    reply = shipped_bot.ask(question)
    assert reply.candidates[0][0] == article_id, reply.candidates[:3]


def test_quality_questions_are_not_copied_from_the_articles(shipped_bot):
    known = {normalize(q) for q in shipped_bot.index.questions}
    assert not [q for q, _ in QUALITY if normalize(q) in known]


def test_quality_questions_cover_most_shipped_articles(shipped_bot):
    covered = {article_id for _, article_id in QUALITY}
    assert covered <= set(shipped_bot.index.article_ids)
    assert len(covered) >= 25


def test_a_bot_that_learned_keeps_its_search_and_related_articles(tmp_path):
    """with_index (a learned question) keeps the help-center search and related articles
    built, the search asking the new index: rebuilding them takes seconds at thousands
    of articles."""
    folder = tmp_path / "articles"
    from conftest import write_articles
    bot = Bot.from_articles(str(write_articles(folder)))
    search, related = bot.help_center, bot._related
    learned = bot.with_index(bot.index.learn({"order-tracking": ["فين الشحنة بتاعتي يا جدعان"]}))
    assert learned._related is related
    assert learned.help_center is not search and learned.help_center.index is learned.index
    assert learned.help_center.docs is search.docs  # the same postings, not rebuilt
    assert learned.search("فين الشحنة بتاعتي يا جدعان")[0].article_id == "order-tracking"
