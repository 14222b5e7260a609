from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from blog import markup
from blog.images import validate_image_upload
from blog.querysets import CategoryQuerySet, PostQuerySet

SLUG_MAX_LENGTH = 200


class Category(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:category", kwargs={"slug": self.slug})

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": ValidationError(
                            _("A category cannot be inside itself."),
                            code="category_cycle",
                        )
                    }
                )
            ancestor = ancestor.parent


def featured_image_path(instance, filename):
    return f"posts/{timezone.now():%Y/%m}/{filename}"


# Values no real permalink has, to find where each part goes in the pattern.
_PERMALINK_SAMPLE = {"year": "9871", "month": "65", "day": "43", "slug": "zq-slug-zq"}


@lru_cache(maxsize=16)
def _permalink_format(urlconf, script_prefix: str) -> str | None:
    """The post address pattern as a format string, worked out once with reverse()
    (None if the pattern cannot be cut that way: then reverse() every time)."""
    sample = reverse("blog:post_detail", kwargs=_PERMALINK_SAMPLE, urlconf=urlconf)
    pattern = sample.replace("{", "{{").replace("}", "}}")
    for name, value in _PERMALINK_SAMPLE.items():
        if pattern.count(value) != 1:
            return None
        pattern = pattern.replace(value, f"{{{name}}}")
    return pattern


