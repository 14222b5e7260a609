"""Import a WordPress export (WXR) into Colophon: the one service the command and
the admin page call.

Everything is written in one transaction: a broken file, a database error or a
dry run leaves the database exactly as it was, and image files copied before the
failure are deleted again. Rows are keyed on what the export keys them on (user
login, term slug, wp:post_id, wp:comment_id per post), so running the same file
again updates rows and never duplicates them. See docs/operations.md ("Moving a
WordPress blog in") for what is imported how.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from accounts.models import AuthorProfile
from blog.models import SLUG_MAX_LENGTH, Category, Post, Redirect
from blog.signals import permalink_path
from blog.wordpress import mapping
from blog.wordpress.media import check_image, find_media_file
from blog.wordpress.parser import Author, Channel, Item, Term, WXRError, read_wxr
from blog.wordpress.progress import NullProgress
from blog.wordpress.report import ImportReport
from comments.identity import guest_identity
from comments.models import Comment, body_digest, render_comment_text
from config.pagecache import bump_site

PAGES_CATEGORY_SLUG = "pages"
PAGES_CATEGORY_NAME = "Pages"
COMMENT_FIELDS = [
    "body",
    "status",
    "created_at",
    "identity_kind",
    "identity_key",
    "author_name",
    "author_email",
    "author_url",
    "ip_address",
    "comment_type",
]
BATCH_SIZE = 500


def import_wxr(
    *,
    source,
    dry_run: bool = False,
    author_map: dict[str, str] | None = None,
    media_dir: str | Path | None = None,
    progress=None,
) -> ImportReport:
    """Import a WXR file (a path or a binary file object); return what was done.

    `author_map` maps export logins to existing usernames, whose posts then belong
    to those users. `media_dir` is a copy of wp-content/uploads: featured images are
    copied from it into the post. A dry run reads and checks everything, writes
    nothing and reports what an import would do. Raises WXRError, with a message
    for the site owner, when the file or the options cannot be used; the database
    is then unchanged.
    """
    mapped_users = _resolve_author_map(author_map or {})
    media_root = _check_media_dir(media_dir)
    progress = progress or NullProgress()
    with _opened(source) as (file, name, size):
        report = ImportReport(source_name=name, dry_run=dry_run)
        importer = _Importer(
            report=report,
            mapped_users=mapped_users,
            media_dir=media_root,
            dry_run=dry_run,
        )
        try:
            with transaction.atomic():
                importer.run(file, size=size, progress=progress)
                if dry_run:
                    transaction.set_rollback(True)
                else:
                    # Bulk writes send no signals: every cached page is stale now.
                    transaction.on_commit(bump_site)
        except BaseException:
            importer.remove_saved_files()
            raise
        finally:
            progress.finish()
    return report


def parse_author_map(pairs: list[str]) -> dict[str, str]:
    """["old=new", …] → {"old": "new"}; raises WXRError for a malformed pair."""
    mapping_: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise WXRError(
                f"--author-map takes old_login=existing_username, not {pair!r}."
            )
        mapping_[old.strip()] = new.strip()
    return mapping_


def _resolve_author_map(author_map: dict[str, str]) -> dict[str, object]:
    User = get_user_model()
    resolved = {}
    for login, username in author_map.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            raise WXRError(
                f"--author-map {login}={username}: there is no user {username!r}."
            )
        resolved[login] = user
    return resolved


def _check_media_dir(media_dir: str | Path | None) -> Path | None:
    if media_dir in (None, ""):
        return None
    path = Path(media_dir)
    if not path.is_dir():
        raise WXRError(f"--media-dir {media_dir}: no such directory.")
    return path


@contextlib.contextmanager
def _opened(source) -> Iterator[tuple[object, str, int | None]]:
    """(binary file, display name, size in bytes or None) for a path or a file."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise WXRError(f"Cannot read {path}: {exc.strerror}.") from None
        with handle:
            yield handle, path.name, path.stat().st_size
        return
    size = getattr(source, "size", None)
    with contextlib.suppress(AttributeError, OSError, ValueError):
        size = os.fstat(source.fileno()).st_size
    yield source, Path(getattr(source, "name", "") or "").name, size


