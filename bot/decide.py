"""The bot's choice for one message: answer, suggest, escalate or small talk — for a new
question (``decide``) and for a button or a typed yes/no after the bot's last reply
(``follow_up``). Pure: plain data and keyword-only thresholds in, a Decision out."""
import dataclasses

__all__ = ["Decision", "Thresholds", "LastReply", "decide", "follow_up", "confidence",
           "CHOICES", "ASKED_FOR_PERSON", "ANSWER_HELPED", "ANSWER_DID_NOT_HELP",
           "SUGGESTIONS_DID_NOT_HELP", "CHOSEN_FROM_SUGGESTIONS", "ONE_WORD",
           "SENT_TO_A_PERSON", "NO_WORD_IN_COMMON", "NO_TOPIC_WORD",
           "MANY_PHRASINGS_PRECISION", "CALIBRATED_SUGGEST_ABOVE"]

# What a button may send with a message's text (besides "article:<id>", a suggestion).
CHOICES = ("helpful", "not_helpful", "person")

# The reasons that others act on (the words of a reply, what the bot learns, the
# question a handoff is about); agents read every reason in the queue.
ASKED_FOR_PERSON = "asked for a person"
ANSWER_HELPED = "answer helped"
ANSWER_DID_NOT_HELP = "answer did not help"
SUGGESTIONS_DID_NOT_HELP = "suggestions did not help"
CHOSEN_FROM_SUGGESTIONS = "chosen from suggestions"
ONE_WORD = "one word"
# The best article shares no word that says what the question is about, but the
# embeddings favour it: suggested at most.
NO_WORD_IN_COMMON = "no word in common"
# The question has no word that says what it is about ("how much?", "بكم؟"): as one
# word, it gets suggestions at most.
NO_TOPIC_WORD = "no topic word"
# Added to a suggestion's reason where it cannot be offered (Bot.without_suggestions:
# a mail or a messaging app has no buttons): "one word: unsure, sent to a person".
SENT_TO_A_PERSON = "unsure, sent to a person"


@dataclasses.dataclass(frozen=True)
class Thresholds:
    # Answer when the confidence (below) reaches this. Chosen on the ar-dev-open suite
    # so that wrong answers stay near 12% of all questions while about 56% of the
    # answerable ones are answered right (`dalil eval` prints the thresholds that other
    # precisions would need: raise this for a bot that must rarely be wrong).
    answer_at: float = 0.32
    # Below answer_at, offer the best articles when the top score reaches this; under
    # it, hand the question to a person (on ar-dev-open about 58% of the questions no
    # article covers go to a person, 13% of all questions get suggestions).
    suggest_at: float = 0.30
    # At most this many suggestions, and only those scoring at least this share of the
    # best one: an article far behind is noise, not a suggestion.
    max_suggestions: int = 3
    suggestion_share: float = 0.25
    # After a "no" to an answer, the next suggestions leave out candidates scoring under
    # this: on the dev suites an article this far down is almost never the one meant.
    next_suggestion_floor: float = 0.05
    max_next_suggestions: int = 3


# The thresholds of a bot that matches by meaning too (SEMANTIC), per language, when
# ANSWER_AT and SUGGEST_AT are not set: its blended scores run higher, lexical
# thresholds would answer too much. Chosen on the tuning halves of ar-dev-open and
# en-dev-open (benchmarks/tuning_suites.py; the dev halves report): Arabic at 0.36
# answered 57.8% of the answerable questions right with 7.7% of all answered wrong.
# English questions blend more of the semantic score (kb.index.IndexSettings.
# semantic_weight_en, 0.65), so their scores run higher still: on en-dev-open-tune at
# that weight 0.48 answered 71.4% right but 8.4% of all wrong, 0.50 70.1% / 7.6%, 0.51
# 69.4% / 7.5% (the old 0.48 at weight 0.5: 69.3% / 7.6%) — 0.51 keeps wrong answers
# near 7.5%, a margin under 8% for questions the tuning never saw. suggest_at above
# answer_at: offered choices only when the best article scores high but a close
# second holds its confidence down (two topics); a low score goes to a person — 80% of
# the questions no article covers, against 64% with a suggest band under answer_at.
SEMANTIC_THRESHOLDS = {"ar": Thresholds(answer_at=0.36, suggest_at=0.42),
                       "en": Thresholds(answer_at=0.51, suggest_at=0.58)}

