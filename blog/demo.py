"""Demo content: two authors, categories, tags, thirty posts and one long read.

Everything is keyed on usernames and slugs, so loading twice changes nothing; the text
comes from a seeded random generator, so every load writes the same words.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont
from taggit.models import Tag

from accounts.models import AuthorProfile
from blog.models import Category, Link, LinkList, Post

logger = logging.getLogger(__name__)

SEED = 1729
LONG_READ_SLUG = "the-long-read"
LEAD_IN_TEXT = "Read more about what happened in the previous days"
ADDITIONAL_READING = "Additional reading"
ELSEWHERE = "Elsewhere"
# Sizes of the long post's lists, as on the reference page.
RECENT_LINKS = 8
ADDITIONAL_LINKS = 57
ADDITIONAL_EXTERNAL = 12
ELSEWHERE_LINKS = 63


# --- People, categories, tags ------------------------------------------------

AUTHORS = [
    {
        "username": "elena",
        "first_name": "Elena",
        "last_name": "Sokolova",
        "display_name": "Elena Sokolova",
        "website": "https://elena.example.org/",
        "colour": (38, 84, 124),
        "bio": (
            "Elena Sokolova has covered Port Aldren's council, courts and harbour "
            "for twelve years, first for a regional daily and now here. She reads the "
            "documents so that you do not have to, and links to them so that you can "
            "check.\n\n"
            "When she is not at a council meeting she is probably on a night train, "
            "or complaining about the ferry timetable.\n\n"
            "Елена Соколова двенадцать лет пишет о городском совете, судах и порте "
            "Порт-Алдрена — сначала для региональной газеты, теперь здесь. Она читает "
            "документы, чтобы вам не пришлось, и даёт на них ссылки, чтобы вы могли "
            "проверить.\n\n"
            "Когда она не на заседании совета, она, скорее всего, в ночном поезде — "
            "или ругает расписание паромов."
        ),
    },
    {
        "username": "james",
        "first_name": "James",
        "last_name": "Okafor",
        "display_name": "James Okafor",
        "website": "https://okafor.example.net/",
        "colour": (160, 72, 45),
        "bio": (
            "James Okafor writes about money: budgets, prices, and the gap between "
            "what is announced and what is spent. Before he started writing here he "
            "spent a decade as a public auditor, which explains the spreadsheets.\n\n"
            "He answers every comment eventually, and corrects every mistake as soon "
            "as someone points it out."
        ),
    },
]

# slug, name, parent slug, description
CATEGORIES = [
    ("news", "News", None, "What happened, with the documents linked."),
    (
        "local-news",
        "Local news",
        "news",
        "Port Aldren and the towns along the river.",
    ),
    ("commentary", "Commentary", None, "Opinion, analysis and the occasional rant."),
]

TAGS = [
    "harbour",
    "transport",
    "budget",
    "courts",
    "press freedom",
    "elections",
    "energy",
    "housing",
    "protests",
    "council",
]


@dataclass(frozen=True)
class PostSpec:
    title: str
    topic: str
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    author: str
    language: str = "en"
    image: bool = False
    sticky: bool = False

    @property
    def slug(self) -> str:
        return slugify(self.title, allow_unicode=True)


# Newest first; the long read comes after all of them.
POSTS = [
    PostSpec(
        "The harbour strike enters its second week",
        "the harbour strike",
        ("harbour", "protests"),
        ("local-news",),
        "elena",
        image=True,
    ),
    PostSpec(
        "What the transit budget actually pays for",
        "the transit budget",
        ("budget", "transport"),
        ("commentary",),
        "james",
    ),
    PostSpec(
        "Five questions about the northern line closure",
        "the northern line closure",
        ("transport",),
        ("local-news",),
        "elena",
    ),
    PostSpec(
        "A council meeting that ran until four in the morning",
        "the all-night council meeting",
        ("council", "budget"),
        ("local-news",),
        "elena",
    ),
    PostSpec(
        "Electricity prices: who pays, and when",
        "electricity prices",
        ("energy", "budget"),
        ("commentary",),
        "james",
        image=True,
    ),
    PostSpec(
        "The press law, read line by line",
        "the press law",
        ("press freedom", "courts"),
        ("news", "commentary"),
        "elena",
    ),
    PostSpec(
        "Notes from the courthouse steps",
        "the court hearing",
        ("courts", "protests"),
        ("local-news",),
        "elena",
    ),
    PostSpec(
        "Why the ferry timetable matters more than it looks",
        "the ferry timetable",
        ("harbour", "transport"),
        ("commentary",),
        "james",
    ),
    PostSpec(
        "The mayor's interview, annotated",
        "the mayor's interview",
        ("council", "elections"),
        ("commentary",),
        "elena",
    ),
    PostSpec(
        "Housing on the old rail yards: promises and plans",
        "the rail yards housing plan",
        ("housing", "council"),
        ("local-news",),
        "james",
        image=True,
    ),
    PostSpec(
        "Что происходит в порту: короткий пересказ",
        "забастовка в порту",
        ("harbour", "protests"),
        ("news",),
        "elena",
        language="ru",
    ),
    PostSpec(
        "A quiet week, and the stories that hid in it",
        "a quiet week",
        ("council",),
        ("commentary",),
        "james",
    ),
    PostSpec(
        "The opposition's new platform, compared with the old one",
        "the opposition platform",
        ("elections",),
        ("news", "commentary"),
        "elena",
    ),
    PostSpec(
        "How local newspapers covered the blackout",
        "the blackout coverage",
        ("press freedom", "energy"),
        ("commentary",),
        "elena",
    ),
    PostSpec(
        "Reading the central bank's statement between the lines",
        "the central bank statement",
        ("budget", "energy"),
        ("commentary",),
        "james",
    ),
    PostSpec(
        "The court reform in plain words",
        "the court reform",
        ("courts",),
        ("news",),
        "elena",
    ),
    PostSpec(
        "Three scenarios for the council elections",
        "the council elections",
        ("elections", "council"),
        ("commentary",),
        "james",
    ),
    PostSpec(
        "Letters from readers, and some answers",
        "your letters",
        ("press freedom",),
        ("commentary",),
        "elena",
    ),
    PostSpec(
        "Heat, drought and the river port",
        "the drought on the river",
        ("harbour", "energy"),
        ("local-news",),
        "james",
        image=True,
    ),
    PostSpec(
        "Who decides where the new depot goes",
        "the new depot",
        ("transport", "council"),
        ("local-news",),
        "elena",
    ),
    PostSpec(
        "The numbers behind the protest march",
        "the protest march",
        ("protests",),
        ("news",),
        "james",
    ),
    PostSpec(
        "Почему закон о прессе касается всех",
        "закон о прессе",
        ("press freedom", "courts"),
        ("commentary",),
        "elena",
        language="ru",
    ),
    PostSpec(
        "Diplomats, ferries and a very long weekend",
        "the ferry dispute",
        ("harbour",),
        ("news",),
        "james",
    ),
    PostSpec(
        "A short history of the harbour workers' union",
        "the harbour workers' union",
        ("harbour", "protests"),
        ("commentary",),
        "elena",
    ),
    PostSpec(
        "The budget vote, minute by minute",
        "the budget vote",
        ("budget", "council"),
        ("local-news",),
        "james",
    ),
    PostSpec(
        "What a leaked memo does and does not prove",
        "the leaked memo",
        ("press freedom", "council"),
        ("commentary",),
        "elena",
    ),
    PostSpec(
        "Small shops on the high street, one year on",
        "the high street",
        ("housing", "budget"),
        ("local-news",),
        "james",
    ),
    PostSpec(
        "Night trains are back: what changed",
        "the night trains",
        ("transport",),
        ("news",),
        "elena",
    ),
    PostSpec(
        "Tenants organise on the east bank",
        "the tenants' campaign",
        ("housing", "protests"),
        ("local-news",),
        "james",
    ),
    PostSpec(
        "On corrections, and why we publish them",
        "corrections",
        ("press freedom",),
        ("commentary",),
        "elena",
        sticky=True,
    ),
]

LONG_READ = PostSpec(
    "The week the harbour stood still: strikes, a blackout and a vote at dawn",
    "the harbour week",
    ("harbour", "protests", "council", "energy"),
    ("news", "local-news"),
    "elena",
    image=True,
)

LONG_READ_BODY = """\
For seven days Port Aldren ran on rumours, generators and very strong coffee. The
harbour was closed by the strike, half of the east bank lost power on Tuesday night,
and the council voted on the emergency budget at a quarter to six on Friday morning,
after a session that began the previous afternoon.

