"""The bot: answers a customer's question from the articles, offers suggestions when
unsure, and hands the rest to people.

    from bot import Bot
    bot = Bot.from_articles("articles")
    reply = bot.ask("متى تصل بطاقتي؟")
    reply.action, reply.article_id, reply.candidates, reply.lang, reply.text, reply.reason
"""
import dataclasses
import functools
import unicodedata

from kb.articles import load_articles, load_categories, load_synonyms
from kb.index import Index
from kb.search import Search
from kb.text import detect_language, readings

from .decide import Decision, Thresholds, decide
from .intents import asks_for_person, small_talk
from .messages import message

__all__ = ["Bot", "Reply", "Thresholds", "InvalidQuestion", "EmptyQuestion",
           "QuestionTooLong", "ControlCharacters", "UndecodableQuestion", "UnknownLanguage",
           "MAX_QUESTION_LENGTH"]

# Long enough for a customer's story, short enough that a pasted document is refused.
MAX_QUESTION_LENGTH = 1000
LANGS = ("ar", "en")


class InvalidQuestion(ValueError):
    """A message the bot cannot take; ``str()`` says why in words a person understands."""


class EmptyQuestion(InvalidQuestion):
    pass


class QuestionTooLong(InvalidQuestion):
    pass


class ControlCharacters(InvalidQuestion):
    pass


class UndecodableQuestion(InvalidQuestion):
    pass


class UnknownLanguage(InvalidQuestion):
    pass


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


