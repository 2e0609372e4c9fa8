"""Recognize the messages that are not questions for the knowledge base: small talk
(greetings, thanks, goodbyes), requests to talk to a person, and a typed yes or no to
the bot's last answer, in Arabic (MSA and dialects: Gulf, Levantine, Egyptian, Iraqi,
Maghrebi), Arabizi (Arabic in Latin letters) and English. Pure functions over text.

The word lists are general language — how people greet, thank and ask for someone in
each dialect — never a help center's topics. Arabizi is listed as customers spell it
("sba7 l5ir", "bghit nhder m3a chi wa7ed"): the bot also tries the Arabic reading of
such a message (kb.text.readings), but a letter-by-letter transliteration often misses
the Arabic word (bghit → بغت, mowazaf → موزف). language_of says which language such a
message is answered in: Arabizi is Arabic."""
import re

import kb.text
from kb.text import PERSON_CLITICS, detect_language, stem, without_clitic, without_tanween

__all__ = ["small_talk", "asks_for_person", "feedback_in", "language_of"]


def tokens(message):
    """Return kb.text.tokens of ``message`` without the everyday words' MSA equivalents:
    the rules below read words by their place ("حدا يحكي معي": who, then what, then
    glue), and an equivalent between two words would move the next one."""
    return kb.text.tokens(message, everyday=False)


def _phrases(*texts):
    """Normalized token tuples, so matching ignores hamza, diacritics and case."""
    return {tuple(tokens(t)) for t in texts}


# Words that may pad small talk without making it a question: terms of address, "very".
_PADDING = set(tokens(
    "يا اخي اخوي اخويا خويا خوي اختي حبيبي حبيبتي عيني غالي باشا والله جدا جزيلا كتير كثير "
    "بزاف برشا وايد يلا so much very lot a lot million again guys team dear sir madam bro "
    "habibi 7abibi khoya ya yalla yallah"))


def _small_talk(*texts):
    """Normalized token tuples without the padding words, which small_talk skips."""
    return {tuple(w for w in phrase if w not in _PADDING) for phrase in _phrases(*texts)}


