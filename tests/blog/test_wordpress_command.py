"""manage.py import_wordpress: options, output and failures."""

import io

import pytest
from django.core.management import CommandError, call_command

from blog.models import Post
from tests.blog.wordpress_support import (
    SELF_HOSTED,
    files_under,
    row_counts,
    write,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(*args, stderr=None):
    out = io.StringIO()
    err = stderr if stderr is not None else io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def truncated_copy(tmp_path, marker="<wp:comment_id>203"):
    text = SELF_HOSTED.read_text(encoding="utf-8")
    cut = text[: text.index(marker)]
    return write(tmp_path, cut, "truncated.xml"), cut.count("\n") + 1


def test_the_command_imports_and_prints_the_summary():
    out, _err = run(SELF_HOSTED)

    assert Post.objects.filter(wordpress_id=101).exists()
    assert "WordPress import of self-hosted-wxr-1.1.xml: done" in out
    assert "posts                7          0          0          1" in out
    assert "post 106 'Thrown away': in the trash; not imported" in out


def test_a_dry_run_writes_nothing_and_prints_the_summary():
    before = row_counts()

    out, _err = run(SELF_HOSTED, "--dry-run")

    assert row_counts() == before
    assert "dry run, nothing was written" in out
    assert "comments             6          0          0          0" in out


def test_a_truncated_file_fails_naming_the_line_and_writes_nothing(tmp_path, settings):
    path, line = truncated_copy(tmp_path)
    before = row_counts()

    with pytest.raises(CommandError) as error:
        run(path)

    assert "truncated.xml: The file is not well-formed XML" in str(error.value)
    assert f"at line {line}," in str(error.value)
    assert row_counts() == before
    assert files_under(settings.MEDIA_ROOT) == []


def test_a_file_that_is_not_xml_fails_clearly(tmp_path):
    path = write(tmp_path, "just some text\n", "notes.xml")

    with pytest.raises(CommandError, match=r"notes.xml: .*not well-formed XML.*line 1"):
        run(path)


def test_an_xml_file_that_is_not_a_wordpress_export_fails_clearly(tmp_path):
    path = write(tmp_path, "<?xml version='1.0'?><html><body/></html>", "page.xml")

    with pytest.raises(CommandError, match=r"root element is <html>, not <rss>"):
        run(path)


def test_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing.xml"):
        run(tmp_path / "missing.xml")


def test_the_author_map_option_gives_posts_to_existing_users():
    chief = UserFactory(username="chief")
    writer = UserFactory(username="writer")

    run(SELF_HOSTED, "--author-map", "alice=chief", "bob=writer")

    assert Post.objects.get(wordpress_id=101).author == chief
    assert Post.objects.get(wordpress_id=102).author == writer


def test_a_malformed_author_map_fails_clearly():
    with pytest.raises(CommandError, match=r"old_login=existing_username, not 'alice'"):
        run(SELF_HOSTED, "--author-map", "alice")


def test_a_media_dir_that_does_not_exist_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match=r"--media-dir .*nowhere: no such directory"):
        run(SELF_HOSTED, "--media-dir", tmp_path / "nowhere")


def test_progress_is_plain_counts_on_stderr_when_not_a_terminal():
    _out, err = run(SELF_HOSTED)

    assert "100% read, " in err.splitlines()[-1]
    assert "\r" not in err


def test_progress_is_a_bar_on_a_terminal():
    _out, err = run(SELF_HOSTED, stderr=Terminal())

    assert err.startswith("\r[")
    assert "100%" in err
    assert err.endswith("\n")
