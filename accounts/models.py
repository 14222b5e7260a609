from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from blog.images import validate_image_upload


class User(AbstractUser):
    """The site's user; a custom model from the first migration so it can grow."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        return self.get_full_name() or self.username


class AuthorProfile(models.Model):
    """What readers see about an author: name, bio, avatar and website."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    bio = models.TextField(
        _("biography"),
        blank=True,
        help_text=_("Plain text; a blank line starts a new paragraph."),
    )
    avatar = models.ImageField(
        _("avatar"),
        upload_to="avatars/",
        blank=True,
        validators=[validate_image_upload],
    )
    avatar_small = models.ImageField(
        upload_to="avatars/small/", blank=True, editable=False
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self):
        return self.display_name or self.user.get_username()

    def get_absolute_url(self):
        return reverse("blog:author", kwargs={"username": self.user.get_username()})

    @property
    def avatar_image(self):
        return self.avatar_small or self.avatar
