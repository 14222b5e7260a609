"""Hostile inputs a reader (or an imported file) may send, and checks on our output.

Every payload that could run would call alert(1) or log "XSS-MARKER", so the browser
tests can tell at once whether anything ran.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

MARKER = "XSS-MARKER"
LOG = f'console.log("{MARKER}")'
B64_SCRIPT = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="  # <script>alert(1)</script>

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    f"<script>{LOG}</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<script src=//evil.example/x.js></script>",
    "<script src=data:text/javascript,alert(1)></script>",
    "<script/xss>alert(1)</script>",
    '<script type="text/javascript">alert(1)</script>',
    "<script\t>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    f"</script><script>{LOG}</script><script>",
    "<svg><script>alert(1)</script></svg>",
    "<math><script>alert(1)</script></math>",
    "<script>alert(1)",
    "<script >alert(String.fromCharCode(88,83,83))</script >",
]

EVENT_HANDLERS = [
    "<img src=x onerror=alert(1)>",
    f"<img src=x onerror='{LOG}'>",
    '<img src="x" ONERROR="alert(1)">',
    "<img src=x onerror  =  alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="alert(1)">click</a>',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<iframe onload=alert(1)></iframe>",
    "<marquee onstart=alert(1)>",
    "<p onpointerenter=alert(1)>text</p>",
    '<span title="x" onanimationstart="alert(1)">x</span>',
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    '" autofocus onfocus="alert(1)" x="',
    "<img src=x onerror=alert(1)//",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div style="width:expression(alert(1))">old IE</div>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
]

URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)",
    "javascript%3Aalert(1)",
    f"data:text/html;base64,{B64_SCRIPT}",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "VBScript:MsgBox(1)",
    "http://evil.example/<script>alert(1)</script>",
    'https://example.org/"><script>alert(1)</script>',
    "https://example.org/' onmouseover='alert(1)",
    "//evil.example/",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JAVASCRIPT:alert(1)">link</a>',
    '<a href="&#x6A;avascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    '<a href="jav&#x0A;ascript:alert(1)">link</a>',
    '<a href="javas&#99;ript:alert(1)">link</a>',
    f'<a href="data:text/html;base64,{B64_SCRIPT}">link</a>',
    '<a href="vbscript:msgbox(1)">link</a>',
    '<img src="javascript:alert(1)">',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<button formaction="javascript:alert(1)">go</button>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<link rel=stylesheet href=javascript:alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text y="20">x</text></a></svg>',
    # Markdown's own ways to write a link.
    "[click me](javascript:alert(1))",
    "[click me](JAVASCRIPT:alert(1))",
    "[click me]( javascript:alert(1) )",
    "[click me](javascript&#58;alert(1))",
    f"[click me](data:text/html;base64,{B64_SCRIPT})",
    "[click me](vbscript:msgbox(1))",
    "![image](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref link][evil]\n\n[evil]: javascript:alert(1)",
    '[title](https://example.org/ "a" onmouseover="alert(1)")',
]

BROKEN_AND_NESTED = [
    '<a href="https://ok.example/"<script>alert(1)</script>',
    '<img src="x',
    "<div><p><b>never closed",
    "</div></div></main></body></html>",
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<?xml version="1.0"?><script>alert(1)</script>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<style><img src=x onerror=alert(1)></style>",
    "<textarea><script>alert(1)</script></textarea>",
    "<template><script>alert(1)</script></template>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<table><td><img src=x onerror=alert(1)></td></table>",
    "<select><option><img src=x onerror=alert(1)></option></select>",
    "<a><a><a><a>nested anchors</a></a></a></a>",
    "<div>" * 600 + "deep" + "</div>" * 3,
    "<b><i><u>" * 400,
    "<p>unbalanced</b></i></p></div>",
    "[caption]<img src=x onerror=alert(1)>[/caption]",
    '[caption caption="<script>alert(1)</script>"]<img src="https://ok.example/a.png">'
    "[/caption]",
    '[gallery ids="1" onload="alert(1)"]',
    "<pre><script>alert(1)</script></pre>",
    "```\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
]

UNICODE = [
    "\u202egnp.exe",
    "Reader \u202eevil\u202c name",
    "jav\u200bascript:alert(1)",
    "\ufeff<script>alert(1)</script>",
    "\u200d\u200c\u2060 zero widths \u200b",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\u2028<script>alert(1)</script>\u2029",
    "раураl.com and аррӏе.com",
    "e\u0301\u0301\u0301\u0301 combining" + "\u0301" * 200,
    "\U0001f600" * 500,
    "\u0000 leading null",
    "trailing null \x00",
    "\x01\x02\x1b[31mcontrol\x07 characters\x7f",
    "line\r\nSet-Cookie: injected=1",
    "%0d%0aLocation:%20//evil.example",
    "\ud7ff\ue000\uffff edges of the BMP",
]

LONG = [
    "A" * 100_000,
    "word " * 20_000,
    "<b>" * 25_000,
    "https://example.org/" + "a" * 100_000,
]

SQL = [
    "' OR '1'='1",
    "'; DROP TABLE comments_comment; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "1' UNION SELECT username, password FROM accounts_user --",
    "%",
    "_",
    "\\",
    "\\'",
    "$$",
    "'||(SELECT version())||'",
    "1 AND 1=CONVERT(int, @@version)",
]

TEMPLATES = [
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "{{ request.session }}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
]

ALL = [
    *SCRIPT_TAGS,
    *EVENT_HANDLERS,
    *URLS,
    *BROKEN_AND_NESTED,
    *UNICODE,
    *LONG,
    *SQL,
    *TEMPLATES,
]

# The shorter ones, for fields with a length limit and for slower round trips.
SHORT = [payload for payload in ALL if len(payload) <= 300]


def payload_id(payload: str) -> str:
    """A readable, unique-enough test id."""
    text = payload.encode("unicode_escape").decode("ascii")
    if len(text) > 40:
        text = f"{text[:30]}...len{len(payload)}"
    return text


# --- What must never be in our output ----------------------------------------

_DANGEROUS_SCHEME = re.compile(r"^(?:javascript|vbscript|data):", re.IGNORECASE)
# Browsers drop these anywhere in a URL's scheme, and C0 controls and spaces
# around it.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "xlink:href",
    "srcset",
    "cite",
    "longdesc",
    "manifest",
    "ping",
}
FORBIDDEN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "style",
    "svg",
    "math",
    "template",
    "noscript",
}


def dangerous_url(value: str) -> bool:
    """Whether a browser would treat `value` as a script (or data) URL."""
    return bool(_DANGEROUS_SCHEME.match(_IGNORED_IN_SCHEME.sub("", value)))


class ActiveContentFinder(HTMLParser):
    """Collects everything in a page that could run script or restyle the page."""

    def __init__(self, host: str = "testserver"):
        super().__init__(convert_charrefs=True)
        self.host = host
        self.problems: list[str] = []
        self._in_json_ld = False
        self._json_ld: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        values = dict(attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            kind = (values.get("type") or "").lower()
            if kind == "application/ld+json":
                self._in_json_ld = True
                self._json_ld.append("")
            elif not values.get("src"):
                self.problems.append("inline <script>")
            elif urlsplit(values["src"]).netloc not in ("", self.host):
                self.problems.append(f"script from elsewhere: {values['src']!r}")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> attribute")
            # An image address never runs: browsers load no script from <img src>
            # (and the policy's img-src allows no javascript: either).
            image = tag == "img" and name == "src"
            if name in URL_ATTRIBUTES and dangerous_url(value) and not image:
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            if name in ("action", "formaction"):
                netloc = urlsplit(value.strip()).netloc
                if netloc not in ("", self.host):
                    self.problems.append(f"form posting elsewhere: {value[:60]!r}")

    def handle_data(self, data):
        if self._in_json_ld:
            self._json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def close(self):
        super().close()
        for block in self._json_ld:
            try:
                json.loads(block)
            except ValueError:
                self.problems.append(f"JSON-LD block is not JSON: {block[:80]!r}")


def active_content(page: str, host: str = "testserver") -> list[str]:
    """The problems found in an HTML page (empty when the page is inert)."""
    finder = ActiveContentFinder(host)
    finder.feed(page)
    finder.close()
    return finder.problems


def assert_inert(
    response_or_html, host: str = "testserver", *, allow=(), status_below: int = 500
) -> str:
    """The page as text, after checking no reader input became active content.

    `allow` lists problems that are expected here (the admin draws icons in <svg>).
    """
    if isinstance(response_or_html, str):
        page = response_or_html
    else:
        status = response_or_html.status_code
        assert status < status_below, status
        page = response_or_html.content.decode()
    problems = [p for p in active_content(page, host) if p not in allow]
    assert not problems, problems
    return page


def shown_escaped(payload: str) -> str:
    """How a payload reads in a page when it is shown as text."""
    return html.escape(payload, quote=False)
