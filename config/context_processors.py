from django.conf import settings


def site(request):
    """Site name and tagline for every template."""
    return {
        "site_name": settings.COLOPHON_SITE_NAME,
        "site_tagline": settings.COLOPHON_SITE_TAGLINE,
    }
