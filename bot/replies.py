"""Turn the bot's Decision into what it says: the one place that words an answer, a
list of suggestions, small talk or a handoff, in the customer's language.

    reply = make_reply(decision, candidates, "ar", bot.article)
    reply.text    # "افتح «طلباتي» في حسابك…"
"""
import dataclasses

from .decide import ANSWER_DID_NOT_HELP, ANSWER_HELPED, ASKED_FOR_PERSON, SUGGESTIONS_DID_NOT_HELP
from .messages import message

__all__ = ["Reply", "make_reply", "words"]

# The catalogue key of the words for small talk and for each way of handing over.
_SMALL_TALK = {"greeting": "greeting", "thanks": "thanks", "goodbye": "goodbye",
               ANSWER_HELPED: "glad_to_help"}
_ESCALATION = {ASKED_FOR_PERSON: "escalate_person",
               ANSWER_DID_NOT_HELP: "escalate_not_helpful",
               SUGGESTIONS_DID_NOT_HELP: "escalate_not_helpful"}
# Suggestions made because an answer did not help open with an apology.
_SUGGESTION_HEADER = {ANSWER_DID_NOT_HELP: "next_suggestions"}


@dataclasses.dataclass(frozen=True)
class Reply:
    action: str  # "answer" | "suggest" | "escalate" | "smalltalk"
    article_id: object  # str when action == "answer", else None
    candidates: list  # [(article_id, score), ...] best first, up to 5, scores in [0, 1]
    lang: str  # "ar" | "en": the customer's language
    text: str  # what the bot says, in the customer's language
    reason: str  # why this action, in a few words
    confidence: float = 0.0
    suggestions: tuple = ()  # article ids offered when action == "suggest"
    title: str = ""  # the answering article's title
    # The known question closest to the customer's, of the best candidate, and whether
    # it was learned (so a "no" from the customer can flag it for review).
    matched_question: str = ""
    matched_learned: bool = False


def words(decision, lang, article_of):
    """Return (text, title): what the bot says for ``decision`` in ``lang``, and the
    answering article's title ("" unless it answers). ``article_of(id, lang)`` returns
    an article in ``lang``, else in its other language."""
    if decision.action == "answer":
        article = article_of(decision.article_ids[0], lang)
        text = article.summary or article.title
        if article.lang != lang:
            text = f"{message('other_language', lang)} {article.title}\n{text}"
        return text, article.title
    if decision.action == "suggest":
        header = _SUGGESTION_HEADER.get(decision.reason, "suggest")
        titles = [article_of(article_id, lang).title for article_id in decision.article_ids]
        return "\n".join([message(header, lang), *(f"• {title}" for title in titles)]), ""
    if decision.action == "smalltalk":
        return message(_SMALL_TALK[decision.reason], lang), ""
    return message(_ESCALATION.get(decision.reason, "escalate_no_match"), lang), ""


def make_reply(decision, candidates, lang, article_of, hit=None):
    """Return the Reply for ``decision`` in ``lang``; ``candidates`` are the (article_id,
    score) pairs it was made from, ``hit`` the best search Hit (its closest question)."""
    text, title = words(decision, lang, article_of)
    return Reply(
        action=decision.action,
        article_id=decision.article_ids[0] if decision.action == "answer" else None,
        candidates=list(candidates),
        lang=lang,
        text=text,
        reason=decision.reason,
        confidence=round(decision.confidence, 4),
        suggestions=decision.article_ids if decision.action == "suggest" else (),
        title=title,
        matched_question=hit.question if hit else "",
        matched_learned=bool(hit and hit.learned),
    )
