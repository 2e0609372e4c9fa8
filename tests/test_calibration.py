"""Thresholds derived from a wanted precision: cross-validation over the articles' own
questions (kb.calibration), the bot answering each language from its own, and `dalil
eval --precision` showing the target beside what the questions achieve."""
import pytest

from bot import Bot
from bot.decide import CALIBRATED_SUGGEST_ABOVE, MANY_PHRASINGS_PRECISION, Thresholds
from kb.articles import load_articles
from kb.calibration import MIN_ANSWERED, NEVER, cross_validate, thresholds_for
from web.cli import cli


def test_the_threshold_is_the_lowest_score_whose_answers_reach_the_precision():
    # 40 right answers scoring 0.9 .. 0.51, then 20 wrong ones at 0.5 .. 0.31.
    records = [("ar", 0.9 - k / 100, True) for k in range(40)]
    records += [("ar", 0.5 - k / 100, False) for k in range(20)]
    threshold = thresholds_for(records, 0.8)["ar"]
    # 40 right of 50 answered at 0.41 is exactly 0.8; one more wrong would fall short.
    assert threshold.answer_at == pytest.approx(0.41)
    assert threshold.precision == pytest.approx(0.8)
    assert threshold.answered == pytest.approx(50 / 60, abs=1e-4) and threshold.questions == 60
    assert thresholds_for(records, 1.0)["ar"].answer_at == pytest.approx(0.51)


def test_a_precision_never_reached_answers_nothing_and_few_answers_prove_nothing():
    wrong = [("en", 0.9, False)] * 30 + [("en", 0.8, True)] * 30
    assert thresholds_for(wrong, 0.9)["en"].answer_at == NEVER
    few = [("en", 0.9, True)] * (MIN_ANSWERED - 1)
    assert thresholds_for(few, 0.5)["en"].answer_at == NEVER


def test_tied_scores_are_answered_together():
    records = [("ar", 0.7, True)] * 20 + [("ar", 0.5, True)] * 10 + [("ar", 0.5, False)] * 10
    # At 0.5 the precision would be 30/40: the threshold cannot take half the tie.
    assert thresholds_for(records, 0.8)["ar"].answer_at == pytest.approx(0.7)


@pytest.fixture(scope="module")
def records():
    return cross_validate(load_articles("articles"))


def test_cross_validation_asks_held_out_and_out_of_scope_questions_in_both_languages(records):
    assert {lang for lang, _, _ in records} == {"ar", "en"}
    assert all(0.0 <= score <= 1.0 for _, score, _ in records)
    right = sum(r for _, _, r in records)
    # Most held-out writer questions find their article; out-of-scope ones never can.
    assert 0.5 < right / len(records) < 0.95
    thresholds = thresholds_for(records, 0.9)
    for lang in ("ar", "en"):
        assert 0.0 < thresholds[lang].answer_at < NEVER
        assert thresholds[lang].precision >= 0.9


def test_the_bot_answers_each_language_from_its_derived_threshold(tmp_path, monkeypatch):
    from kb.cache import Cache
    bot = Bot.from_articles("articles", cache=Cache(str(tmp_path / "cache")),
                            answer_precision=0.9)
    assert bot.answer_precision == 0.9 and set(bot.calibration) == {"ar", "en"}
    for lang in ("ar", "en"):
        assert bot.thresholds_for(lang).answer_at == bot.calibration[lang].answer_at
        # Suggestions only above it: a question that matches nothing well goes to a person.
        assert bot.thresholds_for(lang).suggest_at == pytest.approx(
            bot.calibration[lang].answer_at + CALIBRATED_SUGGEST_ABOVE)
    # A question that scores high is still answered; the other language's rule is its own.
    assert bot.ask("I forgot my password").action == "answer"
    monkeypatch.setattr("bot.cross_validate",
                        lambda *a, **k: pytest.fail("calibrated again, not from the cache"))
    again = Bot.from_articles("articles", cache=Cache(str(tmp_path / "cache")),
                              answer_precision=0.9)
    assert again.calibration == bot.calibration  # from the cache, the same thresholds


