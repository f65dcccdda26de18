"""The printable recommendation form: a bilingual PDF made from a nomination.

The nominator prints it, has it signed and stamped, and uploads the scan back as the
"stamped recommendation form". Every label is in both languages whatever the page language,
because the form is one document for the secretariat.

Fonts: the CJK glyphs must render on a machine with no Chinese fonts, so the PDF embeds (a
subset of) a TrueType font. We use WenQuanYi Micro Hei, vendored with its licence in
core/fonts/ (TrueType outlines, which ReportLab can subset; the Noto/Source Han OpenType fonts
have CFF outlines, which it cannot). WNEVC_PDF_FONT may name another
.ttf/.ttc. Only if no TrueType CJK font is found does it fall back to ReportLab's CID font
STSong-Light, which is NOT embedded (the reader must supply it); a warning is logged then.
"""

import io
import logging
from datetime import datetime
from html import escape
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from .models import Declaration

logger = logging.getLogger(__name__)

FONT_NAME = "WNEVC-CJK"
FALLBACK_FONT = "STSong-Light"
TITLE_ZH = "全球新能源汽车前沿及创新技术推荐表"
TITLE_EN = "Recommendation Form"
SUBTITLE_EN = "Global NEVs Cutting-edge & Innovative Technologies"
STAMP_LABEL = "推荐单位盖章 / Stamp of the recommending organisation"

VENDORED_FONT = Path(settings.BASE_DIR) / "core" / "fonts" / "wqy-microhei.ttc"
_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _font_candidates() -> list[Path]:
    candidates = []
    configured = getattr(settings, "WNEVC_PDF_FONT", "")
    if configured:
        candidates.append(Path(configured))
    candidates.append(VENDORED_FONT)
    candidates.extend(Path(path) for path in _SYSTEM_FONTS)
    return candidates


def register_font() -> tuple[str, bool]:
    """Register the CJK font once; return (font name, whether it is embedded)."""
    registered = pdfmetrics.getRegisteredFontNames()
    if FONT_NAME in registered:
        return FONT_NAME, True
    for path in _font_candidates():
        if not path.is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
        except Exception:
            logger.warning("Cannot use %s for the recommendation form", path, exc_info=True)
            continue
        return FONT_NAME, True
    logger.warning(
        "No TrueType CJK font found: the recommendation form uses %s, which is not embedded.",
        FALLBACK_FONT,
    )
    if FALLBACK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT, False


def _both(label) -> str:
    """A lazily translated label in Chinese and English: '草稿 / Draft'."""
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return zh if zh == en else f"{zh} / {en}"


def _choice(obj, field: str) -> str:
    """The label of a choice field in both languages (get_FOO_display() gives only one)."""
    value = getattr(obj, field)
    if not value:
        return ""
    labels = dict(obj._meta.get_field(field).flatchoices)
    return _both(labels.get(value, value))


def _pair(zh: str, en: str) -> str:
    zh, en = (zh or "").strip(), (en or "").strip()
    if zh and en and zh != en:
        return f"{zh} / {en}"
    return zh or en


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") + " (UTC+8)"


class _Styles:
    def __init__(self, font: str):
        base = {"fontName": font, "leading": 14, "fontSize": 9.5}
        self.title = ParagraphStyle(
            "title", fontName=font, fontSize=17, leading=23, alignment=TA_CENTER
        )
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=font, fontSize=11.5, leading=16, alignment=TA_CENTER
        )
        self.section = ParagraphStyle(
            "section",
            fontName=font,
            fontSize=11,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            textColor=colors.HexColor("#0b4f6c"),
        )
        self.label = ParagraphStyle("label", wordWrap="CJK", textColor=colors.black, **base)
        # CJK wrapping breaks between any two characters; Latin words still wrap at spaces.
        self.value = ParagraphStyle("value", wordWrap="CJK", **base)
        self.small = ParagraphStyle("small", fontName=font, fontSize=8, leading=11)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "—").replace("\n", "<br/>"), style)


def _field_table(rows, styles: _Styles, widths=(42 * mm, 128 * mm)) -> Table:
    data = [[_p(label, styles.label), _p(value, styles.value)] for label, value in rows]
    table = Table(data, colWidths=list(widths), hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#7a8a99")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef3f7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), styles.value.fontName),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _list_table(header, rows, styles: _Styles, widths) -> Table:
    data = [[_p(cell, styles.label) for cell in header]]
    data += [[_p(cell, styles.value) for cell in row] for row in rows] or [
        [_p("—", styles.value)] + [_p("", styles.value)] * (len(header) - 1)
    ]
    table = Table(data, colWidths=list(widths), hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#7a8a99")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f7")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), styles.value.fontName),
            ]
        )
    )
    return table


