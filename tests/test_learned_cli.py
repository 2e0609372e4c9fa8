"""`dalil learned list` and `dalil learned export [--apply]` on real files: the learned
questions end up in the articles' front matter, and nothing else in a file changes."""
import json

from bot import store
from web.cli import cli
from conftest import write_articles
from kb.lint import check

AGENT_Q = "الكرتونة وصلت مفتوحة وابي ارجعها"
CUSTOMER_Q = "how do i follow my parcel"
DISPUTED_Q = "سؤال قال عنه العملاء لا"


def seed(tmp_path):
    articles = write_articles(tmp_path / "articles")
    path = str(tmp_path / "dalil.sqlite3")
    db = store.open_db(path)
    store.add_learned_question(db, "return-policy", AGENT_Q, "ar", agent="mona")
    store.add_learned_question(db, "order-tracking", CUSTOMER_Q, "en", source="customer")
    store.add_learned_question(db, "order-tracking", DISPUTED_Q, "ar", agent="omar")
    store.dispute_learned_question(db, "order-tracking", DISPUTED_Q)
    store.add_learned_question(db, "no-longer-there", "orphan question", "ar")
    db.close()
    return articles, path


def test_list_shows_questions_per_article(tmp_path, runner):
    _, path = seed(tmp_path)
    result = runner.invoke(cli, ["learned", "list", "--db", path])
    assert result.exit_code == 0, result.output
    assert "return-policy:" in result.output and AGENT_Q in result.output
    assert "[no x1]" in result.output
    rows = json.loads(runner.invoke(cli, ["learned", "list", "--db", path, "--json"]).output)
    assert {r["question"] for r in rows} == {AGENT_Q, CUSTOMER_Q, DISPUTED_Q, "orphan question"}


def test_export_shows_a_diff_and_writes_nothing(tmp_path, runner):
    articles, path = seed(tmp_path)
    before = (articles / "returns/return-policy.ar.md").read_text(encoding="utf-8")
    result = runner.invoke(cli, ["learned", "export", "--db", path, "--articles", str(articles)])
    assert result.exit_code == 0, result.output
    assert f"+  - {AGENT_Q}" in result.output and f"+  - {CUSTOMER_Q}" in result.output
    assert DISPUTED_Q not in result.output and "orphan" not in result.output
    assert (articles / "returns/return-policy.ar.md").read_text(encoding="utf-8") == before


def test_export_apply_adds_only_the_questions_and_check_still_passes(tmp_path, runner):
    articles, path = seed(tmp_path)
    target = articles / "returns/return-policy.ar.md"
    before = target.read_text(encoding="utf-8")
    result = runner.invoke(cli, ["learned", "export", "--apply", "--db", path,
                                 "--articles", str(articles)])
    assert result.exit_code == 0, result.output
    after = target.read_text(encoding="utf-8")
    # The only change: one line added after the last question.
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == [f"  - {AGENT_Q}"]
    assert after.replace(f"  - {AGENT_Q}\n", "") == before
    assert CUSTOMER_Q in (articles / "orders/order-tracking.en.md").read_text(encoding="utf-8")
    assert not [p for p in check(str(articles)) if p.level == "error"]
    # Run again: nothing left to export.
    again = runner.invoke(cli, ["learned", "export", "--db", path, "--articles", str(articles)])
    assert "nothing to export" in again.output


def test_export_of_a_broken_folder_is_a_clear_error(tmp_path, runner):
    articles, path = seed(tmp_path)
    (articles / "returns/return-policy.ar.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = runner.invoke(cli, ["learned", "export", "--db", path, "--articles", str(articles)])
    assert result.exit_code == 1 and "Error:" in result.output and "Traceback" not in result.output