GREETINGS = _small_talk(
    # MSA and every dialect
    "مرحبا", "مرحبتين", "مرحبًا", "مرحبا بك", "اهلا", "أهلا", "أهلين", "اهلين", "اهلا وسهلا",
    "اهلا بيك", "اهلا بيكم", "اهلا فيك", "هلا", "هلا والله", "هلا هلا", "يا هلا", "هلا بيك",
    "هلا فيك", "السلام عليكم", "السلام عليكم ورحمة الله", "السلام عليكم ورحمة الله وبركاته",
    "سلام عليكم", "سلام", "السلام", "سلامات", "وعليكم السلام", "وعليكم السلام ورحمة الله",
    "صباح الخير", "صباح النور", "صباح الورد", "صباح الفل", "صباحو", "يسعد صباحك",
    "مساء الخير", "مساء النور", "مسا الخير", "مسا النور", "يسعد مساك", "هاي", "هلو", "الو",
    "كيفك", "كيف حالك", "كيف حالكم", "كيف الحال", "كيفكم", "شو الاخبار", "شو اخبارك",
    "شنو الاخبار", "شنو اخبارك",
    # Gulf and Iraqi
    "شلونك", "شلونكم", "اشلونك", "شخبارك", "شخباركم", "شكو ماكو",
    # Egyptian
    "ازيك", "ازيكم", "ازايك", "عامل ايه", "اخبارك ايه", "نهارك سعيد",
    # Maghrebi
    "لاباس", "لاباس عليك", "كي داير", "كيداير", "كي دايرين", "واش راك", "كيف داير",
    "كيفاش راك",
    # English
    "hi", "hello", "hey", "hey there", "hi there", "hello there", "hiya", "heya", "howdy",
    "good morning", "morning", "good afternoon", "good evening", "good day", "how are you",
    "how are you doing", "how is it going", "what's up", "whats up", "sup", "yo", "greetings",

)
THANKS = _small_talk(
    # MSA and every dialect
    "شكرا", "شكرًا", "شكرا جزيلا", "شكرا لك", "شكرا كتير", "شكرا كثيرا", "الف شكر",
    "ألف شكر", "شكرا على المساعدة", "شكرا ع المساعدة", "شكرا لمساعدتك", "ما قصرت",
    "ما قصرتو", "ما قصرتوا", "ما قصرتي", "مشكور", "مشكورة", "مشكورين", "مشكور ما قصرت",
    "يعطيك العافية", "الله يعطيك العافية", "يعطيكم العافية", "الله يعافيك",
    "جزاك الله خير", "جزاك الله خيرا", "الله يجزاك خير", "الله يجزيك الخير",
    "بارك الله فيك", "بارك الله فيكم", "الله يبارك فيك", "الله يخليك", "ربي يخليك",
    "الله يحفظك", "ربي يحفظك", "الله يسعدك", "الله يسلمك", "تمام شكرا", "ممتاز شكرا",
    # Levantine and Gulf
    "تسلم", "تسلمي", "تسلم ايدك", "تسلم ايديك", "تسلم يدك", "تسلمي ايدك",
    "يسلمو", "يسلموا", "يسلمو ايديك", "يسلمو ايدك", "يسلمو هالايدين", "ممنون", "ممنونك",
    "مرسي", "ميرسي",
    # Iraqi
    "عاشت ايدك", "عاشت ايديك", "عاشت الايادي",
    # Egyptian
    "متشكر", "متشكرة", "متشكرين",
    # Maghrebi
    "يعطيك الصحة", "الله يعطيك الصحة", "يعطيك الصحه", "يعيشك", "عيشك", "الله يعيشك",
    "تبارك الله عليك",
    # English
    "thanks", "thank you", "thank you so much", "thanks a lot", "thanks a million",
    "many thanks", "thx", "thnx", "thanx", "tnx", "ty", "tysm", "thank u", "cheers",
    "appreciate it", "much appreciated", "great thanks", "ok thanks", "okay thanks",
    "perfect thanks", "thanks for your help", "thank you for your help",
    "thanks for the help",

)
GOODBYES = _small_talk(
    "مع السلامة", "مع السلامه", "يلا مع السلامة", "باي", "باي باي", "يلا باي", "يلا سلام",
    "الى اللقاء", "إلى اللقاء", "تصبح على خير", "تصبحين على خير", "تصبحون على خير",
    "وانت من اهله", "في امان الله", "في أمان الله", "الله معك", "سلامتك", "نشوفك",
    "نشوفكم", "اشوفك", "بسلامة", "بالسلامة", "تشاو", "يوم سعيد", "نهارك زين",
    "bye", "bye bye", "goodbye", "good bye", "see you", "see ya", "see you later",
    "bye for now", "have a nice day", "have a good day", "talk later", "ttyl",
    "good night", "cya", "take care",
)
# A reply with no question in it: "ok", "تمام". Answered like thanks.
ACKNOWLEDGEMENTS = _small_talk(
    "تمام", "طيب", "اوكي", "اوك", "ماشي", "حاضر", "فهمت", "تم", "زين", "واخا", "صافي",
    "مزبوط", "ok", "okay", "okey", "oki", "k", "kk", "alright", "all right", "got it",
    "fine", "great", "perfect", "cool", "noted",
)
# Arabizi, and the French many Maghrebi customers greet and thank in.
ARABIZI_GREETINGS = _small_talk(
    "salam", "slm", "salamo alaykom", "salam alaikum", "salam alaykum", "salamu alaikum",
    "salamu alaykum", "assalamu alaikum", "assalamu alaykum", "asalamu alaykum",
    "salam 3alaykom", "salam 3likom", "marhaba", "mar7aba", "mar7ba", "ahlan", "ahla",
    "ahlen", "ahlain", "ahlein", "ahlan wa sahlan", "hala", "hala wallah", "sba7 l5ir",
    "sba7 lkhir", "sbah lkhir", "sabah el kheir", "sabah al khair", "saba7 el 5er",
    "saba7 el kheir", "saba7 al5air", "msa lkhir", "masa el kheir", "masa2 el 5er",
    "masa al khair", "kifak", "kifik", "keefak", "shlonak", "shlonkom", "ezayak", "izzayak",
    "labas", "labas 3lik", "kidayr", "ki dayer", "wach rak", "bonjour", "bonsoir", "salut",
    "coucou", "ça va", "ca va",
)
ARABIZI_THANKS = _small_talk(
    "shukran", "shokran", "chokran", "choukran", "chukran", "shukran jazeelan",
    "mashkour", "mashkor", "mashkoor", "mashkura", "ya3tik el 3afye", "ya3tik l3afye",
    "ya3tik l3afya", "ya3tik al3afia", "ya3tik el3afieh", "ya3tik sa7a", "y3tik sa7a",
    "yslmo", "yeslamo", "teslam", "tislam", "tslm", "teslam edak", "3asht edak", "mtshakr",
    "metshakker",
    "barak allahu fik", "barakallahu fik", "baraka allahu fik", "barak allah fik",
    "baraka allah fik", "barakallah fik", "tbarkallah 3lik", "merci", "merci beaucoup",
    "mersi",
)
ARABIZI_GOODBYES = _small_talk(
    "ma3a salama", "ma3a elsalama", "ma3 salama", "m3a salama", "bslama", "besslama",
    "b slama", "yalla bye", "ciao", "au revoir", "tisba7 3ala khair", "tosbe7 3ala 5er",
)
ARABIZI_ACKNOWLEDGEMENTS = _small_talk("tamam", "tmam", "wakha", "safi")
_KINDS = (("greeting", GREETINGS | ARABIZI_GREETINGS), ("thanks", THANKS | ARABIZI_THANKS),
          ("goodbye", GOODBYES | ARABIZI_GOODBYES),
          ("thanks", ACKNOWLEDGEMENTS | ARABIZI_ACKNOWLEDGEMENTS))
