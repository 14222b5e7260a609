"""Writes for comments: submitting, moderating, subscribing, privacy requests."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comments import tasks
from comments.identity import Identity
from comments.models import Comment, CommentSettings, Subscription, body_digest
from comments.moderation import Rules, Submission, decide
from comments.spam import get_spam_backend
from config.pagecache import bump_post_discussion, bump_site


class CommentRefused(Exception):
    """The comment cannot be accepted; the message is for the reader."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def comments_closed_reason(post, discussion: CommentSettings) -> str | None:
    """Why `post` takes no comments right now, or None when it does."""
    if not post.is_published:
        return _("Comments are not accepted on this post.")
    if not post.comments_open:
        return _("Comments are closed.")
    if (
        discussion.close_after_days
        and post.published_at
        < timezone.now() - dt.timedelta(days=discussion.close_after_days)
    ):
        return _("Comments are closed.")
    return None


def _rules(discussion: CommentSettings) -> Rules:
    return Rules(
        hold_always=discussion.hold_mode == CommentSettings.Hold.ALWAYS,
        max_links=discussion.max_links,
        moderation_words=tuple(CommentSettings.word_list(discussion.moderation_words)),
        disallowed_words=tuple(CommentSettings.word_list(discussion.disallowed_words)),
    )


def _serialise_commenter(identity: Identity, ip_address: str | None) -> None:
    """One submission at a time per commenter and per address, until commit.

    Without it two identical comments sent at once both pass the duplicate and flood
    checks on PostgreSQL (neither sees the other's uncommitted row). SQLite needs
    nothing: its IMMEDIATE transactions already take one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    keys = {f"identity:{identity.key}"}
    if ip_address:
        keys.add(f"ip:{ip_address}")
    lock_ids = [
        int.from_bytes(
            hashlib.sha256(f"colophon.comments:{key}".encode()).digest()[:8],
            "big",
            signed=True,
        )
        for key in sorted(keys)
    ]
    # Both locks in one round trip. Every submission sends the same statement with
    # its keys in the same (sorted) order, so all of them take locks in one order
    # and two submissions can never deadlock.
    locks = ", ".join(["pg_advisory_xact_lock(%s)"] * len(lock_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {locks}", lock_ids)  # noqa: S608 - placeholders only


# The facts _checks reads, as EXISTS clauses of one SELECT (SQLite and PostgreSQL).
# The duplicate check finds the text by its digest in the comment_duplicate_check
# index (one commenter may have thousands of comments on a post), then compares the
# body of the zero or one row found, so a digest collision is no duplicate.
_DUPLICATE_SQL = (
    "EXISTS (SELECT 1 FROM comments_comment WHERE post_id = %s"
    " AND identity_key = %s AND body_digest = %s AND body = %s AND status <> %s)"
)
_APPROVED_SQL = (
    "EXISTS (SELECT 1 FROM comments_comment WHERE identity_key = %s AND status = %s)"
)
_FLOOD_SQL = (
    "EXISTS (SELECT 1 FROM comments_comment WHERE identity_key = %s"
    " AND created_at >= %s)"
)
_FLOOD_OR_IP_SQL = (
    "EXISTS (SELECT 1 FROM comments_comment WHERE"
    " (identity_key = %s OR ip_address = %s) AND created_at >= %s)"
)


def _checks(
    *, post, identity: Identity, body: str, ip_address: str | None, seconds: int
) -> dict[str, bool]:
    """The duplicate, "approved before" and flood facts, in one round trip.

    Run after _serialise_commenter (a statement of its own), so that on PostgreSQL
    the query's snapshot already sees a rival submission's committed comment.
    Plain SQL because building the same EXISTS subqueries with the ORM costs the
    reader's request over a millisecond of CPU; every value is a parameter.
    """
    ops = connection.ops
    facts = {
        "duplicate": (
            _DUPLICATE_SQL,
            [
                post.pk,
                identity.key,
                body_digest(body),
                body,
                Comment.Status.TRASH.value,
            ],
        ),
        "approved": (_APPROVED_SQL, [identity.key, Comment.Status.APPROVED.value]),
    }
    if seconds:
        since = ops.adapt_datetimefield_value(
            timezone.now() - dt.timedelta(seconds=seconds)
        )
        if ip_address:
            address = ops.adapt_ipaddressfield_value(ip_address)
            facts["flood"] = (_FLOOD_OR_IP_SQL, [identity.key, address, since])
        else:
            facts["flood"] = (_FLOOD_SQL, [identity.key, since])
    sql = "SELECT " + ", ".join(clause for clause, _params in facts.values())
    params = [
        param for _clause, clause_params in facts.values() for param in clause_params
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {name: bool(value) for name, value in zip(facts, row, strict=True)}


def _refuse_flood_and_duplicates(checks: dict[str, bool]) -> None:
    if checks.get("flood"):
        raise CommentRefused(
            _("You are posting comments too quickly. Slow down."), code="flood"
        )
    if checks["duplicate"]:
        raise CommentRefused(
            _(
                "Duplicate comment detected; it looks as though you\u2019ve "
                "already said that!"
            ),
            code="duplicate",
        )


def submit_comment(
    *,
    post,
    identity: Identity,
    body: str,
    parent: Comment | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    notify: bool = False,
    discussion: CommentSettings | None = None,
) -> Comment:
    """Store a reader's comment with the status the rules give it; mail goes to tasks.

    `discussion` saves reading the settings again when the caller already has them.
    Raises CommentRefused (closed post, flood, duplicate, bad parent).
    """
    if discussion is None:
        discussion = CommentSettings.load()
    reason = comments_closed_reason(post, discussion)
    if reason:
        raise CommentRefused(reason, code="closed")
    body = body.strip()
    if parent is not None and (
        parent.post_id != post.pk or parent.status != Comment.Status.APPROVED
    ):
        raise CommentRefused(_("That comment cannot be replied to."), code="bad_parent")

    submission = Submission(
        body=body,
        name=identity.name,
        email=identity.email,
        url=identity.url,
        ip_address=ip_address or "",
        user_agent=user_agent,
    )
    with transaction.atomic():
        _serialise_commenter(identity, ip_address)
        checks = _checks(
            post=post,
            identity=identity,
            body=body,
            ip_address=ip_address,
            seconds=discussion.flood_seconds,
        )
        _refuse_flood_and_duplicates(checks)
        decision = decide(
            submission,
            _rules(discussion),
            has_approved_comment=checks["approved"],
            is_spam=get_spam_backend().is_spam(submission),
        )
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            body=body,
            status=decision.status,
            created_at=timezone.now(),
            identity_kind=identity.kind,
            identity_key=identity.key,
            user_id=identity.user_id,
            author_name=identity.name,
            author_email=identity.email,
            author_url=identity.url,
            avatar_url=identity.avatar_url,
            network_uid="" if identity.kind in ("guest", "local") else identity.uid,
            ip_address=ip_address or None,
            user_agent=user_agent[:500],
        )
        subscription = None
        if notify and identity.email:
            subscription = _subscribe(post=post, email=identity.email)
        comment_id = comment.pk
        transaction.on_commit(lambda: _after_submit(comment_id, subscription))
    return comment


def _after_submit(comment_id: int, subscription: Subscription | None) -> None:
    tasks.comment_submitted.enqueue(comment_id)
    if subscription is not None and subscription.confirmed_at is None:
        tasks.send_subscription_confirmation.enqueue(subscription.pk)


def _subscribe(*, post, email: str) -> Subscription:
    subscription, _created = Subscription.objects.get_or_create(
        post=post, email=email.lower()
    )
    return subscription


def set_comment_status(*, comments: Iterable[Comment], status: str, by) -> int:
    """Moderate comments (admin actions and emailed links share this); returns count."""
    changed = 0
    now = timezone.now()
    if isinstance(comments, QuerySet):
        comments = comments.select_related("post")
    for comment in comments:
        if comment.status == status:
            continue
        was_approved = comment.status == Comment.Status.APPROVED
        Comment.objects.filter(pk=comment.pk).update(
            status=status, moderated_at=now, moderated_by=by
        )
        changed += 1
        post = comment.post
        transaction.on_commit(lambda post=post: bump_post_discussion(post))
        if status == Comment.Status.APPROVED and not was_approved:
            comment_id = comment.pk
            transaction.on_commit(
                lambda cid=comment_id: tasks.comment_approved.enqueue(cid)
            )
    return changed


def confirm_subscription(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(token: str) -> Subscription | None:
    subscription = Subscription.objects.filter(token=token).first()
    if subscription:
        subscription.delete()
    return subscription


def export_personal_data(email: str) -> dict:
    """Everything stored about one commenter email, as JSON-ready data."""
    email = email.strip()
    comments = Comment.objects.filter(author_email__iexact=email).order_by("created_at")
    return {
        "email": email,
        "comments": [
            {
                "id": c.pk,
                "post": c.post_id,
                "date": c.created_at.isoformat(),
                "status": c.status,
                "name": c.author_name,
                "email": c.author_email,
                "website": c.author_url,
                "ip_address": c.ip_address,
                "user_agent": c.user_agent,
                "text": c.body,
            }
            for c in comments
        ],
        "subscriptions": [
            {"post": s.post_id, "confirmed": s.confirmed_at is not None}
            for s in Subscription.objects.filter(email__iexact=email)
        ],
    }


def erase_personal_data(email: str) -> int:
    """Anonymise every comment by `email` and drop its subscriptions; returns count."""
    email = email.strip()
    with transaction.atomic():
        count = Comment.objects.filter(author_email__iexact=email).update(
            author_name=_("Anonymous"),
            author_email="",
            author_url="",
            avatar_url="",
            ip_address=None,
            user_agent="",
            identity_key="erased",
            updated_at=timezone.now(),
        )
        Subscription.objects.filter(email__iexact=email).delete()
        transaction.on_commit(bump_site)
    return count
