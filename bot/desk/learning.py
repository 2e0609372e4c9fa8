"""What teaches the bot: an agent resolving a handoff with an article, and a customer's
"yes, this answered my question", each recorded as a learned question; a customer's
"no" to an answer that a learned question produced counts against that question, so
agents review it. The serving bot takes learned questions in from the store (web/live.py).

Learning must help and cannot hurt:
- only a question teaches: never a request for a person, small talk or a yes or no
  (``not_a_question``; content gaps leave the same messages out);
- the agent picks (and may reword) the customer message that teaches the bot, or
  teaches nothing; the default is ``default_question`` of ``teaching_questions``;
- a learned question that is (nearly) another article's writer question is held for
  review instead of going live (``conflict``): an agent approves or removes it.
"""
import re
import weakref

from rapidfuzz import fuzz

from bot import InvalidQuestion, store
from bot.decide import ANSWER_DID_NOT_HELP, ANSWER_HELPED
from bot.intents import asks_for_person, feedback_in, small_talk
from kb.text import detect_language, normalize, tokens

__all__ = ["LearningError", "not_a_question", "why_not_teach", "teaching_questions",
           "default_question", "checked_question", "conflict", "learn_from_follow_up",
           "learn_from_resolution", "approve", "taught_by", "MIN_WORDS"]

# A default teaching question has at least this many words (of two letters or more):
# one word ("refund", "طلبي") is a keyword, and a message such as "it's 55312" or "the
# blue one" answers an agent's question rather than asking one.
MIN_WORDS = 2
_WORD = re.compile(r"[^\W\d_]{2,}")
# An e-mail address or a number of five digits or more (an order, phone or card number):
# personal, never asked the same way twice, and learned questions end up in the articles.
_PERSONAL = re.compile(r"\S+@\S+\.\w+|\d(?:[\s-]?\d){4,}")


class LearningError(ValueError):
    """A question an agent chose that cannot teach the bot; ``str()`` says why."""


def not_a_question(text):
    """Return why ``text`` is no question for the knowledge base — "a request for a
    person", "small talk" or "a yes or no" — or None. Such messages never teach the bot
    and are never content gaps."""
    if asks_for_person(text):
        return "a request for a person"
    if small_talk(text):
        return "small talk"
    if feedback_in(text):
        return "a yes or no"
    return None


def why_not_teach(text):
    """Return why ``text`` cannot be the default teaching question (``not_a_question``'s
    reasons, "too short", "a number or an e-mail address"), or None when it can."""
    why = not_a_question(text)
    if why:
        return why
    said = normalize(text)
    if _PERSONAL.search(said):
        return "a number or an e-mail address"
    if len(_WORD.findall(said)) < MIN_WORDS:
        return "too short"
    return None


def teaching_questions(db, handoff):
    """Return the texts of ``handoff`` that may teach the bot, in the order the customer
    asked them: the question the bot could not answer (the handoff's first question) and
    the customer's typed messages in the handoff, each once (where it was last asked),
    less those ``why_not_teach`` refuses."""
    texts = [handoff.get("first_question")]
    texts += [m["text"] for m in store.messages(db, handoff["conversation_id"])
              if m["role"] == "customer" and m["handoff_id"] == handoff["id"]
              and not m["data"].get("choice")]
    order = {}
    for text in texts:
        text = (text or "").strip()
        if text:
            order.pop(text, None)  # asked again: it counts where it was last asked
            order[text] = None
    return [text for text in order if why_not_teach(text) is None]


def default_question(questions):
    """Return the question that teaches the bot when the agent does not choose one: the
    last of ``questions`` (``teaching_questions``), or None when there is none.

    The last, not the first: the first is the one the bot could not place, and it is
    often not what the agent solved — a customer asks about jobs, asks for a person,
    then says their order is late, and the agent links the order-tracking article. What
    a customer says after asking for a person is their need in their own words, and
    what follows it (thanks, "is anyone there?", yes, an order number) is left out by
    ``why_not_teach``. The agent sees this choice in the console and may change it."""
    return questions[-1] if questions else None


def checked_question(bot, text):
    """Return the question an agent chose (or reworded) as the bot reads it; raise
    LearningError when it is not text, is empty, is refused as a question, or is a
    request for a person, small talk or a yes or no."""
    if not isinstance(text, str):
        raise LearningError("question must be text (or null to teach nothing)")
    if not text.strip():
        raise LearningError("question is empty: leave it out to teach the customer's "
                            "question, or send null to teach nothing")
    try:
        text = bot.read(text).text
    except InvalidQuestion as error:
        raise LearningError(f"the question to learn: {error}") from None
    why = not_a_question(text)
    if why:
        raise LearningError(f"the question to learn is {why}, which teaches the bot "
                            "nothing: choose the customer's question, or teach nothing")
    return text


