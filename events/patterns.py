"""Patterns that strings must match, each made with its rule in words.

msgspec refuses a string that does not match a ``Meta(pattern=...)`` with the regular
expression itself: "Expected `str` matching regex '^[a-z0-9][a-z0-9-]{0,62}(?!\\n)$'".
``in_words`` says the rule instead ("Expected an id of lower-case letters, ..."), for every
pattern made with ``pattern``: the vocabulary's and the API's. A pattern is made together with
its words, so none can be added without them (tests check that every pattern of the vocabulary
and of the OpenAPI document has its rule).
"""

from __future__ import annotations

_RULES: dict[str, str] = {}


def pattern(regex: str, rule: str) -> str:
    """``regex``, from now on said in words as ``rule``: a noun phrase that reads after
    "Expected" and "must be", with an example ("a date like 2025-03-24, 2025-03 or 2025")."""
    if _RULES.setdefault(regex, rule) != rule:
        raise ValueError(f"the pattern {regex!r} already has a rule: {_RULES[regex]!r}")
    return regex


def rule(regex: str) -> str | None:
    """The rule in words of a pattern made with ``pattern``; None for any other."""
    return _RULES.get(regex)


def in_words(message: str) -> str:
    """A msgspec validation message (as msgspec, or Litestar through it, words it) with each
    known pattern said as its rule; the rest of the message, the path included, unchanged."""
    if "matching regex" not in message:
        return message
    for regex, words in _RULES.items():
        message = message.replace(f"`str` matching regex {regex!r}", words)
    return message
