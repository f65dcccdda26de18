"""A small HTML reader for tests: find elements by tag and attributes, read their text."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


class _Finder(HTMLParser):
    def __init__(self, tag, attrs):
        super().__init__(convert_charrefs=True)
        self.tag, self.wanted = tag, attrs
        self.found: list[Element] = []
        self.open: list[tuple[Element, int]] = []  # matched elements still open, with depth
        self.depth = 0

    def _matches(self, tag, attrs):
        if self.tag and tag != self.tag:
            return False
        return all(
            (attrs.get(name) is not None) if value is True else attrs.get(name) == value
            for name, value in self.wanted.items()
        )

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if self._matches(tag, attrs):
            element = Element(tag, attrs)
            self.found.append(element)
            if tag not in VOID:
                self.open.append((element, self.depth))
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        self.depth -= 1
        while self.open and self.open[-1][1] >= self.depth:
            self.open.pop()

    def handle_data(self, data):
        for element, _ in self.open:
            element.parts.append(data)


def find_all(page, tag=None, **attrs) -> list[Element]:
    """Elements of the page (a response or HTML) with this tag and these attribute values.

    Attribute names use underscores for dashes (data_testid="calendar"); True means "present".
    """
    html = page.content.decode() if hasattr(page, "content") else page
    finder = _Finder(tag, {name.replace("_", "-"): value for name, value in attrs.items()})
    finder.feed(html)
    finder.close()
    return finder.found


def find_one(page, tag=None, **attrs) -> Element:
    found = find_all(page, tag, **attrs)
    assert len(found) == 1, f"expected one <{tag or '*'} {attrs}>, found {len(found)}"
    return found[0]
