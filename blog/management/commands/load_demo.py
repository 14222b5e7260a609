from django.core.management.base import BaseCommand

from blog.demo import load_demo
from blog.models import Post


class Command(BaseCommand):
    help = (
        "Load the demo blog: two authors, categories, tags, about thirty posts and "
        "one long post with link lists. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the blog already has a post.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and Post.objects.exists():
            self.stdout.write("The blog already has posts; demo content not loaded.")
            return
        report = load_demo()
        self.stdout.write(self.style.SUCCESS(str(report)))
