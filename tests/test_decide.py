"""decide(): plain hits and thresholds in, an explained Decision out."""
import dataclasses

import pytest

from bot.decide import Decision, LastReply, Thresholds, confidence, decide, follow_up

# Explicit thresholds, so these tables do not move when the defaults are tuned.
T = Thresholds(answer_at=0.5, suggest_at=0.2, max_suggestions=3, suggestion_share=0.25)
STRONG = [("refunds", 0.9), ("return-policy", 0.1)]


@pytest.mark.parametrize("hits, small_talk, wants_person, thresholds, action, ids, reason", [
    # A request for a person wins over everything, even a sure answer or small talk.
    (STRONG, None, True, T, "escalate", (), "asked for a person"),
    (STRONG, "greeting", True, T, "escalate", (), "asked for a person"),
    ([], None, True, T, "escalate", (), "asked for a person"),
    # Small talk is answered as small talk, whatever the search found.
    (STRONG, "greeting", False, T, "smalltalk", (), "greeting"),
    (STRONG, "thanks", False, T, "smalltalk", (), "thanks"),
    ([], "goodbye", False, T, "smalltalk", (), "goodbye"),
    # Nothing found.
    ([], None, False, T, "escalate", (), "no match"),
    # Sure: answer with the best article.
    (STRONG, None, False, T, "answer", ("refunds",), "confident match"),
    ([("refunds", 0.6)], None, False, T, "answer", ("refunds",), "confident match"),
    ([("refunds", 0.5)], None, False, T, "answer", ("refunds",), "confident match"),  # at answer_at
    ([("refunds", 0.75), ("exchanges", 0.4)], None, False, T,
     "answer", ("refunds",), "confident match"),
    # A runner-up close behind lowers the confidence: offer both instead.
    ([("refunds", 0.6), ("exchanges", 0.5)], None, False, T,
     "suggest", ("refunds", "exchanges"), "articles too close"),
    ([("a", 0.4), ("b", 0.35), ("c", 0.3), ("d", 0.3)], None, False, T,
     "suggest", ("a", "b", "c"), "articles too close"),  # at most max_suggestions
    # Unsure with one article far ahead of the rest: still two suggestions.
    ([("a", 0.45), ("b", 0.1), ("c", 0.05)], None, False, T,
     "suggest", ("a", "b"), "low confidence"),
    # Suggestions far below the best one are noise and left out.
    ([("a", 0.45), ("b", 0.2), ("c", 0.1)], None, False, T,
     "suggest", ("a", "b"), "low confidence"),
    ([("a", 0.2), ("b", 0.19)], None, False, T,  # at suggest_at
     "suggest", ("a", "b"), "articles too close"),
    # Below suggest_at: a person takes it; far below, nothing matched at all.
    ([("a", 0.15), ("b", 0.1)], None, False, T, "escalate", (), "low confidence"),
    ([("a", 0.19)], None, False, T, "escalate", (), "low confidence"),
    ([("a", 0.05), ("b", 0.04)], None, False, T, "escalate", (), "no match"),
    # The thresholds are the caller's: the same hits, a stricter or looser bot.
    (STRONG, None, False, Thresholds(answer_at=0.95, suggest_at=0.5), "suggest",
     ("refunds", "return-policy"), "low confidence"),
    ([("a", 0.3), ("b", 0.1)], None, False, Thresholds(answer_at=0.2, suggest_at=0.1),
     "answer", ("a",), "confident match"),
    ([("a", 0.4), ("b", 0.35), ("c", 0.3)], None, False,
     dataclasses.replace(T, max_suggestions=2), "suggest", ("a", "b"), "articles too close"),
])
def test_decide_chooses_an_action_and_says_why(hits, small_talk, wants_person, thresholds,
                                               action, ids, reason):
    decision = decide(hits, small_talk=small_talk, wants_person=wants_person, thresholds=thresholds)
    assert (decision.action, decision.article_ids, decision.reason) == (action, ids, reason)


@pytest.mark.parametrize("hits, action, ids, reason", [
    # One word: sure scores bring suggestions, never an answer...
    (STRONG, "suggest", ("refunds", "return-policy"), "one word"),
    ([("a", 0.6), ("b", 0.5)], "suggest", ("a", "b"), "articles too close"),
    # ... and an unsure one word is as any unsure question.
    ([("a", 0.45), ("b", 0.1)], "suggest", ("a", "b"), "low confidence"),
    ([("a", 0.15), ("b", 0.1)], "escalate", (), "low confidence"),
    ([], "escalate", (), "no match"),
])
def test_one_word_gets_suggestions_at_most(hits, action, ids, reason):
    decision = decide(hits, one_word=True, thresholds=T)
    assert (decision.action, decision.article_ids, decision.reason) == (action, ids, reason)


