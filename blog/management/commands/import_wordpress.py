from django.core.management.base import BaseCommand, CommandError

from blog.wordpress import WXRError, import_wxr, parse_author_map
from blog.wordpress.progress import progress_for


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.1/1.2, self-hosted or WordPress.com): "
        "authors, categories, tags, posts, pages, comments, featured images and old "
        "permalinks. Running the same file again updates; nothing is duplicated. "
        "All or nothing: on any error the database is left as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="The .xml file from WordPress's Tools → Export."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything, print the summary, write nothing.",
        )
        parser.add_argument(
            "--author-map",
            nargs="+",
            action="extend",
            default=[],
            metavar="OLD=NEW",
            help=(
                "Give the posts of export author OLD (a login) to the existing user "
                "NEW (a username) instead of creating a user."
            ),
        )
        parser.add_argument(
            "--media-dir",
            help=(
                "A copy of wp-content/uploads: featured images are copied from it; "
                "without it they keep their WordPress address."
            ),
        )

    def handle(self, *args, file, dry_run, author_map, media_dir, **options):
        try:
            report = import_wxr(
                source=file,
                dry_run=dry_run,
                author_map=parse_author_map(author_map),
                media_dir=media_dir,
                progress=progress_for(self.stderr),
            )
        except WXRError as exc:
            raise CommandError(f"{file}: {exc}") from None
        self.stdout.write(str(report))
