"""The bot: answers a customer's question from the articles, offers suggestions when
unsure, and hands the rest to people. This package is the answering brain only: the
help desk's work with people is in bot/desk/, every SQL statement in bot/store/.

    from bot import Bot
    bot = Bot.from_articles("articles")
    reply = bot.ask("متى تصل بطاقتي؟")
    reply.action, reply.article_id, reply.candidates, reply.lang, reply.text, reply.reason
"""
import dataclasses
import functools
import os

from kb.articles import load_articles, load_categories, load_synonyms
from kb.cache import folder_digest, source_digest
from kb.calibration import NEVER, cross_validate, thresholds_for
from kb.index import Index
from kb.related import Related
from kb.search import Search
from kb.semantic import encoder_name
from kb.text import content_words, detect_language, stem, topic_stems

from . import decide as decide_module
from .decide import (ANSWER_DID_NOT_HELP, CALIBRATED_SUGGEST_ABOVE, CHOICES,
                     MANY_PHRASINGS_PRECISION, SEMANTIC_THRESHOLDS, SENT_TO_A_PERSON, Decision,
                     LastReply, Thresholds, confidence, decide, follow_up)
from .intents import asks_for_person, feedback_in, language_of, small_talk
from .question import (LANGS, MAX_QUESTION_LENGTH, ControlCharacters, EmptyQuestion,
                       InvalidQuestion, Question, QuestionTooLong, UndecodableQuestion,
                       UnknownLanguage, check_lang, read_question)
from .replies import Reply, make_reply

__all__ = ["Bot", "Reply", "Question", "Decision", "LastReply", "Thresholds", "CHOICES",
           "SEMANTIC_THRESHOLDS",
           "InvalidQuestion", "EmptyQuestion", "QuestionTooLong", "ControlCharacters",
           "UndecodableQuestion", "UnknownLanguage", "MAX_QUESTION_LENGTH"]


def _word_stems(text):
    """Return the set of the stems of ``text``'s content words (kb.text.content_words):
    "refund refund" and "refunds" are one word."""
    return {stem(word) for word in content_words(text)}


def _calibrated_suggest_at(answer_at, given):
    """Return the suggest threshold beside a calibrated ``answer_at``: the ``given``
    Thresholds' suggest_at (SUGGEST_AT set) up to answer_at; else CALIBRATED_SUGGEST_ABOVE
    above it, or the default suggest_at for a language that never reaches the precision
    (it then only gets suggestions)."""
    if given is not None:
        return min(given.suggest_at, answer_at)
    if answer_at >= NEVER:
        return Thresholds().suggest_at
    return round(answer_at + CALIBRATED_SUGGEST_ABOVE, 4)


def calibration_rounds(index, index_settings=None):
    """Return the IndexSettings the calibration's rounds build with: ``index_settings``,
    or where the SVM ranks ``index`` (Index.many_phrasings) its settings with the SVM
    kept — with a quarter of the questions held out, articles of 24-32 phrasings would
    fall back to the regression, and the thresholds would be another model's."""
    if index.many_phrasings:
        return dataclasses.replace(index.settings, classifier_questions=0)
    return index_settings


def calibration_from(records, precision, derived=False):
    """Return {lang: kb.calibration.Threshold} for ``precision`` from the calibration's
    ``records``; ``derived`` (nobody asked for a precision: MANY_PHRASINGS_PRECISION)
    leaves out a language its own questions cannot calibrate (too few answered, or never
    that precise): it answers at the fixed thresholds, as before — a small English side
    must not fall silent."""
    calibration = thresholds_for(records, precision)
    if derived:
        calibration = {lang: t for lang, t in calibration.items() if t.answer_at < NEVER}
    return calibration


