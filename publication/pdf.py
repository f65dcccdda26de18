"""The results book and the winners' certificates: bilingual PDFs made with ReportLab.

Both embed the CJK TrueType font that the recommendation form uses (submissions.pdf
.register_font), so the Chinese renders on a machine with no Chinese fonts. Every text is in
both languages whatever the page language: one document for everyone.
"""

import io
from html import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Frame,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from submissions.pdf import register_font

NAVY = colors.HexColor("#0b4f6c")
GOLD = colors.HexColor("#b08d3c")
LIGHT = colors.HexColor("#eef3f7")
GREY = colors.HexColor("#5b6b79")

CONGRESS_ZH = "世界新能源汽车大会"
CONGRESS_EN = "World New Energy Vehicle Congress"
SELECTION_ZH = "全球新能源汽车前沿及创新技术"
SELECTION_EN = "Global NEVs Cutting-edge & Innovative Technologies"
COMMITTEE_ZH = "世界新能源汽车大会科学技术委员会"
COMMITTEE_EN = "WNEVC Science and Technology Committee"
NOMINATION_ZH = "世界新能源汽车大会科技委员会提名"
NOMINATION_EN = "WNEVC S&T Committee Nomination"


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _date_pair(moment) -> tuple[str, str]:
    local = timezone.localtime(moment or timezone.now())
    return f"{local.year}年{local.month}月{local.day}日", local.strftime("%d %B %Y")


class _Styles:
    def __init__(self, font: str):
        self.font = font
        self.cover_zh = ParagraphStyle(
            "cover_zh",
            fontName=font,
            fontSize=24,
            leading=34,
            alignment=TA_CENTER,
            textColor=NAVY,
        )
        self.cover_en = ParagraphStyle(
            "cover_en",
            fontName=font,
            fontSize=15,
            leading=21,
            alignment=TA_CENTER,
            textColor=NAVY,
        )
        self.centre = ParagraphStyle(
            "centre", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER
        )
        self.section = ParagraphStyle(
            "section",
            fontName=font,
            fontSize=15,
            leading=21,
            spaceBefore=6,
            spaceAfter=6,
            textColor=NAVY,
        )
        self.subsection = ParagraphStyle(
            "subsection",
            fontName=font,
            fontSize=11.5,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            textColor=GOLD,
        )
        self.title_zh = ParagraphStyle(
            "title_zh", fontName=font, fontSize=11.5, leading=16, wordWrap="CJK"
        )
        self.title_en = ParagraphStyle(
            "title_en", fontName=font, fontSize=10, leading=14, textColor=NAVY
        )
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
        self.meta = ParagraphStyle(
            "meta", fontName=font, fontSize=8.5, leading=12, textColor=GREY, wordWrap="CJK"
        )


def _entry_block(number: int, nomination, styles: _Styles, *, winner: bool) -> KeepTogether:
    organisation = nomination.organisation
    direction = nomination.direction
    meta = [
        f"{nomination.code}",
        f"{organisation.name_zh} / {organisation.name_en}" if organisation else "",
        f"{direction.name_zh} / {direction.name_en}" if direction else "",
    ]
    if not winner:
        meta.append(f"{NOMINATION_ZH} / {NOMINATION_EN}")
    cells = [
        _p(f"{number}. {nomination.title_zh}", styles.title_zh),
        _p(nomination.title_en, styles.title_en),
        _p(" · ".join(part for part in meta if part), styles.meta),
    ]
    if winner:
        cells += [_p(nomination.summary_zh, styles.body), _p(nomination.summary_en, styles.body)]
    table = Table([[cells]], colWidths=[170 * mm])
    table.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 2.5, GOLD if winner else LIGHT),
                ("BACKGROUND", (0, 0), (-1, -1), colors.white),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, 3 * mm)])


