"""Does a page read in one language? Checks on the visible text of its <main> element.

A Chinese page must not contain a run of four or more English words (an untranslated sentence),
and an English page must not contain Chinese characters, apart from allowlisted proper names.
Only <main> is checked: the header (with the language switcher, which names the other
language) and the footer are shared chrome. Scripts, styles and templates are skipped; the
attributes a person reads or hears (alt, title, aria-label, placeholder) count as text.

    from tests.i18n_checks import assert_main_is_chinese, assert_main_is_english

    assert_main_is_chinese(client.get("/zh-hans/calendar/"))
    assert_main_is_english(response, allow=["王建华"])   # a name entered only in Chinese
"""

import re
from html.parser import HTMLParser

# Proper names and codes that stay in Latin letters on a Chinese page.
ENGLISH_ALLOWLIST = (
    "WNEVC",
    "NEVs",
    "TRL",
    "UTC+8",
    "Asia/Shanghai",
    "PDF",
    "JPG",
    "PNG",
    "MP4",
    "ZIP",
    "TOTP",
    "SHA-256",
)
# Chinese that may appear on an English page (none by default).
CJK_ALLOWLIST: tuple[str, ...] = ()

# Elements whose boundaries separate text: a word in one cell and a word in the next are not a
# sentence. Inline elements (a, strong, span, ...) do not break a sentence.
BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "button",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "label",
        "legend",
        "li",
        "main",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript"})
SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

WORD = r"[A-Za-z][A-Za-z0-9'’\-]*"
# Words separated by spaces, optionally with ASCII punctuation: "Fill in the form, then".
ENGLISH_RUN = re.compile(rf"{WORD}(?:[,.;:!?&()\"'/\-]*[ \t]+[(\"']?{WORD}){{3,}}")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+")


class _MainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 while inside <main>
        self.skip = 0  # > 0 while inside <script>/<style>/...
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if self.depth and tag in SKIPPED_TAGS:
            self.skip += 1
        if self.depth and not self.skip:
            if tag in BLOCK_TAGS:
                self.parts.append("\n")
            for name, value in attrs:
                if name in SPOKEN_ATTRIBUTES and value:
                    self.parts.append(f"\n{value}\n")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.depth and tag in SKIPPED_TAGS and self.skip:
            self.skip -= 1
            return
        if self.depth and not self.skip and tag in BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "main" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            # Source line breaks inside a sentence are just spaces.
            self.parts.append(re.sub(r"\s+", " ", data))


def _html(page) -> str:
    """Accept a Django test response or an HTML string."""
    if hasattr(page, "content"):
        return page.content.decode(getattr(page, "charset", None) or "utf-8")
    return page


def main_text(page) -> str:
    """The visible text of the page's <main> element, one line per block."""
    parser = _MainText()
    parser.feed(_html(page))
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _remove(text: str, allow) -> str:
    text = EMAIL_OR_URL.sub(" ", text)
    # Longest first, so "Global NEVs ..." goes before "NEVs".
    for phrase in sorted(allow, key=len, reverse=True):
        text = text.replace(phrase, " ")
    return text


def english_runs(text: str, allow=()) -> list[str]:
    """Runs of four or more English words in text, once allowlisted phrases are removed."""
    cleaned = _remove(text, (*ENGLISH_ALLOWLIST, *allow))
    return [match.group(0) for match in ENGLISH_RUN.finditer(cleaned)]


def cjk_snippets(text: str, allow=()) -> list[str]:
    """Chinese characters (with a little context) in text, once allowlisted phrases are removed."""
    cleaned = _remove(text, (*CJK_ALLOWLIST, *allow))
    return [
        cleaned[max(0, m.start() - 15) : m.end() + 15].replace("\n", " ")
        for m in CJK.finditer(cleaned)
    ]


def assert_main_is_chinese(page, allow=()) -> None:
    text = main_text(page)
    assert CJK.search(text), f"<main> has no Chinese text at all:\n{text[:500]}"
    runs = english_runs(text, allow)
    assert not runs, "English left in a Chinese page's <main>:\n" + "\n".join(
        f"  - {run!r}" for run in runs
    )


def assert_main_is_english(page, allow=()) -> None:
    text = main_text(page)
    assert re.search(r"[A-Za-z]{2,}", text), f"<main> has no English text at all:\n{text[:500]}"
    snippets = cjk_snippets(text, allow)
    assert not snippets, "Chinese left in an English page's <main>:\n" + "\n".join(
        f"  - {snippet!r}" for snippet in snippets
    )