def _stamp_box(styles: _Styles) -> Table:
    left = [
        _p(STAMP_LABEL, styles.label),
        Spacer(1, 34 * mm),
        _p("日期 / Date: ________ 年 (Y) ____ 月 (M) ____ 日 (D)", styles.value),
    ]
    right = [
        _p("负责人签字 / Signature of the person in charge", styles.label),
        Spacer(1, 34 * mm),
        _p("日期 / Date: ________ 年 (Y) ____ 月 (M) ____ 日 (D)", styles.value),
    ]
    table = Table([[left, right]], colWidths=[95 * mm, 75 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), styles.value.fontName),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _story(nomination, styles: _Styles) -> list:
    edition = nomination.edition
    organisation = nomination.organisation
    category = nomination.category
    story = [
        Paragraph(TITLE_ZH, styles.title),
        Paragraph(f"{TITLE_EN} · {SUBTITLE_EN}", styles.subtitle),
        Spacer(1, 2 * mm),
        Paragraph(escape(_pair(edition.name_zh, edition.name_en)), styles.subtitle),
        Spacer(1, 4 * mm),
    ]

    story.append(Paragraph("一、基本信息 / 1. General information", styles.section))
    story.append(
        _field_table(
            [
                ("推荐编号 / Nomination number", nomination.code),
                ("技术类别 / Category", _pair(category.name_zh, category.name_en)),
                (
                    "技术方向 / Technical direction",
                    _pair(nomination.direction.name_zh, nomination.direction.name_en)
                    if nomination.direction
                    else "",
                ),
                ("推荐渠道 / Channel", _choice(nomination, "channel")),
                ("技术名称（中文） / Title (Chinese)", nomination.title_zh),
                ("技术名称（英文） / Title (English)", nomination.title_en),
                ("技术成熟度 / Technology readiness (TRL)", str(nomination.trl or "")),
                (
                    "应用状态 / Application status",
                    _choice(nomination, "application_status"),
                ),
            ],
            styles,
        )
    )

    story.append(Paragraph("二、技术摘要 / 2. Summary", styles.section))
    story.append(
        _field_table(
            [
                ("摘要（中文） / Summary (Chinese)", nomination.summary_zh),
                ("摘要（英文） / Summary (English)", nomination.summary_en),
            ],
            styles,
        )
    )

    story.append(Paragraph("三、申报单位 / 3. Nominating organisation", styles.section))
    story.append(
        _field_table(
            [
                ("单位名称 / Name", _pair(organisation.name_zh, organisation.name_en)),
                ("单位性质 / Kind", _choice(organisation, "kind")),
                ("国家或地区 / Country or region", organisation.country),
                ("通讯地址 / Address", organisation.address),
                (
                    "联系人 / Contact",
                    " · ".join(
                        part
                        for part in (
                            organisation.contact_name,
                            organisation.contact_phone,
                            organisation.contact_email,
                        )
                        if part
                    ),
                ),
            ],
            styles,
        )
    )

    story.append(Paragraph("四、完成单位 / 4. Completing organisations", styles.section))
    story.append(
        _list_table(
            ["序号 / No.", "单位名称 / Name"],
            [
                [str(index), _pair(item.name_zh, item.name_en)]
                for index, item in enumerate(nomination.completing_organisations.all(), 1)
            ],
            styles,
            (20 * mm, 150 * mm),
        )
    )

    story.append(Paragraph("五、主要完成人 / 5. Key people", styles.section))
    story.append(
        _list_table(
            ["序号 / No.", "姓名 / Name", "工作单位 / Organisation", "主要贡献 / Role"],
            [
                [str(index), person.name, person.organisation_name, person.role]
                for index, person in enumerate(nomination.key_people.all(), 1)
            ],
            styles,
            (20 * mm, 35 * mm, 60 * mm, 55 * mm),
        )
    )

    story.append(Paragraph("六、知识产权 / 6. Patents", styles.section))
    story.append(
        _list_table(
            ["序号 / No.", "专利号 / Number", "名称 / Title", "状态 / Status"],
            [
                [str(index), patent.number, patent.title, _choice(patent, "status")]
                for index, patent in enumerate(nomination.patents.all(), 1)
            ],
            styles,
            (20 * mm, 40 * mm, 80 * mm, 30 * mm),
        )
    )

    story.append(Paragraph("七、声明 / 7. Declarations", styles.section))
    made = {declaration.kind: declaration for declaration in nomination.declarations.all()}
    rows = []
    for kind in Declaration.Kind:
        declaration = made.get(kind.value)
        if declaration is None:
            when = "未确认 / Not confirmed"
        else:
            when = f"已确认 / Confirmed {_local(declaration.made_at)}"
            if declaration.made_by:
                when += f" · {declaration.made_by}"
        rows.append([_both(kind.label), when])
    story.append(
        _list_table(
            ["声明内容 / Declaration", "确认 / Confirmed"], rows, styles, (110 * mm, 60 * mm)
        )
    )

    story.append(Spacer(1, 6 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph("八、推荐单位意见 / 8. Endorsement", styles.section),
                _p(
                    "本单位对所填内容的真实性负责，同意推荐。 / We vouch for the information "
                    "above and endorse this nomination.",
                    styles.value,
                ),
                Spacer(1, 3 * mm),
                _stamp_box(styles),
            ]
        )
    )
    return story


def recommendation_form_pdf(nomination, *, generated_at: datetime | None = None) -> bytes:
    """The recommendation form of one nomination as PDF bytes (a few pages, held in memory)."""
    font, _embedded = register_font()
    styles = _Styles(font)
    generated = _local(generated_at or timezone.now())
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{TITLE_ZH} / {TITLE_EN} {nomination.code}",
        author="WNEVC",
        # Otherwise every page also names Helvetica (unembedded) as the canvas's first font.
        initialFontName=font,
        subject=_pair(nomination.title_zh, nomination.title_en),
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(20 * mm, 10 * mm, f"{nomination.code} · 生成于 / generated {generated}")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"第 {doc.page} 页 / Page {doc.page}")
        canvas.restoreState()

    document.build(_story(nomination, styles), onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
