from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load demo content (filled in by the blog app)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, **options):
        self.stdout.write("No demo content yet: the home page shows a placeholder.")
