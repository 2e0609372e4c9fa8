"""The `dalil` command on real files: through app.test_cli_runner(), and once as a person
runs it, with its settings in the environment."""
import json

import pytest

from bot import store
from web.cli import cli
from conftest import write_article

EVAL_KEYS = {"top1", "hit3", "precision_targets", "answerable_outcomes",
             "unanswerable_outcomes", "latency_ms"}


def assert_clean_error(result, *fragments):
    """The command failed with click's "Error:" line, not a traceback."""
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    for fragment in fragments:
        assert fragment in result.output


@pytest.fixture
def broken_dir(articles_dir):
    """The small help center with one article whose lang (line 3) is wrong."""
    path = write_article(articles_dir, "orders/order-tracking.en.md", """\
        ---
        title: How can I track my order?
        lang: fr
        ---
        Open "My orders".
        """)
    return articles_dir, path


@pytest.fixture
def questions_csv(tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text(
        "question,expected\n"
        "where is my order now?,order-tracking\n"
        "وين الطلب تبعي,order-tracking\n"
        "i forgot my password,reset-password\n"
        "نسيت كلمة المرور,reset-password\n"
        "how much do you charge for shipping,shipping-costs\n"
        "كيف ارجع المنتج,return-policy\n"
        "do you have jobs for students,\n"
        "هل عندكم وظائف,\n",
        encoding="utf-8")
    return path


# --- check ---------------------------------------------------------------------------------

def test_check_passes_a_good_folder(runner, articles_dir):
    result = runner.invoke(cli, ["check", str(articles_dir)])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


def test_check_fails_a_broken_folder_naming_file_and_line(runner, broken_dir):
    folder, path = broken_dir
    result = runner.invoke(cli, ["check", str(folder)])
    assert result.exit_code == 1
    assert f"{path}:3:" in result.output
    assert "1 error(s)" in result.output


def test_check_exits_0_when_there_are_only_warnings(runner, articles_dir):
    write_article(articles_dir, "shipping/hours.en.md", "---\ntitle: Opening hours\n---\nDaily.\n")
    result = runner.invoke(cli, ["check", str(articles_dir)])
    assert result.exit_code == 0
    assert "0 error(s), 1 warning(s)" in result.output
    assert "missing-translation" in result.output


def test_check_json_lists_the_problems(runner, broken_dir):
    folder, path = broken_dir
    result = runner.invoke(cli, ["check", str(folder), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 1
    [problem] = [p for p in report["problems"] if p["level"] == "error"]
    assert (problem["path"], problem["line"], problem["code"]) == (str(path), 3, "invalid-article")


def test_check_json_of_a_good_folder(runner, articles_dir):
    result = runner.invoke(cli, ["check", "--json", str(articles_dir)])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"errors": 0, "warnings": 0, "problems": []}


def test_check_of_a_missing_folder_fails(runner, tmp_path):
    result = runner.invoke(cli, ["check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "not a folder" in result.output


# --- ask -----------------------------------------------------------------------------------

def test_ask_prints_the_reply_and_candidates(runner, articles_dir):
    result = runner.invoke(cli, ["ask", "where is my order", "--articles", str(articles_dir)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("answer (confident match; confidence ")
    assert "article: order-tracking" in lines
    assert 'Open "My orders"' in result.output
    candidates = lines[lines.index("candidates:") + 1:]
    assert len(candidates) == 4
    assert candidates[0].split()[1] == "order-tracking"


def test_ask_in_arabic(runner, articles_dir):
    result = runner.invoke(cli, ["ask", "نسيت كلمة السر", "--articles", str(articles_dir)])
    assert result.exit_code == 0
    assert "article: reset-password" in result.output
    assert "اضغط «نسيت كلمة المرور»" in result.output


def test_ask_json_has_action_and_candidates(runner, articles_dir):
    result = runner.invoke(cli, ["ask", "وين طلبي", "--articles", str(articles_dir), "--json"])
    assert result.exit_code == 0, result.output
    reply = json.loads(result.stdout)
    assert reply["action"] == "answer"
    assert reply["article_id"] == "order-tracking"
    assert reply["lang"] == "ar"
    assert reply["reason"]
    assert reply["candidates"][0]["article_id"] == "order-tracking"
    assert all(0 <= c["score"] <= 1 for c in reply["candidates"])


def test_ask_lang_option_sets_the_reply_language(runner, articles_dir):
    result = runner.invoke(cli, ["ask", "where is my order", "--lang", "ar", "--json",
                                 "--articles", str(articles_dir)])
    assert json.loads(result.stdout)["lang"] == "ar"


@pytest.mark.parametrize("question", ["", "   "])
def test_ask_empty_question_is_a_clean_error(runner, articles_dir, question):
    result = runner.invoke(cli, ["ask", question, "--articles", str(articles_dir)])
    assert_clean_error(result, "empty")


def test_ask_control_characters_are_a_clean_error(runner, articles_dir):
    result = runner.invoke(cli, ["ask", "where\x07 is my order", "--articles", str(articles_dir)])
    assert_clean_error(result, "control characters")


def test_ask_with_a_missing_folder_is_a_clean_error(runner, tmp_path):
    missing = tmp_path / "nope"
    result = runner.invoke(cli, ["ask", "where is my order", "--articles", str(missing)])
    assert_clean_error(result, str(missing), "no such folder")


def test_ask_with_a_broken_article_names_it(runner, broken_dir):
    folder, path = broken_dir
    result = runner.invoke(cli, ["ask", "where is my order", "--articles", str(folder)])
    assert_clean_error(result, f"{path}:3:", "dalil check")


# --- eval ----------------------------------------------------------------------------------

def test_eval_prints_accuracy_coverage_outcomes_and_latency(runner, articles_dir, questions_csv):
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir),
                                 "--questions", str(questions_csv)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "questions: 8 (6 answerable, 2 should go to a person)" in out
    assert "top-1 accuracy: 1.000" in out
    assert "hit@3: 1.000" in out
    assert "coverage at 90% precision:" in out
    assert "coverage at 95% precision:" in out
    assert "answerable: answered right" in out
    assert "unanswerable: escalated" in out
    assert "ask latency: p50 " in out and " p99 " in out


def test_eval_json_has_every_measure(runner, articles_dir, questions_csv):
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir),
                                 "--questions", str(questions_csv), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert EVAL_KEYS <= set(report)
    assert (report["questions"], report["answerable"], report["unanswerable"]) == (8, 6, 2)
    assert report["top1"] == 1.0 and report["hit3"] == 1.0
    assert set(report["precision_targets"]) == {"0.90", "0.95"}
    for target in report["precision_targets"].values():
        assert 0 <= target["coverage"] <= 1
    assert sum(report["answerable_outcomes"][k] for k in
               ("answered_right", "answered_wrong", "suggested", "escalated", "smalltalk")) \
        == pytest.approx(1.0)
    assert sum(report["unanswerable_outcomes"].values()) == pytest.approx(1.0)
    assert 0 < report["latency_ms"]["p50"] <= report["latency_ms"]["p99"]


def test_eval_threshold_options_change_the_outcomes(runner, articles_dir, questions_csv):
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir), "--questions",
                                 str(questions_csv), "--answer-at", "1.1", "--suggest-at", "1.1",
                                 "--json"])
    report = json.loads(result.stdout)
    assert report["thresholds"] == {"answer_at": 1.1, "suggest_at": 1.1, "by_lang": {}}
    assert report["answerable_outcomes"]["escalated"] == 1.0
    assert report["unanswerable_outcomes"]["escalated"] == 1.0


@pytest.mark.parametrize("content, fragment", [
    ("q,a\nwhere is my order,order-tracking\n", "header"),
    ("question,expected\nwhere is my order\n", ":2:"),
    ("question,expected\n,order-tracking\n", ":2:"),
    ("question,expected\n", "no questions"),
    ("", "header"),
    ('question,expected\n"unclosed,x\n', "questions.csv"),
])
def test_eval_with_a_malformed_questions_file_is_a_clean_error(runner, articles_dir, tmp_path,
                                                               content, fragment):
    path = tmp_path / "questions.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir), "--questions", str(path)])
    assert_clean_error(result, fragment)


def test_eval_with_a_questions_file_that_is_not_utf8_is_a_clean_error(runner, articles_dir,
                                                                       tmp_path):
    path = tmp_path / "questions.csv"
    path.write_bytes(b"question,expected\n\xff\xfe,x\n")
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir), "--questions", str(path)])
    assert_clean_error(result, "UTF-8")