_LONGEST = max(len(p) for _, group in _KINDS for p in group)


def small_talk(text):
    """Return "greeting", "thanks" or "goodbye" when ``text`` is only small talk
    ("مرحبا", "يعطيك العافية", "thanks!"), else None: a greeting followed by a real
    question is a question."""
    words = [w for w in tokens(text) if w not in _PADDING]
    if not words:
        return None
    found = None
    position = 0
    while position < len(words):
        for size in range(min(_LONGEST, len(words) - position), 0, -1):
            chunk = tuple(words[position:position + size])
            kind = next((k for k, group in _KINDS if chunk in group), None)
            if kind:
                # The last kind wins: "هلا، شكرا" is thanks; "thanks, bye" is goodbye.
                found = kind
                position += size
                break
        else:
            return None
    return found


# Words for a person. Matched as written (less a clinging ل/ب/و, the article ال and the
# alef of tanween), never through a stem: the stem of شخصي/الشخصية ("personal") is شخص,
# of وحدة ("a unit", "one") حد, and of "personal" person.
_ENGLISH_PERSON = set(tokens(
    "agent agents human humans person people representative representatives rep someone "
    "somebody operator staff employee employees manager supervisor support conseiller"))
# Arabizi: someone, an employee, a human being.
_ARABIZI_PERSON = set(tokens(
    "7ada 7ad 7add a7ad ahad wa7ed wa7ad wa7d wahed mowazaf mowazzaf mwazaf mwazzaf "
    "muwazaf muwazzaf muwathaf mowathaf mowadaf mwadaf mowadhaf insan ensan bnadem benadem "
    "shakhs chakhs sha5s"))
