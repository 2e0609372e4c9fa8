"""Help-center search: the articles that match what a reader typed, with highlighted
snippets. It owns the BM25 ranking, its blend with the question index, and snippets;
how words are read (clitics, stems, dialect words) is kb.text's.

    search = Search(articles, index=index)          # index: a kb.index.Index (optional)
    search.search("سياسة الارجاع", lang="ar", limit=10) -> list[Result]

Words match through kb.text: with or without diacritics, hamza or taa marbuta, dialect
function words next to their MSA equivalents, light stems (الإرجاع, ارجاع, ارجع). A
word typed with a slip matches its near-twin (rapidfuzz), the last word may be half
typed (search as you type), and a query typed with the wrong keyboard layout active is
read as what it was meant to say. Each article version (title, questions, body) is
scored with BM25; the question index (kb.index), which knows how customers phrase
things, adds its article scores. Results are per article, shown in the reader's
language when that version exists.
"""
import array
import bisect
import collections
import copy
import dataclasses
import html
import math
import re

import numpy as np

from rapidfuzz import fuzz, process

from .render import plain_text
from .text import (NEGATIONS, QUESTION_WORDS, STOP_WORDS, readings, normalize, stem, tokens,
                   without_clitic)

__all__ = ["Result", "Search"]

# Field weights: a word in the title says most about what an article is for; the
# questions are how customers ask for it; the body mentions many things in passing.
TITLE_WEIGHT = 3.0
QUESTIONS_WEIGHT = 1.5
BODY_WEIGHT = 1.0
# BM25's usual constants: term-frequency saturation and length normalization.
BM25_K1 = 1.2
BM25_B = 0.75
# A half-typed last word counts a little less than a whole one, and expands to at most
# this many vocabulary words (the most frequent first).
PREFIX_WEIGHT = 0.8
PREFIX_EXPANSIONS = 20
# Words of at least FUZZY_MIN_LENGTH letters with no exact match look for near-twins
# at least this similar (rapidfuzz ratio, 0-100); shorter words are too easily
# confused ("كود" and "كوب").
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80.0
FUZZY_MATCHES = 3
# The final score blends the lexical share (see _lexical) with the question index's
# probability for the article. The index knows phrasing ("وين طلبيتي" is tracking);
# BM25 knows words a writer used only in a body ("ختم المصنع"). On tests/test_search.py's
# quality questions every index weight from 0.5 to 0.7 ranks all of them right; 0.4
# and 0.75 each miss one.
LEXICAL_WEIGHT = 0.5
INDEX_WEIGHT = 0.5
# An article with no matching word is listed only when the question index is at least
# this sure of it (its scores for nonsense such as "zzqx" stay below 0.1 on the shipped
# articles), and clearly above chance: INDEX_ABOVE_CHANCE times 1 / number of articles.
INDEX_ONLY_FLOOR = 0.25
INDEX_ABOVE_CHANCE = 2.0
# Customers and writers name some things differently: the writers list such words in
# articles/synonyms.yml (kb.articles.load_synonyms). Each group's words match each other
# at SYNONYM_WEIGHT; a word with a one-letter clitic (kb.text.CLITICS: ل، ب، ف، و) matches
# its bare form at CLITIC_WEIGHT. Whole words only, normalized.
SYNONYM_WEIGHT = 0.8
CLITIC_WEIGHT = 0.9
# Only words of this many letters lose a clitic here, one more than kb.text's default:
# the bare form is looked up in the whole vocabulary, not a short list of known words,
# and many four-letter words just begin with one of those letters (بريد, فلوس, وصول).
CLITIC_MIN_LENGTH = 5
# Results scoring under this share of the best one are left out: on the shipped
# articles "وين طلبي" otherwise lists tax invoices and warranty under order tracking.
RELEVANCE_SHARE = 0.4
# A snippet shows this many words around the best cluster of matches.
SNIPPET_WORDS = 28

_WORD = re.compile(r"[^\W_]+")
# Glue, question and negation words say nothing about the topic ("في", "كيف", "ولم", "how").
_NOT_TOPICAL = STOP_WORDS | QUESTION_WORDS | NEGATIONS


def _synonym_table(groups):
    table = collections.defaultdict(set)
    for group in groups:
        words = [normalize(word) for word in group]
        for word in words:
            table[word].update(w for w in words if w != word)
    return {word: tuple(sorted(others)) for word, others in table.items()}



@dataclasses.dataclass(frozen=True)
class Result:
    article_id: str
    lang: str  # the language of the version shown
    title: str
    snippet: str  # HTML: the matched words in <mark>, everything else escaped
    score: float  # in [0, 1], higher is better
    title_html: str = ""  # the title, matched words in <mark>


