"""Pure moderation decisions: what status a new comment gets, and why. No I/O here."""

from __future__ import annotations

import re
from dataclasses import dataclass

LINK_PATTERN = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """What the rules look at: the text and who sent it."""

    body: str
    name: str
    email: str
    url: str
    ip_address: str
    user_agent: str = ""


@dataclass(frozen=True)
class Rules:
    hold_always: bool
    max_links: int
    moderation_words: tuple[str, ...]
    disallowed_words: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    status: str  # one of Comment.Status values
    reason: str


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


def _matches(words: tuple[str, ...], submission: Submission) -> str | None:
    haystack = "\n".join(
        [
            submission.body,
            submission.name,
            submission.email,
            submission.url,
            submission.ip_address,
            submission.user_agent,
        ]
    ).lower()
    for word in words:
        if word and word in haystack:
            return word
    return None


def decide(
    submission: Submission,
    rules: Rules,
    *,
    has_approved_comment: bool,
    is_spam: bool = False,
) -> Decision:
    """The status of a new comment under WordPress's rules, in WordPress's order."""
    word = _matches(rules.disallowed_words, submission)
    if word:
        return Decision("spam", f"contains disallowed word {word!r}")
    if is_spam:
        return Decision("spam", "spam check")
    if rules.max_links and count_links(submission.body) >= rules.max_links:
        return Decision("pending", f"has {rules.max_links} or more links")
    word = _matches(rules.moderation_words, submission)
    if word:
        return Decision("pending", f"contains moderation word {word!r}")
    if rules.hold_always:
        return Decision("pending", "every comment is held")
    if not has_approved_comment:
        return Decision("pending", "first comment from this commenter")
    return Decision("approved", "commenter has an approved comment")
