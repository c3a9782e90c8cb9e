"""The answer-kind filter: which questions want a figure, and which passages state one."""

from __future__ import annotations

import pytest

from bot.retrieval.answer_kind import AGE, COUNT, MONEY, YEAR, missing_kind, wanted_kind
from bot.retrieval.retriever import Retriever


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much does one AMRAAM missile cost?", MONEY),
        ("What is the price of an SM-6?", MONEY),
        ("How much is Japan's defense budget in dollars?", MONEY),
        ("How much does the US contribute to NATO?", MONEY),
        ("How many US troops are stationed in Japan?", COUNT),
        ("how old is Pete Hegseth", AGE),
        ("What was the mean age of the patients?", AGE),
        ("What percentage of the budget goes to missiles?", COUNT),
        ("In which year was the alliance signed?", YEAR),
        ("Who did Hegseth meet in Tokyo?", None),
        ("Is Japan increasing its defense budget?", None),  # yes or no: no figure needed
        ("Does cost matter to the allies?", None),
        ("How much did the alliance matter to him?", None),  # "how much" alone is too vague to hold back
        ("What does an SM-6 cost?", MONEY),
        ("How old is the alliance?", AGE),
        ("How many times did they meet?", COUNT),
        ("What year did the war end?", YEAR),
        # Near money, but not asking for an amount:
        ("What did Trump demand regarding the cost of US troops in Japan?", None),
        ("How much time did Hegseth spend on Iwo Jima?", None),
        ("How much of its budget is Japan spending on the military?", None),
        ("What are the costs and benefits?", None),
        ("What was the cost in lives?", None),
        ("What price did they pay for victory?", None),
        ("How much effort was spent?", None),
        ("How much did he pay attention?", None),
        ("What is the price-to-earnings ratio?", None),
        ("How much does the baby weigh in pounds?", None),
        ("How much is Japan raising its defense budget?", None),  # a change ("doubling"), not an amount
        ("How much did the price of oil rise?", None),
        ("How much do costs matter?", None),
        ("How much did the war cost in human lives?", None),
        ("What is Hegseth's age?", AGE),
    ],
)
def test_wanted_kind(question: str, kind: object) -> None:
    assert wanted_kind(question) is kind


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Japan hosts 50,000 US military personnel.", True),
        ("Fifty thousand troops are based there.", True),
        ("Hegseth, a 44-year-old veteran, spoke first.", True),
        ("Dozens of ships took part.", True),
        ("A dozen people died.", True),
        ("The race drew 5k runners and 1.5m viewers.", True),
        ("They met twice.", True),
        ("They agreed to produce SM-6 and F-35 parts for the 80th anniversary.", False),
        ("Japan is doubling its military spending.", False),
    ],
)
def test_count_stated(text: str, stated: bool) -> None:
    assert COUNT.stated_in(text) is stated


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Each missile costs $1.2 million.", True),
        ("The budget is 8.7 trillion yen.", True),
        ("a contract worth USD 450m", True),
        ("Haiti could raise several hundred million dollars by issuing bonds.", True),
        ("It cost them two million euros.", True),
        ("They signed a 450m dollar deal.", True),
        ("Tickets are 5€ or ₹500; CHF 20 in Geneva.", True),
        ("The upgrade will cost 5 million.", True),
        ("Japan will spend 5 billion on missiles.", True),
        ("The company was valued at 1.2bn last year.", True),
        ("He paid 500 pounds for it.", True),
        ("The 3bn euros plan.", True),
        ("Both won their matches and the boxer weighs 150 pounds.", False),
        ("They bought 400 missiles.", False),  # a number, but no money
        ("Japan hosts 50,000 US military personnel.", False),
    ],
)
def test_money_stated(text: str, stated: bool) -> None:
    assert MONEY.stated_in(text) is stated


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Hegseth, a 44-year-old veteran, spoke first.", True),
        ("The riders, aged 19 to 35, kept food diaries.", True),
        ("Patients were 60 years old on average; mean age 61.", True),
        ("Pete Hegseth, 44, said the alliance was strong.", True),
        ("The mean age was 61.", True),
        ("age range 20-45", True),
        ("The alliance was formed in 1960.", True),
        ("Ages ranged from 18 to 65.", True),
        ("Smith (44) and Jones (51) led the study.", True),
        ("She died at 86.", True),
        ("He is in his mid-forties.", True),
        ("In 2024, Hegseth visited Tokyo after serving 12 years.", False),  # a year is not an age
        ("announced last year", False),
        ("In total, 12, were injured.", False),
        ("He is in his forties.", True),
        ("The eight riders trained for 12 hours a week.", False),  # numbers, but no age
    ],
)
def test_age_stated(text: str, stated: bool) -> None:
    assert AGE.stated_in(text) is stated


def test_year_stated() -> None:
    assert YEAR.stated_in("The treaty was signed in 1960.") and YEAR.stated_in("announced last year")
    assert (
        YEAR.stated_in("the war of 1939-1945") and YEAR.stated_in("the 2023-24 season") and YEAR.stated_in("the 1990s")
    )
    assert not YEAR.stated_in("It has 2,000 staff and an F-2022 designation.")


def test_missing_kind_only_when_wanted_and_absent() -> None:
    assert missing_kind("How many troops?", "There are 50,000 troops.") is None
    assert missing_kind("How many troops?", "There are many troops.") is COUNT
    assert missing_kind("Who met?", "There are many troops.") is None


def test_passage_on_the_subject_without_the_figure_is_not_an_answer(article_retriever: Retriever) -> None:
    """The AMRAAM paragraph is the nearest passage and scores above the threshold, but states no price."""
    answer = article_retriever.ask("How much does one AMRAAM missile cost?")
    assert "AMRAAM" in answer.hits[0].passage.text
    assert answer.hits[0].score >= article_retriever.config.min_score
    assert not answer.answered and answer.lacks == "an amount of money"
    assert answer.hits[0].caveat == "not an answer"


def test_passage_with_the_figure_is_an_answer(article_retriever: Retriever) -> None:
    answer = article_retriever.ask("How many US troops are stationed in Japan?")
    assert answer.answered and "50,000" in answer.hits[0].passage.text and answer.lacks is None


def test_each_passage_says_whether_it_states_the_figure(article_retriever: Retriever) -> None:
    answer = article_retriever.ask("How many SM-6 missiles will Japan buy?", k=3)
    assert not answer.answered and answer.lacks == "a number" and "SM-6" in answer.hits[0].passage.text
    caveats = {hit.passage.paragraph: hit.caveat for hit in answer.hits}
    assert caveats[answer.hits[0].passage.paragraph] == "not an answer"
    assert [hit.caveat for hit in answer.hits if "50,000" in hit.passage.text] == ["low confidence"]
