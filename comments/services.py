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
from comments.models import Comment, CommentSettings, Subscription
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
    with connection.cursor() as cursor:
        # Always in the same order, so two submissions can never deadlock.
        for key in sorted(keys):
            digest = hashlib.sha256(f"colophon.comments:{key}".encode()).digest()
            lock_id = int.from_bytes(digest[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def _check_flood_and_duplicates(
    *, post, identity: Identity, body: str, ip_address: str | None, seconds: int
) -> None:
    now = timezone.now()
    recent = Comment.objects.filter(identity_key=identity.key)
    if ip_address:
        recent = recent | Comment.objects.filter(ip_address=ip_address)
    if (
        seconds
        and recent.filter(created_at__gte=now - dt.timedelta(seconds=seconds)).exists()
    ):
        raise CommentRefused(
            _("You are posting comments too quickly. Slow down."), code="flood"
        )
    duplicate = Comment.objects.filter(
        post=post, identity_key=identity.key, body=body
    ).exclude(status=Comment.Status.TRASH)
    if duplicate.exists():
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
) -> Comment:
    """Store a reader's comment with the status the rules give it; mail goes to tasks.

    Raises CommentRefused (closed post, flood, duplicate, bad parent).
    """
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
        _check_flood_and_duplicates(
            post=post,
            identity=identity,
            body=body,
            ip_address=ip_address,
            seconds=discussion.flood_seconds,
        )
        has_approved = Comment.objects.by_identity(identity.key).approved().exists()
        decision = decide(
            submission,
            _rules(discussion),
            has_approved_comment=has_approved,
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
        )
        Subscription.objects.filter(email__iexact=email).delete()
        transaction.on_commit(bump_site)
    return count