# A help center whose articles have many phrasings (kb.index.Index.many_phrasings: the
# SVM ranks) answers, when no threshold or precision is set, at the thresholds that reach
# this precision on its own questions (kb.calibration): the thresholds above were chosen
# for a handful of phrasings an article, and the SVM's scores run on a scale of their
# own, which depends on the help center (its articles, how alike they are); with that
# many questions an article, cross-validation has plenty to hold out. On the tuning
# suites of many phrasings with a quarter of the topics left out (ar-full-open-tune /
# en-full-open-tune) it lands near the fixed 0.32 (0.323 / 0.347: wrong answers 8.9% ->
# 8.7% / 9.2% -> 8.4% of all), on the shipped articles lower (Arabic 0.24, English 0.29).
MANY_PHRASINGS_PRECISION = 0.9
# A calibrated threshold offers suggestions from this far above it: only when the best
# article scores high but a close second holds the confidence down (two topics), as
# SEMANTIC_THRESHOLDS do; a question that matches nothing well goes to a person. On the
# tuning suites at precision 0.9, of the questions no article covers escalated, with a
# suggestion band under answer_at (suggest_at 0.30) and at +0.06: ar-full-open-tune 35.5%
# -> 61.0%, en-full-open-tune 37.7% -> 62.7%, ar-dev-open-tune 64.0% -> 89.0%,
# en-dev-open-tune 45.6% -> 81.1%, answered right and wrong unchanged.
CALIBRATED_SUGGEST_ABOVE = 0.06


@dataclasses.dataclass(frozen=True)
class LastReply:
    """What the bot's last reply in a conversation offered: what a button or a typed
    yes/no after it answers. A conversation keeps it with the reply's message
    (``as_data``) and reads it back (``from_data``)."""

    action: str = ""  # the reply's action; "" before the bot has said anything
    candidates: tuple = ()  # (article_id, score) pairs it was made from, best first
    suggestions: tuple = ()  # the article ids it offered as suggestions
    offered: tuple = ()  # every article offered since the question: none is offered twice
    round: int = 0  # how many times a "no" has brought new suggestions
    lang: str = ""  # the language it was in

    @classmethod
    def from_data(cls, data):
        """Return the LastReply in a stored message's ``data`` (missing keys: empty)."""
        data = data or {}
        return cls(action=data.get("action") or "",
                   candidates=tuple((aid, score) for aid, score in data.get("candidates", ())),
                   suggestions=tuple(data.get("suggestions", ())),
                   offered=tuple(data.get("offered", ())), round=data.get("round", 0),
                   lang=data.get("lang") or "")

    def after(self, reply, follows):
        """Return what the conversation's last reply is once ``reply`` is sent: following
        this one up (``follows``), or answering a new question."""
        new = ((reply.article_id,) if reply.article_id else ()) + tuple(reply.suggestions)
        offered = self.offered if follows else ()
        return LastReply(action=reply.action, candidates=tuple(reply.candidates),
                         suggestions=tuple(reply.suggestions),
                         offered=tuple(dict.fromkeys(offered + new)),
                         round=self.round + (reply.action == "suggest") if follows else 0,
                         lang=reply.lang)

    def as_data(self):
        """Return the JSON-ready fields a conversation stores with the reply."""
        return {"action": self.action,
                "candidates": [[aid, score] for aid, score in self.candidates],
                "suggestions": list(self.suggestions), "offered": list(self.offered),
                "round": self.round, "lang": self.lang}


@dataclasses.dataclass(frozen=True)
class Decision:
    action: str  # "answer" | "suggest" | "escalate" | "smalltalk"
    article_ids: tuple  # the answer (one id), the suggestions, or ()
    reason: str  # a short phrase agents read in the queue
    confidence: float = 0.0


