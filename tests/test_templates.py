"""The templates themselves: what Django would print instead of hiding."""

from pathlib import Path

from django.conf import settings


def _templates() -> list[Path]:
    folders = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    folders += [path / "templates" for path in Path(settings.BASE_DIR).iterdir() if path.is_dir()]
    return sorted(
        template
        for folder in folders
        if folder.is_dir() and ".venv" not in folder.parts
        for template in folder.rglob("*")
        if template.suffix in {".html", ".txt", ".subject"}
    )


def test_every_short_comment_ends_on_its_own_line():
    # Django's {# … #} holds one line only: one that runs over the line break is shown on the
    # page as text. Longer notes go in {% comment %}.
    open_ended = [
        f"{template.relative_to(settings.BASE_DIR)}:{number}"
        for template in _templates()
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]

    assert _templates(), "no templates found"
    assert open_ended == []