_PERSON = _ENGLISH_PERSON | _ARABIZI_PERSON | set(tokens(
    "موظف موظفه موظفين موظفة انسان إنسان بشر بشري بنادم شخص حدا احد أحد حد واحد ممثل وكيل "
    "مسؤول مسؤولين الموظف الموظفين دعم الدعم"))
# With only a verb of wanting ("ابي", "I need"), these are a thing, not a person to talk
# to: "ابي وكيل معتمد" (an authorized dealer), "ابي واحد ثاني" (another one), "ابي
# الدعم" (support: the bot may answer), "I want people to know", "I need support".
_TALK_ONLY = set(tokens("وكيل واحد دعم الدعم people staff employee employees support "
                        "wa7ed wa7ad wa7d wahed"))
_ENGLISH_SUPPORT = [tuple(tokens(p)) for p in (
    "customer service", "customer support", "support team", "live agent", "real person",
    "live person", "live chat", "a human")]
_SUPPORT = _ENGLISH_SUPPORT + [tuple(tokens(p)) for p in (
    "خدمة العملاء", "خدمه العملاء", "الدعم الفني", "فريق الدعم", "شي واحد", "شي حد",
    "بني ادم", "service client", "service clientele", "chi wa7ed", "chi wahed", "chi 7ad",
    "chi had", "shi wa7ed", "shi 7ada", "bani adam")]
# Verbs of talking to someone, and verbs of wanting (which ask for a person only with
# a person right after them: "بدي موظف", "I want a human").
_ARABIZI_TALK = set(tokens(
    "nhder nehder nhdar nahdar nahder a7ki e7ki ahki ne7ki n7ki nahki akalem akalm akallem "
    "akalim akkalem nkalem nkallem atkalem atkallem atkalam netkalem ntkalem natkalam "
    "a7chi ahchi a7ji ahji atwasal etwasal netwasel ntwasel at7adath kalemni kallemni "
    "kalmni 7awelni 7awwelni hawelni wasalni wasselni waselni asolf asawlef nsawlef"))
_TALK = _ARABIZI_TALK | set(tokens(
    "اكلم أكلم كلم يكلمني تكلمني كلمني اتكلم أتكلم نتكلم نكلم يتكلم احكي أحكي نحكي يحكي "
    "احاكي اتحدث أتحدث تحدث نتحدث اتواصل أتواصل نتواصل يتواصل اتصل أتصل نتصل يتصل حولني "
    "حوّلني تحولني تحولوني حولوني وصلني وصلوني توصلني احجي نحجي يحجي اسولف نسولف يسولف "
    "نهضر يهضر نهدر يهدر talk speak chat connect transfer escalate reach"))
_ARABIZI_WANT = set(tokens(
    "bghit bghina baghi baddi bdi badi biddi bidi bddi 3ayez 3ayz 3awez 3awz 3ayza 3awza "
    "abi abgha abga abghi abgho ebi ebgha areed arid ureed n7eb n7ib nheb"))
_WANT = _ARABIZI_WANT | set(tokens(
    "ابي أبي ابغى أبغى بدي اريد أريد عايز عاوز بغيت بغينا باغي نبغي نحب حاب حابب ودي عطيني "
    "اعطني اعطيني need want get"))
