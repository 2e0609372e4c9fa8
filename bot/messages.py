"""What the bot says, in Arabic and English. One catalogue, so every string exists in
both languages (a test checks it)."""

MESSAGES = {
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
}


def message(key, lang):
    """Return the catalogue string ``key`` in ``lang`` ("ar" or "en")."""
    return MESSAGES[key][lang]