@dataclasses.dataclass(frozen=True)
class _Doc:
    article: object
    text: str  # the body as plain text
    body_words: tuple  # (first, end) of the body's words in the search's word arrays
    title_words: tuple  # the same for the title


@dataclasses.dataclass(frozen=True)
class _Spans:
    """The words of one text: where each starts and ends, and the id of each in the
    search's word table (``Search._word_keys``: the vocabulary keys a word matches)."""
    starts: np.ndarray
    ends: np.ndarray
    ids: np.ndarray


def _keys(token):
    """The vocabulary keys a normalized token matches under: itself and its stem."""
    stemmed = stem(token)
    return (token,) if stemmed == token else (token, stemmed)


def _word_keys(word):
    """The vocabulary keys one word of a text matches."""
    keys = set()
    for token in tokens(word):
        keys.update(_keys(token))
    return frozenset(keys)


class _Words:
    """Every word of the articles' texts, found once at build: where each is in its
    text and the id of what it is in a table of distinct words. A snippet then finds its
    matched words by array lookups instead of reading a whole body for every search
    that shows it: at 10,000 articles that reading was most of a first search's time,
    and each worker kept its own copy of what it had read. All texts share three flat
    arrays (one pickled buffer each in kb.cache, not one per article)."""

    def __init__(self):
        self.ids = {}  # word as written -> id
        self.keys = []  # id -> frozenset of the vocabulary keys it matches
        # array.array, not lists: at 10,000 articles there are 1.7 million words, and a
        # list would hold an int object for each position.
        self.starts, self.ends, self.numbers = (array.array("i") for _ in range(3))

    def add(self, text):
        """Add the words of ``text``; return their (first, end) in the arrays."""
        first = len(self.numbers)
        for match in _WORD.finditer(text):
            word = match.group()
            number = self.ids.get(word)
            if number is None:
                number = self.ids[word] = len(self.keys)
                self.keys.append(_word_keys(word))
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.numbers.append(number)
        return first, len(self.numbers)

    def arrays(self):
        """Return (starts, ends, ids) of every word added, as int32 arrays."""
        return tuple(np.frombuffer(values, dtype=np.int32).copy()
                     for values in (self.starts, self.ends, self.numbers))

    def by_key(self):
        """Return {vocabulary key: array of the ids of the words matching it}."""
        table = collections.defaultdict(list)
        for number, keys in enumerate(self.keys):
            for key in keys:
                table[key].append(number)
        return {key: np.array(ids, dtype=np.int32) for key, ids in table.items()}