# Words that may stand between the verb and the person without changing what is asked
# ("احكي مع حدا", "talk to a real person", "is there someone I can talk to"); any other
# word means the person belongs to another phrase: "ابي بيانات حسابي الشخصية", "I want to
# add another person to my account", "my browser's user agent … I need to log in". One
# other word is allowed right after the verb when "with" follows it: a dialect's verb of
# talking the lists lack ("اريد احجي ويا موظف").
_GLUE = set(tokens(
    "مع ويا ويه معا الى إلى على عند ل ب من واحد اي أي شي حقيقي حقيقيه حقيقية ثاني ثانيه تاني "
    "لو سمحت فضلك عافاك عفاك رجاء رجاءا يا انا أنا اني ان أن ممكن اقدر أقدر نقدر نقدرو بس "
    "الله يخليك ضروري الحين هلق هسه هسا دلوقتي دابا دغيا توا حالا فورا "
    "to with me us a an the real actual live one of your you some any please pls plz "
    "now right away immediately asap directly i can could may we is are be being there "
    "who that else instead another other different just only about regarding "
    # Arabizi
    "m3a m3 ma3 ma3a wiya weya wiyya chi shi ay ana ena mumkin momken mmkn law samaht "
    "3afak afak 3la 3al ila l b men min mn daba dghya hala2 al7in el7in delwa2ti "
    "7a2i2i ha2i2i haqiqi 7a9i9i"
))
_WITH = set(tokens("مع ويا ويه معا with m3a m3 ma3 ma3a wiya weya wiyya"))
# English verbs of more than one word: the last word stands for the verb ("put me
# through to an agent"). Alone, "put" and "pass" ask for nothing: "put someone else as
# the receiver".
_TALK_PHRASES = [tuple(tokens(p)) for p in (
    "put me through", "put me thru", "put us through", "pass me to", "pass me over",
    "hand me over", "hand me to", "switch me to")]
# An English person word followed by another word of its phrase names something else:
# "employee discount", "agent fees", "customer service hours" (Arabic, in either script,
# puts such words after the noun it describes, so "موظف التوصيل" stays a person).
_LATIN = re.compile(r"[a-z0-9]")
_PERSON_GROUP = set(tokens("team department desk"))
# "someone else", "another person": a third party ("I want someone else to pick up my
# order"), asked for with a verb of wanting; talking to them is still asking for a
# person ("let me talk to someone else").
_ELSE = set(tokens("else"))
# Said alone, these ask for a person: "موظف", "agent", "human please", "customer
# service" (a message of only a _SUPPORT phrase asks for it, too).
_ALONE = set(tokens("موظف موظفه انسان بشر agent human representative operator person "
                    "شخص حقيقي real mowazaf mowazzaf mwazaf mwazzaf muwazaf insan"))
_ALONE_PADDING = set(tokens("please pls plz لو سمحت من فضلك عافاك ابي ابغى بدي اريد عايز "
                            "بغيت a an the i want need talk to speak with live"))
# "Is anyone there?" typed into a chat looks for a person, too.
_ANYONE_THERE = _phrases(
    "anyone there", "anybody there", "is anyone there", "is anybody there", "is there anyone",
    "is there anybody", "someone there", "is someone there", "anyone here", "anybody here",
    "في حدا", "فيه حدا", "في احد", "فيه احد", "في حد", "فيه حد", "حدا هون", "في حدا هون",
    "حد هنا", "في حد هنا", "احد هنا", "فيه احد هنا", "هل يوجد احد", "هل من احد",
    "كاين شي واحد", "واش كاين شي واحد", "اكو احد", "اكو واحد", "fi 7ada", "fi 7ad")
_ANYONE_PADDING = set(tokens("hello hi hey guys please مرحبا السلام عليكم يا جماعه شباب"))
# A message that opens by asking how or where help can be reached asks for the way,
# which an article gives ("كيف أتواصل مع خدمة العملاء؟", "how do I talk to support
# about a refund?"); the bot answers it and still hands over when it cannot.
_HOW = set(tokens("كيف ازاي كيفاش شلون اشلون how what where which kifach kifash kif "
                  "kayf keef ezay izay shlon"))
# A negation takes back the request that follows it ("ما بدي احكي مع حدا", "I don't want
# to talk to a human", "do not connect me to an agent"), not one elsewhere in the
# message: "ابغى اكلم شخص حقيقي مو بوت", "مو عاجبني البوت ابي انسان".
_NEGATIONS = set(tokens("not no never لا مش ما مو مب موش ماني مانيش بدون ma mish msh mesh "
                        "mush mosh mch mech machi la laa mo mu"))
