"""`check()` finds what a careful editor would, and says where."""
import pytest

from kb.lint import Problem, check
from conftest import SHIPPED_ARTICLES, write_article


def by_code(problems, code):
    return [p for p in problems if p.code == code]


def test_small_help_center_has_no_problems(articles_dir):
    assert check(str(articles_dir)) == []


def test_shipped_articles_have_no_errors_and_no_warnings():
    problems = check(str(SHIPPED_ARTICLES))
    assert problems == [], "\n".join(map(str, problems))


def test_problem_reads_file_line_level_message_and_code():
    problem = Problem("a/b.md", 7, "error", "missing-link", "link to missing article 'x'")
    assert str(problem) == "a/b.md:7: error: link to missing article 'x' [missing-link]"


def test_missing_folder_is_one_error(tmp_path):
    [problem] = check(str(tmp_path / "nope"))
    assert problem.level == "error"


def test_same_question_under_two_articles_is_an_error_at_its_line(articles_dir):
    # return-policy.ar.md line 4 asks "ابغى ارجع منتج ما عجبني"; the same question
    # (with hamza and a question mark) now also belongs to exchanges.
    write_article(articles_dir, "returns/exchanges.ar.md", """\
        ---
        title: هل يمكنني استبدال المقاس؟
        questions:
          - أبغى أرجع منتج ما عجبني؟
          - ابي ابدل المقاس
        ---
        نعم، خلال 14 يومًا.
        """)
    [problem] = by_code(check(str(articles_dir)), "duplicate-question")
    exchanges = articles_dir / "returns" / "exchanges.ar.md"
    policy = articles_dir / "returns" / "return-policy.ar.md"
    assert problem.level == "error"
    # Files are read in name order, so the later file gets the error pointing at the first.
    assert (problem.path, problem.line) == (str(policy), 4)
    assert f"{exchanges}:4" in problem.message


def test_a_title_repeated_as_another_articles_question_is_a_duplicate(articles_dir):
    write_article(articles_dir, "returns/exchanges.en.md", """\
        ---
        title: Can I exchange an item?
        questions:
          - How can I track my order?
        ---
        Yes, within 14 days.
        """)
    [problem] = by_code(check(str(articles_dir)), "duplicate-question")
    assert problem.level == "error"
    assert (problem.path, problem.line) == (str(articles_dir / "returns" / "exchanges.en.md"), 4)
    assert f"{articles_dir / 'orders' / 'order-tracking.en.md'}:2" in problem.message


def test_one_question_repeated_in_its_own_translations_is_not_a_duplicate(articles_dir):
    write_article(articles_dir, "orders/order-tracking.en.md", """\
        ---
        title: How can I track my order?
        questions:
          - وين طلبي الحين
        ---
        Open "My orders".
        """)
    assert by_code(check(str(articles_dir)), "duplicate-question") == []


def test_link_to_missing_article_is_an_error_at_its_line(articles_dir):
    path = write_article(articles_dir, "orders/order-tracking.en.md", """\
        ---
        title: How can I track my order?
        ---
        Open "My orders" in your account.

        If it is late, see [delivery times](article:nope).
        """)
    [problem] = by_code(check(str(articles_dir)), "missing-link")
    assert (problem.path, problem.line, problem.level) == (str(path), 6, "error")
    assert "'nope'" in problem.message


def test_links_to_existing_articles_are_fine(articles_dir):
    # order-tracking.ar links to shipping-costs and return-policy.ar to order-tracking.
    assert by_code(check(str(articles_dir)), "missing-link") == []


def test_link_to_a_draft_is_a_warning(articles_dir):
    for name, title in [("loyalty.en.md", "Loyalty"), ("loyalty.ar.md", "الولاء")]:
        draft = f"---\ntitle: {title}\nstatus: draft\n---\nSoon.\n"
        write_article(articles_dir, f"shipping/{name}", draft)
    write_article(articles_dir, "shipping/shipping-costs.en.md", """\
        ---
        title: How much is shipping?
        ---
        Free over 200 SAR; members of [the loyalty programme](article:loyalty) never pay.
        """)
    [problem] = by_code(check(str(articles_dir)), "draft-link")
    assert (problem.level, problem.line) == ("warning", 4)