def test_eval_with_a_missing_questions_file_is_a_clean_error(runner, articles_dir, tmp_path):
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir),
                                 "--questions", str(tmp_path / "nope.csv")])
    assert_clean_error(result, "nope.csv")


def test_eval_with_an_invalid_question_row_names_the_file(runner, articles_dir, tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text("question,expected\n\"where\x07 is it\",order-tracking\n", encoding="utf-8")
    result = runner.invoke(cli, ["eval", "--articles", str(articles_dir), "--questions", str(path)])
    assert_clean_error(result, str(path))


def test_eval_with_a_missing_articles_folder_is_a_clean_error(runner, tmp_path, questions_csv):
    result = runner.invoke(cli, ["eval", "--articles", str(tmp_path / "nope"),
                                 "--questions", str(questions_csv)])
    assert_clean_error(result, "no such folder")


def test_every_command_has_help_with_an_example(runner):
    for command in ["check", "ask", "eval", "serve"]:
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0
        assert "dalil " in result.output


# --- settings ----------------------------------------------------------------------------

def test_commands_read_the_same_dalil_settings_as_the_site(tmp_path, articles_dir):
    """Run as a person does (no test app): DALIL_DATABASE and DALIL_ARTICLES reach
    `dalil agents` and `dalil report` through the app factory."""
    from click.testing import CliRunner

    database = tmp_path / "from-the-environment.sqlite3"
    env = {"DALIL_DATABASE": str(database), "DALIL_ARTICLES": str(articles_dir),
           "DALIL_SECRET_KEY": "a key for this test only"}
    added = CliRunner().invoke(cli, ["agents", "add", "mona"], input="a long password\n",
                               env=env)
    assert added.exit_code == 0, added.output
    listed = CliRunner().invoke(cli, ["agents", "list", "--json"], env=env)
    assert [a["name"] for a in json.loads(listed.output)] == ["mona"]
    db = store.connect(str(database))
    store.add_learned_question(db, "order-tracking", "where's my parcel", "en", agent="mona")
    db.close()
    learned = CliRunner().invoke(cli, ["learned", "list"], env=env)
    assert "order-tracking:" in learned.output and "where's my parcel" in learned.output
    report = CliRunner().invoke(cli, ["report", "--since", "1d", "--json"], env=env)
    assert report.exit_code == 0, report.output
    assert json.loads(report.output)["volume"]["total"] == 0
    asked = CliRunner().invoke(cli, ["ask", "where is my order", "--json"],
                               env={**env, "DALIL_ANSWER_AT": "1.5"})
    assert json.loads(asked.output)["action"] != "answer"  # no answer can reach 1.5


def test_a_database_setting_in_a_missing_folder_is_a_clean_error(tmp_path):
    from click.testing import CliRunner

    typo = tmp_path / "typo" / "dalil.sqlite3"
    for command in (["agents", "list"], ["learned", "list"], ["report"]):
        result = CliRunner().invoke(cli, command, env={"DALIL_DATABASE": str(typo)})
        assert_clean_error(result, "no folder")
    assert not typo.parent.exists()


def test_ask_and_eval_make_no_file(tmp_path, articles_dir, questions_csv):
    """Asking and measuring read the articles and the settings: no database and no
    secret key is made for them (only the index cache, elsewhere in this test run)."""
    from click.testing import CliRunner

    database = tmp_path / "never.sqlite3"
    env = {"DALIL_DATABASE": str(database), "DALIL_ARTICLES": str(articles_dir)}
    before = set(tmp_path.rglob("*"))
    assert CliRunner().invoke(cli, ["ask", "where is my order"], env=env).exit_code == 0
    assert CliRunner().invoke(cli, ["eval", "--questions", str(questions_csv)],
                              env=env).exit_code == 0
    assert set(tmp_path.rglob("*")) == before and not database.exists()
