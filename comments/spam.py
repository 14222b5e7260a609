"""Pluggable spam checks: COLOPHON_SPAM_BACKEND names a class with `is_spam()`.

The built-in default needs no network: it looks at signals bots leave behind.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from comments.moderation import Submission, count_links

_BBCODE_LINK = re.compile(r"\[url=|\[link=", re.IGNORECASE)
_HTML_LINK = re.compile(r"<a\s+href", re.IGNORECASE)


class HeuristicSpamBackend:
    """Spam when the text uses link markup a plain-text form never needs, or is
    mostly links."""

    max_links = 10

    def is_spam(self, submission: Submission) -> bool:
        body = submission.body
        if _BBCODE_LINK.search(body) or _HTML_LINK.search(body):
            return True
        return count_links(body) > self.max_links


class NoSpamBackend:
    def is_spam(self, submission: Submission) -> bool:
        return False


def get_spam_backend():
    path = getattr(
        settings, "COLOPHON_SPAM_BACKEND", "comments.spam.HeuristicSpamBackend"
    )
    return _backend_class(path)()


@lru_cache(maxsize=8)
def _backend_class(path: str) -> type:
    # Keyed on the setting's value, so a changed setting still takes effect.
    return import_string(path)