# What may follow an English person word in a request ("a human, not a bot", "an agent
# please", "the support team"); any other word makes it part of a name ("agent fees").
_FOLLOWERS = _GLUE | _PERSON | _PERSON_GROUP | _TALK | _WANT | _NEGATIONS
# A person named before the verb of talking is asked for only when the verb is an
# Arabic imperfect (ي/ت/ن: "حد يكلمني", "شي واحد نهضر معاه") and either a request comes
# first ("ممكن حد يكلمني بخصوص طلبي") or nothing but small words follow ("حد يكلمني لو
# سمحت"). Otherwise the message tells what happened: "الموظف كلمني بأسلوب سيء", "حد اتصل
# علي من رقمكم", "حد يتصل علي من رقمكم ويطلب الرمز". English puts its subject first
# ("can someone talk to me"), so its order says nothing; but "support", "staff" and
# "people" before a verb name a thing: "is there a support chat".
_IMPERFECT = ("ي", "ت", "ن")
# What a person is wanted for when the customer wants a person (beside _TALK): help,
# answers, a look at their case.
_HELP = set(tokens(
    "يساعد يساعدني يساعدنا تساعدني ساعدني يخدمني يرد يردلي يجاوب يجاوبني يجاوبنا يفهمني "
    "يتابع يتابعلي يشوف يشوفلي يحل يحللي يفيدني يوجهني يشرح يشرحلي "
    "help assist answer respond reply call contact explain check look handle sort"))
_REQUEST = set(tokens("ممكن لو سمحت فضلك عافاك رجاء بليز please can could"))
_TO_ME = set(tokens("معي معايا معاي معاه معاك وياي وياه علي عليا بي فيني"))


def _forms(word):
    """The word, its stem, the word without a clinging ل/ب/و (لموظف → موظف), and
    without the alef of tanween (MSA "أكلم موظفًا" normalizes to موظفا)."""
    return {word, stem(word), without_clitic(word, PERSON_CLITICS), without_tanween(word)}


def _person_forms(word):
    """The word, without a clinging ل/ب/و, the article (بالموظف, للموظف → موظف) and the
    alef of tanween — but not stemmed (see _PERSON)."""
    bare = without_clitic(word, PERSON_CLITICS)
    forms = {word, bare, without_tanween(word), without_tanween(bare)}
    for form in list(forms):
        if form.startswith(("ال", "لل")) and len(form) > 4:
            forms.add(form[2:])
    return forms


def _people(words):
    """Return the (start, end) spans of ``words`` that name a person (a word or a
    phrase such as "خدمة العملاء"), each with whether a verb of wanting suffices."""
    spans = []
    for i, word in enumerate(words):
        # A word that is a person as written is that person: واحد ("one") is not و + أحد.
        found = {word, without_tanween(word)} & _PERSON or _person_forms(word) & _PERSON
        if not found:
            continue
        following = words[i + 1] if i + 1 < len(words) else ""
        if found <= set(tokens("احد أحد")) and following.startswith("ال"):
            continue  # أحد المنتجات: "one of the products"
        if found & _ENGLISH_PERSON and following and _LATIN.match(following) and not (
                following in _FOLLOWERS):
            continue  # "employee discount"
        spans.append((i, i, not found <= _TALK_ONLY and following not in _ELSE))
    for phrase in _SUPPORT:
        size = len(phrase)
        for i in range(len(words) - size + 1):
            if tuple(words[i:i + size]) != phrase:
                continue
            following = words[i + size] if i + size < len(words) else ""
            if phrase in _ENGLISH_SUPPORT and following and not (
                    following in _FOLLOWERS):
                continue  # "customer service hours"
            spans.append((i, i + size - 1, True))
    return spans