def test_related_articles_that_exist_are_no_problem(articles_dir):
    write_article(articles_dir, "shipping/shipping-costs.en.md", """\
        ---
        title: How much is shipping?
        related: [order-tracking, return-policy]
        ---
        Free over 200 SAR.
        """)
    assert check(str(articles_dir)) == []


def test_unknown_draft_and_self_related_ids_are_reported_at_their_lines(articles_dir):
    for name, title in [("loyalty.en.md", "Loyalty"), ("loyalty.ar.md", "الولاء")]:
        draft = f"---\ntitle: {title}\nstatus: draft\n---\nSoon.\n"
        write_article(articles_dir, f"shipping/{name}", draft)
    path = write_article(articles_dir, "shipping/shipping-costs.en.md", """\
        ---
        title: How much is shipping?
        related:
          - order-tracking
          - order-trackin
          - loyalty
          - shipping-costs
        ---
        Free over 200 SAR.
        """)
    problems = check(str(articles_dir))
    [unknown] = by_code(problems, "unknown-related")
    [draft] = by_code(problems, "draft-related")
    [itself] = by_code(problems, "self-related")
    assert (unknown.path, unknown.line, unknown.level) == (str(path), 5, "error")
    assert "'order-trackin'" in unknown.message
    assert (draft.path, draft.line, draft.level) == (str(path), 6, "warning")
    assert (itself.path, itself.line, itself.level) == (str(path), 7, "warning")


def test_a_flow_list_of_related_ids_is_reported_at_its_line(articles_dir):
    path = write_article(articles_dir, "shipping/shipping-costs.en.md", """\
        ---
        title: How much is shipping?
        questions:
          - is shipping free
        related: [nope]
        ---
        Free over 200 SAR.
        """)
    [problem] = by_code(check(str(articles_dir)), "unknown-related")
    assert (problem.path, problem.line) == (str(path), 5)


def test_missing_image_is_an_error_at_its_line(articles_dir):
    path = write_article(articles_dir, "returns/return-policy.en.md", """\
        ---
        title: What is your return policy?
        ---
        You can return any item within 14 days.

        ![The returns page](images/returns.png)
        ![The label](images/label.png)
        """)
    (articles_dir / "returns" / "images").mkdir()
    (articles_dir / "returns" / "images" / "label.png").write_bytes(b"\x89PNG\r\n")
    [problem] = by_code(check(str(articles_dir)), "missing-image")
    assert (problem.path, problem.line, problem.level) == (str(path), 6, "error")
    assert "images/returns.png" in problem.message


def test_image_outside_the_articles_folder_is_an_error(articles_dir, tmp_path):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG\r\n")
    write_article(articles_dir, "returns/return-policy.en.md", """\
        ---
        title: What is your return policy?
        ---
        ![x](../../secret.png) Return within 14 days.
        """)
    assert len(by_code(check(str(articles_dir)), "missing-image")) == 1


def test_missing_translation_is_a_warning(articles_dir):
    path = write_article(articles_dir, "support/contact-us.ar.md", """\
        ---
        title: كيف أتواصل معكم؟
        category: shipping
        ---
        راسلنا على support@example.com.
        """)
    problems = check(str(articles_dir))
    [problem] = by_code(problems, "missing-translation")
    assert (problem.path, problem.level) == (str(path), "warning")
    assert "'contact-us'" in problem.message and "en" in problem.message
    assert not [p for p in problems if p.level == "error"]


def test_near_duplicate_articles_are_a_warning(articles_dir):
    write_article(articles_dir, "orders/parcel-status.en.md", """\
        ---
        title: How do I track my order?
        questions:
          - where is my order now
          - the tracking link is broken
          - what does shipped mean on my parcel
        ---
        Open "My orders" in your account and tap the order to see its status and tracking link.
        """)
    # Different questions (no duplicate-question error), the same meaning and body.
    problems = check(str(articles_dir))
    assert by_code(problems, "duplicate-question") == []
    [problem] = by_code(problems, "near-duplicate")
    assert problem.level == "warning"
    assert "'parcel-status'" in problem.message and "'order-tracking'" in problem.message