def _note(label_zh: str, label_en: str, text: str, styles: _Styles) -> Table:
    """A framed note under an entry or a heading: what an objection or a decision changed."""
    cells = [_p(f"{label_zh} / {label_en}", styles.meta)]
    if text:
        cells.append(_p(text, styles.body))
    table = Table([[cells]], colWidths=[170 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def results_book_pdf(edition, results, publication, place_decisions=()) -> bytes:
    """All winners (with their summaries) and the other finalists, per category.

    Like the results page and the open data, the book also shows what the objections and the
    committee changed: a winner kept after an upheld objection (with the reasons), the winners
    removed (with the reasons), and the places left vacant (with the committee's reasons).
    `place_decisions` are `publication.services.place_decisions_data` rows.
    """
    font, _embedded = register_font()
    styles = _Styles(font)
    published_zh, published_en = _date_pair(publication.published_at)
    story = [
        Spacer(1, 45 * mm),
        _p(CONGRESS_ZH, styles.centre),
        _p(CONGRESS_EN, styles.centre),
        Spacer(1, 12 * mm),
        _p(f"{edition.year}年{SELECTION_ZH}", styles.cover_zh),
        _p("评选结果", styles.cover_zh),
        Spacer(1, 6 * mm),
        _p(f"{edition.year} {SELECTION_EN}", styles.cover_en),
        _p("Results of the Selection", styles.cover_en),
        Spacer(1, 30 * mm),
        _p(f"{COMMITTEE_ZH} · {published_zh}发布", styles.centre),
        _p(f"{COMMITTEE_EN} · published {published_en}", styles.centre),
        PageBreak(),
    ]
    for entry in results:
        category = entry.category
        story.append(_p(f"{category.name_zh} / {category.name_en}", styles.section))
        story.append(
            _p(
                f"入选技术（{len(entry.winners)}项） / "
                f"Selected technologies ({len(entry.winners)})",
                styles.subsection,
            )
        )
        kept = dict(entry.kept)
        for number, nomination in enumerate(entry.winners, 1):
            story.append(_entry_block(number, nomination, styles, winner=True))
            if nomination in kept:
                story.append(
                    KeepTogether(
                        [
                            _note(
                                "异议成立但仍保留入选，理由",
                                "Stays a winner despite an upheld objection; reasons",
                                kept[nomination],
                                styles,
                            ),
                            Spacer(1, 3 * mm),
                        ]
                    )
                )
        if entry.vacant:
            reasons = [
                d["reason"]
                for d in place_decisions
                if d["category"] == category.code and d["decision"] == "vacant" and d["reason"]
            ]
            story.append(
                _p(
                    f"空缺名额（{entry.vacant}个） / Vacant places ({entry.vacant})",
                    styles.subsection,
                )
            )
            story.append(
                _note(
                    f"{category.winners_quota} 个名额中有 {entry.vacant} 个空缺",
                    f"{entry.vacant} of {category.winners_quota} places left vacant",
                    "\n".join(reasons),
                    styles,
                )
            )
        if entry.removals:
            story.append(
                _p(
                    f"因异议成立而撤销（{len(entry.removals)}项） / "
                    f"Removed after an upheld objection ({len(entry.removals)})",
                    styles.subsection,
                )
            )
            for number, (nomination, reasons) in enumerate(entry.removals, 1):
                story.append(_entry_block(number, nomination, styles, winner=False))
                story.append(_note("撤销理由", "Reasons for the removal", reasons, styles))
                story.append(Spacer(1, 3 * mm))
        # A removed winner is listed above with its reasons, not as an ordinary finalist.
        removed = set(entry.removed)
        finalists = [n for n in entry.finalists if n not in removed]
        if finalists:
            story.append(
                _p(
                    f"{NOMINATION_ZH}（{len(finalists)}项） / {NOMINATION_EN} ({len(finalists)})",
                    styles.subsection,
                )
            )
            for number, nomination in enumerate(finalists, 1):
                story.append(_entry_block(number, nomination, styles, winner=False))
        story.append(PageBreak())
    if story and isinstance(story[-1], PageBreak):
        story.pop()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"{edition.year} {SELECTION_ZH}评选结果 / {SELECTION_EN}: Results",
        author=COMMITTEE_EN,
        initialFontName=font,
    )

    def footer(canvas, doc):
        if doc.page == 1:
            return
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(20 * mm, 10 * mm, f"{edition.year} {SELECTION_ZH} · {SELECTION_EN}")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"第 {doc.page} 页 / Page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def certificate_pdf(nomination, publication) -> bytes:
    """One winner's certificate: A4 landscape, a double border, both languages."""
    font, _embedded = register_font()
    width, height = landscape(A4)
    edition = nomination.edition
    category = nomination.category
    organisation = nomination.organisation
    date_zh, date_en = _date_pair(publication.published_at if publication else None)
    buffer = io.BytesIO()
    from reportlab.pdfgen import canvas as pdf_canvas

    canvas = pdf_canvas.Canvas(buffer, pagesize=(width, height), initialFontName=font)
    canvas.setTitle(f"荣誉证书 / Certificate {nomination.code}")
    canvas.setAuthor(COMMITTEE_EN)
    # Borders.
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(4)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1)
    canvas.rect(16 * mm, 16 * mm, width - 32 * mm, height - 32 * mm)

    heading_zh = ParagraphStyle(
        "heading_zh",
        fontName=font,
        fontSize=34,
        leading=44,
        alignment=TA_CENTER,
        textColor=NAVY,
    )
    heading_en = ParagraphStyle(
        "heading_en",
        fontName=font,
        fontSize=16,
        leading=22,
        alignment=TA_CENTER,
        textColor=GOLD,
    )
    text = ParagraphStyle(
        "text", fontName=font, fontSize=12.5, leading=19, alignment=TA_CENTER, wordWrap="CJK"
    )
    text_en = ParagraphStyle(
        "text_en", fontName=font, fontSize=11, leading=16, alignment=TA_CENTER, textColor=GREY
    )
    title_zh = ParagraphStyle(
        "cert_title_zh",
        fontName=font,
        fontSize=19,
        leading=26,
        alignment=TA_CENTER,
        wordWrap="CJK",
    )
    title_en = ParagraphStyle(
        "cert_title_en",
        fontName=font,
        fontSize=14,
        leading=19,
        alignment=TA_CENTER,
        textColor=NAVY,
    )
    story = [
        Spacer(1, 14 * mm),
        _p("荣誉证书", heading_zh),
        _p("CERTIFICATE OF SELECTION", heading_en),
        Spacer(1, 6 * mm),
        _p(
            f"经{COMMITTEE_ZH}评选，下列技术入选{edition.year}年{SELECTION_ZH}"
            f"（{category.name_zh}），特发此证。",
            text,
        ),
        _p(
            f"Selected by the {COMMITTEE_EN} as one of the {edition.year} {SELECTION_EN} "
            f"({category.name_en}).",
            text_en,
        ),
        Spacer(1, 7 * mm),
        _p(nomination.title_zh, title_zh),
        _p(nomination.title_en, title_en),
        Spacer(1, 6 * mm),
        _p(f"{organisation.name_zh}" if organisation else "", text),
        _p(f"{organisation.name_en}" if organisation else "", text_en),
        Spacer(1, 10 * mm),
        _p(f"{COMMITTEE_ZH} · {date_zh}", text),
        _p(f"{COMMITTEE_EN} · {date_en}", text_en),
    ]
    frame = Frame(30 * mm, 24 * mm, width - 60 * mm, height - 52 * mm, showBoundary=0)
    frame.addFromList(story, canvas)
    canvas.setFont(font, 8)
    canvas.setFillColor(GREY)
    canvas.drawCentredString(width / 2, 19 * mm, f"{nomination.code}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
