"""Small talk and requests for a person, in Arabic (MSA and dialects) and English."""
import pytest

from bot.intents import asks_for_person, small_talk


@pytest.mark.parametrize("text, kind", [
    # greetings
    ("مرحبا", "greeting"),
    ("مرحبًا!!", "greeting"),
    ("السلام عليكم ورحمة الله وبركاته", "greeting"),
    ("صباح الخير", "greeting"),
    ("مساء النور", "greeting"),
    ("أهلين", "greeting"),  # Levantine
    ("مرحبتين", "greeting"),
    ("كيفك؟", "greeting"),
    ("هلا والله", "greeting"),  # Gulf
    ("شلونك", "greeting"),
    ("ازيك", "greeting"),  # Egyptian
    ("عامل ايه", "greeting"),
    ("hello", "greeting"),
    ("Hi there!", "greeting"),
    ("good morning", "greeting"),
    ("salam", "greeting"),
    # thanks
    ("شكرا", "thanks"),
    ("شكراً جزيلاً", "thanks"),
    ("يعطيك العافية", "thanks"),  # Levantine/Gulf
    ("مشكور يا اخي", "thanks"),
    ("تسلم ايدك", "thanks"),
    ("يسلمو", "thanks"),
    ("جزاك الله خير", "thanks"),
    ("ميرسي", "thanks"),  # Egyptian/Levantine
    ("thanks!", "thanks"),
    ("thank you so much", "thanks"),
    ("ok thanks", "thanks"),
    ("تمام", "thanks"),  # a bare acknowledgement is answered like thanks
    # goodbyes
    ("مع السلامة", "goodbye"),
    ("باي", "goodbye"),
    ("يلا باي", "goodbye"),
    ("في أمان الله", "goodbye"),
    ("تصبح على خير", "goodbye"),
    ("bye", "goodbye"),
    ("see you later", "goodbye"),
    ("take care", "goodbye"),
    # several pieces of small talk: the last one says what to answer
    ("هلا، شكرا", "thanks"),
    ("thanks, bye", "goodbye"),
])
def test_small_talk_is_recognized(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize("text", [
    # A greeting followed by a real question is a question.
    "مرحبا، كيف الغي طلبي؟",
    "السلام عليكم ابغى ارجع منتج",
    "كيفك؟ بدي الغي الطلب",
    "hi, where is my order?",
    "hello i want a refund",
    # Thanks with a complaint attached is not the end of the conversation.
    "شكرا بس الطلب ما وصل",
    "thanks but my order never arrived",
    # Questions and empty input.
    "متى يوصل طلبي",
    "how do I cancel",
    "",
    "   ",
    "؟؟",
])
def test_questions_are_not_small_talk(text):
    assert small_talk(text) is None


@pytest.mark.parametrize("text", [
    # MSA
    "أريد التحدث مع موظف",
    "أريد التحدث إلى ممثل خدمة العملاء",
    "حولني على موظف",
    "وصلني بموظف لو سمحت",
    # Gulf
    "أبغى أكلم موظف",
    "ابي اكلم موظف",
    "ابغى اتواصل مع انسان",
    "ابي اكلم الدعم الفني",
    # Levantine
    "بدي احكي مع حدا",
    "بدي احكي مع موظف",
    # Egyptian
    "عايز اكلم حد من خدمة العملاء",
    "عاوز اتكلم مع موظف",
    # one word
    "موظف",
    "موظف لو سمحت",
    # English
    "talk to a human",
    "I want to speak to an agent",
    "can I talk to a real person",
    "connect me to customer service",
    "let me speak with someone",
    "speak to a manager",
    "agent",
    "human please",
    "representative",
    # with the person after small words, or before the verb
    "ممكن تحولني على موظف",
    "ابي اكلم احد الموظفين",
    "بدي احكي مع حدا بخصوص طلبي المتأخر",
    "ابي احد يساعدني",
    "is there someone I can talk to",
    "talk to a human being",
    "I need customer service",
    # looking for anyone at all
    "في حدا؟",
    "is anyone there?",
    # a negation elsewhere in the message takes nothing back
    "ابي اكلم انسان مو روبوت",
    "I want a human, not a bot",
    "ابي اكلم موظف لأن البوت ما فهمني",
    "ما ابي اكلم البوت، ابي موظف",
])
def test_requests_for_a_person_are_recognized(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", [
    # Saying the opposite is not a request.
    "I don't want to talk to a human",
    "do not connect me to an agent",
    "no human please",
    "لا ابي اكلم موظف",
    "مش عايز اكلم حد",
    "ما بدي احكي مع حدا",
    "مابدي احكي مع حدا",
    "مب عايز اكلم حد",
    "I do not need to speak to an agent",
    # Wanting something else is not wanting a person.
    "I want a refund",
    "i need help with my order",
    "ابغى ارجع المنتج",
    "بدي الغي الطلب",
    "عايز استرجع فلوسي",
    # Talking about staff is not asking for them.
    "the agent was rude",
    "الموظف ما حل المشكلة",
    "who is the manager",
    # Small talk and nothing.
    "مرحبا",
    "thanks",
    "",
])
def test_other_messages_are_not_requests_for_a_person(text):
    assert not asks_for_person(text)


@pytest.mark.parametrize("text", [
    "أَبْغَى أُكَلِّمُ مُوَظَّفًا",  # diacritics, and the alef of tanween
    "أريد أن أكلم موظفًا",
    "ابغي اكلم موظف",
    "TALK TO A HUMAN",
])
def test_requests_for_a_person_ignore_diacritics_hamza_and_case(text):
    assert asks_for_person(text)


@pytest.mark.parametrize("text", [
    # شخصي / الشخصية is "personal", not a person (its stem is شخص)
    "ابي بيانات حسابي الشخصية",
    "ابي اعدل معلوماتي الشخصية",
    "بدي غير صورتي الشخصية",
    "عندي حسابين شخصي وتجاري ابي ادمجهم",
    "ابي استلم الطلب شخصيا",
    # وحدة is "a unit" or "one" (its stem is حد, "someone" in Egypt)
    "ابي وحدة ثانية من نفس المنتج",
    "بدي اطلب وحدة كمان",
    "ابغى اشتري وحدة زيها",
    # أحد before a definite noun is "one of"; a person in another phrase is no request
    "ابي احد المنتجات اللي بالعرض",
    "ابغى اضيف شخص ثاني على حسابي",
    "عايز اغير الشخص اللي هيستلم الطلب",
    "ابي احجز موعد لشخصين",
    "ابي اعرف اسم الموظف اللي وصل الطلب",
    "هل موظفينكم سعوديين",
    "ابي وكيل معتمد في جدة",
    # the way to reach support is in an article
    "ابي رقم خدمة العملاء",
    "ابغى ايميل الدعم الفني",
    "عايز اعرف مواعيد خدمة العملاء",
    "بدي احكي عن مشكلة بالدفع",
    # English
    "I want to update my personal details",
    "I want a personal shopper",
    "I want to add another person to my account",
    "I need to change the person receiving my order",
    "I want to order for someone else",
    "I need to send a gift to another person",
    "I want to become a delivery agent",
    "my browser user agent is blocked and I need to log in",
    "I want an employee discount",
    "I need the customer service hours",
    "can someone tell me where my order is",
    "I want to speak english",
    "do your staff work on weekends",
])
def test_ordinary_questions_do_not_ask_for_a_person(text):
    assert not asks_for_person(text)