Each of those stories has been told separately, often well. What has been missing is
the thread that ties them together: the same three decisions, taken in the spring
without much debate, explain most of what went wrong this week. This post tries to
follow that thread, with the documents linked at every step.

## The strike

The harbour workers did not walk out over pay, whatever the first reports said. The
dispute is about the new shift system, which the port authority introduced in April
"as a pilot" and quietly made permanent in June. The union's letter of 3 July, which
nobody outside the harbour seems to have read at the time, predicted almost exactly
the situation we have now.

> We are not asking for more money. We are asking to be told our hours more than two
> days in advance.

That sentence, from the union's statement on Monday, is the whole dispute in two
lines. Everything else (the blockades, the ferry cancellations, the ministry's
increasingly irritated press releases) follows from it.

## The blackout

The power cut on Tuesday had nothing to do with the strike directly, but it had a
great deal to do with the spring budget, which postponed the replacement of the east
bank substation for the third year running. The operator's own maintenance report,
published last autumn, rated the equipment as *at end of life*.

## The vote

By Thursday the council had an emergency budget in front of it, and by Friday morning
it had passed, 27 votes to 22. It includes money for the substation, a mediator for
the harbour dispute and, less noticed, a cut to the night bus service that will matter
to exactly the people who work the harbour's night shifts.