def _alone(words):
    """Whether ``words`` are only a person or a support phrase, padded ("موظف لو سمحت",
    "agent please", "خدمة العملاء", "customer service please")."""
    if set(words) <= _ALONE_PADDING | _ALONE and set(words) & _ALONE:
        return True
    rest = tuple(w for w in words if w not in _ALONE_PADDING)
    return any(rest == phrase for phrase in _SUPPORT)


def _negated(words, verbs, negations):
    """Return the positions a negation denies: the verbs, persons and small words right
    after it (and a Maghrebi/Egyptian verb wrapped in ما…ش: "ما بغيتش نهضر")."""
    between_ok = _GLUE | _TALK | _WANT | _PERSON
    negated = set()
    for i in negations:
        j = i + 1
        while j < len(words) and (j in verbs or words[j] in between_ok | _NEGATIONS
                                  or _person_forms(words[j]) & _PERSON
                                  or (j == i + 1 and words[j].endswith("ش"))):
            negated.add(j)
            j += 1
    return negated


def _wanted_for_a_task(words, end):
    """Whether the person wanted (ending at ``end``) is wanted to do a job on a thing —
    "عايز حد يركبلي الشاشة", "ابي احد يوصل الطلب", "I need someone to fix my screen":
    a question about installing, delivering, repairing that an article may answer —
    rather than to help, answer or call the customer ("ابي احد يساعدني", "بدي حدا يرد
    علي", "I want someone to call me"). The job is a verb of theirs other than talking
    or helping, with a thing after it (an Arabic definite noun; in English any word but
    me or us)."""
    rest, to = list(words[end + 1:]), False
    while rest and (rest[0] == "to" or _person_forms(rest[0]) & _PERSON):
        to = to or rest[0] == "to"  # "someone to …"
        rest = rest[1:]  # (and a dialect word's MSA twin: حدا احد)
    if len(rest) < 2:
        return False
    verb, thing = rest[0], rest[1]
    if _forms(verb) & (_TALK | _HELP):
        return False
    if _LATIN.match(verb):
        return to and thing not in ("me", "us")
    return (without_clitic(verb, PERSON_CLITICS).startswith(_IMPERFECT)
            and thing.startswith("ال") and thing not in _GLUE)


def _after_the_person(words, start, end, position, verbs, wanted):
    """Whether the verb of talking at ``position``, after the person at ``start``–
    ``end``, asks for them (see _IMPERFECT)."""
    verb = words[position]
    if _LATIN.match(verb):
        return wanted or not _LATIN.match(words[start])
    if words[start].startswith("ال") or not without_clitic(
            verb, PERSON_CLITICS).startswith(_IMPERFECT):
        return False
    requested = any(k in verbs or words[k] in _REQUEST for k in range(start))
    return requested or all(w in _GLUE | _TO_ME for w in words[position + 1:])