def confidence(scores):
    """Return how sure the bot may be of the best of ``scores`` (best first): the top
    score less half the runner-up's, so two close articles lower it. On the dev suites
    this ranks right answers above wrong ones better than the top score alone
    (coverage at 90% precision, ar-dev: 0.445 against 0.435)."""
    if not scores:
        return 0.0
    second = scores[1] if len(scores) > 1 else 0.0
    return max(0.0, scores[0] - 0.5 * second)


def decide(hits, *, small_talk=None, wants_person=False, one_word=False,
           no_topic=False, unrelated=None, thresholds=Thresholds()):
    """Return the Decision for a new question whose search ``hits`` are [(article_id,
    score), ...] best first. ``small_talk`` is "greeting"/"thanks"/"goodbye" when the
    message is only that; ``wants_person`` when it asks for a human; ``one_word`` when
    it is a single word that no article has as a question ("الحساب", "payment"): that
    says too little to be sure which article is meant, so it gets suggestions at most
    however high the best scores (reason ONE_WORD, or "articles too close" when the
    runner-up is close); ``no_topic`` likewise when no word of the question says what
    it is about ("how much?"; reason NO_TOPIC_WORD). ``unrelated`` when the best article
    shares no word that says what the question is about: "meaning" when the embeddings
    favour it (suggested at most, reason NO_WORD_IN_COMMON), "letters" when only letters
    brought them together (the question goes to a person: "no match")."""
    if wants_person:
        return Decision("escalate", (), ASKED_FOR_PERSON)
    if small_talk:
        return Decision("smalltalk", (), small_talk)
    if not hits:
        return Decision("escalate", (), "no match")
    scores = [score for _, score in hits]
    sure = confidence(scores)
    if unrelated == "letters":  # for the agent, simply nothing found
        return Decision("escalate", (), "no match", sure)
    # An answer held back (one word, no topic word, the meaning alone): suggestions
    # instead, whatever suggest_at; the reason says which.
    held_back = (ONE_WORD if one_word else NO_TOPIC_WORD if no_topic
                 else NO_WORD_IN_COMMON if unrelated == "meaning" else None)
    if sure < thresholds.answer_at:
        held_back = None
    if sure >= thresholds.answer_at and not held_back:
        return Decision("answer", (hits[0][0],), "confident match", sure)
    if scores[0] >= thresholds.suggest_at or held_back:
        floor = scores[0] * thresholds.suggestion_share
        chosen = [aid for aid, score in hits[: thresholds.max_suggestions] if score >= floor]
        if len(chosen) < 2:
            chosen = [aid for aid, _ in hits[:2]]
        close = len(scores) > 1 and scores[1] >= 0.7 * scores[0]
        reason = "articles too close" if close else held_back or "low confidence"
        return Decision("suggest", tuple(chosen), reason, sure)
    return Decision("escalate", (), "no match" if scores[0] < thresholds.suggest_at / 2
                    else "low confidence", sure)


def follow_up(last, choice, *, thresholds=Thresholds()):
    """Return the Decision that answers ``choice`` ("helpful", "not_helpful", "person",
    "article:<id>") after ``last``, the LastReply of the conversation, or None when the
    choice does not follow it (the text is then a new question).

    After an answer, "yes" is small talk (ANSWER_HELPED); a first "no" offers the next
    suggestions not offered yet, a second one hands the conversation to a person."""
    if choice == "person":
        return Decision("escalate", (), ASKED_FOR_PERSON)
    if choice == "helpful" and last.action == "answer":
        return Decision("smalltalk", (), ANSWER_HELPED)
    if choice == "not_helpful" and last.action == "answer":
        rest = [aid for aid, score in last.candidates
                if aid not in last.offered and score >= thresholds.next_suggestion_floor]
        if last.round == 0 and rest:
            return Decision("suggest", tuple(rest[: thresholds.max_next_suggestions]),
                            ANSWER_DID_NOT_HELP)
        return Decision("escalate", (), ANSWER_DID_NOT_HELP)
    if choice == "not_helpful" and last.action == "suggest":
        return Decision("escalate", (), SUGGESTIONS_DID_NOT_HELP)
    if choice and choice.startswith("article:") and last.action == "suggest":
        article_id = choice.split(":", 1)[1]
        if article_id in last.suggestions:
            return Decision("answer", (article_id,), CHOSEN_FROM_SUGGESTIONS)
    return None
