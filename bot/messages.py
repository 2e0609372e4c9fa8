"""What the bot says, in Arabic and English. One catalogue, so every string exists in
both languages (a test checks it)."""

MESSAGES = {
    # --- channels beyond the chat (bot/channels): e-mail, WhatsApp, Telegram ---
    "channel_read_more": {
        "ar": "التفاصيل: {link}",
        "en": "More: {link}",
    },
    "channel_did_it_help": {
        "ar": "هل أجاب هذا عن سؤالك؟ إن لم يُجب، ردّ بكلمة «لا» وسيتابع معك أحد موظفينا.",
        "en": "Did this answer your question? If not, reply \"no\" and a member of our "
              "team will take over.",
    },
    "channel_handoff": {
        "ar": "سيرد عليك أحد موظفينا هنا في أقرب وقت، فلا داعي لإعادة كتابة سؤالك.",
        "en": "A member of our team will reply to you here as soon as possible; there is "
              "no need to write again.",
    },
    "delivery_failed": {
        "ar": "لم تصل هذه الرسالة إلى العميل عبر {channel}: {error}",
        "en": "This message did not reach the customer by {channel}: {error}",
    },
    "greeting": {
        "ar": "أهلًا وسهلًا! كيف أقدر أساعدك اليوم؟ اكتب سؤالك وسأبحث لك عن الإجابة.",
        "en": "Hello! How can I help you today? Type your question and I'll find the answer.",
    },
    "thanks": {
        "ar": "العفو، يسعدنا خدمتك! هل هناك شيء آخر أقدر أساعدك فيه؟",
        "en": "You're welcome! Is there anything else I can help you with?",
    },
    "goodbye": {
        "ar": "مع السلامة! نحن هنا متى احتجت إلينا.",
        "en": "Goodbye! We're here whenever you need us.",
    },
    "suggest": {
        "ar": "لست متأكدًا تمامًا مما تقصد. هل سؤالك عن أحد هذه المواضيع؟",
        "en": "I'm not completely sure what you mean. Is your question about one of these?",
    },
    "escalate_person": {
        "ar": "بكل سرور، سأحوّلك الآن إلى أحد موظفي خدمة العملاء.",
        "en": "Of course. I'm passing you to a member of our support team now.",
    },
    "escalate_no_match": {
        "ar": "لم أجد إجابة مناسبة لسؤالك، لذلك سأحوّله إلى أحد موظفي خدمة العملاء ليساعدك.",
        "en": "I couldn't find a good answer to that, so I'm passing your question to our "
              "support team.",
    },
    "other_language": {
        "ar": "هذه المقالة متوفرة بالإنجليزية فقط:",
        "en": "This article is only available in Arabic:",
    },
    # The chat (bot/desk/conversations.py): after an answer, on "no", when a handoff opens.
    "glad_to_help": {
        "ar": "يسعدني أني ساعدتك! هل عندك سؤال آخر؟",
        "en": "Glad I could help! Do you have another question?",
    },
    "next_suggestions": {
        "ar": "آسف على ذلك. ربما تجد الإجابة في إحدى هذه المقالات؟",
        "en": "Sorry about that. Maybe one of these articles has the answer?",
    },
    "escalate_not_helpful": {
        "ar": "آسف لأني لم أستطع مساعدتك. سأحوّل محادثتك الآن إلى أحد موظفي خدمة العملاء.",
        "en": "Sorry I couldn't help. I'm passing your conversation to our support team now.",
    },
    "handoff_open": {
        "ar": "سيرد عليك أحد موظفينا هنا في هذه المحادثة. ترتيبك في قائمة الانتظار: {position}. "
              "يمكنك إضافة اسمك وبريدك الإلكتروني إن أردت.",
        "en": "An agent will reply to you here in this chat. Your place in the queue: "
              "{position}. You may add your name and e-mail if you like.",
    },
    "handoff_closed_hours": {
        "ar": "فريقنا خارج أوقات العمل الآن ({hours}). سيرد عليك أحد موظفينا هنا عند عودتنا "
              "({when}). ترتيبك في قائمة الانتظار: {position}.",
        "en": "Our team is outside business hours now ({hours}). An agent will reply to you "
              "here when we are back ({when}). Your place in the queue: {position}.",
    },
    "handoff_resolved": {
        "ar": "أنهى الموظف هذه المحادثة. كيف تقيّم المساعدة التي حصلت عليها؟",
        "en": "The agent has closed this conversation. How would you rate the help you got?",
    },
    "weekdays": {
        "ar": "الاثنين،الثلاثاء،الأربعاء،الخميس،الجمعة،السبت،الأحد",
        "en": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
}


def message(key, lang):
    """Return the catalogue string ``key`` in ``lang`` ("ar" or "en")."""
    return MESSAGES[key][lang]