Below are the earlier posts that led up to this week, more reading from this blog and
elsewhere, and the coverage from other outlets that I found most useful. As always,
corrections and better sources are welcome in the comments.
"""


# --- Generated text ----------------------------------------------------------

PLACES = ["Port Aldren", "the river towns", "the northern provinces", "Vell"]
ACTORS = [
    "the port authority",
    "the city council",
    "the transport ministry",
    "the opposition bloc",
    "the harbour workers' union",
    "the regional court",
    "the central bank",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SUBHEADINGS = [
    "What we know",
    "What is still unclear",
    "Why it matters",
    "The numbers",
    "What happens next",
]

OPENERS = [
    "It has been {days} days since {topic} first made the front pages, and the picture "
    "is still changing by the hour.",
    "Most of what you have read about {topic} this week was written in a hurry, so "
    "here is a slower look.",
    "{Topic} is one of those stories that looks simple from a distance and gets "
    "stranger the closer you stand.",
    "A month ago nobody in {place} was talking about {topic}; now it is hard to talk "
    "about anything else.",
    "I promised a longer post about {topic}, and here it is, with the documents "
    "linked where I could find them.",
]
MIDDLES = [
    "{Actor} says the plan was agreed months ago; the minutes of the meetings tell a "
    "more complicated story.",
    "The official figures put the cost at {money} million, but that number leaves out "
    "maintenance, staff and the interest on the loan.",
    "When I asked {actor} about the timetable, the answer was polite, detailed and "
    "did not contain a single date.",
    "There is a reasonable argument on both sides, and it deserves better than the "
    "slogans it has been getting.",
    "Residents I spoke to on {weekday} were less interested in the politics than in "
    "the practical question: what happens next month?",
    "The documents published on {weekday} are long, but the important part fits on a "
    "single page.",
    "It is worth remembering that {actor} has changed its position on this twice "
    "since the spring.",
    "Nothing in the statement is false, exactly; it simply answers a different "
    "question from the one people are asking.",
    "The map in the appendix is the most honest part of the whole report.",
    "{Actor} did not reply to a request for comment before publication.",
    "Some of the criticism is unfair, and some of it is long overdue.",
    "If you only read one paragraph of the report, make it the one about staffing.",
    "The vote is expected on {weekday}, although the date has already moved once.",
    "A spokesperson described the delay as *technical*, which in my experience is "
    "never the whole explanation.",
    "The [full text](https://www.example.org/documents/{n}) is worth reading, "
    "especially the footnotes.",
    "Compare that with the figures from last year, when the same work was costed at "
    "**less than half** the price.",
    "In {place} the mood is tired rather than angry, which may be worse.",
    "Nobody I spoke to disputes the goal; the argument is about who pays and when.",
]
CLOSERS = [
    "I will keep following {topic} and update this post if anything changes.",
    "As always, corrections and better sources are welcome in the comments.",
    "Whatever happens next, the people of {place} deserve clearer answers than they "
    "have had so far.",
    "More on this when the full figures are published.",
]
QUOTES = [
    "We will not be moved by a press release.",
    "Nobody asked the people who live here.",
    "This should never have been decided at night.",
    "The money is there if you stop spending it on slogans.",
    "We learned about it from the news, like everyone else.",
    "It is a budget, not a miracle.",
]
SPEAKERS = [
    "the harbour workers' union leader",
    "Port Aldren's mayor",
    "a transport ministry spokesperson",
    "a retired appeals judge",
    "a central bank economist",
    "the editor of an independent weekly",
]
OPEN_POINTS = [
    "the timetable, which nobody has confirmed in writing",
    "the cost, which has grown every time it was announced",
    "the staff, who were told last and asked nothing",
    "the alternatives, which were dismissed without a public study",
    "the deadline, which is earlier than most people realise",
]

RU_OPENERS = [
    "Прошло уже {days} дней с тех пор, как тема «{topic}» впервые попала в новости, "
    "а картина всё ещё меняется.",
    "Большая часть того, что писали об этом на неделе, написана в спешке, поэтому "
    "попробуем разобраться спокойно.",
]
RU_MIDDLES = [
    "Официальные цифры выглядят убедительно, но в них не учтены расходы на "
    "обслуживание и персонал.",
    "Жители, с которыми я говорила {weekday}, спрашивали прежде всего о практическом: "
    "что будет в следующем месяце?",
    "Ни одно утверждение в заявлении не ложно, но оно отвечает на другой вопрос, чем "
    "тот, который задают люди.",
    "Часть критики несправедлива, а часть давно назрела.",
    "Представители городского совета не ответили на запрос до публикации.",
    "Голосование ожидается {weekday}, хотя дату уже один раз переносили.",
    "Карта в приложении — самая честная часть всего доклада.",
    "Документы, опубликованные {weekday}, длинные, но главное в них умещается на "
    "одной странице.",
    "Когда я спросила о сроках, ответ был вежливым и подробным, но без единой даты.",
    "Спор идёт не о цели, а о том, кто и когда за это заплатит.",
]
RU_CLOSERS = [
    "Я продолжу следить за этой историей и дополню запись, если что-то изменится.",
    "Как всегда, поправки и источники получше — в комментариях.",
]
RU_WEEKDAYS = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу"]


def _fill(template: str, rng: random.Random, topic: str) -> str:
    actor = rng.choice(ACTORS)
    return template.format(
        days=rng.randint(3, 40),
        money=rng.randint(12, 480),
        n=rng.randint(10, 99),
        topic=topic,
        Topic=topic[:1].upper() + topic[1:],
        place=rng.choice(PLACES),
        actor=actor,
        Actor=actor[:1].upper() + actor[1:],
        weekday=rng.choice(WEEKDAYS),
    )


def post_body(spec: PostSpec) -> str:
    """A few paragraphs of Markdown about `spec.topic`, the same on every call."""
    rng = random.Random(f"{SEED}:{spec.slug}")
    if spec.language == "ru":
        return _russian_body(rng, spec.topic)
    # Sentences are dealt from a shuffled deck so that none repeats within a post.
    deck = rng.sample(MIDDLES, len(MIDDLES))

    def paragraph(size: int) -> str:
        return " ".join(_fill(deck.pop(), rng, spec.topic) for _ in range(size))

    blocks = [_fill(rng.choice(OPENERS), rng, spec.topic) + " " + paragraph(2)]
    for index in range(rng.randint(2, 4)):
        if index == 1 and rng.random() < 0.6:
            blocks.append(f"## {rng.choice(SUBHEADINGS)}")
        blocks.append(paragraph(rng.randint(2, 3)))
        if index == 0 and rng.random() < 0.5:
            blocks.append(
                f"> {rng.choice(QUOTES)}\n>\n> — {rng.choice(SPEAKERS).capitalize()}"
            )
    if rng.random() < 0.4:
        points = [
            OPEN_POINTS[i] for i in sorted(rng.sample(range(len(OPEN_POINTS)), 3))
        ]
        blocks.append("Three things are still unclear:")
        blocks.append(f"- {points[0]};\n- {points[1]};\n- {points[2]}.")
    blocks.append(_fill(rng.choice(CLOSERS), rng, spec.topic))
    return "\n\n".join(blocks) + "\n"


def _russian_body(rng: random.Random, topic: str) -> str:
    deck = rng.sample(RU_MIDDLES, len(RU_MIDDLES))

    def fill(template):
        return template.format(
            # 5 to 20 keeps the Russian plural "дней" right.
            days=rng.randint(5, 20),
            topic=topic,
            weekday=rng.choice(RU_WEEKDAYS),
        )

    blocks = [fill(rng.choice(RU_OPENERS))]
    blocks += [" ".join(fill(deck.pop()) for _ in range(3)) for _ in range(3)]
    blocks.append(fill(rng.choice(RU_CLOSERS)))
    return "\n\n".join(blocks) + "\n"


# Invented outlets, all on reserved example domains.
OUTLETS = [
    "harbourherald.example.com",
    "news.example.org",
    "dailyledger.example.net",
    "vestnik.example.com",
    "blog.example.org",
    "www.example.com",
    "observer.example.net",
    "ru.example.org",
    "letters.example.com",
    "rivertowns.example.net",
]
EN_TOPICS = [
    "the new budget",
    "the harbour strike",
    "electricity prices",
    "the court reform",
    "the closure of the northern line",
    "the council elections",
    "the press law",
]
EN_EVENTS = [
    "a second night without power",
    "the rally outside the courthouse",
    "an all-night council session",
    "ferry cancellations",
    "the transport chief's resignation",
    "the port blockade",
]
EN_HEADLINES = [
    "“{quote}”: {speaker} on {topic}",
    "{Place}: {event} — what we know so far",
    "Opinion: why the fight over {topic} is not really about money",
    "Week in review: {event}, {event2} and “{quote}”",
    "Analysis — {topic} explained in {n} charts, from the first leak to the final vote",
    "Live updates, day {n}: {speaker} calls for calm after {event}",
    "How {topic} became the story of the year — a long read",
    "Letters: readers respond to our reporting on {topic} (and one correction)",
]
RU_SPEAKERS = [
    "глава профсоюза портовых рабочих",
    "мэр Порт-Алдрена",
    "представитель министерства транспорта",
    "судья в отставке",
    "экономист центрального банка",
    "редактор независимой газеты",
]
RU_QUOTES = [
    "Мы не отступим",
    "Это решение нельзя было принимать ночью",
    "Город заслуживает честного ответа",
    "Никто не спросил жителей",
    "Мы узнали об этом из новостей",
]
RU_TOPICS = [
    "новом бюджете",
    "забастовке в порту",
    "тарифах на электричество",
    "судебной реформе",
    "закрытии северной линии",
    "выборах в городской совет",
    "законе о прессе",
]
RU_EVENTS = [
    "вторые сутки без электричества",
    "митинг у здания суда",
    "ночное заседание совета",
    "перебои с паромами",
    "отставка главы транспортного ведомства",
]
RU_PLACES = ["Порт-Алдрен", "Восточный берег", "Северные провинции", "Велл"]
RU_HEADLINES = [
    "«{quote}»: {speaker} о {topic}",
    "{place}: {event} — что известно к этому часу",
    "Мнение: почему спор о {topic} — это не только про деньги",
    "Хроника недели: {event}, {event2} и «{quote}»",
    "Разбор — что на самом деле стоит за разговорами о {topic}",
]


def external_headline(rng: random.Random) -> str:
    """A long invented headline: English or Russian, with quotes and dashes."""
    if rng.random() < 0.3:
        event, event2 = rng.sample(RU_EVENTS, 2)
        return rng.choice(RU_HEADLINES).format(
            quote=rng.choice(RU_QUOTES),
            speaker=rng.choice(RU_SPEAKERS),
            topic=rng.choice(RU_TOPICS),
            place=rng.choice(RU_PLACES),
            event=event,
            event2=event2,
        )
    event, event2 = rng.sample(EN_EVENTS, 2)
    place = rng.choice(PLACES)
    return rng.choice(EN_HEADLINES).format(
        quote=rng.choice(QUOTES).rstrip("."),
        speaker=rng.choice(SPEAKERS),
        topic=rng.choice(EN_TOPICS),
        Place=place[:1].upper() + place[1:],
        event=event,
        event2=event2,
        n=rng.randint(2, 12),
    )


def external_links(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """`count` distinct (url, title) pairs of invented articles on other sites."""
    found: dict[str, str] = {}
    while len(found) < count:
        title = external_headline(rng)
        if title in found.values():
            continue
        host = rng.choice(OUTLETS)
        day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        words = slugify(title)[:60].strip("-") or "story"
        url = f"https://{host}/{day:%Y/%m/%d}/{words}-{rng.randint(1000, 9999)}"
        found[url] = title
    return list(found.items())


# --- Images ------------------------------------------------------------------


def avatar_png(initials: str, colour: tuple[int, int, int], size: int = 192) -> bytes:
    """A square PNG with white initials on a flat colour."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size * 0.42)
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def featured_jpeg(seed: str, size: tuple[int, int] = (1200, 630)) -> bytes:
    """An abstract harbour-ish picture: a sky gradient, water and a few shapes."""
    rng = random.Random(f"{SEED}:image:{seed}")
    width, height = size
    top = tuple(rng.randint(120, 220) for _ in range(3))
    bottom = tuple(rng.randint(20, 90) for _ in range(3))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    horizon = int(height * rng.uniform(0.55, 0.7))
    for y in range(horizon):
        t = y / horizon
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.rectangle([0, horizon, width, height], fill=(24, 52, 78))
    sun_x = rng.randint(width // 5, width * 4 // 5)
    draw.ellipse(
        [sun_x - 60, horizon - 160, sun_x + 60, horizon - 40], fill=(246, 196, 92)
    )
    for _ in range(rng.randint(3, 6)):
        x = rng.randint(0, width - 160)
        w, h = rng.randint(60, 160), rng.randint(40, 180)
        draw.rectangle([x, horizon - h, x + w, horizon], fill=(40, 40, 48))
    for y in range(horizon + 12, height, 18):
        draw.line([(0, y), (width, y)], fill=(44, 80, 110), width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


# --- Loading -----------------------------------------------------------------


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, created: bool) -> None:
        self.created[kind] = self.created.get(kind, 0) + int(created)

    def __str__(self) -> str:
        made = {kind: count for kind, count in self.created.items() if count}
        if not made:
            return "Demo content already loaded; nothing changed."
        return "Created " + ", ".join(f"{n} {kind}" for kind, n in made.items()) + "."


def load_demo() -> DemoReport:
    """Create whatever demo content is missing (keyed on usernames and slugs)."""
    report = DemoReport()
    with transaction.atomic():
        authors = {spec["username"]: _author(spec, report) for spec in AUTHORS}
        categories = _categories(report)
        for name in TAGS:
            _, created = Tag.objects.get_or_create(name=name)
            report.add("tags", created)
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        rng = random.Random(SEED)
        posts = []
        for index, spec in enumerate(POSTS):
            published_at = now - dt.timedelta(
                days=2 + index * 5 + rng.randint(0, 3), hours=rng.randint(0, 9)
            )
            posts.append(_post(spec, authors, categories, published_at, report))
        long_read = _post(
            LONG_READ,
            authors,
            categories,
            now - dt.timedelta(hours=20),
            report,
            slug=LONG_READ_SLUG,
            body=LONG_READ_BODY,
        )
        if not long_read.link_lists.exists():
            _long_read_links(long_read, posts)
    logger.info("%s", report)
    return report


def _author(spec: dict, report: DemoReport):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=spec["username"],
        defaults={
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": f"{spec['username']}@example.com",
            "is_staff": True,
        },
    )
    if created:
        # Demo authors show the author box; nobody can log in as them.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name="Author"))
    report.add("authors", created)
    profile, created = AuthorProfile.objects.get_or_create(
        user=user,
        defaults={
            "display_name": spec["display_name"],
            "bio": spec["bio"],
            "website": spec["website"],
        },
    )
    if not profile.avatar:
        initials = spec["first_name"][0] + spec["last_name"][0]
        profile.avatar.save(
            f"{spec['username']}.png",
            ContentFile(avatar_png(initials, spec["colour"])),
            save=True,
        )
    return user


