"""Small talk and requests for a person, in Arabic (MSA and dialects) and English."""
import pytest

from bot.intents import asks_for_person, language_of, small_talk


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
    ("السلام", "greeting"),
    ("وعليكم السلام", "greeting"),
    ("مسا الخير", "greeting"),  # spoken spelling
    ("هلا بيك", "greeting"),
    ("شخباركم", "greeting"),  # Gulf
    ("شكو ماكو", "greeting"),  # Iraqi
    ("لاباس عليك", "greeting"),  # Maghrebi
    ("واش راك", "greeting"),
    ("ahlan", "greeting"),  # Arabizi
    ("marhaba", "greeting"),
    ("sba7 l5ir", "greeting"),
    ("saba7 el kheir", "greeting"),
    ("salam alaikum", "greeting"),
    ("bonjour", "greeting"),  # French, as many Maghrebi customers greet
    ("hiya", "greeting"),
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
    ("مشكور ما قصرت", "thanks"),  # Gulf
    ("ما قصرت", "thanks"),
    ("يسلمو ايديك", "thanks"),  # Levantine
    ("تسلم", "thanks"),
    ("الله يعطيك العافية", "thanks"),
    ("يعطيك الصحة", "thanks"),  # Maghrebi
    ("الله يعطيك الصحة خويا", "thanks"),
    ("تسلم ايدك", "thanks"),  # Iraqi
    ("عاشت ايدك", "thanks"),
    ("متشكر جدا", "thanks"),  # Egyptian
    ("شكرا بزاف", "thanks"),  # Maghrebi
    ("بارك الله فيك", "thanks"),
    ("شكرا جزيلا على المساعدة", "thanks"),
    ("merci", "thanks"),
    ("merci beaucoup", "thanks"),
    ("barak allahu fik", "thanks"),  # Arabizi
    ("chokran", "thanks"),
    ("shukran", "thanks"),
    ("mashkour", "thanks"),
    ("ya3tik el 3afye", "thanks"),
    ("thx", "thanks"),
    ("thanks a million", "thanks"),
    ("واخا", "thanks"),  # Maghrebi "OK"
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
    ("بسلامة", "goodbye"),  # Maghrebi
    ("يلا مع السلامة", "goodbye"),
    ("ma3a salama", "goodbye"),  # Arabizi
    ("bslama", "goodbye"),
    ("have a nice day", "goodbye"),
    # several pieces of small talk: the last one says what to answer
    ("هلا، شكرا", "thanks"),
    ("thanks, bye", "goodbye"),
    ("شكرا ما قصرت مع السلامة", "goodbye"),
    ("salam, shukran", "thanks"),
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
    "يعطيك العافية متى يوصل الطلب",
    "مشكور بس وين طلبي",
    "sba7 l5ir wein talabi",
    "merci, mais ma commande n'est pas arrivée",
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
    # Someone to talk to, with an everyday dialect verb (kb.text.EVERYDAY).
    "حد يحكي معي",
    "حدا يحكي معي",
    "شي واحد يحكي معي لو سمحت",
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
    "ودي اكلم موظف",
    # Egyptian
    "عايز اكلم حد من خدمة العملاء",
    "عاوز اتكلم مع موظف",
    "عايز اكلم حد بني ادم",
    # Iraqi
    "اريد احجي ويه موظف",
    "اريد احچي ويا شخص",  # چ, the Persian letter Iraqis write
    "اريد اتكلم ويا موظف",
    # Maghrebi
    "بغيت نهضر مع شي واحد",
    "بغيت نتكلم مع موظف",
    "عطيني شي حد نهضر معاه",
    "بغيت نهضر مع شي واحد من الخدمة",
    "نحب نحكي مع انسان",  # Tunisian
    "واش كاين شي واحد",
    # Arabizi
    "bghit nhder m3a chi wa7ed",
    "baddi e7ki ma3 7ada",
    "3ayez akalem 7ad",
    "abi akalm mowazaf",
    "bdi a7ki m3 mwazzaf",
    "3awez atkalem ma3 7ad",
    "bghit nahdar m3a mowadaf",
    "mowazaf please",
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
    "can I speak to someone",
    "i want to talk to someone else",
    "put me through to an agent",
    "customer service please",
    "live agent",
    "I want to talk to support",
    "خدمة العملاء لو سمحت",
    "ابي اكلم الدعم",
    # with the person after small words, or before the verb
    "ممكن تحولني على موظف",
    "ابي اكلم احد الموظفين",
    "بدي احكي مع حدا بخصوص طلبي المتأخر",
    "ابي احد يساعدني",
    "عايز حد يكلمني",
    "ممكن حد يكلمني بخصوص طلبي",
    "حد يكلمني لو سمحت",
    "بدي واحد يحكي معي",
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
    # someone wanted to help, answer or look at the customer's case
    "ابي احد يساعدني في الطلب",
    "عايز حد يكلمني",
    "بدي حدا يرد علي",
    "ابي احد يشوف الطلب حقي",
    "I want someone to call me",
    "I need someone to help me with the refund",
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
    "ما بغيتش نهضر مع شي واحد",  # the Maghrebi wrap-around negation ما…ش
    "مانيش باغي نهضر مع حد",
    "ma bdi a7ki m3 7ada",
    "mosh 3ayez akalem 7ad",
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
    # How to reach people is what an article answers (the contact page); a demanding
    # customer who asks the way gets it at once, and is still handed over when no
    # article fits.
    "how do I talk to support about a refund?",
    "kifach nhder m3a service client",
    "what are your customer service hours",
    "is there a support chat",
    "do you have live chat",
    "هل الدعم الفني متوفر بالليل",
    "هل عندكم خدمة عملاء بالعربي",
    "عطيني رقم خدمة العملاء",
    # Counting or describing people is no request for one.
    "كم موظف عندكم",
    "وحدة",
    # Maghrebi "بغيت" and "شي" ("I want", "some") come with every kind of request.
    "بغيت نرجع شي حاجة",
    "بغيت نعرف شي حاجة على الطلب",
    "bghit nrje3 chi 7aja",
    "bghit nhder 3la talabi",
    "baddi e7ki 3an moshkle",
    "عايز اتكلم عن مشكلة في الدفع",
    "I want to talk about my refund",
    # واحد is "one" (another item) unless it is someone to talk to
    "ابي واحد ثاني",
    "عايز واحد تاني من نفس المقاس",
    # A third party is someone to act for, not to talk to.
    "I want someone else to pick up my order",
    "can someone else receive my order",
    "ودي اطلب لشخص ثاني",
    # Support as a thing: "ابي الدعم" may be answered by an article.
    "ابي الدعم",
    "I need support with my order",
    # The person before a past verb tells what happened: a complaint, a warning.
    "الموظف كلمني بأسلوب سيء",
    "حد اتصل علي من رقمكم",
    "حد يتصل علي من رقمكم ويطلب الرمز",
    "واحد من الموظفين اتصل علي",
    "موظف التوصيل اتصل علي وما جا",
    "بدي احكي عن تجربتي مع الموظف",
    "ابي اشتكي على موظف",
    # Someone wanted for a job on a thing is a question about that job.
    "عايز حد يركبلي الشاشة",
    "ابي احد يوصل الطلب لبيت اهلي",
    "بدي حدا يركب المكيف",
    # ... with an everyday dialect verb (kb.text.EVERYDAY), read by its place as typed.
    "عايز حد يصلح الشاشة",
    "ابي احد يجيب الطلب",
    "ابي احد يبعت الطلب",
    "ابغى احد يسوي الطلب",
    "بدي حدا يصلح الموبايل",
    "I need someone to fix my screen",
    "I want someone to assemble the wardrobe",
])
def test_ordinary_questions_do_not_ask_for_a_person(text):
    assert not asks_for_person(text)


@pytest.mark.parametrize("text, lang", [
    # Arabizi is answered in Arabic, though typed in Latin letters
    ("bghit nhder m3a chi wa7ed", "ar"),
    ("abi akalm mowazaf", "ar"),
    ("chokran", "ar"),
    ("salam", "ar"),
    ("sba7 l5ir", "ar"),
    ("yalla bye", "ar"),
    ("merci", "ar"),  # Maghrebi customers thank in French
    ("مشكور ما قصرت", "ar"),
    # English, even where it shares a word with Arabizi ("yalla bye" has "bye")
    ("bye", "en"),
    ("thanks", "en"),
    ("i want to talk to someone", "en"),
    ("agent", "en"),
    ("ok", "en"),
])
def test_small_talk_and_requests_are_answered_in_the_language_they_are_in(text, lang):
    assert language_of(text) == lang
