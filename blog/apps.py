from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Blog"

    def ready(self):
        from blog import signals

        post = self.get_model("Post")
        pre_save.connect(
            signals.remember_old_permalink,
            sender=post,
            dispatch_uid="blog_old_permalink",
        )
        post_save.connect(
            signals.record_redirect, sender=post, dispatch_uid="blog_record_redirect"
        )
        post_save.connect(
            signals.schedule_renditions, sender=post, dispatch_uid="blog_renditions"
        )
        # Any change readers can see on many pages makes every cached page stale.
        from taggit.models import Tag, TaggedItem

        from config.pagecache import connect_site_invalidation

        connect_site_invalidation(
            post,
            self.get_model("Category"),
            self.get_model("LinkList"),
            self.get_model("Link"),
            Tag,
            TaggedItem,
            post.categories.through,
        )