def conflict(bot, question, article_id):
    """Return (article id, writer question) when ``question`` is the same as a writer's
    question (a title or a front-matter question) of another article than
    ``article_id``, else None. The same: the same words once normalized, or near-verbatim
    by the index's own rule — the question's closest known question in the index, for an
    article among its hits, is a writer's and at least IndexSettings.fuzzy_same_question
    similar (rapidfuzz ratio), the point from which the index answers it as that
    question typed differently. Learned live, such a question would fight the writer's."""
    for other, known in _writer_questions(bot.index).get(tuple(tokens(question)), ()):
        if other != article_id:
            return other, known
    reading, hits = bot.index.lookup(question, limit=max(1, len(bot.index)))
    said = normalize(reading)
    same = bot.index.settings.fuzzy_same_question
    for hit in hits:
        if (hit.article_id != article_id and not hit.learned
                and fuzz.ratio(said, normalize(hit.question)) >= same):
            return hit.article_id, hit.question
    return None


# Index -> its writer questions by their words. A learned question makes a new index
# over the same articles (Index.learn), which shares the table; weak keys: an index
# replaced after an article change is not kept alive by it.
_WRITER_QUESTIONS = weakref.WeakKeyDictionary()


def _writer_questions(index):
    """Return {normalized words: [(article id, title or question)]} of ``index``'s
    articles, in article order: at 10,000 articles, reading every writer question for
    each resolution meant 130,000 tokenizations, some seconds of one worker's time."""
    table = _WRITER_QUESTIONS.get(index)
    if table is None:
        table = next((other_table for other, other_table in list(_WRITER_QUESTIONS.items())
                      if other.articles is index.articles), None)
        if table is None:
            table = {}
            for article in index.articles:
                for known in (article.title, *article.questions):
                    table.setdefault(tuple(tokens(known)), []).append((article.id, known))
        _WRITER_QUESTIONS[index] = table
    return table


def learn_from_follow_up(db, reply, last):
    """Record what the customer's verdict on the bot's last answer teaches: ``reply``
    is the bot's Reply to that verdict, ``last`` the stored data of the answer (its
    article, question, and the closest known question it matched). No conflict check:
    the bot itself answered the question with that article, so it matched no other
    article's writer question near-verbatim (the index would have answered with that)."""
    if last.get("action") != "answer" or not last.get("article_id"):
        return
    # A "yes" teaches only what an agent could pick (why_not_teach): not one word
    # ("الحساب", chosen from suggestions, would then answer every customer), not a
    # number or an e-mail address.
    if (reply.reason == ANSWER_HELPED and last.get("question")
            and why_not_teach(last["question"]) is None):
        store.add_learned_question(db, last["article_id"], last["question"],
                                   last.get("lang"), source="customer")
    elif reply.reason == ANSWER_DID_NOT_HELP and last.get("matched_learned"):
        store.dispute_learned_question(db, last["article_id"], last["matched_question"])


def learn_from_resolution(db, bot, handoff, article_id, agent, question=None, teach=True):
    """Record a question of ``handoff``, resolved by ``agent`` with ``article_id``, as a
    learned question of that article; return its row (``status`` "live", or "review"
    when it ``conflict``s with another article), or None when nothing was learned.
    ``question``: the text the agent chose (``checked_question``), or None for
    ``default_question``; ``teach=False`` teaches nothing."""
    if not teach:
        return None
    if question is None:
        question = default_question(teaching_questions(db, handoff))
        if question is None:
            return None
    held = conflict(bot, question, article_id)
    learned_id = store.add_learned_question(
        db, article_id, question, detect_language(question, default=handoff["lang"] or "ar"),
        handoff_id=handoff["id"], agent=agent, status="review" if held else "live",
        conflict=held)
    return store.get_learned_question(db, learned_id)


def approve(db, learned_id):
    """Make a learned question held for review live; return its row (with its new id:
    store.approve_learned_question), or None when there is no such held question."""
    new_id = store.approve_learned_question(db, learned_id)
    return store.get_learned_question(db, new_id) if new_id else None


def taught_by(db, handoff_id):
    """Return the learned questions (live or held) the resolution of a handoff taught."""
    return store.learned_for_handoff(db, handoff_id)
