"""The console's strings for tags on conversations and the conversation search, in
Arabic and English (as web/i18n.py's catalogue: the same ``{name}`` fields). Kept beside
agent_search.py until they join the one catalogue."""
from .i18n import filled

__all__ = ["SEARCH_TEXT", "st"]

SEARCH_TEXT = {
    # Tags: the handoff page's list and its forms (templates/agent/_tags.html, tags.js).
    "tags_title": {"ar": "الوسوم", "en": "Tags"},
    "tags_none": {"ar": "لا وسوم بعد.", "en": "No tags yet."},
    "tags_add_label": {"ar": "أضف وسمًا", "en": "Add a tag"},
    "tags_add": {"ar": "أضف", "en": "Add"},
    "tags_remove": {"ar": "أزل الوسم {tag}", "en": "Remove the tag {tag}"},
    "tags_hint": {"ar": "كلمة أو كلمتان: حروف وأرقام و- و_ ومسافات، حتى {length} حرفًا.",
                  "en": "A word or two: letters, digits, - _ and spaces, up to {length} "
                        "characters."},
    "tags_failed": {"ar": "تعذّر حفظ الوسم، حاول مرة أخرى.",
                    "en": "The tag could not be saved; try again."},
    # The search page (templates/agent/search.html).
    "search_nav": {"ar": "بحث في المحادثات", "en": "Search conversations"},
    "search_title": {"ar": "بحث في المحادثات", "en": "Search conversations"},
    "search_text": {"ar": "نص في المحادثة", "en": "Text in the conversation"},
    "search_text_hint": {"ar": "يطابق مع التشكيل وبدونه، وأ إ آ ا، وة ه، وى ي.",
                         "en": "Matches with or without Arabic marks; أ إ آ ا, ة ه and ى ي "
                               "alike; any case."},
    "search_customer": {"ar": "العميل (الاسم أو البريد أو المعرّف)",
                        "en": "Customer (name, e-mail or id)"},
    "search_tag": {"ar": "وسم", "en": "Tag"},
    "search_from": {"ar": "من تاريخ", "en": "From"},
    "search_to": {"ar": "إلى تاريخ", "en": "To"},
    "search_status": {"ar": "الحالة", "en": "Status"},
    "search_any_status": {"ar": "أي حالة", "en": "Any status"},
    "search_submit": {"ar": "ابحث", "en": "Search"},
    "search_dates_in": {"ar": "التواريخ بتوقيت {zone}، حسب بدء المحادثة.",
                        "en": "Dates in {zone}, by when the conversation started."},
    "search_none": {"ar": "لا محادثات تطابق البحث.", "en": "No conversation matches."},
    "search_page": {"ar": "صفحة {page}", "en": "Page {page}"},
    "search_newer": {"ar": "الأحدث", "en": "Newer"},
    "search_older": {"ar": "الأقدم", "en": "Older"},
    "search_question": {"ar": "أول سؤال", "en": "First question"},
    "search_match": {"ar": "المطابقة", "en": "Match"},
    "search_no_customer": {"ar": "عميل بلا اسم", "en": "Unnamed customer"},
    "search_started": {"ar": "بدأت", "en": "Started"},
}


def st(key, lang, **values):
    """Return the search or tags string ``key`` in ``lang``, ``{name}`` fields filled."""
    return filled(SEARCH_TEXT[key][lang], values)
