"""Content gaps: paraphrases cluster together, unrelated questions stay apart, and a
cluster becomes a valid draft article."""
from kb.gaps import cluster_questions, draft_article
from kb.articles import parse_article

SIM_CARDS = ["هل تبيعون بطاقات شحن سوا؟", "عندكم بطاقات شحن سوا", "ابغى بطاقة شحن سوا",
             "بطاقات شحن الجوال متوفرة؟"]
BRANCH = ["هل يوجد فرع في جدة؟", "عندكم محل في جدة"]
BITCOIN = ["can I pay with bitcoin", "do you accept bitcoin", "bitcoin payment possible?"]
STORE = ["do you have a store in jeddah", "is there a shop in jeddah"]
ALONE = "متى تفتحون يوم الجمعة"


def groups(clusters):
    return [set(c.questions) for c in clusters]


def test_paraphrases_cluster_together_and_unrelated_questions_stay_apart():
    clusters = cluster_questions(SIM_CARDS + BRANCH + BITCOIN + STORE + [ALONE])
    found = groups(clusters)
    for need in (SIM_CARDS, BRANCH, BITCOIN, STORE):
        assert set(need) in found
    assert {ALONE} in found


def test_biggest_cluster_first_with_its_size_and_languages():
    clusters = cluster_questions(BITCOIN + SIM_CARDS + [ALONE])
    assert [c.size for c in clusters] == [4, 3, 1]
    assert clusters[0].langs == ("ar",) and clusters[1].langs == ("en",)


def test_repeated_questions_count_towards_the_size():
    clusters = cluster_questions(["do you accept bitcoin"] * 3 + [ALONE])
    assert clusters[0].size == 3


def test_the_closest_article_comes_from_the_index(shipped_bot):
    clusters = cluster_questions(["do you accept bitcoin", "can i pay in bitcoin"],
                                 index=shipped_bot.index)
    assert clusters[0].closest_article == "payment-methods"
    assert 0 < clusters[0].closest_score <= 1


def test_no_questions_no_clusters():
    assert cluster_questions([]) == [] and cluster_questions(["  "]) == []


def test_a_draft_article_is_a_valid_draft_with_the_clusters_questions(shipped_bot):
    cluster = cluster_questions(SIM_CARDS, index=shipped_bot.index)[0]
    text = draft_article(cluster, "ar")
    article = parse_article("articles/new.ar.md", text)
    assert article.status == "draft" and article.lang == "ar"
    assert {article.title, *article.questions} == set(SIM_CARDS)
    assert article.id.startswith("new-article-")
    english = parse_article("x.en.md", draft_article(cluster_questions(BITCOIN)[0], "en"))
    assert english.id and english.title in BITCOIN


def test_a_draft_lists_a_repeated_question_once():
    cluster = cluster_questions(["do you accept bitcoin"] * 3 + ["can i pay with bitcoin"])[0]
    article = parse_article("x.en.md", draft_article(cluster, "en"))
    assert [article.title, *article.questions].count("do you accept bitcoin") == 1
