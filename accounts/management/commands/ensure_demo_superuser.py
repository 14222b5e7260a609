import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create the demo superuser 'admin' if it does not exist. Its password comes "
        "from DEMO_PASSWORD or is generated and printed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Demo superuser '{username}' already exists.")
            return
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email=email, password=password)
        if os.environ.get("DEMO_PASSWORD"):
            self.stdout.write(f"Created superuser '{username}' with DEMO_PASSWORD.")
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Created superuser '{username}' with password: {password}\n"
                    "It is shown only this once; set DEMO_PASSWORD to choose it."
                )
            )
