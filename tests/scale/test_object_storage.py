"""Media in an S3-compatible object store, shared by every app server and worker.

The store is moto in server mode on 127.0.0.1: a real HTTP endpoint that speaks the
S3 API, so uploads, the rendition task and the browser's GET all go over the wire.
"""

import io
import json
import re
from html import unescape

import pytest
import requests
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from blog.models import Post
from config.env import storage_config
from tests.blog.test_admin import post_form
from tests.conftest import image_bytes
from tests.factories import PostFactory
from tests.scale.conftest import free_port

pytestmark = [pytest.mark.scale, pytest.mark.django_db]

BUCKET = "colophon-scale-media"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}/*"],
        }
    ],
}


@pytest.fixture
def s3_store():
    """An S3 endpoint with an empty bucket; yields the storage environment."""
    boto3 = pytest.importorskip("boto3")
    moto_server = pytest.importorskip("moto.server")
    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=free_port(), verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    environ = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_ACCESS_KEY_ID": "scale-tests",
        "AWS_SECRET_ACCESS_KEY": "scale-tests-secret",
        "AWS_S3_REGION_NAME": "us-east-1",
    }
    client = boto3.client(
        "s3",
        endpoint_url=environ["AWS_S3_ENDPOINT_URL"],
        aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
        region_name=environ["AWS_S3_REGION_NAME"],
    )
    client.create_bucket(Bucket=BUCKET)
    # Media is public, as docs/operations.md tells to set up a bucket.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    try:
        yield environ, client
    finally:
        server.stop()


@pytest.fixture
def s3_media(settings, s3_store):
    environ, client = s3_store
    settings.STORAGES = {**settings.STORAGES, "default": storage_config(environ)}
    return environ, client


def stored_names(client) -> set[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_an_admin_upload_and_its_rendition_live_in_the_object_store(
    client, superuser, s3_media, settings, django_capture_on_commit_callbacks
):
    environ, s3 = s3_media
    client.force_login(superuser)
    photo = io.BytesIO(image_bytes("PNG", size=(1800, 900), color=(20, 90, 160)))
    photo.name = "harbour.png"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:blog_post_add"),
            post_form(
                title="Harbour at dusk",
                status="published",
                author=str(superuser.pk),
                featured_image=photo,
                featured_image_alt="A harbour",
            ),
        )

    assert response.status_code == 302, response.content[:3000]
    post = Post.objects.get(title="Harbour at dusk")
    # The original and both renditions are objects in the bucket, not local files.
    assert post.featured_image.name.startswith("posts/")
    assert post.image_page.name.startswith("renditions/")
    assert {
        post.featured_image.name,
        post.image_list.name,
        post.image_page.name,
    } <= stored_names(s3)
    assert not (settings.MEDIA_ROOT / post.featured_image.name).exists()

    page = client.get(post.get_absolute_url())
    assert page.status_code == 200
    sources = [unescape(src) for src in re.findall(r'<img src="([^"]+)"', page.text)]
    rendition_url = next(src for src in sources if "/renditions/" in src)
    assert rendition_url.startswith(f"{environ['AWS_S3_ENDPOINT_URL']}/{BUCKET}/")

    served = requests.get(rendition_url, timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.content)) as image:
        assert (image.format, image.size) == ("JPEG", (1400, 700))


def test_two_uploads_with_one_name_never_replace_each_other(author, s3_media):
    first = PostFactory(
        author=author, featured_image=ContentFile(image_bytes(), name="same.png")
    )
    second = PostFactory(
        author=author,
        featured_image=ContentFile(image_bytes(color=(0, 0, 0)), name="same.png"),
    )

    assert first.featured_image.name != second.featured_image.name
    assert first.featured_image.read() != second.featured_image.read()