class Bot:
    """Answers questions from an Index. Holds no per-customer state: safe to share
    between threads, and cheap to replace when the articles change."""

    def __init__(self, index, *, thresholds=None, max_length=MAX_QUESTION_LENGTH,
                 default_lang="ar", categories=(), synonyms=()):
        self.index = index
        self.thresholds = thresholds or Thresholds()
        self.max_length = max_length
        self.default_lang = default_lang
        self.categories = tuple(categories)  # kb.articles.Category, in display order
        self.synonyms = tuple(synonyms)  # groups of words search treats as one
        self._articles = {(a.id, a.lang): a for a in index.articles}

    @classmethod
    def from_articles(cls, folder, *, learned=None, index_settings=None, **options):
        """Return a Bot over the published articles in ``folder``, its categories.yml
        and synonyms.yml (raises ArticleError naming the file and line of a broken
        article)."""
        index = Index(load_articles(folder), learned=learned, settings=index_settings)
        return cls(index, categories=load_categories(folder),
                   synonyms=load_synonyms(folder), **options)

    def with_index(self, index):
        """Return a Bot like this one over ``index`` (e.g. ``self.index.learn(...)``)."""
        return Bot(index, thresholds=self.thresholds, max_length=self.max_length,
                   default_lang=self.default_lang, categories=self.categories,
                   synonyms=self.synonyms)

    @functools.cached_property
    def help_center(self):
        """The help-center Search over the articles (built on first use: asking does
        not need it)."""
        return Search(self.index.articles, index=self.index, synonyms=self.synonyms)

    def search(self, query, lang=None, limit=10, prefix=True):
        """Return up to ``limit`` kb.search.Results for ``query`` in ``lang`` (default:
        the query's language); raise InvalidQuestion for input ``ask`` would refuse."""
        query = self.check_question(query)
        if lang is not None and lang not in LANGS:
            raise UnknownLanguage("Unknown language: use ar or en.")
        lang = lang or detect_language(query, default=self.default_lang)
        return self.help_center.search(query, lang=lang, limit=limit, prefix=prefix)

    def versions(self, article_id):
        """Return {lang: Article} of every published version of ``article_id``."""
        return {lang: self._articles[(article_id, lang)] for lang in LANGS
                if (article_id, lang) in self._articles}

    def category(self, category_id):
        """Return the Category ``category_id``, or None."""
        return next((c for c in self.categories if c.id == category_id), None)

    def articles_in(self, category_id, lang):
        """Return the articles of ``category_id``, one per id (in ``lang`` when it
        exists), sorted by title."""
        ids = dict.fromkeys(a.id for a in self.index.articles if a.category == category_id)
        return sorted((self.article(i, lang) for i in ids), key=lambda a: a.title)

    def related(self, article, limit=5):
        """Return up to ``limit`` other articles (in ``article.lang`` when they exist)
        a reader of ``article`` may want next: the closest by the question index."""
        hits = self.index.search(article.title, limit=limit + 1)
        return [self.article(hit.article_id, article.lang) for hit in hits
                if hit.article_id != article.id][:limit]

    def article(self, article_id, lang):
        """Return the article ``article_id`` in ``lang``, else in the other language,
        else None."""
        return self._articles.get((article_id, lang)) or next(
            (self._articles[(article_id, other)] for other in LANGS
             if (article_id, other) in self._articles), None)

    def check_question(self, question):
        """Return ``question`` as clean text; raise an InvalidQuestion subclass for empty,
        over-long, binary or mis-encoded input."""
        if isinstance(question, (bytes, bytearray)):
            try:
                question = bytes(question).decode("utf-8")
            except UnicodeDecodeError:
                raise UndecodableQuestion("The question is not readable text (it is not UTF-8).") from None
        if not isinstance(question, str):
            raise InvalidQuestion("The question must be text.")
        if "\ufffd" in question or any(unicodedata.category(ch) == "Cs" for ch in question):
            raise UndecodableQuestion("The question contains characters that could not be "
                                      "decoded: send it as UTF-8 text.")
        question = question.strip()
        if not question:
            raise EmptyQuestion("The question is empty: type a question.")
        if len(question) > self.max_length:
            raise QuestionTooLong(f"The question is too long ({len(question)} characters; "
                                  f"the limit is {self.max_length}).")
        if any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in question):
            raise ControlCharacters("The question contains control characters; send plain text.")
        return question

    def ask(self, question, lang=None):
        """Return the Reply to ``question`` (str, or UTF-8 bytes). ``lang`` forces the
        reply language; by default it is the question's. Raises InvalidQuestion."""
        question = self.check_question(question)
        if lang is not None and lang not in LANGS:
            # Not echoed back: the value may be anything a client sent (the API returns
            # this message as is).
            raise UnknownLanguage("Unknown language: use ar or en.")
        reading, hits = self.index.lookup(question, limit=5)
        talk, wants_person, said = self._intent(question)
        # Small talk and requests for a person are answered in the language they were
        # recognized in, even when the search preferred another reading ("شكرا" is also
        # the keys of "a;vh"; "bdi a7ki m3 7ada" is Arabic in Latin letters).
        lang = lang or detect_language(said if talk or wants_person else reading,
                                       default=self.default_lang)
        candidates = [(hit.article_id, round(hit.score, 4)) for hit in hits]
        decision = decide(candidates, small_talk=talk, wants_person=wants_person,
                          thresholds=self.thresholds)
        reply = self._reply(decision, candidates, lang)
        if hits:
            reply = dataclasses.replace(reply, matched_question=hits[0].question,
                                        matched_learned=hits[0].learned)
        return reply

    @staticmethod
    def _intent(question):
        """Return (small talk kind or None, asks for a person, the text that said so):
        the customer's own words first, then their other readings (wrong keyboard
        layout, Arabizi)."""
        for text in (question, *readings(question)):
            talk, person = small_talk(text), asks_for_person(text)
            if talk or person:
                return talk, person, text
        return None, False, question

    def _reply(self, decision: Decision, candidates, lang):
        article_id, title = None, ""
        if decision.action == "answer":
            article_id = decision.article_ids[0]
            article = self.article(article_id, lang)
            title = article.title
            text = article.summary or article.title
            if article.lang != lang:
                text = f"{message('other_language', lang)} {article.title}\n{text}"
        elif decision.action == "suggest":
            titles = [self.article(aid, lang).title for aid in decision.article_ids]
            text = "\n".join([message("suggest", lang), *(f"• {t}" for t in titles)])
        elif decision.action == "smalltalk":
            text = message(decision.reason, lang)
        elif decision.reason == "asked for a person":
            text = message("escalate_person", lang)
        else:
            text = message("escalate_no_match", lang)
        return Reply(
            action=decision.action,
            article_id=article_id,
            candidates=candidates,
            lang=lang,
            text=text,
            reason=decision.reason,
            confidence=round(decision.confidence, 4),
            suggestions=decision.article_ids if decision.action == "suggest" else (),
            title=title,
        )
