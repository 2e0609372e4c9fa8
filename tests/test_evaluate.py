"""Measuring the bot: coverage at a target precision, the labelled-questions file, the report."""
import pytest

from bot.evaluate import QuestionsFileError, coverage_at, evaluate, read_questions

# (confidence, the top article is right, the question is answerable)
RESULTS = [
    (0.9, True, True),
    (0.8, True, True),
    (0.7, False, True),
    (0.6, True, True),
    (0.5, False, False),
]
# Answering from the top down, after each cut: right / answered, right / 4 answerable
#   >= 0.9: 1/1 = 1.00, coverage 0.25
#   >= 0.8: 2/2 = 1.00, coverage 0.50
#   >= 0.7: 2/3 = 0.67, coverage 0.50
#   >= 0.6: 3/4 = 0.75, coverage 0.75
#   >= 0.5: 3/5 = 0.60, coverage 0.75


@pytest.mark.parametrize("precision, expected", [
    (1.0, (0.5, 0.8)),
    (0.9, (0.5, 0.8)),
    (0.75, (0.75, 0.6)),
    (0.7, (0.75, 0.6)),
    (0.6, (0.75, 0.6)),  # answering everything adds no right answer: keep the higher bar
    (0.0, (0.75, 0.6)),
])
def test_coverage_at_hand_computed_cuts(precision, expected):
    coverage, threshold = coverage_at(RESULTS, precision)
    assert (coverage, threshold) == pytest.approx(expected)


def test_coverage_at_does_not_depend_on_input_order():
    assert coverage_at(list(reversed(RESULTS)), 0.9) == coverage_at(RESULTS, 0.9)


def test_a_threshold_cannot_split_tied_confidences():
    # Both 0.5s are answered together: 2/3 right, never the 1/1 of "the first 0.5".
    results = [(0.9, True, True), (0.5, True, True), (0.5, False, True)]
    assert coverage_at(results, 0.9) == pytest.approx((1 / 3, 0.9))
    assert coverage_at(results, 0.6) == pytest.approx((2 / 3, 0.5))


def test_unanswerable_questions_answered_lower_the_precision():
    results = [(0.9, True, True), (0.8, False, False), (0.7, True, True)]
    # >= 0.9: 1/1; >= 0.8: 1/2; >= 0.7: 2/3 of answers right, 2/2 answerable covered.
    assert coverage_at(results, 0.9) == pytest.approx((0.5, 0.9))
    assert coverage_at(results, 0.6) == pytest.approx((1.0, 0.7))


@pytest.mark.parametrize("results", [
    [],
    [(0.9, False, True), (0.8, False, True)],
    [(0.9, False, False)],
])
def test_unreachable_precision_gives_no_threshold(results):
    assert coverage_at(results, 0.9) == (0.0, None)


# --- the labelled-questions file -----------------------------------------------------------

def write_csv(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "questions.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_read_questions_returns_question_and_expected(tmp_path):
    path = write_csv(tmp_path, "question,expected\n"
                               "وين طلبي,order-tracking\n"
                               '"where, exactly, is my order?", order-tracking \n'
                               "\n"
                               "هل عندكم وظائف,\n")
    assert read_questions(str(path)) == [
        ("وين طلبي", "order-tracking"),
        ("where, exactly, is my order?", "order-tracking"),
        ("هل عندكم وظائف", ""),
    ]


def test_read_questions_accepts_a_byte_order_mark_and_header_case(tmp_path):
    path = write_csv(tmp_path, "\ufeffQuestion,Expected\nwhere is my order,order-tracking\n")
    assert read_questions(str(path)) == [("where is my order", "order-tracking")]


@pytest.mark.parametrize("text, fragment", [
    ("q,a\nx,y\n", ":1: the header"),
    ("question,expected\nonly one column\n", ":2:"),
    ("question,expected\nfine,x\n   ,x\n", ":3:"),
    ("question,expected\n", "no questions"),
])
def test_read_questions_names_what_is_wrong(tmp_path, text, fragment):
    path = write_csv(tmp_path, text)
    with pytest.raises(QuestionsFileError) as caught:
        read_questions(str(path))
    assert str(path) in str(caught.value)
    assert fragment in str(caught.value)


def test_read_questions_refuses_a_file_that_is_not_utf8(tmp_path):
    path = write_csv(tmp_path, "question,expected\nوين طلبي,x\n", encoding="cp1256")
    with pytest.raises(QuestionsFileError, match="UTF-8"):
        read_questions(str(path))


def test_read_questions_of_a_missing_file(tmp_path):
    with pytest.raises(QuestionsFileError, match="nope.csv"):
        read_questions(str(tmp_path / "nope.csv"))


def test_questions_file_error_is_a_value_error():
    assert issubclass(QuestionsFileError, ValueError)


# --- the report ----------------------------------------------------------------------------

def test_evaluate_reports_on_a_small_suite(bot):
    rows = [("where is my order", "order-tracking"), ("نسيت الباسورد", "reset-password"),
            ("how much do you charge for delivery", "shipping-costs"),
            ("who won the football match yesterday", "")]
    report = evaluate(bot, rows)
    assert (report["questions"], report["answerable"], report["unanswerable"]) == (4, 3, 1)
    assert report["top1"] == 1.0
    assert report["hit3"] == 1.0
    assert report["answerable_outcomes"]["answered_right"] == 1.0
    assert sum(report["unanswerable_outcomes"].values()) == pytest.approx(1.0)
    assert report["thresholds"] == {"answer_at": bot.thresholds.answer_at,
                                    "suggest_at": bot.thresholds.suggest_at, "by_lang": {}}
    assert set(report["latency_ms"]) == {"p50", "p99", "mean"}


def test_evaluate_without_answerable_questions_has_no_accuracy(bot):
    report = evaluate(bot, [("who won the football match yesterday", "")])
    assert report["top1"] is None and report["hit3"] is None
    assert report["precision_targets"]["0.90"] == {"coverage": 0.0, "answer_at": None}


def test_evaluate_wraps_the_questions_in_the_progress_callback(bot):
    seen = []

    def progress(rows):
        seen.append(len(rows))
        return iter(rows)

    evaluate(bot, [("where is my order", "order-tracking")], progress=progress)
    assert seen == [1]
