"""The scores and comments of the preliminary evaluation as an XLSX workbook.

Headers are bilingual (Chinese, then English), so one file serves the secretariat and the
committee whatever their language. Two sheets: the ranking per category, and every submitted
review with its criterion scores, confidence and comment.
"""

from io import BytesIO

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from core.spreadsheets import append_as_text
from submissions.states import Channel, NominationState

from .queries import EditionRanking

RANKING_HEADERS = [
    ("类别", "Category"),
    ("排名", "Rank"),
    ("编号", "Number"),
    ("技术名称（中文）", "Title (Chinese)"),
    ("技术名称（英文）", "Title (English)"),
    ("申报渠道", "Channel"),
    ("状态", "State"),
    ("已提交评审数", "Reviews submitted"),
    ("分配评审数", "Reviews assigned"),
    ("加权平均分", "Weighted mean"),
    ("中位数", "Median"),
    ("离散度（标准差）", "Spread (std. dev.)"),
    ("校准分（参考）", "Calibrated (advisory)"),
]

REVIEW_FIXED_HEADERS = [
    ("类别", "Category"),
    ("编号", "Number"),
    ("技术名称（中文）", "Title (Chinese)"),
    ("技术名称（英文）", "Title (English)"),
    ("专家（中文）", "Expert (Chinese)"),
    ("专家（英文）", "Expert (English)"),
]


def _header(pair: tuple[str, str]) -> str:
    return f"{pair[0]}\n{pair[1]}"


def _both(choices, value) -> str:
    """A choice's label in Chinese and English, e.g. "评审中 In review"."""
    label = choices(value).label
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return f"{zh} {en}" if zh != en else en


def _round(value):
    return None if value is None else round(value, 3)


def ranking_workbook(data: EditionRanking) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "排名 Ranking"
    sheet.append([_header(h) for h in RANKING_HEADERS])
    nominations = {}
    for section in data.categories:
        category = section.category
        for row in section.rows:
            nomination = row.nomination
            nominations[nomination.pk] = (category, nomination)
            score = row.score
            # Titles come from nominators: text, never a formula (core/spreadsheets.py).
            append_as_text(
                sheet,
                [
                    f"{category.name_zh} {category.name_en}",
                    row.rank,
                    nomination.code,
                    nomination.title_zh,
                    nomination.title_en,
                    _both(Channel, nomination.channel),
                    _both(NominationState, nomination.state),
                    row.submitted,
                    row.assigned,
                    _round(score.mean) if score else None,
                    _round(score.median) if score else None,
                    _round(score.spread) if score else None,
                    _round(score.calibrated) if score else None,
                ],
            )

    reviews_sheet = workbook.create_sheet("评审意见 Reviews")
    criteria_by_category = {s.category.pk: s.criteria for s in data.categories}
    all_criteria = [c for s in data.categories for c in s.criteria]
    reviews_sheet.append(
        [_header(h) for h in REVIEW_FIXED_HEADERS]
        + [f"{c.name_zh}\n{c.name_en}" for c in all_criteria]
        + [
            _header(("加权总分", "Weighted total")),
            _header(("把握程度", "Confidence")),
            _header(("评审意见", "Comment")),
            _header(("提交时间（北京时间）", "Submitted (Beijing time)")),
        ]
    )
    ordered = sorted(
        (r for r in data.reviews if r.nomination_id in nominations),
        key=lambda r: (nominations[r.nomination_id][1].code, r.expert.name_en),
    )
    for review_row in ordered:
        category, nomination = nominations[review_row.nomination_id]
        scores = {s.criterion_id: s.score for s in review_row.review.scores.all()}
        own = {c.pk for c in criteria_by_category.get(category.pk, [])}
        submitted_at = review_row.review.submitted_at
        # Comments come from experts: text, never a formula.
        append_as_text(
            reviews_sheet,
            [
                f"{category.name_zh} {category.name_en}",
                nomination.code,
                nomination.title_zh,
                nomination.title_en,
                review_row.expert.name_zh,
                review_row.expert.name_en,
            ]
            + [scores.get(c.pk) if c.pk in own else None for c in all_criteria]
            + [
                _round(review_row.total),
                review_row.review.confidence,
                review_row.review.comment,
                timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M")
                if submitted_at
                else None,
            ],
        )

    for ws in (sheet, reviews_sheet):
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        for column in ws.columns:
            letter = column[0].column_letter
            ws.column_dimensions[letter].width = 18
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
