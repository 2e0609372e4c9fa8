"""Related articles: the writers' choice first, then the nearest of the same category,
then of the neighbouring ones — never an unrelated topic (kb.related, Bot.related)."""
import pytest

from kb.articles import load_articles, load_categories
from kb.related import Related
from conftest import write_article

CATEGORIES = """\
    - id: orders
      title: Orders
    - id: shipping
      title: Shipping
    - id: returns
      title: Returns
    - id: account
      title: Account
    """
# Orders and shipping talk about orders and parcels; returns about returns and money;
# the account shares no word with anything.
ARTICLES = {
    "orders/order-tracking.en.md": ("Where is my order?", ["track my order parcel",
                                                            "my order parcel is late"]),
    "orders/cancel-order.en.md": ("How do I cancel an order?", ["cancel my order now"]),
    "orders/change-order.en.md": ("Can I change my order?", ["change the order colour"]),
    "shipping/delivery-times.en.md": ("When does my parcel arrive?",
                                      ["parcel delivery days", "late parcel order"]),
    "returns/return-policy.en.md": ("How do I return an item?", ["return an item money"]),
    "returns/refunds.en.md": ("When do I get my money back?", ["refund money back"]),
    "account/reset-password.en.md": ("Forgot password", ["login forgotten password"]),
}


def write(folder, related=None, extra=()):
    """Write the help center above, with ``related`` {file: front matter line}."""
    write_article(folder, "categories.yml", CATEGORIES)
    related = related or {}
    for name, (title, questions) in ARTICLES.items():
        lines = "".join(f"  - {q}\n" for q in questions)
        write_article(folder, name, f"---\ntitle: {title}\nquestions:\n{lines}"
                                    f"{related.get(name, '')}\n---\n{title}\n")
    for name, text in extra:
        write_article(folder, name, text)
    return Related(load_articles(str(folder)), load_categories(str(folder)))


def test_the_same_category_comes_first_then_the_neighbours_never_an_unrelated_one(tmp_path):
    related = write(tmp_path)
    assert related.neighbours["orders"] == ("shipping",)
    found = related.of("order-tracking")
    # its own category, nearest first, then the shipping article it shares words with
    assert found[:2] == ["change-order", "cancel-order"] or found[:2] == ["cancel-order",
                                                                          "change-order"]
    assert found[2:] == ["delivery-times"]


def test_an_answer_is_worked_out_once_and_a_caller_cannot_change_it(tmp_path):
    related = write(tmp_path)
    found = related.of("order-tracking")
    found.append("refunds")  # the caller's own list
    assert related.of("order-tracking") == found[:-1]
    assert related.of("order-tracking", limit=1) == found[:1]


def test_writers_related_come_first_in_their_order(tmp_path):
    related = write(tmp_path, {"orders/order-tracking.en.md": "related: [refunds, return-policy]"})
    found = related.of("order-tracking")
    assert found[:2] == ["refunds", "return-policy"]
    assert set(found[2:]) == {"cancel-order", "change-order", "delivery-times"}


def test_related_ids_that_are_unknown_drafts_or_the_article_itself_are_left_out(tmp_path):
    draft = ("orders/gift-wrap.en.md", "---\ntitle: Gift wrap\nstatus: draft\n---\nSoon.\n")
    related = write(tmp_path, {"orders/order-tracking.en.md":
                               "related: [nope, gift-wrap, order-tracking, refunds]"},
                    extra=[draft])
    found = related.of("order-tracking")
    assert found[0] == "refunds"
    assert not {"nope", "gift-wrap", "order-tracking"} & set(found)


def test_the_readers_language_version_chooses_first(tmp_path):
    related = write(tmp_path, {"orders/order-tracking.en.md": "related: [refunds]"}, extra=[
        ("orders/order-tracking.ar.md",
         "---\ntitle: وين طلبي\nrelated: [return-policy]\n---\nافتح طلباتي.\n")])
    assert related.of("order-tracking", "ar")[:2] == ["return-policy", "refunds"]
    assert related.of("order-tracking", "en")[:2] == ["refunds", "return-policy"]


def test_a_category_sharing_no_words_has_the_categories_next_to_it_as_neighbours(tmp_path):
    related = write(tmp_path)
    assert related.neighbours["account"] == ("returns",)  # the last: only one before it
    # ...yet an article shares no word with any of them, so none is offered
    assert related.of("reset-password") == []


def test_limit_unknown_article_and_a_tiny_help_center(tmp_path):
    related = write(tmp_path)
    assert len(related.of("order-tracking", limit=1)) == 1
    assert related.of("nope") == []
    assert Related([]).of("x") == []


def test_bot_related_keeps_the_shipped_articles_within_their_neighbourhood(shipped_bot):
    related = shipped_bot._related
    for article_id in related.ids:
        article = shipped_bot.article(article_id, "en")
        chosen = set(related.chosen(article_id, "en"))
        allowed = {article.category, *related.neighbours[article.category]}
        shown = shipped_bot.related(article)
        assert 0 < len(shown) <= 5 and article not in shown
        for other in shown:
            assert other.lang == "en"
            assert other.id in chosen or other.category in allowed, (article_id, other.id)


@pytest.mark.parametrize("article_id, first", [
    ("return-policy", "refunds"),  # the writers' choice: how long a refund takes
    ("order-tracking", "delivery-times"),
])
def test_bot_related_starts_with_what_the_writers_chose(shipped_bot, article_id, first):
    for lang in ("ar", "en"):
        shown = shipped_bot.related(shipped_bot.article(article_id, lang))
        assert shown[0].id == first and shown[0].lang == lang