def asks_for_person(text):
    """Return True when ``text`` asks to talk to a person ("أبغى أكلم موظف", "بدي احكي
    مع حدا", "بغيت نهضر مع شي واحد", "talk to a human", "agent", "is anyone there?") and
    does not say the opposite. The person must be the one talked to or wanted: only
    small words (_GLUE) may stand between the verb and the person, so "ابي بيانات حسابي
    الشخصية", "ابي وحدة ثانية" and "I want to add another person to my account" are
    questions."""
    words = tokens(text)
    if not words:
        return False
    if words[0] in _HOW:
        return False
    if _alone(words):
        return True
    if tuple(w for w in words if w not in _ANYONE_PADDING) in _ANYONE_THERE:
        return True
    verbs, negations = {}, []  # verbs: position -> "talk" | "want"
    for i, word in enumerate(words):
        forms = _forms(word)
        if word in _NEGATIONS or (word.startswith("ما") and len(word) > 3
                                  and _forms(word[2:]) & (_TALK | _WANT)):
            negations.append(i)  # a negation, or one joined to its verb: مابدي
        elif forms & _TALK or any(i + 1 >= len(p) and tuple(words[i + 1 - len(p):i + 1]) == p
                                  for p in _TALK_PHRASES):
            verbs[i] = "talk"
        elif forms & _WANT:
            verbs[i] = "want"
    negated = _negated(words, verbs, negations)
    verbs = {i: kind for i, kind in verbs.items() if i not in negated}
    if not verbs:
        return False
    between_ok = _GLUE | _TALK | _WANT | _PERSON
    spans = [span for span in _people(words) if span[0] not in negated]
    for start, end, wanted in spans:
        for position, kind in verbs.items():
            if kind == "want" and (not wanted or position > end):
                continue  # wanting asks for the person it names next: "بدي موظف"
            if kind == "want" and _wanted_for_a_task(words, end):
                continue  # "عايز حد يركبلي الشاشة": someone to do a job, a question
            if position < start:
                gap = words[position + 1:start]
                if len(gap) >= 2 and gap[0] not in between_ok and gap[1] in _WITH:
                    gap = gap[1:]  # "اريد احجي ويا موظف": an unknown verb, then "with"
            elif position > end:
                if not _after_the_person(words, start, end, position, verbs, wanted):
                    continue
                gap = words[end + 1:position]
            else:
                continue
            if all(w in between_ok or _person_forms(w) & _PERSON for w in gap):
                return True
    return False


def _words(*groups):
    return {word for group in groups for phrase in group for word in phrase}


# The Arabizi words above that English does not use ("yalla bye" has "bye"; short ones
# such as "el", "b" or "la" tell nothing), and the Arabizi words of address that pad
# small talk: a message with one is Arabic in Latin letters.
_ENGLISH_WORDS = (_words(GREETINGS, THANKS, GOODBYES, ACKNOWLEDGEMENTS) | _ENGLISH_PERSON
                  | (_TALK - _ARABIZI_TALK) | (_WANT - _ARABIZI_WANT))
_ARABIZI_WORDS = {word for word in (
    _words(ARABIZI_GREETINGS, ARABIZI_THANKS, ARABIZI_GOODBYES, ARABIZI_ACKNOWLEDGEMENTS)
    | _ARABIZI_PERSON | _ARABIZI_TALK | _ARABIZI_WANT)
    if len(word) > 2 and word not in _ENGLISH_WORDS} | set(tokens(
        "yalla yallah habibi 7abibi khoya"))


def language_of(text, default="ar"):
    """Return "ar" or "en": the language to answer the small talk or the request for a
    person in ``text`` in. Arabizi ("bghit nhder m3a chi wa7ed", "chokran", "salam") is
    Arabic, though in Latin letters; otherwise the script with more letters
    (kb.text.detect_language), ``default`` for none."""
    if any(word in _ARABIZI_WORDS for word in tokens(text)):
        return "ar"
    return detect_language(text, default=default)


# A customer's verdict on the bot's last answer or suggestions, typed instead of pressing
# the button: only these whole messages count, so "لا يوجد رابط" stays a question.
_NO = _phrases(
    "لا", "لأ", "لا شكرا", "مو هذا", "مش هو", "مش هذا", "ما نفع", "ما فادني", "لم تجب",
    "ليس هذا", "لا ما جاوب", "no", "nope", "not really", "no it didnt", "no it did not",
    "that didnt help", "not helpful", "none of these")
_YES = _phrases(
    "نعم", "ايوه", "أيوه", "ايوا", "اي", "إي", "أجل", "بلى", "نعم شكرا", "ايوه شكرا",
    "yes", "yeah", "yep", "yes thanks", "yes thank you", "it did", "that helped")


def feedback_in(text):
    """Return "helpful" or "not_helpful" when ``text`` is only a yes or a no ("لا",
    "ايوه", "nope"), else None."""
    words = tuple(tokens(text))
    return "not_helpful" if words in _NO else "helpful" if words in _YES else None