def test_translations_are_not_near_duplicates_of_each_other(articles_dir):
    assert by_code(check(str(articles_dir)), "near-duplicate") == []


def test_category_missing_from_categories_yml_is_an_error(articles_dir):
    path = write_article(articles_dir, "misc/hours.en.md", "---\ntitle: Hours\n---\nDaily.\n")
    write_article(articles_dir, "misc/hours.ar.md", "---\ntitle: أوقات العمل\n---\nيوميًا.\n")
    problems = by_code(check(str(articles_dir)), "unknown-category")
    assert {p.path for p in problems} == {str(path), str(path).replace(".en.", ".ar.")}
    assert all(p.level == "error" and "'misc'" in p.message for p in problems)


def test_any_category_is_fine_without_categories_yml(articles_dir):
    (articles_dir / "categories.yml").unlink()
    write_article(articles_dir, "misc/hours.en.md", "---\ntitle: Opening hours\n---\nDaily.\n")
    write_article(articles_dir, "misc/hours.ar.md", "---\ntitle: أوقات العمل\n---\nيوميًا.\n")
    assert check(str(articles_dir)) == []


def test_broken_categories_yml_is_an_error(articles_dir):
    broken = "- id: orders\n  title: [unclosed\n"
    (articles_dir / "categories.yml").write_text(broken, encoding="utf-8")
    [problem] = by_code(check(str(articles_dir)), "invalid-categories")
    assert problem.level == "error"


def test_article_that_cannot_load_is_an_error_with_file_and_line(articles_dir):
    path = write_article(articles_dir, "orders/order-tracking.en.md", """\
        ---
        title: How can I track my order?
        lang: fr
        ---
        Open "My orders".
        """)
    problems = check(str(articles_dir))
    [problem] = by_code(problems, "invalid-article")
    assert (problem.path, problem.line, problem.level) == (str(path), 3, "error")


def test_every_broken_file_is_reported_not_only_the_first(articles_dir):
    write_article(articles_dir, "a.en.md", "no front matter\n")
    write_article(articles_dir, "b.en.md", "---\ntitle: B\nlang: de\n---\nx\n")
    assert len(by_code(check(str(articles_dir)), "invalid-article")) == 2


def test_body_without_a_paragraph_is_a_warning(articles_dir):
    path = write_article(articles_dir, "orders/order-tracking.en.md", """\
        ---
        title: How can I track my order?
        ---
        ## Nothing but a heading
        """)
    [problem] = by_code(check(str(articles_dir)), "no-answer")
    assert (problem.path, problem.line, problem.level) == (str(path), 4, "warning")


def test_errors_come_before_warnings(articles_dir):
    write_article(articles_dir, "aaa/only-arabic.ar.md", "---\ntitle: فقط بالعربية\n---\nنص.\n")
    write_article(articles_dir, "zzz/broken.en.md", "---\ntitle: Broken\nlang: xx\n---\nx\n")
    levels = [p.level for p in check(str(articles_dir))]
    assert levels == sorted(levels, key=lambda level: level != "error")
    assert "error" in levels and "warning" in levels


@pytest.mark.parametrize("name", ["hours.en.md", "sub/hours.en.md"])
def test_duplicate_id_in_one_language_is_reported(articles_dir, name):
    write_article(articles_dir, "a/hours.en.md", "---\ntitle: Opening hours\n---\nDaily.\n")
    write_article(articles_dir, "a/hours.ar.md", "---\ntitle: أوقات العمل\n---\nيوميًا.\n")
    write_article(articles_dir, f"b/{name}", "---\ntitle: When do you open?\n---\nFrom 9.\n")
    [problem] = by_code(check(str(articles_dir)), "duplicate-id")
    assert problem.level == "error"
    assert str(articles_dir / "a" / "hours.en.md") in problem.message
