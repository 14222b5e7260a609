from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

# PostgreSQL's text-search configuration for search: stemming and stop words. The
# search index is built with it (blog migration 0006); a different one would need a
# new index.
SEARCH_CONFIG = "english"


class PostQuerySet(models.QuerySet):
    def published(self, at: datetime | None = None) -> PostQuerySet:
        """Visible to readers: published or scheduled, and the publish time reached.

        A scheduled post becomes visible when its time comes, with no job to flip it.
        """
        now = at or timezone.now()
        return self.filter(
            status__in=[self.model.Status.PUBLISHED, self.model.Status.SCHEDULED],
            published_at__lte=now,
        )

    def editable_by(self, user) -> PostQuerySet:
        """Posts `user` may edit: all for editors and superusers, else their own."""
        if user.is_superuser or user.has_perm("blog.edit_others_posts"):
            return self
        return self.filter(author=user)

    def previewable_by(self, user) -> PostQuerySet:
        """Published posts, plus unpublished ones `user` may edit (for previews)."""
        if not (user.is_authenticated and user.is_staff):
            return self.published()
        editable = self.editable_by(user).values("pk")
        return self.filter(Q(pk__in=self.published().values("pk")) | Q(pk__in=editable))

    def for_list(self) -> PostQuerySet:
        """What a list of posts shows (author, categories, tags) in fixed queries."""
        return self.select_related("author__profile").prefetch_related(
            "categories", "tags"
        )

    def for_page(self) -> PostQuerySet:
        """The post page's post with its author (blog.post_page reads the rest):
        the stored HTML, not the source or the search text."""
        return self.select_related("author__profile").defer("body", "body_text")

    def search(self, words: str) -> PostQuerySet:
        """Posts matching `words`: ranked full-text search on PostgreSQL, else LIKE."""
        words = words.strip()
        if not words:
            return self.none()
        if self.db_vendor() == "postgresql":
            from django.contrib.postgres.search import (
                SearchQuery,
                SearchRank,
                SearchVector,
            )

            # The same expression as the GIN index of migration blog 0006, so the
            # match is answered by the index.
            vector = SearchVector(
                "title", weight="A", config=SEARCH_CONFIG
            ) + SearchVector("body_text", weight="B", config=SEARCH_CONFIG)
            query = SearchQuery(words, search_type="websearch", config=SEARCH_CONFIG)
            return (
                self.alias(document=vector)
                .filter(document=query)
                .annotate(rank=SearchRank(vector, query))
                .order_by("-rank", "-published_at")
            )
        match = Q()
        for word in words.split()[:10]:
            match &= Q(title__icontains=word) | Q(body_text__icontains=word)
        return self.filter(match)

    def db_vendor(self) -> str:
        from django.db import connections

        return connections[self.db].vendor

    def sticky_first(self) -> PostQuerySet:
        """Sticky posts on top, then newest first (the WordPress home page order)."""
        return self.order_by("-sticky", "-published_at", "-pk")

    def in_categories(self, category_ids) -> PostQuerySet:
        """Posts filed under any of `category_ids`, each post once."""
        through = self.model.categories.through
        return self.filter(
            pk__in=through.objects.filter(category_id__in=category_ids).values(
                "post_id"
            )
        )

    def tagged(self, tag) -> PostQuerySet:
        """Posts carrying the taggit `tag`."""
        return self.filter(tags=tag)

    def by_author(self, user) -> PostQuerySet:
        """Posts written by `user`."""
        return self.filter(author=user)


class CategoryQuerySet(models.QuerySet):
    def navigation(self) -> list[tuple[str, str]]:
        """The header's links: top-level categories as (name, address) pairs."""
        return [
            (category.name, category.get_absolute_url())
            for category in self.filter(parent=None)
        ]

    def descendant_ids(self, category) -> list[int]:
        """The ids of `category` and every category below it (one query)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in self.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        found, stack = [], [category.pk]
        while stack:
            pk = stack.pop()
            if pk in found:
                continue
            found.append(pk)
            stack.extend(children.get(pk, []))
        return found

    def with_published_posts(self) -> CategoryQuerySet:
        """Categories with at least one published post filed directly under them."""
        from blog.models import Post

        return self.filter(
            pk__in=Post.categories.through.objects.filter(
                post__in=Post.objects.published()
            ).values("category_id")
        )
