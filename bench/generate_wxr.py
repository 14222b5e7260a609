"""Write a large, deterministic WordPress export (WXR 1.2) for the import benchmark.

The file is streamed to disk item by item, so generating 10,000 posts with 100,000
comments needs no more memory than generating ten. The same arguments always give
the same bytes.

    python bench/generate_wxr.py OUT.xml --posts 10000 --comments 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

AUTHORS = ["anna", "boris", "chen", "dana", "emil"]
WORDS = [
    "government", "parliament", "election", "minister", "report", "analysis",
    "source", "according", "week", "statement", "protest", "border", "economy",
    "energy", "prices", "budget", "court", "ruling", "coalition", "opposition",
    "interview", "commentary", "archive", "translation", "summary", "context",
    "timeline", "official", "document", "reaction", "agreement", "talks", "media",
]  # fmt: skip
CYRILLIC = [
    "выборы", "парламент", "министр", "доклад", "неделя", "источник", "заявление",
]  # fmt: skip
HEADER = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Benchmark Blog</title>
	<link>https://bench.example.com</link>
	<description>Generated for the import benchmark</description>
	<language>en</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://bench.example.com</wp:base_site_url>
	<wp:base_blog_url>https://bench.example.com</wp:base_blog_url>
"""
FOOTER = "</channel>\n</rss>\n"


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.1:
        chosen.insert(rng.randrange(len(chosen)), rng.choice(CYRILLIC))
    return " ".join(chosen).capitalize() + "."


def body(rng: random.Random, post_id: int) -> str:
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        text = " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(4))
        if rng.random() < 0.5:
            target = rng.randint(1, max(1, post_id - 1))
            text += (
                f' See <a href="https://bench.example.com/?p={target}">'
                "the earlier post</a>."
            )
        paragraphs.append(text)
    if rng.random() < 0.2:
        paragraphs.insert(
            1,
            '[caption id="" align="aligncenter" width="600"]'
            f'<img src="https://bench.example.com/wp-content/uploads/p{post_id}.jpg" '
            f'alt="" width="600" height="400" /> {sentence(rng, 6)}[/caption]',
        )
    links = "".join(
        f'<li><a href="https://news.example.org/{post_id}/{n}">'
        f"{sentence(rng, 7)}</a></li>"
        for n in range(rng.randint(0, 12))
    )
    if links:
        paragraphs.append(f"<h3>Additional reading</h3>\n<ol>{links}</ol>")
    return "\n\n".join(paragraphs)


def comment(rng, *, comment_id, parent_id, moment) -> str:
    name = f"Reader {rng.randint(1, 5000)}"
    status = rng.choices(["1", "0", "spam", "trash"], weights=[90, 5, 4, 1])[0]
    kind = rng.choices(["", "pingback"], weights=[98, 2])[0]
    return f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author>{cdata(name)}</wp:comment_author>
			<wp:comment_author_email>{name.replace(" ", ".").lower()}@example.net</wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP>192.0.2.{rng.randint(1, 254)}</wp:comment_author_IP>
			<wp:comment_date>{moment:%Y-%m-%d %H:%M:%S}</wp:comment_date>
			<wp:comment_date_gmt>{moment:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(" ".join(sentence(rng, 12) for _ in range(rng.randint(1, 4))))}</wp:comment_content>
			<wp:comment_approved>{status}</wp:comment_approved>
			<wp:comment_type>{kind}</wp:comment_type>
			<wp:comment_parent>{parent_id}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
"""  # noqa: E501


def item(rng, *, post_id, comment_ids, categories, tags) -> str:
    moment = dt.datetime(2010, 1, 1) + dt.timedelta(hours=7 * post_id)
    slug = f"post-{post_id}-" + "-".join(rng.choice(WORDS) for _ in range(3))
    title = sentence(rng, rng.randint(4, 10)).rstrip(".")
    chosen = [("category", c) for c in rng.sample(categories, rng.randint(1, 2))]
    chosen += [("post_tag", t) for t in rng.sample(tags, rng.randint(0, 4))]
    terms = "".join(
        f'\t\t<category domain="{domain}" nicename="{slug}">{cdata(slug)}</category>\n'
        for domain, slug in chosen
    )
    comments = []
    for n, comment_id in enumerate(comment_ids):
        # About a third of the comments answer an earlier one of the same post.
        parent = rng.choice(comment_ids[:n]) if n and rng.random() < 0.35 else 0
        when = moment + dt.timedelta(hours=1 + n)
        comments.append(
            comment(rng, comment_id=comment_id, parent_id=parent, moment=when)
        )
    return f"""	<item>
		<title>{cdata(title)}</title>
		<link>https://bench.example.com/{moment:%Y/%m/%d}/{slug}/</link>
		<pubDate>{moment:%a, %d %b %Y %H:%M:%S} +0000</pubDate>
		<dc:creator>{AUTHORS[post_id % len(AUTHORS)]}</dc:creator>
		<guid isPermaLink="false">https://bench.example.com/?p={post_id}</guid>
		<description></description>
		<content:encoded>{cdata(body(rng, post_id))}</content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date>{moment:%Y-%m-%d %H:%M:%S}</wp:post_date>
		<wp:post_date_gmt>{moment:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>
		<wp:comment_status>open</wp:comment_status>
		<wp:ping_status>open</wp:ping_status>
		<wp:post_name>{slug}</wp:post_name>
		<wp:status>{"draft" if post_id % 50 == 0 else "publish"}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>post</wp:post_type>
		<wp:post_password></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
{terms}{"".join(comments)}	</item>
"""


def write_wxr(path: Path, *, posts: int, comments: int, seed: int = 7) -> None:
    """Write the export: `posts` posts sharing `comments` comments evenly."""
    rng = random.Random(seed)
    categories = [f"section-{n}" for n in range(20)]
    tags = [f"topic-{n}" for n in range(300)]
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for login in AUTHORS:
            out.write(
                f"\t<wp:author><wp:author_login>{login}</wp:author_login>"
                f"<wp:author_email>{login}@bench.example.com</wp:author_email>"
                f"<wp:author_display_name>{cdata(login.title())}"
                "</wp:author_display_name></wp:author>\n"
            )
        for n, slug in enumerate(categories):
            parent = categories[n // 5 - 1] if n >= 5 and n % 5 else ""
            out.write(
                f"\t<wp:category><wp:category_nicename>{slug}</wp:category_nicename>"
                f"<wp:category_parent>{parent}</wp:category_parent>"
                f"<wp:cat_name>{cdata(slug.title())}</wp:cat_name></wp:category>\n"
            )
        for slug in tags:
            out.write(
                f"\t<wp:tag><wp:tag_slug>{slug}</wp:tag_slug>"
                f"<wp:tag_name>{cdata(slug)}</wp:tag_name></wp:tag>\n"
            )
        next_comment = 1
        for post_id in range(1, posts + 1):
            share = comments * post_id // posts - comments * (post_id - 1) // posts
            ids = list(range(next_comment, next_comment + share))
            next_comment += share
            out.write(
                item(
                    rng,
                    post_id=post_id,
                    comment_ids=ids,
                    categories=categories,
                    tags=tags,
                )
            )
        out.write(FOOTER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    write_wxr(args.out, posts=args.posts, comments=args.comments, seed=args.seed)


if __name__ == "__main__":
    main()
