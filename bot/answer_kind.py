"""What kind of answer a question asks for, and whether a passage states one.

A classic filter of question-answering systems: a question that asks for an amount of money
("How much does it cost?"), a count ("How many troops...?"), an age ("How old...?") or a year
("In what year...?") is answered only by a passage that states such a thing. A passage on the
right subject that states none is a near miss, not an answer, however similar it is: the
similarity of a sentence embedding cannot tell "AMRAAM missiles" from "the price of AMRAAM
missiles". The rules are deliberately narrow: a question they do not recognise is never held
back by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|both|a pair|a couple"
)
# A figure standing on its own: "50,000", "3.5", "$40", "44-year-old" (not "SM-6", "F-35", "80th" or "G7").
_FIGURE = r"(?<![\w-])\d[\d,]*(?:\.\d+)?(?!\w|\.\d)"
_QUANTITY = rf"(?:{_FIGURE}|\b(?:{_NUMBER_WORDS})\b)"  # a figure or a number in words
_SCALE = r"(?:\s*(?:k|m|bn|mn|million|billion|trillion)\b)?"
_CURRENCY_WORDS = r"dollars?|euros?|pounds?|yen|yuan|won|rupees?|francs?|usd|eur|gbp|jpy|cny|cents?"
_DECADES = r"\d0s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties"

_NUMBER = re.compile(_QUANTITY, re.IGNORECASE)
_MONEY = re.compile(
    "|".join(
        (
            r"[$€£¥₩]\s?\d",  # $40, € 3
            r"\b(?:usd|us\$|eur|gbp|jpy)\s?\d",  # USD 450m
            rf"{_QUANTITY}{_SCALE}\s*(?:{_CURRENCY_WORDS})\b",  # 8.7 trillion yen, several hundred million dollars
        )
    ),
    re.IGNORECASE,
)
_AGE = re.compile(
    "|".join(
        (
            rf"\b(?:aged?|ages|age of)\s+(?:between\s+)?{_QUANTITY}",  # aged 19 to 35, mean age 61
            rf"{_FIGURE}[\s-]*(?:years?|yrs?)[\s-]*old\b",  # 44-year-old, 60 years old
            rf"\bin (?:his|her|their) (?:{_DECADES})\b",  # in his forties
        )
    ),
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\w-])(?:1[5-9]|20)\d\d(?![\w-])|\b(?:last|this|next) year\b", re.IGNORECASE)

_MONEY_TERMS = (
    r"cost|costs|price|priced|pay|paid|pays|spend|spends|spent|worth|budget|dollars?|euros?|yen|money|"
    r"fund|funds|funding|contribute|contributes|afford|charge|charges|fee|fees|salary|earn|earns"
)
_MONEY_QUESTION = (
    rf"\bhow much\b.*\b(?:{_MONEY_TERMS})\b|\bwhat\b.*\b(?:price|cost|costs)\b|\bin (?:{_CURRENCY_WORDS})\b"
)
_AGE_QUESTION = r"\bhow old\b|\bwhat (?:is|was|were|are) (?:the |their |his |her )?(?:mean |average )?ages?\b"


@dataclass(frozen=True)
class AnswerKind:
    """A kind of answer: its name for the user, and the pattern a passage must contain to give one."""

    name: str
    pattern: re.Pattern[str]

    def stated_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None


MONEY = AnswerKind("an amount of money", _MONEY)
COUNT = AnswerKind("a number", _NUMBER)
AGE = AnswerKind("an age", _AGE)
YEAR = AnswerKind("a year", _YEAR)

_RULES: tuple[tuple[re.Pattern[str], AnswerKind], ...] = tuple(
    (re.compile(rule, re.IGNORECASE), kind)
    for rule, kind in (
        (_MONEY_QUESTION, MONEY),
        (_AGE_QUESTION, AGE),
        (r"\bhow many\b|\bwhat (?:percentage|percent|proportion)\b", COUNT),
        (r"\b(?:what|which) year\b", YEAR),
    )
)


def wanted_kind(question: str) -> AnswerKind | None:
    """The kind of answer `question` asks for, or None when the rules do not recognise it."""
    for rule, kind in _RULES:
        if rule.search(question):
            return kind
    return None


def missing_kind(question: str, passage_text: str) -> AnswerKind | None:
    """The kind of answer `question` asks for if `passage_text` states none of it, else None."""
    kind = wanted_kind(question)
    return kind if kind is not None and not kind.stated_in(passage_text) else None
