from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext_lazy as _

from comments.identity import Kind
from comments.querysets import CommentQuerySet


def render_comment_text(text: str) -> str:
    """Plain text to safe HTML: escaped, paragraphs kept, URLs linked as UGC."""
    linked = urlize(
        escape(text.strip()), trim_url_limit=60, nofollow=True, autoescape=False
    )
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return linebreaks(linked, autoescape=False)


def body_digest(body: str) -> str:
    """A short hex SHA-256 of a comment's text as stored: the duplicate check's key."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class BodyDigestField(models.CharField):
    """body_digest() of the row's body, worked out whenever Django writes the row:
    save(), create() and bulk_create() (as auto_now does), so no writer can forget
    it. bulk_update() and update() write what they are given."""

    def pre_save(self, model_instance, add):
        value = body_digest(model_instance.body)
        setattr(model_instance, self.attname, value)
        return value


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Trash")

    post = models.ForeignKey(
        "blog.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    # Lets the duplicate check (comments.services) find the same text in one index
    # lookup; a commenter may have thousands of comments on one post.
    body_digest = BodyDigestField(max_length=16, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status,
        default=Status.PENDING,
        db_index=False,
    )
    created_at = models.DateTimeField(_("date"), db_index=False)
    # When the row was last written: a comment's drawn row is kept under it
    # (comments.rendering), so writers that bypass save() must set it too.
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    # The commenter, as they were when they commented (see comments.identity).
    identity_kind = models.CharField(
        _("commenter type"), max_length=20, choices=Kind.CHOICES, default=Kind.GUEST
    )
    identity_key = models.CharField(max_length=300, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=200)
    author_email = models.EmailField(_("email"), blank=True)
    author_url = models.URLField(_("website"), max_length=500, blank=True)
    avatar_url = models.URLField(_("avatar URL"), max_length=1000, blank=True)
    network_uid = models.CharField(_("network user id"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    comment_type = models.CharField(
        _("type"),
        max_length=20,
        default="comment",
        help_text=_("comment, pingback or trackback"),
    )
    # The export's wp:comment_id, unique per post: a re-import updates the same row.
    wordpress_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_comment", _("Can moderate comments"))]
        indexes = [
            # A post's thread in order, from the index alone (PostgreSQL): the
            # outline of a long discussion is read on every draw of its page.
            models.Index(
                fields=["post", "status", "created_at", "id"],
                include=["parent", "updated_at"],
                name="comment_post_thread",
            ),
            models.Index(fields=["status", "created_at"], name="comment_status_date"),
            # The admin's list of all comments, newest first.
            models.Index(fields=["created_at", "id"], name="comment_date"),
            models.Index(
                fields=["identity_key", "status", "created_at"],
                name="comment_identity_status",
            ),
            models.Index(
                fields=["post", "identity_key", "body_digest"],
                name="comment_duplicate_check",
            ),
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_date"),
            models.Index(fields=["author_email"], name="comment_email"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "wordpress_id"],
                condition=models.Q(wordpress_id__isnull=False),
                name="comment_wordpress_id_unique_per_post",
            )
        ]

    def __str__(self):
        return f"{self.author_name} on {self.post_id}: {self.body[:40]}"

    def save(self, *args, update_fields=None, **kwargs):
        self.body_html = render_comment_text(self.body)
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_html", "body_digest"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def get_absolute_url(self):
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_network_identity(self) -> bool:
        return self.identity_kind in Kind.NETWORKS


SETTINGS_CACHE_KEY = "comments:settings:v1"
SETTINGS_CACHE_SECONDS = 3600


class CommentSettings(models.Model):
    """Site-wide discussion settings, edited in the admin (WordPress's defaults)."""

    class Hold(models.TextChoices):
        ALWAYS = "always", _("Hold every comment for moderation")
        UNLESS_APPROVED = (
            "unless_approved",
            _("Hold unless the commenter already has an approved comment"),
        )

    hold_mode = models.CharField(
        _("hold for moderation"),
        max_length=20,
        choices=Hold,
        default=Hold.UNLESS_APPROVED,
    )
    max_links = models.PositiveIntegerField(
        _("hold when it has this many links or more"), default=2
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_(
            "One word, phrase, email or IP per line: a comment containing one is held."
        ),
    )
    disallowed_words = models.TextField(
        _("disallowed words"),
        blank=True,
        help_text=_("One per line: a comment containing one goes to spam."),
    )
    flood_seconds = models.PositiveIntegerField(
        _("seconds between comments from one commenter or IP"), default=15
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments on posts older than (days)"),
        default=0,
        help_text=_("0 keeps comments open forever."),
    )
    max_length = models.PositiveIntegerField(_("maximum comment length"), default=65525)
    thread_depth = models.PositiveIntegerField(_("nesting depth"), default=5)
    per_page = models.PositiveIntegerField(
        _("top-level comments per page"),
        default=50,
        help_text=_("0 shows all on one page."),
    )
    external_avatars = models.BooleanField(
        _("show Gravatar avatars"),
        default=True,
        help_text=_("Off: avatars are generated locally; no request leaves the site."),
    )
    notify_moderators = models.BooleanField(
        _("email moderators about held comments"), default=True
    )
    notify_authors = models.BooleanField(
        _("email post authors about new comments"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("discussion settings")
        verbose_name_plural = _("discussion settings")

    def __str__(self):
        return str(_("Discussion settings"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        # Every app server reads the new values on its next request.
        cache.delete(SETTINGS_CACHE_KEY)

    @classmethod
    def load(cls) -> CommentSettings:
        """The one settings row, from the shared cache when it is there."""
        settings_row = cache.get(SETTINGS_CACHE_KEY)
        if settings_row is None:
            settings_row, _created = cls.objects.get_or_create(pk=1)
            cache.set(SETTINGS_CACHE_KEY, settings_row, SETTINGS_CACHE_SECONDS)
        return settings_row

    @staticmethod
    def word_list(text: str) -> list[str]:
        return [line.strip().lower() for line in text.splitlines() if line.strip()]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    """Follow-up emails for one address on one post (double opt-in)."""

    post = models.ForeignKey(
        "blog.Post", on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_token)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up subscription")
        verbose_name_plural = _("follow-up subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "email"], name="one_subscription_per_post"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.post_id}"
