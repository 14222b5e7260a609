"""What the comment thread template shows of each comment, worked out in Python.

A thread renders up to a thousand comments; these values are computed once per
comment with plain Python rather than with template filters, which cost far more
per call (see docs/performance.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape as html_escape

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import get_language, gettext

from blog.markup import web_url
from comments.avatars import avatar_for

# The characters HTML escaping changes: most names and addresses have none.
_SPECIAL = re.compile(r"[&<>\"']").search


def escape(text: str) -> str:
    """`text` escaped for HTML text and attribute values (html.escape), without the
    five replacements when there is nothing to replace."""
    return html_escape(text) if _SPECIAL(text) else text


@dataclass(frozen=True, slots=True)
class Stamp:
    iso: str  # Django's "c" format
    date: str  # "F j, Y", e.g. "November 24, 2026"
    time: str  # "g:i a", e.g. "3:05 p.m."


@lru_cache(maxsize=8)
def _words(language: str | None) -> tuple[tuple[str, ...], str, str]:
    """Month names and a.m./p.m. in `language` (the active one when called)."""
    months = tuple(str(MONTHS[number]) for number in range(1, 13))
    return months, gettext("a.m."), gettext("p.m.")


def stamp(moment) -> Stamp:
    """`moment` in the current time zone, formatted as the comment template shows it
    (the same text as Django's `date:"F j, Y"` and `time:"g:i a"` filters)."""
    return Stamp(*_stamper()(moment))


def _stamper():
    """stamp() as (iso, date, time), with the time zone and the month names looked
    up once, for a thread's worth of comments."""
    zone = timezone.get_current_timezone()
    months, am, pm = _words(get_language())

    def stamp_of(moment) -> tuple[str, str, str]:
        local = moment.astimezone(zone) if moment.tzinfo is not None else moment
        hour = local.hour
        return (
            local.isoformat(),
            f"{months[local.month - 1]} {local.day}, {local.year}",
            f"{hour % 12 or 12}:{local.minute:02d} {pm if hour >= 12 else am}",
        )

    return stamp_of


def words() -> dict[str, str]:
    """The thread's fixed wording, translated (and escaped for HTML) once per
    thread, not per comment."""
    return {
        "says": escape(gettext("says:")),
        "reply": escape(gettext("Reply")),
        "awaiting": escape(gettext("Your comment is awaiting moderation.")),
    }


def shown(comments, *, external_avatars: bool) -> dict[int, tuple]:
    """What the thread shows of each comment (comments.thread.CommentRow), by pk:
    (pk, status, name, link, avatar, iso, posted_at, body_html, reply_label), every
    value escaped for HTML, as the row template prints them as they are. `link` is
    an http(s) address or "", `iso` the time for machines, `posted_at` "November
    24, 2026 at 3:05 p.m.", `reply_label` "Reply to Anna". `body_html` was made
    safe when the comment was saved."""
    posted_at = gettext("%(date)s at %(time)s")
    reply_to = gettext("Reply to %(name)s")
    stamp_of = _stamper()
    drawn = {}
    for comment in comments:
        name = comment.author_name
        avatar = avatar_for(
            email=comment.author_email,
            avatar_url=comment.avatar_url,
            seed=f"{comment.identity_kind}:{name}",
            external=external_avatars,
        )
        iso, date, time = stamp_of(comment.created_at)
        drawn[comment.pk] = (
            comment.pk,
            comment.status,
            escape(name),
            escape(web_url(comment.author_url)),
            escape(avatar),
            iso,  # digits, "-", ":", "+" and "T" only
            escape(posted_at % {"date": date, "time": time}),
            comment.body_html,
            escape(reply_to % {"name": name}),
        )
    return drawn