def test_a_suggest_at_set_by_hand_holds_up_to_the_derived_threshold(tmp_path):
    from kb.cache import Cache
    bot = Bot.from_articles("articles", cache=Cache(str(tmp_path / "cache")),
                            answer_precision=0.9, thresholds=Thresholds(suggest_at=0.1))
    for lang in ("ar", "en"):
        assert bot.thresholds_for(lang).suggest_at == 0.1
        assert bot.thresholds_for(lang).answer_at == bot.calibration[lang].answer_at


def test_many_phrasings_an_article_calibrate_their_own_thresholds(tmp_path, articles_dir):
    from kb.cache import Cache
    cache = Cache(str(tmp_path / "cache"))
    # The shipped articles (dozens of phrasings each: the SVM ranks): no threshold or
    # precision given, each language's is derived from the articles' own questions.
    shipped = Bot.from_articles("articles", cache=cache)
    assert shipped.index.many_phrasings
    assert shipped.answer_precision == MANY_PHRASINGS_PRECISION
    assert shipped.precision_is_default and shipped.with_index(shipped.index).precision_is_default
    assert set(shipped.calibration) == {"ar", "en"}
    assert shipped.thresholds_for("ar").answer_at == shipped.calibration["ar"].answer_at
    asked = Bot.from_articles("articles", cache=cache, answer_precision=0.95)
    assert asked.answer_precision == 0.95 and not asked.precision_is_default
    # Thresholds set by hand are kept as they are.
    given = Bot.from_articles("articles", cache=cache, thresholds=Thresholds(answer_at=0.5))
    assert given.calibration == {} and given.thresholds_for("ar").answer_at == 0.5
    # A handful of questions an article: the fixed thresholds, chosen for such.
    few = Bot.from_articles(str(articles_dir), cache=cache)
    assert not few.index.many_phrasings
    assert few.calibration == {} and few.answer_precision is None
    assert few.thresholds_for("ar") == Thresholds()
    # A bot over a learned index keeps what its own was derived as.
    assert shipped.with_index(shipped.index).thresholds_for("en") == shipped.thresholds_for("en")


def test_dalil_eval_shows_the_target_beside_the_achieved_precision(runner, tmp_path):
    questions = tmp_path / "questions.csv"
    questions.write_text("question,expected\nI forgot my password,reset-password\n"
                         "نسيت كلمة المرور,reset-password\nhow do I bake bread,\n",
                         encoding="utf-8")
    result = runner.invoke(cli, ["eval", "--articles", "articles", "--questions",
                                 str(questions), "--precision", "0.9"])
    assert result.exit_code == 0, result.output
    assert "derived for precision 0.90:" in result.output  # asked for
    # Nothing asked: the articles' many phrasings chose the precision, and eval says so.
    chosen = runner.invoke(cli, ["eval", "--articles", "articles", "--questions", str(questions)])
    assert chosen.exit_code == 0, chosen.output
    assert "derived for precision 0.90 — the default for articles with many phrasings" in \
        chosen.output
    bad = runner.invoke(cli, ["eval", "--articles", "articles", "--questions",
                              str(questions), "--precision", "2"])
    assert bad.exit_code == 2 and "precision" in bad.output.lower()


def test_eval_says_a_language_that_cannot_reach_its_precision_only_suggests():
    from web.cli_text import eval_text
    report = {"questions": 1, "answerable": 0, "unanswerable": 1, "precision_targets": {},
              "thresholds": {"answer_at": 0.32, "suggest_at": 0.3,
                             "by_lang": {"ar": {"answer_at": 1.01, "suggest_at": 0.3},
                                         "en": {"answer_at": 0.4, "suggest_at": 0.46}}},
              "answerable_outcomes": {}, "unanswerable_outcomes": {"escalated": 1.0,
                                                                   "suggested": 0.0,
                                                                   "answered": 0.0},
              "wrong_answers_of_all": 0.0, "latency_ms": {"p50": 1.0, "p99": 2.0},
              "answer_precision": {}}
    text = eval_text(report)
    assert "ar: answer_at=never (suggestions only)" in text
    assert "en: answer_at=0.4," in text
