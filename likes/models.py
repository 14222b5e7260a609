from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comments.identity import Kind


class Like(models.Model):
    """One reader's like of one post, by identity (local account or network)."""

    post = models.ForeignKey(
        "blog.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="likes",
    )
    identity_key = models.CharField(max_length=300)
    identity_kind = models.CharField(
        _("liker type"), max_length=20, choices=Kind.CHOICES, default=Kind.LOCAL
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="likes",
    )
    name = models.CharField(_("name"), max_length=200)
    profile_url = models.URLField(_("profile"), max_length=500, blank=True)
    avatar_url = models.URLField(_("avatar URL"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "identity_key"], name="one_like_per_identity_per_post"
            )
        ]
        indexes = [
            models.Index(fields=["post", "-created_at"], name="like_post_recent"),
            # The admin's list of all likes, newest first.
            models.Index(fields=["created_at", "id"], name="like_date"),
        ]

    def __str__(self):
        return f"{self.name} likes {self.post_id}"