class Bot:
    """Answers questions from an Index. Holds no per-customer state: safe to share
    between threads, and cheap to replace when the articles change."""

    def __init__(self, index, *, thresholds=None, max_length=MAX_QUESTION_LENGTH,
                 default_lang="ar", categories=(), synonyms=(), calibration=None,
                 answer_precision=None, lang_thresholds=None, precision_is_default=False):
        self.index = index
        self._given_thresholds = thresholds  # None: the defaults, not set by the caller
        self.thresholds = thresholds or Thresholds()
        # {lang: Thresholds} a language answers with instead of ``thresholds`` (e.g.
        # bot.decide.SEMANTIC_THRESHOLDS); a calibrated language's answer_at wins.
        self.lang_thresholds = dict(lang_thresholds or {})
        # {lang: kb.calibration.Threshold} when the thresholds come from a wanted
        # precision (``from_articles(answer_precision=...)``): each language answers
        # from its own threshold, the rest of self.thresholds unchanged.
        self.calibration = dict(calibration or {})
        self.answer_precision = answer_precision
        # Whether answer_precision is MANY_PHRASINGS_PRECISION, taken because the articles
        # have many phrasings and no threshold or precision was set (``dalil eval`` says so).
        self.precision_is_default = precision_is_default
        self._thresholds = {**self.lang_thresholds, **{lang: dataclasses.replace(
            self.thresholds, answer_at=t.answer_at, suggest_at=_calibrated_suggest_at(
                t.answer_at, thresholds))
            for lang, t in self.calibration.items()}}
        self.max_length = max_length
        self.default_lang = default_lang
        self.categories = tuple(categories)  # kb.articles.Category, in display order
        self.synonyms = tuple(synonyms)  # groups of words search treats as one
        self._articles = {(a.id, a.lang): a for a in index.articles}
        self._cached = None  # (kb.cache.Cache, what the index was built from), or None

    @classmethod
    def from_articles(cls, folder, *, learned=None, index_settings=None, cache=None,
                      answer_precision=None, encoder=None, **options):
        """Return a Bot over the published articles in ``folder``, its categories.yml
        and synonyms.yml (raises ArticleError naming the file and line of a broken
        article). With ``cache`` (a kb.cache.Cache), the index and the help-center
        search are loaded from it when they were built from the same files, learned
        questions, settings and code, and stored in it when they are built. With
        ``answer_precision`` (e.g. 0.9), each language answers from the threshold that
        reaches that precision on the articles' own questions (kb.calibration: a few
        index builds, cached like the index). With ``encoder`` (kb.semantic, e.g.
        default_encoder()), questions the lexical ranking is unsure of are matched by
        meaning too (IndexSettings.semantic_below), the calibration likewise, and without
        ``thresholds`` each language answers at SEMANTIC_THRESHOLDS (its scores run
        higher than the lexical ranking's) — when the index does match by meaning: one
        with many phrasings or thousands of articles stays lexical, at lexical ones."""
        def build():
            return Index(load_articles(folder), learned=learned, settings=index_settings,
                         encoder=encoder)

        built_from = None
        if cache is None:
            index = build()
        else:
            # Everything the index and the search are made of. The folder's path too:
            # each article remembers its file.
            built_from = {"folder": os.path.abspath(folder), "files": folder_digest(folder),
                          "learned": learned or {}, "settings": index_settings,
                          "encoder": encoder_name(encoder),
                          "composed by": source_digest(__file__)}
            # A cached index holds no encoder (a model is not pickled): attach ours.
            index = cache.get("index", built_from, build).using(encoder)
        # Many phrasings an article and nothing set: thresholds of their own
        # (bot.decide.MANY_PHRASINGS_PRECISION).
        derived = (answer_precision is None and index.many_phrasings
                   and options.get("thresholds") is None
                   and options.get("lang_thresholds") is None)
        if derived:
            answer_precision = MANY_PHRASINGS_PRECISION
        if answer_precision is not None:
            rounds = calibration_rounds(index, index_settings)

            def calibrate():
                # The index's articles (no second read of the folder), scored as
                # decide() scores them: the confidence it answers on.
                return cross_validate(index.articles, settings=rounds,
                                      measure=confidence, encoder=encoder)

            records = calibrate() if cache is None else cache.get(
                "calibration", {**built_from, "learned": {}, "rounds": rounds,
                                "decided by": source_digest(decide_module.__file__)},
                calibrate)
            precision = float(answer_precision)
            calibration = calibration_from(records, precision, derived)
            if calibration or not derived:
                options["answer_precision"], options["calibration"] = precision, calibration
                options["precision_is_default"] = derived
        if index.semantic is not None and "thresholds" not in options:
            options.setdefault("lang_thresholds", SEMANTIC_THRESHOLDS)
        bot = cls(index, categories=load_categories(folder), synonyms=load_synonyms(folder),
                  **options)
        if cache is not None:
            bot._cached = (cache, built_from)
        return bot

    def with_index(self, index):
        """Return a Bot like this one over ``index`` (e.g. ``self.index.learn(...)``,
        the same articles): the help-center search and the related articles already
        built are kept (the search asks the new index), not built again — at 10,000
        articles the search takes some 25 s to build, and a learned question arrives
        any minute."""
        bot = Bot(index, thresholds=self._given_thresholds, max_length=self.max_length,
                  default_lang=self.default_lang, categories=self.categories,
                  synonyms=self.synonyms, calibration=self.calibration,
                  answer_precision=self.answer_precision,
                  lang_thresholds=self.lang_thresholds,
                  precision_is_default=self.precision_is_default)
        if "help_center" in self.__dict__:
            bot.__dict__["help_center"] = self.help_center.with_index(index)
        if "_related" in self.__dict__:
            bot.__dict__["_related"] = self._related
        return bot

    def thresholds_for(self, lang):
        """Return the Thresholds the bot answers questions in ``lang`` with."""
        return self._thresholds.get(lang, self.thresholds)

    # --- the articles -------------------------------------------------------------------

    @functools.cached_property
    def help_center(self):
        """The help-center Search over the articles (built, or loaded from the cache of
        ``from_articles``, on first use: asking does not need it)."""
        def build():
            return Search(self.index.articles, index=self.index, synonyms=self.synonyms)

        if self._cached is None:
            return build()
        cache, built_from = self._cached
        # The entry holds the search alone; it refers to this very index.
        return cache.get("search", built_from, build, shared={"index": self.index})

    def search(self, query, lang=None, limit=10, prefix=True):
        """Return up to ``limit`` kb.search.Results for ``query`` in ``lang`` (default:
        the query's language); raise InvalidQuestion for input ``ask`` would refuse."""
        question = self.read(query)
        lang = check_lang(lang) or detect_language(question.text, default=self.default_lang)
        return self.help_center.search(question.text, lang=lang, limit=limit, prefix=prefix,
                                       other_readings=question.readings)

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
        """Return up to ``limit`` other published articles (in ``article.lang`` when
        they exist) a reader of ``article`` may want next (kb.related): the writers'
        ``related:`` and links, then the nearest of its category, then of the
        neighbouring categories."""
        return [self.article(article_id, article.lang)
                for article_id in self._related.of(article.id, article.lang, limit)]

    @functools.cached_property
    def _related(self):
        """kb.related.Related over the published articles, built on first use (asking
        does not need it)."""
        return Related(self.index.articles, self.categories)

    def article(self, article_id, lang):
        """Return the article ``article_id`` in ``lang``, else in the other language,
        else None."""
        return self._articles.get((article_id, lang)) or next(
            (self._articles[(article_id, other)] for other in LANGS
             if (article_id, other) in self._articles), None)

    # --- answering ----------------------------------------------------------------------

    def read(self, question):
        """Return ``question`` (str, UTF-8 bytes or a Question) as a checked Question;
        raise an InvalidQuestion subclass for empty, over-long, binary or mis-encoded
        input."""
        return read_question(question, self.max_length)

    def ask(self, question, lang=None):
        """Return the Reply to ``question`` (str, UTF-8 bytes or a Question). ``lang``
        forces the reply language; by default it is the question's. Raises
        InvalidQuestion."""
        question = self.read(question)
        check_lang(lang)
        talk, wants_person, said = self._intent(question)
        # Semantic matching (when the index has it) only for a question to answer: a
        # "thanks" or a request for a person is not worth 40 ms of encoding.
        reading, hits = self.index.lookup(question.text, limit=5,
                                          other_readings=question.readings,
                                          semantic=not (talk or wants_person))
        # Small talk and requests for a person are answered in the language they were
        # recognized in, even when the search preferred another reading ("شكرا" is also
        # the keys of "a;vh"; "bdi a7ki m3 7ada" is Arabic in Latin letters).
        lang = lang or (language_of(said, default=self.default_lang) if talk or wants_person
                        else detect_language(reading, default=self.default_lang))
        # An article that shares no word saying what the question is about is no answer
        # to it, whatever it scored: the classifier's probabilities always add up to one,
        # so over a few articles "my dog is sick" came out sure of the order-tracking
        # one. The embeddings may still be right ("I want a refund", a returns article
        # without the word): an article they favour stays, suggested at most; one that
        # only shares letters is no candidate. A question with no such word at all
        # ("how much?") says too little to answer: suggestions at most.
        unrelated, no_topic = None, False
        if hits:
            shared = {hit.article_id for hit in self.index.sharing_a_word(reading, hits)}
            if not topic_stems(reading):
                no_topic = hits[0].article_id not in shared  # not a writer's question
            elif hits[0].article_id not in shared:
                kept = [hit for hit in hits if hit.article_id in shared or hit.by_meaning]
                if kept and kept[0].article_id not in shared:
                    unrelated = "meaning"
                elif not kept:
                    unrelated = "letters"
                hits = kept or hits  # the agent still sees what was found
        candidates = [(hit.article_id, round(hit.score, 4)) for hit in hits]
        words = _word_stems(reading)
        # One word (in the reading searched: "el 7esab" is الحساب) is a question only
        # when a writer has it as one (its closest known question is that word, in
        # any inflection): "تمارا" may be, "الحساب" is a topic. A learned question
        # does not count: one customer's "yes" to a suggestion would answer everyone.
        one_word = len(words) == 1 and not (
            hits and not hits[0].learned and _word_stems(hits[0].question) == words)
        decision = decide(candidates, small_talk=talk, wants_person=wants_person,
                          one_word=one_word, no_topic=no_topic, unrelated=unrelated,
                          thresholds=self.thresholds_for(lang))
        return make_reply(decision, candidates, lang, self.article,
                          hits[0] if hits else None)

    def follow_up(self, last, choice=None, question=None, lang=None):
        """Return the Reply to a button's ``choice`` — or to ``question`` when it is only
        a typed yes or no — after ``last``, the conversation's LastReply; None when the
        message does not follow it up (it is then a new question: ``ask``). The reply is
        in ``last``'s language, else ``lang``, else the bot's default."""
        if choice is None and question is not None and last.action in ("answer", "suggest"):
            choice = feedback_in(self.read(question).text)
        decision = follow_up(last, choice, thresholds=self.thresholds)
        if decision is None:
            return None
        # An article removed since the last reply (a live reload) is not offered again.
        known = tuple(aid for aid in decision.article_ids if self.article(aid, self.default_lang))
        if decision.action == "answer" and not known:
            return None  # the button's text, the article's title, is asked as a question
        if decision.action == "suggest" and not known:
            decision = Decision("escalate", (), decision.reason)
        elif known != decision.article_ids:
            decision = dataclasses.replace(decision, article_ids=known)
        return make_reply(decision, last.candidates, last.lang or lang or self.default_lang,
                          self.article)

    def without_suggestions(self, reply):
        """Return ``reply``, or — when it suggests — the Reply that hands the question to a
        person instead, keeping the candidates for the agent: a mail or a messaging app
        has no buttons to choose a suggestion with, and a guess sent by mail is one the
        customer acts on (bot/channels/inbound.py)."""
        if reply.action != "suggest":
            return reply
        # After "no" to an answer the words stay "sorry that did not help".
        reason = (reply.reason if reply.reason == ANSWER_DID_NOT_HELP
                  else f"{reply.reason}: {SENT_TO_A_PERSON}")
        decision = Decision("escalate", (), reason, reply.confidence)
        return make_reply(decision, reply.candidates, reply.lang, self.article)

    @staticmethod
    def _intent(question):
        """Return (small talk kind or None, asks for a person, the text that said so):
        the customer's own words first, then their other readings (wrong keyboard
        layout, Arabizi)."""
        for text in (question.text, *question.readings):
            talk, person = small_talk(text), asks_for_person(text)
            if talk or person:
                return talk, person, text
        return None, False, question.text
