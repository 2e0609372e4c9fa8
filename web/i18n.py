"""The pages' languages: every UI string in Arabic and English (one catalogue, so no
page shows a string in one language only: tests/test_i18n.py checks every key), which
language a request is in, and durations as people read them."""
from flask import request

from kb.articles import LANGS

DEFAULT_LANG = "ar"
DIRECTIONS = {"ar": "rtl", "en": "ltr"}
# The last language a reader chose, so / takes them back to it.
LANG_COOKIE = "lang"

MESSAGES = {
    "site_name": {"ar": "مركز المساعدة", "en": "Help Center"},
    "brand": {"ar": "دليل", "en": "Dalil"},
    "skip_to_content": {"ar": "انتقل إلى المحتوى", "en": "Skip to content"},
    "language_name": {"ar": "العربية", "en": "English"},
    "switch_language": {"ar": "English", "en": "العربية"},
    "switch_language_label": {"ar": "اعرض هذه الصفحة بالإنجليزية",
                              "en": "View this page in Arabic"},
    "home_heading": {"ar": "كيف نقدر نساعدك؟", "en": "How can we help?"},
    "home_intro": {"ar": "ابحث في مقالات المساعدة أو تصفّح الأقسام.",
                   "en": "Search our help articles or browse the topics."},
    "search_label": {"ar": "ابحث في مركز المساعدة", "en": "Search the help center"},
    "search_placeholder": {"ar": "اكتب سؤالك، مثل: كيف أرجع منتج؟",
                           "en": "Type your question, e.g. how do I return an item?"},
    "search_button": {"ar": "بحث", "en": "Search"},
    "suggestions_label": {"ar": "اقتراحات", "en": "Suggestions"},
    "suggestions_count": {"ar": "عدد الاقتراحات: {count}. استخدم الأسهم للتنقل.",
                          "en": "{count} suggestions. Use the arrow keys to move."},
    "categories": {"ar": "الأقسام", "en": "Topics"},
    "article_count": {"ar": "عدد المقالات: {count}", "en": "{count} articles"},
    "article_count_one": {"ar": "عدد المقالات: 1", "en": "1 article"},
    "most_viewed": {"ar": "الأكثر قراءة", "en": "Most read"},
    "no_views_yet": {"ar": "لا توجد مقالات مقروءة بعد.", "en": "No articles read yet."},
    "home": {"ar": "الرئيسية", "en": "Home"},
    "breadcrumbs": {"ar": "مسار التنقل", "en": "Breadcrumbs"},
    "category_empty": {"ar": "لا توجد مقالات في هذا القسم بعد.",
                       "en": "There are no articles in this topic yet."},
    "uncategorized": {"ar": "مقالات أخرى", "en": "Other articles"},
    "last_updated": {"ar": "آخر تحديث:", "en": "Last updated:"},
    "other_version": {"ar": "اقرأ هذه المقالة بالإنجليزية", "en": "Read this article in Arabic"},
    "only_other_language": {"ar": "هذه المقالة متوفرة بالإنجليزية فقط.",
                            "en": "This article is only available in Arabic."},
    "related": {"ar": "مقالات ذات صلة", "en": "Related articles"},
    "was_helpful": {"ar": "هل كانت هذه المقالة مفيدة؟", "en": "Was this article helpful?"},
    "yes": {"ar": "نعم", "en": "Yes"},
    "no": {"ar": "لا", "en": "No"},
    "comment_label": {"ar": "تعليق (اختياري): كيف نحسّن هذه المقالة؟",
                      "en": "Comment (optional): how can we improve this article?"},
    "send": {"ar": "إرسال", "en": "Send"},
    "feedback_thanks": {"ar": "شكرًا لك! وصلنا رأيك.", "en": "Thank you! We got your feedback."},
    "feedback_invalid": {"ar": "اختر «نعم» أو «لا» ثم أرسل.",
                         "en": "Choose “Yes” or “No”, then send."},
    "agent_login_wait": {"ar": "محاولات دخول خاطئة كثيرة. حاول مرة أخرى بعد {seconds} ثانية.",
                         "en": "Too many failed sign-ins. Try again in {seconds} seconds."},
    "learned_heading": {"ar": "الأسئلة التي تعلّمها البوت", "en": "Questions the bot learned"},
    "learned_intro": {"ar": "تعلّمها البوت من حلول الموظفين المرتبطة بمقالة ومن ردود العملاء «نعم، أجاب عن سؤالي». "
                            "تظهر أولًا الأسئلة المنتظرة للمراجعة (تكاد تطابق سؤالًا كتبه الكتّاب لمقالة أخرى، "
                            "فلا يعمل بها البوت حتى تعتمدها)، ثم التي قال عنها العملاء «لا»: احذف الخاطئ منها.",
                      "en": "Learned from agents' article-linked resolutions and from customers' “yes, "
                            "this answered my question”. First come those held for review (nearly "
                            "a writer's question of another article: the bot does not use them "
                            "until you approve them), then those customers later said “no” to: "
                            "remove the wrong ones."},
    "learned_question": {"ar": "السؤال", "en": "Question"},
    "learned_article": {"ar": "المقالة", "en": "Article"},
    "learned_source": {"ar": "المصدر", "en": "Source"},
    "learned_disputed": {"ar": "مرات «لا»", "en": "“No” count"},
    "learned_remove": {"ar": "حذف", "en": "Remove"},
    "learned_removed": {"ar": "حُذف السؤال، وسيعمل البوت بدونه خلال ثوانٍ.",
                        "en": "Removed. The bot works without it within seconds."},
    "learned_none": {"ar": "لم يتعلّم البوت أي سؤال بعد.", "en": "The bot has not learned any question yet."},
    "learned_from_agent": {"ar": "موظف", "en": "Agent"},
    "learned_from_customer": {"ar": "أكّده العميل", "en": "Customer confirmed"},
    "learned_nav": {"ar": "ما تعلّمه البوت", "en": "Learned questions"},
    "learned_status": {"ar": "الحالة", "en": "Status"},
    "learned_live": {"ar": "يعمل به البوت", "en": "Live"},
    "learned_held": {"ar": "بانتظار المراجعة", "en": "Held for review"},
    "learned_held_why": {"ar": "يكاد يطابق سؤال الكاتب «{question}» في مقالة «{title}»: "
                               "اعتمده فقط إن كان مكانه هنا.",
                         "en": "Nearly the same as the writer's question “{question}” of "
                               "“{title}”: approve it only if it belongs here."},
    "learned_approve": {"ar": "اعتماد", "en": "Approve"},
    "learned_approved": {"ar": "اعتُمد السؤال، وسيعمل به البوت خلال ثوانٍ.",
                         "en": "Approved. The bot uses it within seconds."},
    "csrf_failed": {"ar": "انتهت صلاحية النموذج. حدّث الصفحة وحاول مرة أخرى.",
                    "en": "The form has expired. Reload the page and try again."},
    "form_expired": {"ar": "انتهت صلاحية النموذج، وحفظنا تعليقك: اختر «نعم» أو «لا» مرة أخرى.",
                     "en": "The form had expired; your comment is kept. Choose “Yes” or "
                           "“No” again."},
    "comment_invalid": {"ar": "لا يمكن حفظ التعليق لأن فيه رموزًا خاصة: احذفها وأعد المحاولة.",
                        "en": "The comment can't be saved: it holds special characters. Remove them and try again."},
    "comment_too_long": {"ar": "التعليق أطول من {limit} حرف. اختصره ثم أرسله.",
                         "en": "The comment is longer than {limit} characters. Shorten it "
                               "and send it again."},
    "search_results": {"ar": "نتائج البحث", "en": "Search results"},
    "results_for": {"ar": "نتائج البحث عن «{query}»: {count}",
                    "en": "{count} results for “{query}”"},
    "no_results": {"ar": "لم نجد مقالات تطابق «{query}».",
                   "en": "We found no articles matching “{query}”."},
    "no_results_hint": {"ar": "جرّب كلمات أخرى، أو اسأل مساعدنا في المحادثة.",
                        "en": "Try other words, or ask our assistant in the chat."},
    "empty_query": {"ar": "اكتب ما تبحث عنه في مربع البحث.",
                    "en": "Type what you are looking for in the search box."},
    "invalid_query": {"ar": "لا يمكن البحث بهذا النص: {reason}",
                      "en": "We cannot search for that: {reason}"},
    "open_chat": {"ar": "تحدّث معنا", "en": "Chat with us"},
    "not_found_title": {"ar": "الصفحة غير موجودة", "en": "Page not found"},
    "not_found_text": {"ar": "لم نجد الصفحة التي تبحث عنها. جرّب البحث:",
                       "en": "We couldn't find that page. Try searching:"},
    "error_title": {"ar": "حدث خطأ", "en": "Something went wrong"},
    "error_text": {"ar": "حدث خطأ من جهتنا. حاول مرة أخرى بعد قليل، أو ابحث:",
                   "en": "Something went wrong on our side. Try again shortly, or search:"},
    "unavailable_title": {"ar": "الخدمة غير متاحة مؤقتًا", "en": "Temporarily unavailable"},
    "unavailable_text": {"ar": "لا نستطيع حفظ أي شيء الآن بسبب عطل في التخزين لدينا، ولم "
                               "يُحفظ طلبك. حاول مرة أخرى بعد قليل، أو ابحث:",
                         "en": "We cannot store anything just now (trouble with our "
                               "storage), and your request was not saved. Try again "
                               "shortly, or search:"},
    "unavailable_api": {"ar": "الخدمة غير متاحة مؤقتًا (عطل في التخزين) ولم يُحفظ شيء: "
                              "أعد المحاولة بعد المدة في Retry-After.",
                        "en": "temporarily unavailable (storage trouble); nothing was "
                              "stored: try again after Retry-After seconds"},
    "feedback_unavailable": {"ar": "تعذّر حفظ إجابتك الآن بسبب عطل في التخزين لدينا. "
                                   "تعليقك باقٍ هنا: حاول مرة أخرى بعد قليل.",
                             "en": "We could not save your answer just now (trouble with "
                                   "our storage). Your comment is still here: try again "
                                   "in a moment."},
    "bad_request_title": {"ar": "طلب غير صالح", "en": "Bad request"},
    "bad_request_text": {"ar": "لم نفهم هذا الطلب. جرّب البحث:",
                         "en": "We couldn't understand that request. Try searching:"},
    "status_title": {"ar": "حالة المقالات", "en": "Articles status"},
    "status_ok": {"ar": "كل المقالات محمّلة بنجاح.", "en": "All articles loaded."},
    "status_error": {"ar": "تعذّر تحميل آخر تعديل، وما زالت النسخة السابقة تعمل:",
                     "en": "The latest change could not be loaded; the previous version "
                           "is still serving:"},
    "status_articles": {"ar": "المقالات المنشورة:", "en": "Published articles:"},
    "status_loaded_at": {"ar": "آخر تحميل ناجح:", "en": "Last successful load:"},
    "status_checked_at": {"ar": "آخر فحص:", "en": "Last check:"},
    "status_folder": {"ar": "مجلد المقالات:", "en": "Articles folder:"},
    "status_live_reload": {"ar": "التحديث التلقائي:", "en": "Live reload:"},
    "on": {"ar": "مفعّل", "en": "on"},
    "off": {"ar": "متوقف", "en": "off"},
    "footer": {"ar": "لم تجد ما تبحث عنه؟", "en": "Didn't find what you need?"},
    # --- the chat and its widget (web/chat.py, web/templates/chat/) ---
    "chat_title": {"ar": "تحدّث معنا", "en": "Chat with us"},
    "chat_page_intro": {"ar": "اسأل مساعدنا، وإن لم يجد الإجابة حوّلك إلى أحد موظفينا.",
                        "en": "Ask our assistant; if it can't find the answer, it passes "
                              "you to one of our team."},
    "chat_open": {"ar": "افتح المحادثة", "en": "Open the chat"},
    "chat_close": {"ar": "أغلق المحادثة", "en": "Close the chat"},
    "chat_welcome": {"ar": "أهلًا! اكتب سؤالك وسأبحث لك عن الإجابة.",
                     "en": "Hello! Type your question and I'll find the answer."},
    "chat_placeholder": {"ar": "اكتب رسالتك…", "en": "Type your message…"},
    "chat_message_label": {"ar": "رسالتك", "en": "Your message"},
    "chat_send": {"ar": "إرسال", "en": "Send"},
    "chat_did_it_help": {"ar": "هل أجاب هذا عن سؤالك؟", "en": "Did this answer your question?"},
    "chat_yes": {"ar": "نعم، شكرًا", "en": "Yes, thanks"},
    "chat_no": {"ar": "لا", "en": "No"},
    "chat_none_of_these": {"ar": "لا شيء من هذه", "en": "None of these"},
    "chat_person": {"ar": "أريد التحدث مع موظف", "en": "Talk to a person"},
    "chat_read_article": {"ar": "اقرأ المقالة كاملة", "en": "Read the whole article"},
    "chat_contact_title": {"ar": "اسمك وبريدك الإلكتروني (اختياري)",
                           "en": "Your name and e-mail (optional)"},
    "chat_name": {"ar": "الاسم", "en": "Name"},
    "chat_email": {"ar": "البريد الإلكتروني", "en": "E-mail"},
    "chat_contact_save": {"ar": "حفظ", "en": "Save"},
    "chat_contact_saved": {"ar": "شكرًا، حفظنا بياناتك.", "en": "Thanks, we saved your details."},
    "chat_contact_known": {"ar": "سيرد عليك أحد فريقنا هنا أو على {email}.",
                           "en": "Someone from our team will reply here or at {email}."},
    "chat_history": {"ar": "محادثاتك السابقة ({count})", "en": "Your earlier conversations ({count})"},
    "chat_history_empty": {"ar": "محادثة بلا رسائل", "en": "a conversation without messages"},
    "chat_email_invalid": {"ar": "هذا البريد الإلكتروني غير صحيح.",
                           "en": "That e-mail address is not valid."},
    "chat_queue_position": {"ar": "ترتيبك في قائمة الانتظار: {position}",
                            "en": "Your place in the queue: {position}"},
    "chat_agent_with_you": {"ar": "أحد موظفينا معك الآن.", "en": "An agent is with you now."},
    # "Typing…": the agent's name (as their messages show it), or none known.
    "chat_typing_agent": {"ar": "{name} يكتب…", "en": "{name} is typing…"},
    "chat_typing_someone": {"ar": "أحد موظفينا يكتب…", "en": "An agent is typing…"},
    "chat_rate_title": {"ar": "قيّم المساعدة من 1 إلى 5", "en": "Rate the help from 1 to 5"},
    "chat_rate_comment": {"ar": "تعليق (اختياري)", "en": "Comment (optional)"},
    "chat_rate_send": {"ar": "أرسل التقييم", "en": "Send rating"},
    "chat_rate_thanks": {"ar": "شكرًا على تقييمك!", "en": "Thank you for your rating!"},
    "chat_rate_already": {"ar": "قيّمت هذه المحادثة من قبل. شكرًا لك!",
                          "en": "You have already rated this conversation. Thank you!"},
    "chat_error": {"ar": "تعذّر الإرسال. حاول مرة أخرى.", "en": "Could not send. Try again."},
    "chat_unavailable": {"ar": "تعذّر الإرسال الآن. رسالتك باقية وسنعيد إرسالها بعد {seconds} "
                               "ثانية.",
                         "en": "Could not send just now. Your message is kept; we will "
                               "try again in {seconds} seconds."},
    "chat_too_fast": {"ar": "رسائل كثيرة في وقت قصير. حاول بعد {seconds} ثانية.",
                      "en": "Too many messages at once. Try again in {seconds} seconds."},
    "chat_new": {"ar": "محادثة جديدة", "en": "New conversation"},
    "role_customer": {"ar": "أنت", "en": "You"},
    "role_bot": {"ar": "المساعد", "en": "Assistant"},
    "role_agent": {"ar": "الموظف", "en": "Agent"},
    "role_system": {"ar": "تنبيه", "en": "Notice"},
    # The console names the speakers from the agent's side (role_* are the customer's).
    "console_role_customer": {"ar": "العميل", "en": "Customer"},
    "console_role_bot": {"ar": "البوت", "en": "Bot"},
    "console_role_you": {"ar": "أنت", "en": "You"},
    "console_role_agent": {"ar": "موظف", "en": "Agent"},
    # --- the agents' console (web/agent.py, web/templates/agent/) ---
    "agent_console": {"ar": "لوحة فريق الدعم", "en": "Support console"},
    "agent_login_title": {"ar": "دخول فريق الدعم", "en": "Support team sign-in"},
    "agent_name": {"ar": "اسم المستخدم", "en": "User name"},
    "agent_password": {"ar": "كلمة المرور", "en": "Password"},
    "agent_login_button": {"ar": "دخول", "en": "Sign in"},
    "agent_login_failed": {"ar": "الاسم أو كلمة المرور غير صحيحة.",
                           "en": "Wrong name or password."},
    "agent_logout": {"ar": "خروج", "en": "Sign out"},
    "agent_signed_in_as": {"ar": "مسجّل باسم {name}", "en": "Signed in as {name}"},
    "agent_queue": {"ar": "قائمة الانتظار", "en": "Queue"},
    "agent_filter_open": {"ar": "مفتوحة", "en": "Open"},
    "agent_filter_mine": {"ar": "محادثاتي", "en": "Mine"},
    "agent_filter_resolved": {"ar": "منتهية", "en": "Resolved"},
    "agent_filters": {"ar": "تصفية المحادثات", "en": "Filter handoffs"},
    "agent_waiting": {"ar": "الانتظار", "en": "Waiting"},
    "agent_minutes": {"ar": "{minutes} د", "en": "{minutes} min"},
    "agent_hours": {"ar": "{hours} س {minutes} د", "en": "{hours} h {minutes} min"},
    "agent_language": {"ar": "اللغة", "en": "Language"},
    "agent_question": {"ar": "سؤال العميل", "en": "Customer's question"},
    "agent_no_question": {"ar": "(لم يكتب سؤالًا بعد)", "en": "(no question yet)"},
    "agent_reason": {"ar": "سبب التحويل", "en": "Bot's reason"},
    "agent_candidates": {"ar": "أقرب المقالات", "en": "Top candidates"},
    "agent_state": {"ar": "الحالة", "en": "Status"},
    "agent_assignee": {"ar": "الموظف", "en": "Agent"},
    "agent_empty_queue": {"ar": "لا توجد محادثات هنا.", "en": "No handoffs here."},
    "agent_handoff": {"ar": "محادثة رقم {id}", "en": "Handoff {id}"},
    "agent_transcript": {"ar": "نص المحادثة كاملًا", "en": "Whole transcript"},
    "agent_contact": {"ar": "بيانات التواصل", "en": "Contact details"},
    "agent_customer": {"ar": "العميل ومحادثاته السابقة", "en": "The customer and their earlier conversations"},
    "agent_customer_verified": {"ar": "هوية موثقة من المتجر", "en": "Identity verified by the shop"},
    "agent_customer_by_email": {"ar": "معروف بالبريد الذي أدخله (غير موثق)",
                                "en": "Known by the e-mail they gave (not verified)"},
    "agent_customer_first": {"ar": "أول محادثة لهذا العميل.", "en": "This customer's first conversation."},
    "agent_no_contact": {"ar": "لم يترك العميل بيانات تواصل.",
                         "en": "The customer left no contact details."},
    "agent_claim": {"ar": "استلام المحادثة", "en": "Claim"},
    "agent_release": {"ar": "إعادتها إلى القائمة", "en": "Release"},
    "agent_reply_label": {"ar": "ردّك على العميل", "en": "Your reply to the customer"},
    "agent_send_reply": {"ar": "أرسل الرد", "en": "Send reply"},
    "agent_notes": {"ar": "ملاحظات داخلية", "en": "Internal notes"},
    "agent_notes_hint": {"ar": "للفريق فقط: لا يراها العميل أبدًا.",
                         "en": "For the team only: the customer never sees them."},
    "agent_no_notes": {"ar": "لا ملاحظات بعد.", "en": "No notes yet."},
    "agent_note_label": {"ar": "ملاحظة للفريق", "en": "A note for the team"},
    "agent_add_note": {"ar": "أضف الملاحظة", "en": "Add note"},
    "agent_resolve": {"ar": "إنهاء المحادثة", "en": "Resolve"},
    "agent_outcome": {"ar": "النتيجة", "en": "Outcome"},
    "agent_outcome_article": {"ar": "أجبت بمقالة:", "en": "Answered by article:"},
    "agent_outcome_no_article": {"ar": "أجبت، ولا توجد مقالة مناسبة",
                                 "en": "Answered, no article fits"},
    "agent_outcome_not_support": {"ar": "ليس سؤال دعم", "en": "Not a support question"},
    "agent_article_search": {"ar": "ابحث عن المقالة", "en": "Search for the article"},
    "agent_article_id": {"ar": "معرّف المقالة", "en": "Article id"},
    "agent_teach": {"ar": "ما يتعلّمه البوت", "en": "What teaches the bot"},
    "agent_teach_help": {"ar": "عند الإجابة بمقالة يتعلّم البوت هذه الرسالة طريقةً أخرى للسؤال "
                               "عنها. لا يتعلّم طلب التحدث مع موظف ولا التحية ولا «نعم» و«لا».",
                         "en": "When you answer with an article, the bot learns this message as "
                               "another way to ask for it. It never learns a request for a "
                               "person, small talk, or a yes or no."},
    "agent_teach_nothing": {"ar": "لا تعلّمه شيئًا", "en": "Teach nothing"},
    "agent_teach_edit": {"ar": "أو بصياغتك (اختياري، تحل محل الاختيار أعلاه)",
                         "en": "Or in your words (optional, replaces the choice above)"},
    "agent_teach_none": {"ar": "لا توجد رسالة من العميل تصلح لتعليم البوت: اكتب السؤال بنفسك، "
                               "أو لا تعلّمه شيئًا.",
                         "en": "No message of the customer's can teach the bot: write the "
                               "question yourself, or teach nothing."},
    "agent_taught": {"ar": "ما تعلّمه البوت من هذه المحادثة", "en": "What this handoff taught the bot"},
    "agent_taught_nothing": {"ar": "لم يتعلّم البوت شيئًا من هذه المحادثة.",
                             "en": "The bot learned nothing from this handoff."},
    "agent_held_by": {"ar": "استلمها {holder} قبلك.", "en": "{holder} has already claimed it."},
    "agent_not_yours": {"ar": "لا يمكنك ذلك: {reason}", "en": "You cannot do that: {reason}"},
    "agent_rating": {"ar": "تقييم العميل: {score} من 5", "en": "Customer's rating: {score} of 5"},
    "console_times_in": {"ar": "الأوقات بتوقيت {zone}", "en": "Times in {zone}"},
    "agent_new_handoffs": {"ar": "محادثات جديدة في القائمة: {count}",
                           "en": "New handoffs in the queue: {count}"},
    # The bot's reasons (bot/decide.py): stored in English, the stable key.
    "reason_asked_for_a_person": {"ar": "طلب التحدث مع موظف", "en": "asked for a person"},
    "reason_no_match": {"ar": "لم يجد مقالة مطابقة", "en": "no match"},
    "reason_low_confidence": {"ar": "ثقة منخفضة في الإجابة", "en": "low confidence"},
    "reason_articles_too_close": {"ar": "مقالات متقاربة جدًا", "en": "articles too close"},
    "reason_one_word": {"ar": "كلمة واحدة لا تكفي للإجابة", "en": "one word"},
    "reason_no_word_in_common": {"ar": "لا كلمة مشتركة بين السؤال والمقالة",
                                 "en": "no word in common"},
    "reason_no_topic_word": {"ar": "لا كلمة في السؤال تدل على موضوعه", "en": "no topic word"},
    # bot.decide.SENT_TO_A_PERSON, after a suggestion's reason (web.agent.reason_text).
    "reason_unsure,_sent_to_a_person": {"ar": "غير متأكد، أُحيلت إلى موظف",
                                        "en": "unsure, sent to a person"},
    "reason_answer_did_not_help": {"ar": "الإجابة لم تُفِد العميل", "en": "answer did not help"},
    "reason_suggestions_did_not_help": {"ar": "الاقتراحات لم تُفِد العميل",
                                        "en": "suggestions did not help"},
    "reason_confident_match": {"ar": "مطابقة مؤكدة", "en": "confident match"},
    "reason_answer_helped": {"ar": "الإجابة أفادت العميل", "en": "answer helped"},
    "reason_chosen_from_suggestions": {"ar": "اختارها العميل من الاقتراحات",
                                       "en": "chosen from suggestions"},
    "handoff_state_open": {"ar": "بانتظار موظف", "en": "waiting"},
    "handoff_state_claimed": {"ar": "مع موظف", "en": "claimed"},
    "handoff_state_resolved": {"ar": "منتهية", "en": "resolved"},
    "outcome_article": {"ar": "أُجيب بمقالة", "en": "answered by an article"},
    "outcome_no_article": {"ar": "لا توجد مقالة مناسبة", "en": "no article fits"},
    "outcome_not_support": {"ar": "ليس سؤال دعم", "en": "not a support question"},
    # --- insights for support leads (web/insights.py, web/templates/agent/insights.html) ---
    "insights_title": {"ar": "مؤشرات الدعم", "en": "Insights"},
    "ins_intro": {"ar": "ما يحتاجه العملاء، وما يحلّه البوت، وسرعة الفريق — لفترة تختارها. "
                        "الأيام بتوقيت UTC.",
                  "en": "What customers need, what the bot settles, how fast the team "
                        "helps — for a period you choose. Days are in UTC."},
    "ins_period": {"ar": "الفترة", "en": "Period"},
    "ins_from": {"ar": "من", "en": "From"},
    "ins_to": {"ar": "إلى", "en": "To"},
    "ins_show": {"ar": "اعرض", "en": "Show"},
    "ins_last_days": {"ar": "آخر {days} يومًا", "en": "Last {days} days"},
    "ins_period_shown": {"ar": "من {since} إلى {until} (شاملًا)",
                         "en": "From {since} to {until} (inclusive)"},
    "ins_seconds": {"ar": "{n} ث", "en": "{n} s"},
    "ins_days_hours": {"ar": "{days} ي {hours} س", "en": "{days} d {hours} h"},
    "ins_download_csv": {"ar": "تنزيل CSV", "en": "Download CSV"},
    "ins_no_rows": {"ar": "لا توجد بيانات في هذه الفترة.", "en": "Nothing in this period."},
    "ins_show_table": {"ar": "اعرض الجدول ({rows} صف)", "en": "Show the table ({rows} rows)"},
    "ins_volume": {"ar": "حجم الأسئلة", "en": "Volume"},
    "ins_bot": {"ar": "البوت", "en": "The bot"},
    "ins_gaps": {"ar": "فجوات المحتوى", "en": "Content gaps"},
    "ins_help_center": {"ar": "مركز المساعدة", "en": "Help center"},
    "ins_people": {"ar": "الفريق", "en": "People"},
    "ins_channel_chat": {"ar": "المحادثة", "en": "Chat"},
    "ins_channel_search": {"ar": "البحث", "en": "Search"},
    "ins_channel_api": {"ar": "الواجهة البرمجية", "en": "API"},
    "ins_channel_all": {"ar": "الكل", "en": "All"},
    "ins_channel_web": {"ar": "المحادثة", "en": "Chat"},
    "ins_channel_email": {"ar": "البريد", "en": "E-mail"},
    "ins_channel_whatsapp": {"ar": "واتساب", "en": "WhatsApp"},
    "ins_channel_telegram": {"ar": "تيليجرام", "en": "Telegram"},
    "ins_channels": {"ar": "القنوات", "en": "Channels"},
    "ins_table_channels": {"ar": "المحادثات حسب القناة: الحجم وما حلّه البوت وسرعة أول رد",
                           "en": "Conversations by channel: volume, deflection, first response"},
    "ins_messages": {"ar": "رسائل العملاء", "en": "Customer messages"},
    "ins_chart_volume": {"ar": "الأسئلة يوميًا حسب القناة", "en": "Questions per day by channel"},
    "ins_chart_volume_desc": {"ar": "مجموع الأسئلة في الفترة: {total}. الأرقام في الجدول أدناه.",
                              "en": "{total} questions in the period. The table below has "
                                    "the numbers."},
    "ins_chart_replies": {"ar": "ردود البوت على الأسئلة", "en": "The bot's replies to questions"},
    "ins_chart_replies_desc": {"ar": "عدد الردود: {replies}، موزعة بين إجابة واقتراحات وتحويل.",
                               "en": "{replies} replies: answers, suggestions and handoffs."},
    "ins_chart_top_desc": {"ar": "الأكثر أولًا؛ الأرقام في الجدول.",
                           "en": "Most first; the table has the numbers."},
    "ins_chart_agents": {"ar": "التحويلات لكل موظف", "en": "Handoffs per agent"},
    "ins_definitions": {"ar": "التعريفات", "en": "Definitions"},
    "ins_def_deflection": {"ar": "نسبة الحل الذاتي: من المحادثات التي بدأت في الفترة وسأل فيها العميل "
                                 "سؤالًا واحدًا على الأقل، نسبة ما لم يُحوَّل إلى موظف.",
                           "en": "Deflection: of the conversations started in the period in "
                                 "which the customer asked at least one question, the share "
                                 "never handed to a person."},
    "ins_def_question": {"ar": "السؤال: رسالة كتبها العميل، لا ضغطة زر ولا «نعم/لا» ولا تحية؛ "
                               "والبحث من صفحة النتائج أو الواجهة البرمجية، لا أثناء الكتابة.",
                         "en": "A question: a message the customer typed — not a button, a "
                               "yes/no or small talk; a search from the results page or the "
                               "API, not while typing."},
    "ins_def_times": {"ar": "زمن أول رد: من فتح التحويل إلى أول رسالة من موظف؛ زمن الحل: إلى "
                            "إنهائه. الوسيط والمئين 90 بطريقة أقرب رتبة (قيمة حقيقية دائمًا).",
                      "en": "First response: from a handoff's opening to an agent's first "
                            "message; resolution: to its resolution. Median and 90th "
                            "percentile by nearest rank (always an observed value)."},
    "ins_def_csat": {"ar": "رضا العملاء: نسبة التقييمات 4 أو 5 من 5، مع المتوسط.",
                     "en": "CSAT: the share of ratings of 4 or 5 (of 5); the mean is shown too."},
    "ins_def_backlog": {"ar": "المتراكم: التحويلات المفتوحة عند نهاية الفترة (أو الآن)، وعمرها منذ فتحها.",
                        "en": "Backlog: handoffs not resolved at the period's end (or now), "
                              "aged from their opening."},
    "ins_gap_heading": {"ar": "الفجوة {number}: {size} سؤال",
                        "en": "Gap {number}: {size} questions"},
    "ins_gap_sources": {"ar": "حُوّلت: {escalated} · بحث بلا نتيجة: {no_result} · أُجيبت ثم «لا»: {answered_no}",
                        "en": "Escalated: {escalated} · searched, no result: {no_result} · "
                              "answered, then “no”: {answered_no}"},
    "ins_closest": {"ar": "أقرب مقالة: {title} ({score})", "en": "Closest article: {title} ({score})"},
    "ins_no_closest": {"ar": "لا توجد مقالة قريبة.", "en": "No article is close."},
    "ins_draft": {"ar": "ابدأ مسودة مقالة ({language})", "en": "Start a draft article ({language})"},
    "ins_no_gaps": {"ar": "لا توجد أسئلة بلا إجابة في هذه الفترة.",
                    "en": "No unanswered questions in this period."},
    "ins_table_summary": {"ar": "الملخص", "en": "Summary"},
    "ins_table_volume": {"ar": "الأسئلة حسب اليوم واللغة والقناة",
                         "en": "Questions by day, language and channel"},
    "ins_table_bot_replies": {"ar": "ردود البوت حسب القناة", "en": "The bot's replies by channel"},
    "ins_table_answers": {"ar": "«هل أجاب هذا عن سؤالك؟» لكل مقالة",
                          "en": "“Did this answer your question?” per article"},
    "ins_table_gaps": {"ar": "فجوات المحتوى", "en": "Content gaps"},
    "ins_table_top_searches": {"ar": "أكثر عمليات البحث", "en": "Top searches"},
    "ins_table_no_result_searches": {"ar": "عمليات بحث بلا نتيجة", "en": "Searches with no result"},
    "ins_table_most_viewed": {"ar": "المقالات الأكثر قراءة", "en": "Most viewed articles"},
    "ins_table_article_feedback": {"ar": "تقييم القرّاء لكل مقالة", "en": "Readers' votes per article"},
    "ins_table_comments": {"ar": "تعليقات القرّاء", "en": "Readers' comments"},
    "ins_table_agents": {"ar": "الموظفون", "en": "Agents"},
    "ins_top_searches": {"ar": "أكثر عمليات البحث", "en": "Top searches"},
    "ins_most_viewed": {"ar": "المقالات الأكثر قراءة", "en": "Most viewed articles"},
    # Columns of the tables and names of the summary's figures.
    "ins_figure": {"ar": "المؤشر", "en": "Figure"},
    "ins_value": {"ar": "القيمة", "en": "Value"},
    "ins_day": {"ar": "اليوم", "en": "Day"},
    "ins_channel": {"ar": "القناة", "en": "Channel"},
    "ins_lang": {"ar": "اللغة", "en": "Language"},
    "ins_questions": {"ar": "الأسئلة", "en": "Questions"},
    "ins_questions_chat": {"ar": "أسئلة المحادثة", "en": "Chat questions"},
    "ins_questions_search": {"ar": "عمليات البحث", "en": "Searches"},
    "ins_questions_api": {"ar": "أسئلة الواجهة البرمجية", "en": "API questions"},
    "ins_conversations": {"ar": "محادثات فيها سؤال", "en": "Conversations with a question"},
    "ins_deflected": {"ar": "حلّها البوت دون تحويل", "en": "Settled without a handoff"},
    "ins_deflection": {"ar": "نسبة الحل الذاتي", "en": "Deflection"},
    "ins_bot_replies": {"ar": "ردود البوت", "en": "Bot replies"},
    "ins_replies": {"ar": "الردود", "en": "Replies"},
    "ins_answer": {"ar": "إجابة", "en": "Answer"},
    "ins_suggest": {"ar": "اقتراحات", "en": "Suggestions"},
    "ins_escalate": {"ar": "تحويل لموظف", "en": "Handoff"},
    "ins_answer_rate": {"ar": "نسبة الإجابة", "en": "Answer rate"},
    "ins_suggest_rate": {"ar": "نسبة الاقتراح", "en": "Suggest rate"},
    "ins_escalation_rate": {"ar": "نسبة التحويل", "en": "Escalation rate"},
    "ins_answered_yes": {"ar": "«نعم، أجاب»", "en": "“Yes, it answered”"},
    "ins_answered_no": {"ar": "أُجيبت ثم «لا»", "en": "Answered, then “no”"},
    "ins_article_id": {"ar": "معرّف المقالة", "en": "Article id"},
    "ins_title": {"ar": "العنوان", "en": "Title"},
    "ins_answers": {"ar": "الإجابات", "en": "Answers"},
    "ins_yes": {"ar": "نعم", "en": "Yes"},
    "ins_no": {"ar": "لا", "en": "No"},
    "ins_yes_share": {"ar": "نسبة «نعم»", "en": "“Yes” share"},
    "ins_number": {"ar": "الرقم", "en": "Number"},
    "ins_size": {"ar": "الحجم", "en": "Size"},
    "ins_langs": {"ar": "اللغات", "en": "Languages"},
    "ins_escalated": {"ar": "حُوّلت", "en": "Escalated"},
    "ins_no_result": {"ar": "بلا نتيجة", "en": "No result"},
    "ins_closest_article": {"ar": "أقرب مقالة", "en": "Closest article"},
    "ins_closest_title": {"ar": "عنوانها", "en": "Its title"},
    "ins_closest_score": {"ar": "درجة القرب", "en": "Closeness"},
    "ins_examples": {"ar": "أمثلة", "en": "Examples"},
    "ins_query": {"ar": "عبارة البحث", "en": "Search"},
    "ins_searches": {"ar": "عمليات البحث", "en": "Searches"},
    "ins_searches_no_result": {"ar": "بحث بلا نتيجة", "en": "Searches with no result"},
    "ins_views": {"ar": "القراءات", "en": "Views"},
    "ins_helpful": {"ar": "مفيدة", "en": "Helpful"},
    "ins_not_helpful": {"ar": "غير مفيدة", "en": "Not helpful"},
    "ins_helpful_share": {"ar": "نسبة «مفيدة»", "en": "Helpful share"},
    "ins_comments": {"ar": "التعليقات", "en": "Comments"},
    "ins_created": {"ar": "الوقت", "en": "Time"},
    "ins_comment": {"ar": "التعليق", "en": "Comment"},
    "ins_agent": {"ar": "الموظف", "en": "Agent"},
    "ins_handoffs": {"ar": "التحويلات", "en": "Handoffs"},
    "ins_resolved": {"ar": "المنتهية", "en": "Resolved"},
    "ins_first_response_median_s": {"ar": "أول رد (الوسيط)", "en": "First response (median)"},
    "ins_first_response_p90_s": {"ar": "أول رد (المئين 90)", "en": "First response (90th pct.)"},
    "ins_resolution_median_s": {"ar": "زمن الحل (الوسيط)", "en": "Resolution (median)"},
    "ins_resolution_p90_s": {"ar": "زمن الحل (المئين 90)", "en": "Resolution (90th pct.)"},
    "ins_backlog_open": {"ar": "المتراكم", "en": "Backlog"},
    "ins_backlog_waiting": {"ar": "منها بانتظار موظف", "en": "Of which waiting for an agent"},
    "ins_backlog_median_age_s": {"ar": "عمر المتراكم (الوسيط)", "en": "Backlog age (median)"},
    "ins_backlog_oldest_age_s": {"ar": "أقدم تحويل مفتوح", "en": "Oldest open handoff"},
    "ins_ratings": {"ar": "التقييمات", "en": "Ratings"},
    "ins_csat": {"ar": "رضا العملاء (4–5)", "en": "CSAT (4–5)"},
    "ins_mean_rating": {"ar": "متوسط التقييم", "en": "Mean rating"},
}


