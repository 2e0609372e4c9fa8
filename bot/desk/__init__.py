"""The help desk: people's work around the bot, as services over a store (a sqlite-utils
Database from bot.store) and plain settings — no Flask, no SQL of its own.

    conversations.py  a customer's message gets the bot's reply, or joins the handoff
    handoffs.py       claim, reply, release and resolve a handoff, checked against its holder
    agents.py         agent accounts: add, remove, list, authenticate (passwords hashed)
    learning.py       what teaches the bot: resolutions with an article, customers' "yes"
    hours.py          business hours in the team's time zone
    teams.py          the teams file: teams, categories, levels and their targets
    routing.py        pure: a handoff's team, and who of its agents gets it
    sla.py            pure: first-response and resolution due times; ok, soon, breached
    customers.py      who a customer is (a shop-signed identity, or an e-mail), forgetting one
    canned.py         saved replies: placeholders filled (pure), none left unfilled when sent
    tags.py           pure: what a tag on a conversation is (normal_tag, the limits)
    search.py         the agents' search over conversations: filters, snippet, search
    insights/         the support leads' figures for a period, and their tables
"""
