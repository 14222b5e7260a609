from django.conf import settings


def site(request):
    """Site name and tagline for every template."""
    return {
        "site_name": settings.COLOPHON_SITE_NAME,
        "site_tagline": settings.COLOPHON_SITE_TAGLINE,
    }


def page_cache_csrf(request):
    """On pages that may be stored for everyone, forms get a placeholder token that
    config.pagecache swaps for each visitor's own."""
    if getattr(request, "colophon_page_cache", False):
        from config.pagecache import csrf_placeholder

        return {"csrf_token": csrf_placeholder()}
    return {}