def test_one_word_suggests_even_where_suggesting_needs_more_than_answering():
    # SEMANTIC_THRESHOLDS suggest only above answer_at: a sure one word between the two
    # still gets suggestions, not a handoff.
    thresholds = Thresholds(answer_at=0.36, suggest_at=0.42)
    decision = decide([("a", 0.40), ("b", 0.05)], one_word=True, thresholds=thresholds)
    assert (decision.action, decision.article_ids, decision.reason) == (
        "suggest", ("a", "b"), "one word")


def test_one_word_yields_to_small_talk_and_a_request_for_a_person():
    assert decide(STRONG, small_talk="thanks", one_word=True, thresholds=T).action == "smalltalk"
    assert decide(STRONG, wants_person=True, one_word=True, thresholds=T).reason == \
        "asked for a person"


@pytest.mark.parametrize("hits, action, ids", [
    (STRONG, "suggest", ("refunds", "return-policy")),
    ([("a", 0.45), ("b", 0.1)], "suggest", ("a", "b")),
    ([("a", 0.15), ("b", 0.1)], "escalate", ()),
])
def test_an_article_found_by_meaning_alone_is_suggested_at_most(hits, action, ids):
    # No word in common, however sure the scores: the embeddings may have it right ("I
    # want a refund" and the returns article), so the customer may choose it.
    decision = decide(hits, unrelated="meaning", thresholds=T)
    assert (decision.action, decision.article_ids) == (action, ids)
    if action == "suggest" and hits is STRONG:
        assert decision.reason == "no word in common"


def test_an_article_that_shares_only_letters_with_the_question_goes_to_a_person():
    decision = decide(STRONG, unrelated="letters", thresholds=T)
    assert (decision.action, decision.article_ids, decision.reason) == ("escalate", (), "no match")
    assert decide(STRONG, unrelated="letters", wants_person=True, thresholds=T).reason == \
        "asked for a person"


def test_a_question_with_no_topic_word_gets_suggestions_at_most():
    decision = decide(STRONG, no_topic=True, thresholds=T)
    assert (decision.action, decision.reason) == ("suggest", "no topic word")
    # Unsure, it is as any unsure question; one word says which rule held it back.
    assert decide([("a", 0.15), ("b", 0.1)], no_topic=True, thresholds=T).action == "escalate"
    assert decide(STRONG, no_topic=True, one_word=True, thresholds=T).reason == "one word"


def test_answer_carries_its_confidence():
    decision = decide([("refunds", 0.8), ("exchanges", 0.2)], thresholds=T)
    assert decision.confidence == pytest.approx(0.7)


def test_decision_is_a_frozen_value():
    decision = decide([], thresholds=T)
    assert isinstance(decision, Decision)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.action = "answer"


def test_thresholds_are_keyword_only():
    with pytest.raises(TypeError):
        decide(STRONG, None, False, T)


def test_defaults_suggest_below_the_answer_threshold():
    defaults = Thresholds()
    assert 0 < defaults.suggest_at <= defaults.answer_at <= 1
    assert defaults.max_suggestions in (2, 3)


def test_decide_does_not_change_its_input():
    hits = [("a", 0.4), ("b", 0.35)]
    decide(hits, thresholds=T)
    assert hits == [("a", 0.4), ("b", 0.35)]


@pytest.mark.parametrize("scores, expected", [
    ([], 0.0),
    ([0.8], 0.8),
    ([0.8, 0.4], 0.6),  # the top score less half the runner-up's
    ([0.8, 0.4, 0.39], 0.6),  # only the runner-up counts
    ([0.5, 0.5], 0.25),
    ([1.0, 0.0], 1.0),
    ([0.1, 0.3], 0.0),  # never below zero
])
def test_confidence_is_the_top_score_less_half_the_runner_up(scores, expected):
    assert confidence(scores) == pytest.approx(expected)


def test_confidence_falls_as_the_runner_up_closes_in():
    values = [confidence([0.8, second]) for second in (0.0, 0.2, 0.4, 0.6, 0.8)]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)


@pytest.mark.parametrize("last, choice, expected", [
    ({"action": "answer", "candidates": [["a", .9], ["b", .4], ["c", .01]], "offered": ["a"]},
     "not_helpful", ("suggest", ("b",))),
    ({"action": "answer", "candidates": [["a", .9]], "offered": ["a"]}, "not_helpful",
     ("escalate", ())),
    ({"action": "answer", "candidates": [["a", .9], ["b", .4]], "offered": ["a"], "round": 1},
     "not_helpful", ("escalate", ())),
    ({"action": "suggest", "suggestions": ["a", "b"]}, "article:b", ("answer", ("b",))),
    ({"action": "suggest", "suggestions": ["a", "b"]}, "article:zzz", None),
    ({"action": "suggest", "suggestions": ["a", "b"]}, "not_helpful", ("escalate", ())),
    ({"action": "answer"}, "helpful", ("smalltalk", ())),
    ({}, "person", ("escalate", ())),
    ({}, "not_helpful", None),
])
def test_follow_up_answers_a_button_or_a_typed_yes_or_no(last, choice, expected):
    decision = follow_up(LastReply.from_data(last), choice)
    assert (decision and (decision.action, decision.article_ids)) == expected
