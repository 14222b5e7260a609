from django.apps import AppConfig


class LikesConfig(AppConfig):
    name = "likes"
    verbose_name = "Likes"

    def ready(self):
        from config import pagecache
        from likes.rendering import cached_page_like_section

        pagecache.register_hole("likes", cached_page_like_section)
