"""The console's strings for teams, levels, agent status, transfers, escalations and
service-level marks, in Arabic and English (as web/i18n.py's catalogue: the same
``{name}`` fields). Kept beside agent.py until they join the one catalogue."""
from .i18n import filled

__all__ = ["DESK_TEXT", "dt"]

DESK_TEXT = {
    "desk_team": {"ar": "الفريق", "en": "Team"},
    "desk_level": {"ar": "المستوى", "en": "Level"},
    "desk_level_name": {"ar": "المستوى {level}", "en": "Level {level}"},
    "desk_no_team": {"ar": "بلا فريق", "en": "No team"},
    "desk_all_teams": {"ar": "كل الفرق", "en": "All teams"},
    "desk_filter": {"ar": "عرض", "en": "Show"},
    "desk_status": {"ar": "حالتك", "en": "Your status"},
    "desk_status_online": {"ar": "متصل", "en": "Online"},
    "desk_status_away": {"ar": "بعيد", "en": "Away"},
    "desk_status_offline": {"ar": "غير متصل", "en": "Offline"},
    "desk_capacity": {"ar": "أقصى عدد محادثات", "en": "Most conversations at once"},
    "desk_load": {"ar": "لديك {load} من {capacity}", "en": "{load} of {capacity} held"},
    "desk_save_status": {"ar": "حفظ", "en": "Save"},
    "desk_status_hint": {
        "ar": "وأنت متصل تصلك المحادثات تلقائيًا حتى سعتك؛ البعيد وغير المتصل لا تصله محادثات جديدة.",
        "en": "While online you are given conversations automatically, up to your capacity; "
              "away or offline, none new."},
    "desk_sla": {"ar": "الهدف", "en": "Target"},
    "desk_sla_ok": {"ar": "ضمن الهدف", "en": "On target"},
    "desk_sla_soon": {"ar": "يقترب من الموعد", "en": "Due soon"},
    "desk_sla_breached": {"ar": "تجاوز الموعد", "en": "Breached"},
    "desk_first_response_due": {"ar": "أول رد قبل {time}", "en": "First reply by {time}"},
    "desk_resolution_due": {"ar": "الحل قبل {time}", "en": "Resolution by {time}"},
    "desk_transfer": {"ar": "تحويل", "en": "Transfer"},
    "desk_transfer_to_team": {"ar": "إلى فريق", "en": "To a team"},
    "desk_transfer_to_agent": {"ar": "إلى موظف", "en": "To an agent"},
    "desk_choose": {"ar": "— اختر —", "en": "— choose —"},
    "desk_reason": {"ar": "السبب (يقرؤه من يستلمها)", "en": "Reason (the next agent reads it)"},
    "desk_do_transfer": {"ar": "حوّل", "en": "Transfer"},
    "desk_escalate": {"ar": "تصعيد إلى {level}", "en": "Escalate to {level}"},
    "desk_do_escalate": {"ar": "صعّد", "en": "Escalate"},
    "desk_top_level": {"ar": "هذه المحادثة في أعلى مستوى.", "en": "This handoff is at the top level."},
    "desk_transferred": {"ar": "حوّلها {agent} من {team}:", "en": "Transferred by {agent} from {team}:"},
    "desk_escalated": {"ar": "صعّدها {agent} من {level}:", "en": "Escalated by {agent} from {level}:"},
    "desk_history": {"ar": "التحويلات", "en": "Transfers"},
    "desk_agent_label": {"ar": "{name} ({team}، {status})", "en": "{name} ({team}, {status})"},
    "desk_pick_transfer": {"ar": "اختر فريقًا أو موظفًا واحدًا.", "en": "Choose one team or one agent."},
    # Canned (saved) replies: the picker on a handoff's page and the page that manages them.
    "canned_nav": {"ar": "الردود المحفوظة", "en": "Saved replies"},
    "canned_title": {"ar": "الردود المحفوظة", "en": "Saved replies"},
    "canned_pick": {"ar": "رد محفوظ", "en": "Saved reply"},
    "canned_choose": {"ar": "— اختر ردًا —", "en": "— choose a reply —"},
    "canned_none": {"ar": "لا ردود محفوظة بعد.", "en": "No saved replies yet."},
    "canned_manage": {"ar": "إدارة الردود المحفوظة", "en": "Manage saved replies"},
    "canned_lang_ar": {"ar": "بالعربية", "en": "In Arabic"},
    "canned_lang_en": {"ar": "بالإنجليزية", "en": "In English"},
    "canned_help": {
        "ar": "يشترك الفريق كله في هذه القائمة. {name} يصير اسم العميل (أو «عميلنا العزيز» إن لم "
              "يذكره)، و{agent} اسمك؛ أي كلمة أخرى بين قوسين، مثل {order}، تبقى لتملأها بنفسك، "
              "ولا يُرسل رد ما زال فيه شيء منها.",
        "en": "The whole team shares this list. {name} becomes the customer's name (\"there\" "
              "when they gave none) and {agent} yours; any other word in braces, such as "
              "{order}, stays for you to fill in, and a reply that still holds one is not sent."},
    "canned_field_title": {"ar": "العنوان", "en": "Title"},
    "canned_field_lang": {"ar": "اللغة", "en": "Language"},
    "canned_field_text": {"ar": "النص", "en": "Text"},
    "canned_add": {"ar": "أضف ردًا", "en": "Add a reply"},
    "canned_save": {"ar": "احفظ", "en": "Save"},
    "canned_delete": {"ar": "احذف", "en": "Delete"},
    "canned_edit": {"ar": "تعديل", "en": "Edit"},
    "canned_by": {"ar": "كتبه {agent}", "en": "by {agent}"},
    "canned_article": {"ar": "أدرج رابط مقال", "en": "Insert an article link"},
    "canned_unfilled": {"ar": "املأ {names} قبل الإرسال.", "en": "Fill in {names} before sending."},
    "typing_customer": {"ar": "العميل يكتب…", "en": "The customer is typing…"},
    # The three-pane inbox (/agent): lists, panes, shortcuts, reply errors.
    "inbox_title": {"ar": "صندوق المحادثات", "en": "Inbox"},
    "inbox_lists": {"ar": "المحادثات", "en": "Conversations"},
    "inbox_queue": {"ar": "قائمة الانتظار", "en": "Queue"},
    "inbox_mine": {"ar": "محادثاتي", "en": "Mine"},
    "inbox_resolved": {"ar": "منتهية", "en": "Resolved"},
    "inbox_customer": {"ar": "عميل", "en": "customer"},
    "inbox_unread": {"ar": "{count} غير مقروءة", "en": "{count} unread"},
    "inbox_waited": {"ar": "ينتظر منذ {time}", "en": "waiting {time}"},
    "inbox_waited_for": {"ar": "انتظر {time}", "en": "waited {time}"},
    "inbox_empty_queue": {"ar": "لا أحد ينتظر.", "en": "Nobody is waiting."},
    "inbox_empty_mine": {"ar": "لا محادثات لديك الآن.", "en": "You hold no conversations."},
    "inbox_pick": {"ar": "اختر محادثة من القائمة.", "en": "Choose a conversation from the list."},
    "inbox_back": {"ar": "القائمة", "en": "List"},
    "inbox_show_customer": {"ar": "العميل", "en": "Customer"},
    "inbox_show_conversation": {"ar": "المحادثة", "en": "Conversation"},
    "inbox_own_page": {"ar": "افتحها في صفحتها", "en": "Open on its own page"},
    "inbox_loading": {"ar": "جارٍ التحميل…", "en": "Loading…"},
    "inbox_load_failed": {"ar": "تعذّر فتح المحادثة. حاول مرة أخرى.",
                          "en": "The conversation could not be opened. Try again."},
    "inbox_not_yours": {"ar": "لم يُرسل الرد: لم تعد هذه المحادثة معك. ما كتبته باقٍ.",
                        "en": "Not sent: this conversation is no longer yours. What you "
                              "wrote is kept."},
    "inbox_send_failed": {"ar": "لم يُرسل الرد: {reason}. ما كتبته باقٍ.",
                          "en": "Not sent: {reason}. What you wrote is kept."},
    "inbox_offline": {"ar": "تعذّر الاتصال بالخادم", "en": "the server could not be reached"},
    "inbox_draft_kept": {"ar": "مسودة محفوظة", "en": "Draft kept"},
    "inbox_shortcuts": {"ar": "اختصارات لوحة المفاتيح", "en": "Keyboard shortcuts"},
    "inbox_close": {"ar": "إغلاق", "en": "Close"},
    "inbox_key_next": {"ar": "المحادثة التالية", "en": "Next conversation"},
    "inbox_key_previous": {"ar": "المحادثة السابقة", "en": "Previous conversation"},
    "inbox_key_open": {"ar": "افتح المحادثة المحددة", "en": "Open the selected conversation"},
    "inbox_key_reply": {"ar": "اكتب ردًا", "en": "Write a reply"},
    "inbox_key_send": {"ar": "أرسل الرد", "en": "Send the reply"},
    "inbox_key_back": {"ar": "عودة إلى القائمة", "en": "Back to the list"},
    "inbox_key_queue": {"ar": "قائمة الانتظار", "en": "The queue"},
    "inbox_key_mine": {"ar": "محادثاتي", "en": "My conversations"},
    "inbox_key_help": {"ar": "هذه القائمة", "en": "This list"},
    "inbox_keys_hint": {"ar": "لا تعمل الاختصارات أثناء الكتابة في حقل، إلا Ctrl+Enter وEsc.",
                        "en": "Shortcuts do not fire while you type in a field, except "
                              "Ctrl+Enter and Esc."},
}


def dt(key, lang, **values):
    """Return the desk string ``key`` in ``lang``, with ``{name}`` fields filled."""
    return filled(DESK_TEXT[key][lang], values)
