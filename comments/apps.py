from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from comments import signals

        user_logged_in.connect(
            signals.remember_login_identity, dispatch_uid="comments_login_identity"
        )

        from django.db.models.signals import post_delete, post_save

        from config.pagecache import connect_site_invalidation

        comment = self.get_model("Comment")
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(
                signals.comment_changed,
                sender=comment,
                dispatch_uid=f"comments_pagecache_{name}",
            )
        from allauth.socialaccount.models import SocialApp

        from comments.rendering import cached_page_discussion
        from config import pagecache

        pagecache.register_hole("discussion", cached_page_discussion)

        # A new or removed social application adds or drops an icon on every page.
        connect_site_invalidation(self.get_model("CommentSettings"), SocialApp)
