import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import AuthorProfile, User
from blog.models import Category, Link, LinkList, Post
from comments.identity import email_hash
from comments.models import Comment


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct horse battery staple")

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))


class AuthorProfileFactory(DjangoModelFactory):
    class Meta:
        model = AuthorProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Author Number {n}")
    bio = "Writes about things.\n\nПишет о разном."
    website = "https://example.org/"


class AuthorFactory(UserFactory):
    """A staff user in the Author group, with a profile."""

    is_staff = True
    profile = factory.RelatedFactory(AuthorProfileFactory, factory_related_name="user")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            for name in extracted or ["Author"]:
                self.groups.add(Group.objects.get(name=name))


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    author = factory.SubFactory(UserFactory)
    body = "First paragraph of the post.\n\nSecond paragraph, with *emphasis*."
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Post.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            status=Post.Status.SCHEDULED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() + dt.timedelta(days=2)
            ),
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.add(*extracted)


class LinkListFactory(DjangoModelFactory):
    class Meta:
        model = LinkList

    post = factory.SubFactory(PostFactory)
    position = factory.Sequence(lambda n: n)
    heading = ""
    lead_in = ""


class LinkFactory(DjangoModelFactory):
    """An external link by default; pass target_post=... for an internal one."""

    class Meta:
        model = Link

    link_list = factory.SubFactory(LinkListFactory)
    position = factory.Sequence(lambda n: n)
    url = factory.Sequence(lambda n: f"https://news.example.com/story-{n}")
    title = factory.Sequence(lambda n: f"External story {n}")

    class Params:
        internal = factory.Trait(
            url="", title="", target_post=factory.SubFactory(PostFactory)
        )


class CommentFactory(DjangoModelFactory):
    """An approved guest comment by default."""

    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    body = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    status = "approved"
    created_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.LazyAttribute(
        lambda o: f"{o.author_name.replace(' ', '.').lower()}@example.net"
    )
    identity_kind = "guest"
    identity_key = factory.LazyAttribute(
        lambda o: f"guest:{email_hash(o.author_email)}"
    )
    ip_address = "192.0.2.10"

    class Params:
        pending = factory.Trait(status="pending")
        spam = factory.Trait(status="spam")


class LikeFactory(DjangoModelFactory):
    """A like by a local account."""

    class Meta:
        model = "likes.Like"

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)
    identity_kind = "local"
    identity_key = factory.LazyAttribute(lambda o: f"local:{o.user.pk}")
    name = factory.LazyAttribute(lambda o: o.user.username)
