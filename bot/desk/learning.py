"""What teaches the bot: an agent resolving a handoff with an article, and a customer's
"yes, this answered my question", each recorded as a learned question; a customer's
"no" to an answer that a learned question produced counts against that question, so
agents review it. The serving bot takes learned questions in from the store (web/live.py).
"""
from bot import store
from bot.decide import ANSWER_DID_NOT_HELP, ANSWER_HELPED

__all__ = ["learn_from_follow_up", "learn_from_resolution"]


def learn_from_follow_up(db, reply, last):
    """Record what the customer's verdict on the bot's last answer teaches: ``reply``
    is the bot's Reply to that verdict, ``last`` the stored data of the answer (its
    article, question, and the closest known question it matched)."""
    if last.get("action") != "answer" or not last.get("article_id"):
        return
    if reply.reason == ANSWER_HELPED and last.get("question"):
        store.add_learned_question(db, last["article_id"], last["question"],
                                   last.get("lang"), source="customer")
    elif reply.reason == ANSWER_DID_NOT_HELP and last.get("matched_learned"):
        store.dispute_learned_question(db, last["article_id"], last["matched_question"])


def learn_from_resolution(db, handoff, article_id, agent):
    """Record the question of ``handoff``, resolved by ``agent`` with ``article_id``, as a
    learned question of that article: the question the bot could not answer, or the
    first one asked after "let me talk to a person" — never that request itself."""
    if handoff["first_question"]:
        store.add_learned_question(db, article_id, handoff["first_question"], handoff["lang"],
                                   handoff_id=handoff["id"], agent=agent)
