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
