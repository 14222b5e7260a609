"""A database outage answers "temporarily unavailable", never a traceback or a 500."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext as _

from config.security import render_error_page

logger = logging.getLogger(__name__)

# Seconds a client (or a proxy's health check) is asked to wait before retrying.
RETRY_AFTER_SECONDS = 30


def service_unavailable():
    response = render_error_page(
        "503.html",
        status=503,
        context={"title": _("Temporarily unavailable")},
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection in a view or its template into a 503 page.

    OperationalError and InterfaceError are what the drivers raise when the server
    is down or the connection broke; Django drops a broken connection at the end of
    the request and, with CONN_HEALTH_CHECKS, reconnects on the next one, so the
    site recovers by itself when the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError):
            logger.error(
                "database unavailable for %s %s: %s",
                request.method,
                request.path,
                exception,
            )
            return service_unavailable()
        return None
