# ruff: noqa: E501 - bilingual anchor tables read best one pair a line.
"""The standard criteria of the preliminary evaluation, per category, with anchored scales.

Starting values only: `scoring.services.ensure_default_criteria` copies them into an
edition, whose organisers may then change the weights. The anchors describe what a score in
each band means, so that two experts who agree on an entry also agree on its number.
"""

from dataclasses import dataclass

# Score bands of the 1–10 scale, each described by an anchor at its lowest point: the anchor
# "3" describes 3–4, and so on (Criterion.anchors is keyed by point of the scale).
BAND_STARTS = (1, 3, 5, 7, 9)


@dataclass(frozen=True)
class CriterionDefaults:
    code: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    # One (zh, en) pair per band, lowest first.
    anchors: tuple[tuple[str, str], ...]

    def anchors_json(self) -> dict[str, dict[str, str]]:
        """The anchors as Criterion.anchors stores them: {"1": {"zh": …, "en": …}, "3": …}."""
        return {
            str(start): {"zh": zh, "en": en}
            for start, (zh, en) in zip(BAND_STARTS, self.anchors, strict=True)
        }


CUTTING_EDGE = (
    CriterionDefaults(
        code="forward_looking",
        name_zh="前瞻性",
        name_en="Forward-looking",
        description_zh="技术方向是否面向未来，是否具有长远的战略意义。",
        description_en="Whether the direction looks ahead and has long-term strategic significance.",
        anchors=(
            ("跟随现有方向，缺乏前瞻判断。", "Follows existing directions; no view ahead."),
            ("有一定新意，但方向已较为普遍。", "Some novelty, but the direction is common."),
            ("方向明确，具有中期意义。", "A clear direction of medium-term significance."),
            (
                "面向未来的重要方向，战略意义突出。",
                "An important direction with clear strategic value.",
            ),
            (
                "定义未来技术方向，具有全局性战略意义。",
                "Defines a future direction of global strategic significance.",
            ),
        ),
    ),
    CriterionDefaults(
        code="leading",
        name_zh="引领性",
        name_en="Leading",
        description_zh="在基础研究或前沿研究中是否处于领先地位。",
        description_en="Whether the work leads in basic or frontier research.",
        anchors=(
            ("研究基础薄弱，明显落后于同行。", "A weak research base, clearly behind peers."),
            ("与同行水平相当，尚无领先之处。", "On a par with peers, not yet ahead anywhere."),
            ("在部分方面处于国内先进水平。", "Advanced in China in some respects."),
            (
                "整体处于国际先进水平，有代表性成果。",
                "Internationally advanced, with representative results.",
            ),
            ("国际领先，被同行广泛跟随。", "World-leading and widely followed by peers."),
        ),
    ),
    CriterionDefaults(
        code="disruptive",
        name_zh="颠覆性",
        name_en="Disruptive",
        description_zh="是否有望改变现有技术路线或产业格局。",
        description_en="Whether it is likely to change today's technical routes or the industry.",
        anchors=(
            ("对现有技术的微小改进。", "A small improvement of existing technology."),
            ("渐进式改进，影响有限。", "An incremental improvement of limited effect."),
            ("可明显改变某一环节的技术方案。", "Could clearly change the solution of one link."),
            ("可能改变一条技术路线。", "Could change a technical route."),
            ("可能重塑产业格局。", "Could reshape the industry."),
        ),
    ),
    CriterionDefaults(
        code="prospects",
        name_zh="发展前景",
        name_en="Development prospects",
        description_zh="主要处于基础研究阶段，预计 5—10 年内实现产品化的可能性与前景。",
        description_en=(
            "Mainly at the basic-research stage: how likely and how promising productisation "
            "within 5 to 10 years is."
        ),
        anchors=(
            ("产品化路径不清，前景渺茫。", "No path to a product; poor prospects."),
            ("存在重大未解难题，前景不明。", "Major open problems; unclear prospects."),
            ("路径基本清晰，仍有较大不确定性。", "A fairly clear path with real uncertainty."),
            (
                "路径清晰，预计 5—10 年内可实现产品化。",
                "A clear path to a product within 5 to 10 years.",
            ),
            (
                "路径清晰且已有验证，产业化前景广阔。",
                "A clear, validated path with wide industrial prospects.",
            ),
        ),
    ),
)

INNOVATIVE = (
    CriterionDefaults(
        code="innovation",
        name_zh="创新性",
        name_en="Innovation",
        description_zh="在原理、结构、工艺或应用方式上是否有实质性创新。",
        description_en="Whether it is a substantive advance in principle, structure, process or use.",
        anchors=(
            ("无实质性创新。", "No substantive innovation."),
            ("局部改进，创新程度有限。", "Local improvements of limited novelty."),
            ("有明确的创新点。", "Clear points of innovation."),
            (
                "创新点突出，具有自主知识产权。",
                "Outstanding innovation with its own intellectual property.",
            ),
            ("原创性突破。", "An original breakthrough."),
        ),
    ),
    CriterionDefaults(
        code="advancedness",
        name_zh="先进性",
        name_en="Advancedness",
        description_zh="与国内外同类技术相比，主要技术指标是否处于先进水平。",
        description_en="Whether its key indicators lead comparable technologies in China and abroad.",
        anchors=(
            ("主要指标低于同类技术。", "Key indicators below comparable technologies."),
            ("主要指标与同类技术相当。", "Key indicators on a par with comparable ones."),
            ("部分指标国内领先。", "Some indicators lead in China."),
            ("主要指标国际先进。", "Key indicators internationally advanced."),
            ("主要指标国际领先。", "Key indicators world-leading."),
        ),
    ),
    CriterionDefaults(
        code="importance",
        name_zh="重要性",
        name_en="Importance",
        description_zh="是否突破产业发展的瓶颈，对行业是否具有重要带动作用。",
        description_en="Whether it breaks a bottleneck of the industry and drives it forward.",
        anchors=(
            ("与产业瓶颈无关。", "Unrelated to the industry's bottlenecks."),
            ("对次要问题有所改善。", "Improves a secondary problem."),
            ("缓解一个重要问题。", "Eases an important problem."),
            ("突破一个关键瓶颈。", "Breaks a key bottleneck."),
            (
                "突破“卡脖子”难题，带动全行业发展。",
                "Removes a choke point and drives the whole industry.",
            ),
        ),
    ),
    CriterionDefaults(
        code="potential",
        name_zh="发展潜力",
        name_en="Potential",
        description_zh="已实现应用或量产，推广应用的前景与潜力。",
        description_en="Already applied or in mass production: the room it has to spread.",
        anchors=(
            ("应用前景不明。", "Unclear prospects of use."),
            ("仅在小范围内适用。", "Useful only in a narrow niche."),
            ("已有应用，推广空间一般。", "In use, with moderate room to spread."),
            ("已规模应用，推广前景良好。", "Applied at scale, with good room to spread."),
            (
                "已大规模量产，可在全行业推广。",
                "In mass production and ready for the whole industry.",
            ),
        ),
    ),
)

BY_CATEGORY = {"cutting_edge": CUTTING_EDGE, "innovative": INNOVATIVE}
