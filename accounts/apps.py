from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from accounts import signals

        profile = self.get_model("AuthorProfile")
        pre_save.connect(
            signals.remember_old_avatar,
            sender=profile,
            dispatch_uid="accounts_old_avatar",
        )
        post_save.connect(
            signals.schedule_avatar_rendition,
            sender=profile,
            dispatch_uid="accounts_avatar_rendition",
        )
        from config.pagecache import connect_site_invalidation

        connect_site_invalidation(profile, self.get_model("User"))