def t(key, lang, **values):
    """Return the catalogue string ``key`` in ``lang``, with ``{name}`` fields filled."""
    return filled(MESSAGES[key][lang], values)


def filled(text, values):
    """Return ``text`` with its ``{name}`` fields filled from ``values`` (none: as is, so
    a text with a literal brace needs no escaping)."""
    return text.format(**values) if values else text


def other_lang(lang):
    """Return the other of the two languages."""
    return "en" if lang == "ar" else "ar"


def chosen_lang():
    """Return the language of a page outside the /<lang>/ pages (the console, an error,
    /status): the path's first segment (/en/no-such-page), ?lang=, else the remembered
    one, else Arabic."""
    segment = request.path.strip("/").split("/", 1)[0]
    for candidate in (segment, request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGS:
            return candidate
    return DEFAULT_LANG


def duration(seconds, lang):
    """Return ``seconds`` as a short text a person reads ("45 s", "3 min", "2 h 5 min",
    "4 d 3 h"); "—" when there is none."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return t("ins_seconds", lang, n=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return t("agent_minutes", lang, minutes=minutes)
    if minutes < 24 * 60:
        return t("agent_hours", lang, hours=minutes // 60, minutes=minutes % 60)
    return t("ins_days_hours", lang, days=minutes // 1440, hours=minutes % 1440 // 60)
