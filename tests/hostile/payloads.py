"""Hostile text: markup, script and a formula, in both languages."""

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
BOLD = "<b>粗体</b>"
FORMULA = '=HYPERLINK("http://evil.example","点击")'

# What must never appear raw in a page that shows the text, and what shows that it was escaped
# rather than dropped.
RAW = (SCRIPT, "<img src=x", BOLD)
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;")


def hostile(label: str) -> str:
    """A field's worth of hostile text that still says which field it came from."""
    return f"{label} {SCRIPT} {IMG} {BOLD}"


def assert_escaped(html: str, label: str) -> None:
    assert label in html, f"{label} is not on the page"
    for raw in RAW:
        assert raw not in html, f"raw {raw!r} on the page"
    for escaped in ESCAPED:
        assert escaped in html


def close_file(response) -> None:
    """Finish a download. Reading it to the end lets the test client close it the way a server
    would; response.close() called here would also fire request_finished, which closes the
    database connection in the middle of the test."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
