"""The benchmark's trivial view: the cost of the stack itself (make bench only).

config/urls.py routes it only when COLOPHON_BENCH is on; production never has it.
"""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def trivial(request):
    """A short fixed answer through the whole middleware stack, no database.

    Never stored by the page cache, so every request runs the view: the ceiling
    is the stack, not a cache hit.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
