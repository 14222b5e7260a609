"""Mail about comments, sent by the task worker, never inside the reader's request."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from comments.signing import ACTIONS, moderation_token


def _absolute(path: str) -> str:
    return settings.COLOPHON_BASE_URL.rstrip("/") + path


def moderators():
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__codename="moderate_comment")
            | Q(user_permissions__codename="moderate_comment")
        )
        .exclude(email="")
        .distinct()
    )


def _send(subject: str, template: str, context: dict, to: list[str]) -> None:
    if not to:
        return
    body = render_to_string(
        template, {**context, "site_name": settings.COLOPHON_SITE_NAME}
    )
    send_mail(subject, body, None, to)


@task()
def comment_submitted(comment_id: int) -> None:
    """A held comment goes to the moderators; an approved one to the readers."""
    from comments.models import Comment, CommentSettings

    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None:
        return
    if comment.status == Comment.Status.APPROVED:
        comment_approved.call(comment_id)
        return
    if comment.status != Comment.Status.PENDING:
        return
    if not CommentSettings.load().notify_moderators:
        return
    for moderator in moderators():
        links = {
            action: _absolute(
                reverse(
                    "comments:moderate",
                    kwargs={
                        "token": moderation_token(
                            comment_id=comment.pk,
                            action=action,
                            moderator_id=moderator.pk,
                        )
                    },
                )
            )
            for action in ACTIONS
        }
        _send(
            f"[{settings.COLOPHON_SITE_NAME}] Please moderate: “{comment.post.title}”",
            "comments/email/moderate.txt",
            {
                "comment": comment,
                "links": links,
                "post_url": _absolute(comment.post.get_absolute_url()),
            },
            [moderator.email],
        )


@task()
def comment_approved(comment_id: int) -> None:
    """Tell the post's author and the post's confirmed subscribers about a comment."""
    from comments.models import Comment, CommentSettings, Subscription

    comment = (
        Comment.objects.select_related("post__author").filter(pk=comment_id).first()
    )
    if comment is None or comment.status != Comment.Status.APPROVED:
        return
    post = comment.post
    comment_url = _absolute(comment.get_absolute_url())
    author_email = post.author.email
    if (
        CommentSettings.load().notify_authors
        and author_email
        and comment.user_id != post.author_id
    ):
        _send(
            f"[{settings.COLOPHON_SITE_NAME}] New comment on “{post.title}”",
            "comments/email/author.txt",
            {"comment": comment, "comment_url": comment_url},
            [author_email],
        )
    subscriptions = Subscription.objects.filter(
        post=post, confirmed_at__isnull=False
    ).exclude(email__iexact=comment.author_email or "\0")
    for subscription in subscriptions:
        _send(
            f"[{settings.COLOPHON_SITE_NAME}] New comment on “{post.title}”",
            "comments/email/follow_up.txt",
            {
                "comment": comment,
                "comment_url": comment_url,
                "unsubscribe_url": _absolute(
                    reverse(
                        "comments:unsubscribe", kwargs={"token": subscription.token}
                    )
                ),
            },
            [subscription.email],
        )


@task()
def send_subscription_confirmation(subscription_id: int) -> None:
    """The double opt-in mail: follow-ups start only after its link is followed."""
    from comments.models import Subscription

    subscription = (
        Subscription.objects.select_related("post").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.confirmed_at is not None:
        return
    _send(
        f"[{settings.COLOPHON_SITE_NAME}] Confirm follow-up comments on "
        f"“{subscription.post.title}”",
        "comments/email/confirm_subscription.txt",
        {
            "post": subscription.post,
            "confirm_url": _absolute(
                reverse(
                    "comments:confirm_subscription",
                    kwargs={"token": subscription.token},
                )
            ),
            "unsubscribe_url": _absolute(
                reverse("comments:unsubscribe", kwargs={"token": subscription.token})
            ),
        },
        [subscription.email],
    )
