import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import AuthorProfile
from blog import tasks
from blog.models import Post
from tests.factories import AuthorProfileFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def renditions(callbacks):
    """The image work scheduled after commit (other callbacks refresh caches)."""
    return [c for c in callbacks if getattr(c, "func", None) is not None]


def picture(
    name="photo.png", size=(2000, 1000), color=(200, 40, 40), fmt=None, mode="RGB"
):
    fmt = fmt or {"png": "PNG", "jpg": "JPEG", "gif": "GIF"}[name.rsplit(".", 1)[1]]
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue())


def opened(field_file) -> Image.Image:
    field_file.open("rb")
    try:
        image = Image.open(io.BytesIO(field_file.read()))
        image.load()
    finally:
        field_file.close()
    return image


def test_a_new_featured_image_gets_renditions_after_commit(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post = PostFactory(author=author, featured_image=picture())
        assert not Post.objects.get(pk=post.pk).image_list

    assert len(renditions(callbacks)) == 1
    post.refresh_from_db()
    listed, page = opened(post.image_list), opened(post.image_page)
    assert (listed.format, listed.size) == ("JPEG", (720, 360))
    assert (page.format, page.size) == ("JPEG", (1400, 700))
    assert post.list_image == post.image_list
    assert post.page_image == post.image_page


def test_a_small_image_is_not_enlarged(author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=picture(size=(300, 200)))

    post.refresh_from_db()
    assert opened(post.image_list).size == (300, 200)
    assert opened(post.image_page).size == (300, 200)


def test_without_an_image_nothing_is_scheduled(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post = PostFactory(author=author)

    assert renditions(callbacks) == []
    assert post.list_image.name in ("", None)


def test_saving_again_with_the_same_image_schedules_nothing(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=picture())
    post.refresh_from_db()
    made = post.image_list.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post.title = "Retitled"
        post.save()

    assert renditions(callbacks) == []
    post.refresh_from_db()
    assert post.image_list.name == made


def test_replacing_the_image_makes_new_renditions(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=picture(color=(255, 0, 0)))
    post.refresh_from_db()
    old_list, old_page = post.image_list.name, post.image_page.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post.featured_image = picture(
            "second.jpg", size=(1000, 3000), color=(0, 0, 255)
        )
        post.save()
        # Until the worker is done, pages show the new original, not the old picture.
        assert Post.objects.get(pk=post.pk).list_image.name.startswith("posts/")

    assert len(renditions(callbacks)) == 1
    post.refresh_from_db()
    assert post.image_list.name != old_list
    assert post.image_page.name != old_page
    listed = opened(post.image_list)
    assert listed.size[0] <= 720 and listed.size == (720, 2160)
    red, green, blue = listed.getpixel((10, 10))
    assert blue > 200 and red < 50


def test_removing_the_image_forgets_its_renditions(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=picture())
    post.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post.featured_image = None
        post.save()

    assert renditions(callbacks) == []
    post.refresh_from_db()
    assert not post.image_list and not post.image_page
    assert not post.list_image and not post.page_image


def test_a_second_save_of_the_same_instance_keeps_the_new_renditions(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=picture())
    post.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        post.featured_image = picture("other.png", color=(0, 255, 0))
        post.save()
    # The worker wrote the new renditions to the row; this instance still holds
    # whatever it had. Saving it again must not bring the old names back.
    post.title = "Saved again"
    post.save()

    fresh = Post.objects.get(pk=post.pk)
    assert fresh.image_list
    red, green, blue = opened(fresh.image_list).getpixel((5, 5))
    assert green > 200 and red < 50


def test_renditions_are_skipped_when_the_image_changed_meanwhile(author, monkeypatch):
    post = PostFactory(author=author, featured_image=picture())
    real = tasks.make_rendition

    def replaced_while_resizing(source, **kwargs):
        Post.objects.filter(pk=post.pk).update(featured_image="posts/newer.png")
        return real(source, **kwargs)

    monkeypatch.setattr(tasks, "make_rendition", replaced_while_resizing)

    tasks.make_post_renditions.call(post.pk)

    post.refresh_from_db()
    assert post.featured_image.name == "posts/newer.png"
    assert not post.image_list and not post.image_page


def test_a_transparent_png_gets_a_white_background(
    author, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=author,
            featured_image=picture(size=(100, 100), color=(0, 0, 0, 0), mode="RGBA"),
        )

    post.refresh_from_db()
    assert min(opened(post.image_list).getpixel((50, 50))) > 245


def test_a_palette_gif_becomes_a_jpeg(author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(
            author=author, featured_image=picture("anim.gif", size=(800, 100))
        )

    post.refresh_from_db()
    listed = opened(post.image_list)
    assert (listed.format, listed.mode, listed.size) == ("JPEG", "RGB", (720, 90))


def test_a_sideways_camera_photo_is_turned_upright(
    author, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display.
    Image.new("RGB", (400, 200), (10, 200, 10)).save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("camera.jpg", buffer.getvalue())

    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(author=author, featured_image=upload)

    post.refresh_from_db()
    assert opened(post.image_page).size == (200, 400)


# --- Avatars ---------------------------------------------------------------------


def test_a_new_avatar_gets_a_small_rendition(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile = AuthorProfileFactory(
            user=UserFactory(username="pic"), avatar=picture("me.png", size=(800, 600))
        )

    assert len(renditions(callbacks)) == 1
    profile.refresh_from_db()
    small = opened(profile.avatar_small)
    assert small.format == "JPEG"
    assert small.size == (192, 144)
    assert profile.avatar_image == profile.avatar_small


def test_replacing_an_avatar_makes_a_new_small_one(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = AuthorProfileFactory(
            user=UserFactory(username="pic"), avatar=picture("me.png")
        )
    profile.refresh_from_db()
    old_small = profile.avatar_small.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile.avatar = picture("new-me.jpg", size=(300, 900))
        profile.save()

    assert len(renditions(callbacks)) == 1
    profile.refresh_from_db()
    assert profile.avatar_small.name != old_small
    assert opened(profile.avatar_small).size == (64, 192)


def test_editing_the_bio_leaves_the_avatar_alone(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = AuthorProfileFactory(
            user=UserFactory(username="pic"), avatar=picture("me.png")
        )
    profile.refresh_from_db()
    small = profile.avatar_small.name

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        profile.bio = "A new bio."
        profile.save()

    assert renditions(callbacks) == []
    assert AuthorProfile.objects.get(pk=profile.pk).avatar_small.name == small


def test_removing_an_avatar_forgets_the_small_one(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile = AuthorProfileFactory(
            user=UserFactory(username="pic"), avatar=picture("me.png")
        )
    profile.refresh_from_db()

    profile.avatar = None
    profile.save()

    profile.refresh_from_db()
    assert not profile.avatar_small
    assert not profile.avatar_image
