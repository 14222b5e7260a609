"""Moving a WordPress blog in: read a WXR export and import it (see importer)."""

from blog.wordpress.importer import import_wxr, parse_author_map
from blog.wordpress.parser import WXRError
from blog.wordpress.report import ImportReport

__all__ = ["ImportReport", "WXRError", "import_wxr", "parse_author_map"]