@dataclass(frozen=True)
class _Attachment:
    url: str
    attached_file: str
    alt: str


class _Importer:
    """One import run: caches of what is already known, and the writes."""

    def __init__(self, *, report: ImportReport, mapped_users, media_dir, dry_run):
        self.report = report
        self.mapped_users = mapped_users
        self.media_dir = media_dir
        self.dry_run = dry_run
        self.site_zone = timezone.get_default_timezone()
        self.now = timezone.now()
        self.users: dict[str, int] = {}
        self.categories: dict[str, Category] = {}
        self.category_outcomes: dict[str, str] = {}
        self.category_parents: dict[str, str] = {}
        self.tags: dict[str, Tag] = {}
        self.attachments: dict[int, _Attachment] = {}
        self.pending_images: list[tuple[int, int, str]] = []
        self.pending_comments: list[tuple[Comment, Comment | None]] = []
        self.pending_category_links: list = []
        self.pending_tag_links: list[TaggedItem] = []
        self.known_post_ids: set[int] = set()
        self.seen_posts: set[int] = set()
        self.saved_files: list[tuple[object, str]] = []
        self.terms_done = False
        self.urls_kept = 0
        self.post_type = ContentType.objects.get_for_model(Post)

    # --- the run -------------------------------------------------------------

    def run(self, file, *, size: int | None, progress) -> None:
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.known_post_ids = set(
            Post.objects.filter(wordpress_id__isnull=False).values_list(
                "wordpress_id", flat=True
            )
        )
        bytes_read = 0

        def read(count: int) -> None:
            nonlocal bytes_read
            bytes_read = count

        for records, record in enumerate(read_wxr(file, on_progress=read), start=1):
            if isinstance(record, Item):
                self._guarded(record)
            elif isinstance(record, Author):
                self.add_author(record)
            elif isinstance(record, Term):
                self.add_term(record)
            elif isinstance(record, Channel):
                self.report.wxr_version = record.wxr_version
                self.finish_terms()
            progress.update(bytes_read, size, records)
        self.finish_terms()
        self._guarded_flush()
        self.finish_images()
        self.finish_notes()

    def _guarded(self, item: Item) -> None:
        try:
            self.add_item(item)
        except (DatabaseError, ValidationError) as exc:
            raise WXRError(
                f"{subject_for(item)}: cannot be saved ({exc}); nothing was imported."
            ) from exc

    def _guarded_flush(self) -> None:
        try:
            self.flush()
        except DatabaseError as exc:
            raise WXRError(
                f"Comments or post terms cannot be saved ({exc}); nothing was imported."
            ) from exc

    def remove_saved_files(self) -> None:
        for storage, name in self.saved_files:
            with contextlib.suppress(OSError):
                storage.delete(name)
        self.saved_files.clear()

    # --- users -----------------------------------------------------------------

    def add_author(self, author: Author) -> int | None:
        login = author.login
        if not login:
            self.report.problem("author", "has no login; skipped")
            self.report.count("users", "skipped")
            return None
        if login in self.users:
            return self.users[login]
        if login in self.mapped_users:
            user = self.mapped_users[login]
            self.users[login] = user.pk
            self.report.count("users", "unchanged")
            self.report.note(
                f"Author {login!r} is mapped to the existing user {user.username!r}."
            )
            return user.pk
        User = get_user_model()
        email = author.email if len(author.email) <= 254 else ""
        display_name = mapping.plain(author.display_name)[:150]
        user = User.objects.filter(username=login).first()
        if user is None:
            user = User(
                username=login[:150],
                email=email,
                first_name=mapping.plain(author.first_name)[:150],
                last_name=mapping.plain(author.last_name)[:150],
                is_staff=False,
            )
            user.set_unusable_password()
            user.save()
            AuthorProfile.objects.create(user=user, display_name=display_name)
            self.report.count("users", "created")
        else:
            # Someone already here with that login: fill in, never overwrite.
            changed = []
            for field, value in (
                ("email", email),
                ("first_name", mapping.plain(author.first_name)[:150]),
                ("last_name", mapping.plain(author.last_name)[:150]),
            ):
                if value and not getattr(user, field):
                    setattr(user, field, value)
                    changed.append(field)
            if changed:
                user.save(update_fields=changed)
            profile, made = AuthorProfile.objects.get_or_create(
                user=user, defaults={"display_name": display_name}
            )
            if not made and display_name and not profile.display_name:
                profile.display_name = display_name
                profile.save(update_fields=["display_name"])
                made = True
            self.report.count("users", "updated" if changed or made else "unchanged")
        self.users[login] = user.pk
        return user.pk

    def user_for(self, login: str, subject: str) -> int:
        if login in self.users:
            return self.users[login]
        if login and login in self.mapped_users:
            return self.add_author(Author(login=login))
        if not login:
            login = "wordpress"
            self.report.problem(subject, f"has no author; given to {login!r}")
        else:
            self.report.problem(
                subject,
                f"author {login!r} is not listed in the export; user created",
            )
        return self.add_author(Author(login=login, display_name=login))

    # --- categories and tags ------------------------------------------------

    def add_term(self, term: Term) -> None:
        if term.taxonomy == "category":
            self.add_category(term)
        else:
            self.tag_for(term.slug, term.name, declared=True)

    def add_category(self, term: Term) -> Category | None:
        name = mapping.plain(term.name)[:200]
        slug = mapping.decode_slug(term.slug) or slugify(name, allow_unicode=True)
        slug = slug[:200]
        if not slug:
            self.report.problem(f"category {term.name!r}", "has no slug; skipped")
            self.report.count("categories", "skipped")
            return None
        if slug in self.category_outcomes:
            # Declared twice (WXR 1.2 repeats categories as wp:term).
            return self.categories[slug]
        self.category_parents[slug] = mapping.decode_slug(term.parent_slug)
        description = mapping.plain(term.description)
        category = self.categories.get(slug)
        if category is None:
            category = Category.objects.create(
                name=name or slug, slug=slug, description=description
            )
            self.categories[slug] = category
            self.category_outcomes[slug] = "created"
        elif (category.name, category.description) != (name or slug, description):
            category.name, category.description = name or slug, description
            category.save(update_fields=["name", "description"])
            self.category_outcomes[slug] = "updated"
        else:
            self.category_outcomes[slug] = "unchanged"
        return category

    def finish_terms(self) -> None:
        """Set category parents once every category of the channel is known."""
        if self.terms_done:
            return
        self.terms_done = True
        for slug, parent_slug in self.category_parents.items():
            category = self.categories[slug]
            parent = self.categories.get(parent_slug) if parent_slug else None
            if parent_slug and parent is None:
                self.report.problem(
                    f"category {slug!r}",
                    f"parent {parent_slug!r} is not in the export; left at the top",
                )
            if parent is not None and self._would_loop(category, parent):
                self.report.problem(
                    f"category {slug!r}",
                    f"parent {parent_slug!r} would make a loop; left at the top",
                )
                parent = None
            parent_id = parent.pk if parent else None
            if category.parent_id != parent_id:
                category.parent_id = parent_id
                category.save(update_fields=["parent"])
                if self.category_outcomes[slug] == "unchanged":
                    self.category_outcomes[slug] = "updated"
        for outcome in self.category_outcomes.values():
            self.report.count("categories", outcome)
        self.category_parents.clear()

    def _would_loop(self, category: Category, parent: Category) -> bool:
        by_pk = {c.pk: c for c in self.categories.values()}
        seen = set()
        ancestor = parent
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == category.pk:
                return True
            seen.add(ancestor.pk)
            ancestor = by_pk.get(ancestor.parent_id)
        return False

    def category_for(self, slug: str, name: str, subject: str) -> Category | None:
        slug = mapping.decode_slug(slug) or slugify(mapping.plain(name), True)
        slug = slug[:200]
        if slug in self.categories:
            return self.categories[slug]
        if not slug:
            return None
        name = mapping.plain(name)[:200] or slug
        category = Category.objects.create(name=name, slug=slug)
        self.categories[slug] = category
        self.report.count("categories", "created")
        self.report.problem(
            subject, f"category {slug!r} is not listed in the export; created"
        )
        return category

    def pages_category(self) -> Category:
        category = self.categories.get(PAGES_CATEGORY_SLUG)
        if category is None:
            category = Category.objects.create(
                name=PAGES_CATEGORY_NAME, slug=PAGES_CATEGORY_SLUG
            )
            self.categories[PAGES_CATEGORY_SLUG] = category
            self.category_outcomes[PAGES_CATEGORY_SLUG] = "created"
            self.report.count("categories", "created")
        elif PAGES_CATEGORY_SLUG not in self.category_outcomes:
            self.category_outcomes[PAGES_CATEGORY_SLUG] = "unchanged"
            self.report.count("categories", "unchanged")
        self.report.note(
            f"Pages are imported as posts in the category {category.name!r}."
        )
        return category

    def tag_for(self, raw_slug: str, raw_name: str, *, declared: bool) -> Tag | None:
        name = mapping.plain(raw_name)[:100]
        slug = (mapping.decode_slug(raw_slug) or slugify(name, True))[:100]
        if not slug or not name:
            if declared:
                self.report.problem(f"tag {raw_name!r}", "has no name or slug; skipped")
                self.report.count("tags", "skipped")
            return None
        if slug in self.tags:
            return self.tags[slug]
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag.objects.filter(name=name).first()
            if tag is not None:
                # Tag names are unique: the export's second slug for a name joins
                # the tag that has the name.
                self.report.problem(
                    f"tag {slug!r} ({name!r})",
                    f"that name belongs to the tag {tag.slug!r}; used it instead",
                )
                self.report.count("tags", "skipped")
        elif tag.name != name and not Tag.objects.filter(name=name).exists():
            tag.name = name
            tag.save(update_fields=["name"])
            self.report.count("tags", "updated")
        elif tag is not None:
            self.report.count("tags", "unchanged")
        if tag is None:
            tag = Tag.objects.create(name=name, slug=slug)
            self.report.count("tags", "created")
            if not declared:
                self.report.problem(
                    f"tag {slug!r}", "is not listed in the export; created"
                )
        self.tags[slug] = tag
        return tag

    # --- posts and pages ----------------------------------------------------

    def add_item(self, item: Item) -> None:
        self.finish_terms()
        if item.post_type == "attachment":
            self.attachments[item.wp_id] = _Attachment(
                url=item.attachment_url or item.guid,
                attached_file=item.meta.get("_wp_attached_file", ""),
                alt=mapping.plain(item.meta.get("_wp_attachment_image_alt", "")),
            )
            return
        if item.post_type not in ("post", "page"):
            self.report.other_items[item.post_type or "(no type)"] += 1
            return
        kind = "posts" if item.post_type == "post" else "pages"
        subject = subject_for(item)
        if item.wp_id <= 0 or item.wp_id in self.seen_posts:
            reason = "appears twice" if item.wp_id > 0 else "has no wp:post_id"
            self.report.problem(subject, f"{reason}; skipped")
            self.report.count(kind, "skipped")
            return
        self.seen_posts.add(item.wp_id)
        status = self.status_for(item, subject)
        if status is None:
            self.report.count(kind, "skipped")
            if item.comments:
                self.report.count("comments", "skipped", len(item.comments))
            return
        post, outcome = self.save_post(item, status, subject)
        changed = self.set_terms(post, item, outcome == "created", subject)
        changed = (
            self.set_comments(post, item, outcome == "created", subject) or changed
        )
        if outcome == "unchanged" and changed:
            outcome = "updated"
        self.report.count(kind, outcome)
        self.add_redirects(post, item, subject)
        thumbnail = mapping.to_int(item.meta.get("_thumbnail_id", ""))
        if thumbnail:
            attachment = self.attachments.get(thumbnail)
            if attachment is None:
                self.pending_images.append((post.pk, thumbnail, subject))
            else:
                self.set_featured_image(post, attachment, subject)

    def status_for(self, item: Item, subject: str) -> str | None:
        wp_status = item.status.strip().lower()
        status = mapping.post_status(wp_status)
        if status is None:
            reason = "in the trash" if wp_status == "trash" else f"status {wp_status!r}"
            self.report.problem(subject, f"{reason}; not imported")
            return None
        if wp_status not in mapping.POST_STATUSES:
            self.report.problem(subject, f"unknown status {wp_status!r}; a draft")
        elif wp_status == "private":
            self.report.problem(subject, "private; imported as a draft")
        if item.password and status != "draft":
            self.report.problem(subject, "password-protected; imported as a draft")
            status = "draft"
        return status

    def post_values(self, item: Item, status: str, subject: str) -> dict:
        published_at = mapping.parse_wp_datetime(
            item.date_gmt, item.date, self.site_zone
        )
        if status == "published" and published_at and published_at > self.now:
            # As Post.save does: a publish date ahead schedules the post.
            status = "scheduled"
        if status != "draft" and published_at is None:
            self.report.problem(subject, "has no date; dated now")
            published_at = self.now
        title = mapping.plain(item.title)
        if len(title) > 300:
            self.report.problem(subject, "title longer than 300 characters; cut")
        return {
            "title": title[:300],
            "slug": mapping.decode_slug(item.slug)[:SLUG_MAX_LENGTH],
            "author_id": self.user_for(item.creator, subject),
            "body": item.content,
            "body_format": Post.BodyFormat.HTML,
            "excerpt": mapping.plain(item.excerpt),
            "status": status,
            "published_at": published_at,
            "sticky": item.is_sticky,
            "comments_open": item.comment_status.strip().lower() != "closed",
        }

    def save_post(self, item: Item, status: str, subject: str) -> tuple[Post, str]:
        values = self.post_values(item, status, subject)
        post = None
        if item.wp_id in self.known_post_ids:
            post = Post.objects.filter(wordpress_id=item.wp_id).first()
        if post is None:
            post = Post(wordpress_id=item.wp_id, **values)
            post.save()
            return post, "created"
        if not values["slug"] or re.fullmatch(
            rf"{re.escape(values['slug'])}-\d+", post.slug
        ):
            # A slug we made (from the title, or numbered on a clash) stays.
            values["slug"] = post.slug
        changed = [
            name for name, value in values.items() if getattr(post, name) != value
        ]
        if not changed:
            return post, "unchanged"
        for name, value in values.items():
            setattr(post, name, value)
        post.save()
        return post, "updated"

    def set_terms(self, post: Post, item: Item, created: bool, subject: str) -> bool:
        """File the post under its categories and tags; True when they changed."""
        categories: dict[int, Category] = {}
        tags: dict[int, Tag] = {}
        for domain, slug, name in item.terms:
            if domain == "category":
                category = self.category_for(slug, name, subject)
                if category is not None:
                    categories[category.pk] = category
            elif domain == "post_tag":
                tag = self.tag_for(slug, name, declared=False)
                if tag is not None:
                    tags[tag.pk] = tag
        if item.post_type == "page":
            pages = self.pages_category()
            categories[pages.pk] = pages
        if created:
            self.pending_category_links += [
                Post.categories.through(post_id=post.pk, category_id=pk)
                for pk in categories
            ]
            self.pending_tag_links += [
                TaggedItem(content_type=self.post_type, object_id=post.pk, tag=tag)
                for tag in tags.values()
            ]
            return False
        changed = False
        if set(post.categories.values_list("pk", flat=True)) != set(categories):
            post.categories.set(list(categories))
            changed = True
        if set(post.tags.values_list("pk", flat=True)) != set(tags):
            post.tags.set(list(tags.values()))
            changed = True
        return changed

    # --- comments ------------------------------------------------------------

    def comment_values(self, record, post: Post, subject: str) -> dict:
        name = mapping.plain(record.author)[:200] or "Anonymous"
        email = record.email if len(record.email) <= 254 else ""
        url = record.url
        if len(url) > 500:
            self.report.problem(
                f"{subject}, comment {record.wp_id}",
                "website address too long; left out",
            )
            url = ""
        created_at = mapping.parse_wp_datetime(
            record.date_gmt, record.date, self.site_zone
        )
        identity = guest_identity(name=name, email=email, url=url)
        return {
            "body": mapping.comment_text(record.content),
            "status": mapping.comment_status(record.approved),
            "created_at": created_at or post.published_at or self.now,
            "identity_kind": identity.kind,
            "identity_key": identity.key,
            "author_name": identity.name,
            "author_email": identity.email,
            "author_url": identity.url,
            "ip_address": mapping.ip_address(record.ip),
            "comment_type": mapping.comment_type(record.comment_type),
        }

    def set_comments(self, post: Post, item: Item, created: bool, subject: str) -> bool:
        """Create or update the post's comments and their threads; True if changed.

        New comments wait in a buffer written in batches (see flush); the
        comments of a post imported before are updated at once.
        """
        if not item.comments:
            return False
        existing = (
            {}
            if created
            else {
                comment.wordpress_id: comment
                for comment in post.comments.filter(wordpress_id__isnull=False)
            }
        )
        outcomes: dict[int, str] = {}
        comments: dict[int, Comment] = {}
        parents: dict[int, int] = {}
        changed = []
        for record in item.comments:
            if record.wp_id <= 0 or record.wp_id in comments:
                self.report.problem(
                    f"{subject}, comment {record.wp_id}",
                    "appears twice" if record.wp_id > 0 else "has no wp:comment_id",
                )
                self.report.count("comments", "skipped")
                continue
            values = self.comment_values(record, post, subject)
            comment = existing.get(record.wp_id)
            if comment is None:
                comment = Comment(post=post, wordpress_id=record.wp_id, **values)
                comment.body_html = render_comment_text(comment.body)
                outcomes[record.wp_id] = "created"
            elif any(getattr(comment, k) != v for k, v in values.items()):
                for name, value in values.items():
                    setattr(comment, name, value)
                comment.body_html = render_comment_text(comment.body)
                comment.body_digest = body_digest(comment.body)
                comment.updated_at = timezone.now()
                changed.append(comment)
                outcomes[record.wp_id] = "updated"
            else:
                outcomes[record.wp_id] = "unchanged"
            comments[record.wp_id] = comment
            parents[record.wp_id] = record.parent_id
        parent_of = self.thread(comments, parents, existing, subject)
        for wp_id, outcome in outcomes.items():
            if outcome == "created":
                self.pending_comments.append((comments[wp_id], parent_of[wp_id]))
        if created:
            if len(self.pending_comments) >= BATCH_SIZE:
                self.flush()
        else:
            self.flush()
            for wp_id, comment in comments.items():
                parent = parent_of[wp_id]
                parent_id = parent.pk if parent is not None else None
                if outcomes[wp_id] == "created" or comment.parent_id == parent_id:
                    continue
                comment.parent_id = parent_id
                if outcomes[wp_id] == "unchanged":
                    outcomes[wp_id] = "updated"
                    changed.append(comment)
            Comment.objects.bulk_update(
                changed,
                [*COMMENT_FIELDS, "body_html", "body_digest", "updated_at", "parent"],
                batch_size=BATCH_SIZE,
            )
        for outcome in outcomes.values():
            self.report.count("comments", outcome)
        return any(outcome != "unchanged" for outcome in outcomes.values())

    def thread(self, comments, parents, existing, subject) -> dict[int, Comment | None]:
        """The comment each one replies to (None: top level), by wp:comment_id."""
        parent_of: dict[int, Comment | None] = {}
        for wp_id in comments:
            parent_wp_id = parents[wp_id]
            parent = None
            if parent_wp_id:
                parent = comments.get(parent_wp_id) or existing.get(parent_wp_id)
                if parent is None:
                    self.report.problem(
                        f"{subject}, comment {wp_id}",
                        f"replies to comment {parent_wp_id}, which is not in the "
                        "export; shown at the top level",
                    )
                elif self._loops(wp_id, parents):
                    self.report.problem(
                        f"{subject}, comment {wp_id}",
                        "its replies form a loop; shown at the top level",
                    )
                    parent = None
            parent_of[wp_id] = parent
        return parent_of

    def flush(self) -> None:
        """Write the buffered comments and category and tag links of new posts.

        Comments go in generations: those whose parent has a primary key, then
        their replies, so a thread costs one insert per level, not per comment.
        """
        pending, self.pending_comments = self.pending_comments, []
        while pending:
            ready, waiting = [], []
            for comment, parent in pending:
                if parent is None or parent.pk is not None:
                    comment.parent_id = parent.pk if parent is not None else None
                    ready.append(comment)
                else:
                    waiting.append((comment, parent))
            if not ready:
                raise RuntimeError("comment threads loop; cannot insert them")
            Comment.objects.bulk_create(ready, batch_size=BATCH_SIZE)
            pending = waiting
        links, self.pending_category_links = self.pending_category_links, []
        Post.categories.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        tagged, self.pending_tag_links = self.pending_tag_links, []
        TaggedItem.objects.bulk_create(tagged, batch_size=BATCH_SIZE)

    @staticmethod
    def _loops(wp_id: int, parents: dict[int, int]) -> bool:
        seen = {wp_id}
        current = parents.get(wp_id, 0)
        while current:
            if current in seen:
                return True
            seen.add(current)
            current = parents.get(current, 0)
        return False

    # --- old addresses -------------------------------------------------------

    def add_redirects(self, post: Post, item: Item, subject: str) -> None:
        """Old permalinks that differ from ours answer 301 to the post."""
        if post.published_on is None:
            return
        paths = set()
        link = mapping.link_path(item.link)
        if link:
            paths.add(link)
        day = mapping.local_date(item.date)
        if item.post_type == "post" and day:
            for slug in (item.slug, *item.old_slugs):
                slug = mapping.decode_slug(slug)
                if slug:
                    paths.add(mapping.dated_path(day, slug))
        paths.discard(permalink_path(post))
        for path in sorted(paths):
            if len(path) > 500:
                self.report.problem(subject, f"old address too long to keep: {path}")
                self.report.count("redirects", "skipped")
                continue
            redirect = Redirect.objects.filter(old_path=path).first()
            if redirect is None:
                Redirect.objects.create(old_path=path, post=post)
                self.report.count("redirects", "created")
            elif redirect.post_id != post.pk:
                redirect.post = post
                redirect.save(update_fields=["post"])
                self.report.count("redirects", "updated")
            else:
                self.report.count("redirects", "unchanged")

    # --- featured images -----------------------------------------------------

    def set_featured_image(self, post: Post, attachment: _Attachment, subject: str):
        url = attachment.url
        if post.featured_image and post.featured_image_url == url:
            self.report.count("attachments", "unchanged")
            return
        replacing = bool(post.featured_image)
        path = None
        if self.media_dir is not None:
            path = find_media_file(self.media_dir, url, attachment.attached_file)
            if path is None:
                candidates = mapping.media_candidates(url, attachment.attached_file)
                where = candidates[0] if candidates else url
                self.report.problem(
                    subject, f"featured image not found in media dir ({where})"
                )
            else:
                try:
                    check_image(path)
                except ValidationError as exc:
                    self.report.problem(
                        subject,
                        f"featured image {path.name} refused: {' '.join(exc.messages)}",
                    )
                    path = None
        if path is None:
            self.urls_kept += 1
            self.report.count("attachments", "skipped")
            if post.featured_image_url != url and not replacing:
                post.featured_image_url = url[:1000]
                post.save(update_fields=["featured_image_url"])
            return
        self.report.count("attachments", "updated" if replacing else "created")
        if self.dry_run:
            return
        with path.open("rb") as handle:
            post.featured_image.save(path.name, File(handle), save=False)
        self.saved_files.append((post.featured_image.storage, post.featured_image.name))
        post.featured_image_url = url[:1000]
        post.featured_image_alt = attachment.alt[:300]
        post.save()

    def finish_images(self) -> None:
        for post_pk, thumbnail, subject in self.pending_images:
            attachment = self.attachments.get(thumbnail)
            if attachment is None:
                self.report.problem(
                    subject,
                    f"featured image (attachment {thumbnail}) is not in the export",
                )
                self.report.count("attachments", "skipped")
                continue
            self.set_featured_image(Post.objects.get(pk=post_pk), attachment, subject)
        self.pending_images.clear()

    def finish_notes(self) -> None:
        if self.urls_kept:
            reason = (
                "not found in --media-dir or refused"
                if self.media_dir
                else "no --media-dir given"
            )
            self.report.note(
                f"{self.urls_kept} featured image(s) kept as their WordPress address "
                f"({reason}); images inside post bodies always keep theirs."
            )
        unused = sorted(set(self.mapped_users) - set(self.users))
        for login in unused:
            self.report.note(f"--author-map: {login!r} is not an author in this file.")


def subject_for(item: Item) -> str:
    """How the report names an item: "post 1234 'Its title'"."""
    return f"{item.post_type} {item.wp_id} {mapping.plain(item.title)!r}"
