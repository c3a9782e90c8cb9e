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
    r"hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|both|twice|several|a pair|a couple"
)
# A figure standing on its own: "50,000", "3.5", "$40", "44-year-old", "3bn", "5k" (not "SM-6", "F-35",
# "80th" or "G7").
_FIGURE = r"(?<![\w-])\d[\d,]*(?:\.\d+)?(?:(?:k|m|bn|mn)\b|(?!\w|\.\d))"
_QUANTITY = rf"(?:{_FIGURE}|\b(?:{_NUMBER_WORDS})\b)"  # a figure or a number in words
_SCALE = r"(?:\s*(?:million|billion|trillion)\b)?"
_SYMBOLS = "$€£¥₩₹"
_CURRENCY_CODES = r"usd|us\$|eur|gbp|jpy|cny|chf|inr|rs\.?"
_CURRENCY_WORDS = rf"dollars?|euros?|yen|yuan|rupees?|francs?|cents?|sterling|{_CURRENCY_CODES}"
_DECADES = r"\d0s|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties"
_YEARS = r"(?<![\w-])(?:1[5-9]|20)\d\d(?:s\b|(?!\w)(?!-(?!\d)))|\b(?:last|this|next) year\b"  # 1945, 1990s, 1939-45


def _either(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


_NUMBER = _either(_QUANTITY)
_APPROXIMATELY = r"(?:about |around |nearly |over |some |roughly |almost |up to |an estimated |more than )?"
_MONEY = _either(
    rf"[{_SYMBOLS}]\s?\d",  # $40, € 3
    rf"\d[\d,.]*\s?[{_SYMBOLS}]",  # 5€
    rf"\b(?:{_CURRENCY_CODES})\s?\d",  # USD 450m, Rs 500
    rf"{_QUANTITY}{_SCALE}\s*(?:{_CURRENCY_WORDS})\b",  # 8.7 trillion yen, several hundred million dollars
    rf"{_FIGURE}\s*(?:million|billion|trillion)\b",  # spend 5 billion (money named earlier in the text)
    r"(?<![\w-])\d[\d,.]*(?:bn|mn)\b",  # valued at 1.2bn
    rf"\b(?:costs?|costing|cost them|priced at|worth|paid|pays?|sold for|fined?|fine was|valued at)\s+"
    rf"{_APPROXIMATELY}{_QUANTITY}",  # paid 500 pounds, cost an estimated 3 billion
)
_AGE = _either(
    rf"\bage(?:s|d)?\b(?:\s+(?:of|was|is|were|range[sd]?|between|from))*\s*:?\s*{_QUANTITY}",  # mean age was 61
    rf"{_FIGURE}[\s-]*(?:years?|yrs?)[\s-]*old\b",  # 44-year-old, 60 years old, 13.8 billion years old
    r"(?-i:\b[A-Z][a-z]+),\s*\d{1,3},|(?-i:\b[A-Z][a-z]+)\s+\(\d{1,3}\)",  # Pete Hegseth, 44, said; Smith (44)
    r"\bdied at \d{1,3}\b",
    rf"\bin (?:his|her|their) (?:(?:early|mid|late)[- ])?(?:{_DECADES})\b|\b(?:early|mid|late)-(?:{_DECADES})\b",
    rf"\b(?:born|founded|formed|established|built|created|signed|opened|launched|since)\b\W+(?:\w+\W+){{0,3}}?"
    rf"(?:{_YEARS})",  # founded in 1960
)
_YEAR = _either(_YEARS)

_NOT_MONEY = r"(?!\s+(?:time|effort|attention|of|more|longer|further|better|worse)\b)"
# "How much is Japan raising its defense budget?" asks for a change ("doubling"), not an amount.
_CHANGE = r"(?!.*\b(?:rais|increas|ris|rose|fall|fell|grow|grew|cut|drop|declin|chang|matter|lives\b))"
_MONEY_TERMS = (
    r"cost|costs|price|priced|pay(?!\s+attention)|paid|pays|spend|spends|spent|worth|budget|money|fund|funds|"
    r"funding|contribute|contributes|afford|charge|charges|fee|fees|salary|earn|earns"
)
_MONEY_QUESTION = (
    rf"\bhow much\b{_NOT_MONEY}{_CHANGE}.*\b(?:{_MONEY_TERMS})\b"  # How much does one AMRAAM missile cost?
    r"|\bwhat (?:is|was|are|were|will be) the (?:\w+ )?(?:price|cost)s? (?:of|for|to)\b"  # What is the price of...?
    r"|\bwhat (?:does|did|do|will|would)\b.*\bcost\W*$"  # What does an SM-6 cost?
    r"|\bin (?:dollars|euros|yen|yuan|rupees|usd|eur|gbp|jpy)\b"  # ... in dollars?
)
_AGE_QUESTION = (
    r"\bhow old\b|\bwhat\b.*\bages?\W*$|\bwhat (?:is|was|were|are) (?:the |their |his |her )?(?:mean |average )?ages?\b"
)


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

_RULES: tuple[tuple[re.Pattern[str], AnswerKind], ...] = (
    (_either(_MONEY_QUESTION), MONEY),
    (_either(_AGE_QUESTION), AGE),
    (_either(r"\bhow many\b", r"\bwhat (?:percentage|percent|proportion)\b"), COUNT),
    (_either(r"\b(?:what|which) year\b"), YEAR),
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
