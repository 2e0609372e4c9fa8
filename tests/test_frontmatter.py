"""Adding learned questions to an article file changes only the questions list."""
import pytest

from kb.articles import ArticleError, parse_article
from kb.frontmatter import add_questions

ARTICLE = """\
---
id: return-policy
title: كيف أرجع منتجًا؟   # the title customers see
category: returns
questions:
  - ابغى ارجع الطلب
  - "هل يمكنني استبدال المنتج؟"
tags: [returns, refunds]
---
يمكنك الإرجاع خلال 14 يومًا.

## التفاصيل
- نقطة: أولى
"""


def test_new_questions_go_after_the_last_one_and_nothing_else_moves():
    result = add_questions(ARTICLE, ["الجزمة طلعت صغيرة", "return: how?"])
    expected = ARTICLE.replace(
        '  - "هل يمكنني استبدال المنتج؟"\n',
        '  - "هل يمكنني استبدال المنتج؟"\n  - الجزمة طلعت صغيرة\n  - "return: how?"\n')
    assert result == expected
    assert parse_article("a.md", result).questions[-2:] == ("الجزمة طلعت صغيرة", "return: how?")


def test_questions_it_already_has_are_skipped_after_normalization():
    assert add_questions(ARTICLE, ["ابغى ارجع الطلب", "إبغى ارجع الطلب", "كيف أرجع منتجًا؟"]) == ARTICLE


def test_an_article_without_questions_gets_the_key_before_the_closing_line():
    text = "---\ntitle: Shipping\n---\nBody.\n"
    assert add_questions(text, ["how much is shipping"]) == \
        "---\ntitle: Shipping\nquestions:\n  - how much is shipping\n---\nBody.\n"


@pytest.mark.parametrize("related", ["related: [refunds, exchanges]",
                                     "related:\n  - refunds\n  - exchanges"])
def test_related_articles_after_the_questions_are_left_as_they_are(related):
    text = f"---\ntitle: Returns\nquestions:\n  - a\n{related}\n---\nBody.\n"
    result = add_questions(text, ["b"])
    assert result == text.replace("  - a\n", "  - a\n  - b\n")
    article = parse_article("a.md", result)
    assert article.questions == ("a", "b") and article.related == ("refunds", "exchanges")


def test_a_flow_list_is_extended_in_place():
    text = "---\ntitle: Shipping\nquestions: [a, b]\nlang: en\n---\nBody.\n"
    result = add_questions(text, ["c, d"])
    assert result == '---\ntitle: Shipping\nquestions: [a, b, "c, d"]\nlang: en\n---\nBody.\n'


def test_the_indentation_of_the_file_is_kept():
    text = "---\ntitle: T\nquestions:\n    - first\n---\nBody.\n"
    assert add_questions(text, ["second"]) == \
        "---\ntitle: T\nquestions:\n    - first\n    - second\n---\nBody.\n"


@pytest.mark.parametrize("question", [
    "- starts with a dash", "# looks like a comment", "yes", "123", "key: value",
    "'quoted'", '"double"', "@at", "مع: نقطتين",
])
def test_questions_that_yaml_would_misread_are_quoted(question):
    result = add_questions("---\ntitle: T\n---\nBody.\n", [question])
    assert parse_article("a.md", result).questions == (question,)


def test_a_broken_file_is_refused():
    with pytest.raises(ArticleError):
        add_questions("no front matter", ["q"])