def _categories(report: DemoReport) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for slug, name, parent, description in CATEGORIES:
        category, created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "parent": categories.get(parent),
                "description": description,
            },
        )
        categories[slug] = category
        report.add("categories", created)
    return categories


def _post(spec, authors, categories, published_at, report, *, slug=None, body=None):
    slug = slug or spec.slug
    post = Post.objects.filter(slug=slug).first()
    report.add("posts", post is None)
    if post is not None:
        return post
    post = Post(
        title=spec.title,
        slug=slug,
        author=authors[spec.author],
        body=body or post_body(spec),
        status=Post.Status.PUBLISHED,
        published_at=published_at,
        sticky=spec.sticky,
    )
    if spec.image:
        post.featured_image.save(
            f"{slug[:40]}.jpg", ContentFile(featured_jpeg(slug)), save=False
        )
        post.featured_image_alt = "An abstract drawing of a harbour at sunset"
    post.save()
    post.categories.set([categories[name] for name in spec.categories])
    post.tags.add(*spec.tags)
    return post


def _long_read_links(post: Post, earlier: list[Post]) -> None:
    """The reference page's lists: lead-in, 8 recent, additional reading, elsewhere."""
    rng = random.Random(f"{SEED}:links")
    lead_in = LinkList.objects.create(post=post, position=0, lead_in=LEAD_IN_TEXT)
    recent = LinkList.objects.create(post=post, position=1)
    additional = LinkList.objects.create(
        post=post, position=2, heading=ADDITIONAL_READING
    )
    elsewhere = LinkList.objects.create(post=post, position=3, heading=ELSEWHERE)

    links = [Link(link_list=lead_in, position=0, target_post=earlier[0])]
    links += [
        Link(link_list=recent, position=i, target_post=target)
        for i, target in enumerate(earlier[1 : 1 + RECENT_LINKS])
    ]
    # Mostly this blog's own posts (some more than once), a few other sites.
    mixed: list[Link] = [
        Link(link_list=additional, target_post=rng.choice(earlier))
        for _ in range(ADDITIONAL_LINKS - ADDITIONAL_EXTERNAL)
    ]
    external = external_links(rng, ADDITIONAL_EXTERNAL - 1)
    external.append(external[0])  # the same article, listed twice
    mixed += [
        Link(link_list=additional, url=url, title=title) for url, title in external
    ]
    rng.shuffle(mixed)
    for position, link in enumerate(mixed):
        link.position = position
    links += mixed
    links += [
        Link(link_list=elsewhere, position=i, url=url, title=title)
        for i, (url, title) in enumerate(external_links(rng, ELSEWHERE_LINKS))
    ]
    Link.objects.bulk_create(links)