def permalink(published_on, slug: str) -> str:
    """A published post's address: what reverse("blog:post_detail") gives, without
    its cost (a page lists dozens of posts and links; feeds and sitemap hundreds)."""
    pattern = _permalink_format(get_urlconf(), get_script_prefix())
    if pattern is None:
        return reverse(
            "blog:post_detail",
            kwargs={
                "year": published_on.year,
                "month": published_on.month,
                "day": published_on.day,
                "slug": slug,
            },
        )
    return pattern.format(
        year=f"{published_on.year:04d}",
        month=f"{published_on.month:02d}",
        day=f"{published_on.day:02d}",
        # As reverse() quotes a path.
        slug=quote(slug, safe=RFC3986_SUBDELIMS + "/~:@"),
    )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    class BodyFormat(models.TextChoices):
        MARKDOWN = "markdown", _("Markdown")
        HTML = "html", _("HTML (WordPress)")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=SLUG_MAX_LENGTH,
        blank=True,
        allow_unicode=True,
        help_text=_("Part of the permalink; made from the title when left empty."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    body = models.TextField(_("body"), blank=True)
    body_format = models.CharField(
        _("body format"),
        max_length=10,
        choices=BodyFormat,
        default=BodyFormat.MARKDOWN,
    )
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_("Shown in lists and feeds; taken from the body when empty."),
    )
    featured_image = models.ImageField(
        _("featured image"),
        upload_to=featured_image_path,
        blank=True,
        validators=[validate_image_upload],
    )
    featured_image_alt = models.CharField(
        _("featured image description"), max_length=300, blank=True
    )
    image_list = models.ImageField(upload_to="renditions/", blank=True, editable=False)
    image_page = models.ImageField(upload_to="renditions/", blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        help_text=_("A date in the future schedules the post."),
    )
    published_on = models.DateField(editable=False, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    categories = models.ManyToManyField(
        Category, verbose_name=_("categories"), blank=True, related_name="posts"
    )
    tags = TaggableManager(verbose_name=_("tags"), blank=True)
    comments_open = models.BooleanField(_("comments open"), default=True)
    likes_enabled = models.BooleanField(_("likes on"), default=True)
    sticky = models.BooleanField(_("sticky"), default=False)
    # Set by the WordPress import: the export's wp:post_id (re-imports update the
    # same row; /?p=<id> redirects here) and the original featured image address.
    wordpress_id = models.PositiveBigIntegerField(
        _("WordPress id"), null=True, blank=True, unique=True, editable=False
    )
    featured_image_url = models.URLField(
        _("original featured image URL"),
        max_length=1000,
        blank=True,
        editable=False,
        help_text=_("Where the featured image was on the imported WordPress blog."),
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [
            ("edit_others_posts", _("Can edit posts by other authors")),
            ("import_wordpress", _("Can import a WordPress export")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["published_on", "slug"], name="post_slug_unique_per_day"
            )
        ]
        indexes = [
            # Scheduled posts by publish time; counts of published posts.
            models.Index(fields=["status", "published_at"], name="post_status_date"),
            # Lists newest first (archives, feeds, the admin), walked backwards.
            models.Index(fields=["published_at", "id"], name="post_date"),
            # The home page: sticky posts first, then newest first.
            models.Index(
                fields=["sticky", "published_at", "id"], name="post_sticky_date"
            ),
            # One author's posts newest first: their archive, their admin list.
            models.Index(
                fields=["author", "published_at", "id"], name="post_author_date"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.__dict__.pop("summary", None)
        self.render()
        if self.status != self.Status.DRAFT and self.published_at is None:
            self.published_at = timezone.now()
        if self.status == self.Status.PUBLISHED and self.published_at > timezone.now():
            self.status = self.Status.SCHEDULED
        # A draft has no permalink yet, even with a planned date.
        self.published_on = (
            timezone.localdate(self.published_at)
            if self.published_at and self.status != self.Status.DRAFT
            else None
        )
        if self.slug and self.published_on is None:
            super().save(*args, **kwargs)
            return
        self._save_with_unique_slug(*args, **kwargs)

    def get_absolute_url(self):
        if self.published_on is None:
            return reverse("blog:preview", kwargs={"pk": self.pk})
        return permalink(self.published_on, self.slug)

    def permalink_kwargs(self) -> dict[str, str]:
        return {
            "year": f"{self.published_on:%Y}",
            "month": f"{self.published_on:%m}",
            "day": f"{self.published_on:%d}",
            "slug": self.slug,
        }

    def render(self) -> None:
        """Store the body as sanitised HTML, and as plain text for search."""
        if self.body_format == self.BodyFormat.HTML:
            self.body_html = markup.render_wordpress_html(self.body)
        else:
            self.body_html = markup.render_markdown(self.body)
        self.body_text = markup.plain_text(self.body_html)

    @cached_property
    def summary(self) -> str:
        # Kept on the instance: a post page shows it three times (it parses the
        # body); save() forgets it.
        return self.excerpt.strip() or markup.excerpt_from_html(self.body_html)

    @property
    def is_published(self) -> bool:
        """Visible to readers now (a scheduled post counts once its time has come)."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def list_image(self):
        return self.image_list or self.featured_image

    @property
    def page_image(self):
        return self.image_page or self.featured_image

    def _slug_taken(self) -> bool:
        return (
            self.published_on is not None
            and Post.objects.filter(published_on=self.published_on, slug=self.slug)
            .exclude(pk=self.pk)
            .exists()
        )

    def _save_with_unique_slug(self, *args, **kwargs):
        # A slug already set (a draft being published) is kept unless another post
        # of that day has it; then it gets a number, as WordPress does.
        base = (
            self.slug
            or slugify(self.title, allow_unicode=True)[: SLUG_MAX_LENGTH - 8]
            or "post"
        )
        for attempt in range(1, 50):
            self.slug = (
                base if attempt == 1 else f"{base[: SLUG_MAX_LENGTH - 4]}-{attempt}"
            )
            if self._slug_taken():
                continue
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError:
                if not self._slug_taken():
                    raise
                # Another writer took this slug between the check and the insert.
                kwargs.pop("force_insert", None)
                continue
        raise IntegrityError(f"no free slug for {base!r} on {self.published_on}")


class LinkList(models.Model):
    """An ordered list of links under a post: the lead-in or a related-articles list."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="link_lists")
    position = models.PositiveIntegerField(_("position"), default=0)
    heading = models.CharField(_("heading"), max_length=300, blank=True)
    lead_in = models.CharField(
        _("lead-in text"),
        max_length=300,
        blank=True,
        help_text=_(
            "With a single link, the list reads as one sentence: "
            "“Read more about …: <link>”."
        ),
    )

    class Meta:
        verbose_name = _("link list")
        verbose_name_plural = _("link lists")
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["post", "position"], name="linklist_post_position")
        ]

    def __str__(self):
        return self.heading or self.lead_in or str(_("Links"))


class Link(models.Model):
    """A link to a post of this blog (title and URL follow it) or to another site."""

    link_list = models.ForeignKey(
        LinkList, on_delete=models.CASCADE, related_name="links"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    target_post = models.ForeignKey(
        Post,
        verbose_name=_("post on this blog"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    url = models.URLField(_("external URL"), max_length=2000, blank=True)
    title = models.CharField(
        _("title"),
        max_length=500,
        blank=True,
        help_text=_("For external links; a post of this blog shows its own title."),
    )

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        ordering = ["position", "pk"]
        indexes = [
            models.Index(fields=["link_list", "position"], name="link_list_position")
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(target_post__isnull=False, url="")
                    | models.Q(target_post__isnull=True) & ~models.Q(url="")
                ),
                name="link_is_internal_or_external",
            )
        ]

    def __str__(self):
        return self.display_title

    def clean(self):
        if self.target_post_id and self.url:
            raise ValidationError(
                _("Choose a post of this blog or enter a URL, not both."),
                code="link_both",
            )
        if not self.target_post_id and not self.url:
            raise ValidationError(
                _("Choose a post of this blog or enter a URL."), code="link_none"
            )
        if self.url and not self.title.strip():
            raise ValidationError(
                {
                    "title": ValidationError(
                        _("An external link needs a title."), code="link_title"
                    )
                }
            )

    @property
    def is_internal(self) -> bool:
        return self.target_post_id is not None

    @property
    def display_title(self) -> str:
        # An internal link always follows its post's current title.
        return self.target_post.title if self.target_post_id else self.title

    @property
    def href(self) -> str:
        return self.target_post.get_absolute_url() if self.target_post_id else self.url

    @property
    def is_visible(self) -> bool:
        """Readers see external links, and internal ones whose post is published."""
        return not self.target_post_id or self.target_post.is_published


class Redirect(models.Model):
    """An old address of a post (changed slug or date, imported permalink) → 301."""

    old_path = models.CharField(_("old path"), max_length=500, unique=True)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.post}"