class Search:
    """Searchable help-center articles. Built once, then only read (thread-safe)."""

    def __init__(self, articles, index=None, synonyms=()):
        self.index = index
        self._synonyms = _synonym_table(synonyms)
        self.docs = []
        postings = collections.defaultdict(list)  # key -> [(doc, weighted frequency)]
        words = _Words()
        lengths = []
        for article in articles:
            if not article.published:
                continue
            body = plain_text(article.body)
            counts = collections.Counter()
            for text, weight in ((article.title, TITLE_WEIGHT),
                                 (" ".join(article.questions), QUESTIONS_WEIGHT),
                                 (body, BODY_WEIGHT)):
                for token in tokens(text):
                    for key in _keys(token):
                        counts[key] += weight
            position = len(self.docs)
            for key, frequency in counts.items():
                postings[key].append((position, frequency))
            self.docs.append(_Doc(article, body, words.add(body), words.add(article.title)))
            lengths.append(sum(counts.values()))
        self._word_arrays = words.arrays()
        self._word_keys = words.keys
        self._words_by_key = words.by_key()
        count = len(self.docs) or 1
        lengths = np.array(lengths, dtype=np.float64)
        norms = 1 - BM25_B + BM25_B * lengths / (lengths.mean() if len(lengths) else 1.0)
        # Each key's postings as arrays: the documents, and each one's BM25 term score
        # (IDF included) — a query is then array arithmetic, not a loop over postings.
        self._postings = {}
        for key, entries in postings.items():
            docs = np.fromiter((d for d, _ in entries), dtype=np.int32, count=len(entries))
            frequency = np.fromiter((f for _, f in entries), dtype=np.float64, count=len(entries))
            idf = math.log(1 + (count - len(entries) + 0.5) / (len(entries) + 0.5))
            values = idf * frequency * (BM25_K1 + 1) / (frequency + BM25_K1 * norms[docs])
            self._postings[key] = (docs, values.astype(np.float32))
        # What a half-typed or mistyped word may expand to: topical words only.
        self._vocabulary = sorted(k for k in self._postings if k not in _NOT_TOPICAL)
        # ... by first letter, for near-twins: a slip rarely hits the first letter, and a
        # big help center's vocabulary is tens of thousands of words (as kb.index).
        self._by_letter = {}
        for key in self._vocabulary:
            self._by_letter.setdefault(key[0], []).append(key)
        self._versions = collections.defaultdict(dict)  # id -> {lang: doc position}
        self.article_ids = list(dict.fromkeys(doc.article.id for doc in self.docs))
        self._position = {article_id: k for k, article_id in enumerate(self.article_ids)}
        self._article_of = np.array([self._position[doc.article.id] for doc in self.docs],
                                    dtype=np.int32)
        for position, doc in enumerate(self.docs):
            self._versions[doc.article.id][doc.article.lang] = position

    # --- matching ---------------------------------------------------------------------

    def _expand(self, token, last):
        """Return {vocabulary key: weight} that the query ``token`` matches."""
        matched = {key: 1.0 for key in _keys(token) if key in self._postings}
        forms = [token]
        bare = without_clitic(token, min_length=CLITIC_MIN_LENGTH)
        if bare != token:
            forms.append(bare)  # لإعادة: the preposition ل clings to its noun
            for key in _keys(bare):
                if key in self._postings:
                    matched.setdefault(key, CLITIC_WEIGHT)
        for form in forms:
            for synonym in self._synonyms.get(form, ()):
                for key in _keys(synonym):
                    if key in self._postings:
                        matched.setdefault(key, SYNONYM_WEIGHT)
        if last and len(token) >= 2:
            start = bisect.bisect_left(self._vocabulary, token)
            expansions = []
            for key in self._vocabulary[start:]:
                if not key.startswith(token):
                    break
                expansions.append(key)
            expansions.sort(key=lambda k: -len(self._postings[k][0]))
            for key in expansions[:PREFIX_EXPANSIONS]:
                matched.setdefault(key, PREFIX_WEIGHT)
        if not matched and len(token) >= FUZZY_MIN_LENGTH:
            for key, similarity, _ in process.extract(
                    token, self._by_letter.get(token[0], ()), scorer=fuzz.ratio,
                    score_cutoff=FUZZY_CUTOFF, limit=FUZZY_MATCHES):
                matched[key] = max(matched.get(key, 0.0), (similarity / 100) ** 2)
        return matched

    def _lexical(self, query, prefix):
        """Return ({doc position: score in [0, 1]}, {matched key}) for one reading of
        the query: each article's BM25 score as a share of the query's potential, the sum
        of each word's best score in any article. An article matching every word as well
        as any other article does scores 1; one matching a common word or two of a long
        question scores little, however it ranks among the rest."""
        words = [t for t in dict.fromkeys(tokens(query))
                 if t not in _NOT_TOPICAL and stem(t) not in _NOT_TOPICAL]
        # Only a query ending in a letter or digit may end in a half-typed word.
        complete = not prefix or not query[-1:].isalnum()
        scores = np.zeros(len(self.docs), dtype=np.float32)
        keys = set()
        potential = 0.0
        for position, token in enumerate(words):
            expansion = self._expand(token, last=not complete and position == len(words) - 1)
            keys.update(expansion)
            if not expansion:
                continue
            best = np.zeros(len(self.docs), dtype=np.float32)
            for key, weight in expansion.items():
                docs, values = self._postings[key]
                # A key lists a document once, so this takes each one's best key.
                best[docs] = np.maximum(best[docs], weight * values)
            scores += best
            potential += float(best.max())
        if not potential:
            return scores, keys
        return scores / potential, keys

    def search(self, query, lang="ar", limit=10, prefix=True, other_readings=None):
        """Return up to ``limit`` Results for ``query``, best first, in ``lang`` where
        the article has that version. With ``prefix`` the last word may be half typed.
        ``other_readings``: kb.text.readings(query), when the caller has them already."""
        if not query.strip():
            return []
        if other_readings is None:
            other_readings = readings(query)
        scores, keys = self._lexical(query, prefix)
        reading = query
        if not scores.any():
            for variant in other_readings:
                scores, keys = self._lexical(variant, prefix)
                if scores.any():
                    reading = variant
                    break
        # Each article's best version, as a share of the final score.
        combined = np.zeros(len(self.article_ids), dtype=np.float32)
        np.maximum.at(combined, self._article_of, scores)
        combined *= LEXICAL_WEIGHT
        if self.index is not None:
            index_reading, hits = self.index.lookup(
                reading, limit=max(limit, 5),
                other_readings=other_readings if reading == query else None)
            if index_reading != reading and not keys:
                keys = self._lexical(index_reading, prefix)[1]
            floor = max(INDEX_ONLY_FLOOR, INDEX_ABOVE_CHANCE / max(len(self.index), 1))
            for hit in hits:
                at = self._position.get(hit.article_id)
                if at is not None and (combined[at] > 0 or hit.score >= floor):
                    combined[at] += INDEX_WEIGHT * hit.score
        ranked = self._ranked(combined, limit)
        if ranked:
            # Far behind the best match is noise to a reader scanning the list.
            floor = ranked[0][1] * RELEVANCE_SHARE
            ranked = [(aid, score) for aid, score in ranked if score >= floor]
        keys -= STOP_WORDS
        matching = self._words_matching(keys)
        results = []
        for article_id, score in ranked:
            doc = self._version(article_id, lang)
            if doc is None:
                continue
            title = self._spans(doc.title_words)
            results.append(Result(
                article_id=article_id, lang=doc.article.lang, title=doc.article.title,
                snippet=_snippet(doc.text, self._spans(doc.body_words), matching, keys,
                                 self._word_keys),
                score=round(min(1.0, score), 4),
                title_html=_highlight(doc.article.title, title, matching[title.ids])))
        return results

    def _spans(self, bounds):
        """Return the _Spans of the words at ``bounds`` (first, end) of the word arrays."""
        first, end = bounds
        return _Spans(*(values[first:end] for values in self._word_arrays))

    def _words_matching(self, keys):
        """Return a mask over the word table: True for the words matching ``keys``."""
        mask = np.zeros(len(self._word_keys), dtype=bool)
        for key in keys:
            ids = self._words_by_key.get(key)
            if ids is not None:
                mask[ids] = True
        return mask

    def with_index(self, index):
        """Return this Search over the same articles asking ``index`` (one that learned
        questions since: Index.learn) instead of its own."""
        search = copy.copy(self)
        search.index = index
        return search

    def _ranked(self, combined, limit):
        """Return [(article id, score)] of the ``limit`` best scores above 0, best
        first, ties by id."""
        matched = np.flatnonzero(combined > 0)
        if len(matched) > 4 * limit:
            # The best few (and any tied with the last of them) without sorting all.
            cut = np.partition(combined[matched], -limit)[-limit]
            matched = matched[combined[matched] >= cut]
        ranked = sorted(((self.article_ids[k], float(combined[k])) for k in matched),
                        key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def _version(self, article_id, lang):
        versions = self._versions.get(article_id, {})
        position = versions.get(lang, next(iter(versions.values()), None))
        return None if position is None else self.docs[position]


def _highlight(text, words, marked, first=0, last=None):
    """Return the text of words[first:last + 1] HTML-escaped (all of ``text`` by
    default), the words where ``marked`` (a mask over ``words``) is True in <mark>."""
    last = len(words.ids) - 1 if last is None else last
    start = 0 if first == 0 else int(words.starts[first])
    end = len(text) if last == len(words.ids) - 1 else int(words.ends[last])
    out, cursor = [], start
    for at in np.flatnonzero(marked[first:last + 1]) + first:
        word_start, word_end = int(words.starts[at]), int(words.ends[at])
        out.append(html.escape(text[cursor:word_start]))
        out.append(f"<mark>{html.escape(text[word_start:word_end])}</mark>")
        cursor = word_end
    out.append(html.escape(text[cursor:end]))
    return "".join(out)


def _snippet(text, words, matching, keys, word_keys):
    """Return about SNIPPET_WORDS words of ``text`` around its densest cluster of
    matched words, highlighted; the opening words when nothing matches. ``matching``
    is the word table's mask of matched words, ``keys`` the matched vocabulary keys and
    ``word_keys`` the table's keys of each word."""
    if not len(words.ids):
        return html.escape(text)
    marked = matching[words.ids]
    hits = np.flatnonzero(marked)
    first = 0
    if len(hits):
        # The window start that covers the most distinct matched keys.
        best = -1
        for position, i in enumerate(hits):
            inside = hits[position: np.searchsorted(hits, i + SNIPPET_WORDS)]
            distinct = len(set().union(*(word_keys[words.ids[j]] & keys for j in inside)))
            if distinct > best:
                best, first = distinct, int(i)
        first = max(0, first - 3)  # a little context before the first match
    last = min(len(words.ids), first + SNIPPET_WORDS) - 1
    body = _highlight(text, words, marked, first, last)
    start = 0 if first == 0 else int(words.starts[first])
    end = len(text) if last == len(words.ids) - 1 else int(words.ends[last])
    return ("… " if start else "") + body + (" …" if end < len(text) else "")
