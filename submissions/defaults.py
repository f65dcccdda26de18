"""The standard set-up of an edition, from the public record of past selections.

The admin offers these when an organiser creates an edition, and the demo builds on them. They
are starting values only: every edition keeps its own copy and may change any of it.
"""

from dataclasses import dataclass
from datetime import timedelta

from .stages import Stage


@dataclass(frozen=True)
class CategoryDefaults:
    code: str
    name_zh: str
    name_en: str
    criteria_zh: str
    criteria_en: str
    winners_quota: int = 8
    shortlist_size: int = 16


CATEGORIES = (
    CategoryDefaults(
        code="cutting_edge",
        name_zh="前沿技术",
        name_en="Cutting-edge Technologies",
        criteria_zh=(
            "前瞻性：面向未来的技术方向，具有长远的战略意义。\n"
            "引领性：在基础研究或前沿研究中处于领先地位。\n"
            "颠覆性：有望改变现有技术路线或产业格局。\n"
            "发展前景：主要处于基础研究阶段，预计 5—10 年内实现产品化。"
        ),
        criteria_en=(
            "Forward-looking: a direction for the future with long-term strategic significance.\n"
            "Leading: at the forefront of basic or frontier research.\n"
            "Disruptive: likely to change today's technical routes or the shape of the industry.\n"
            "Development prospects: mainly at the basic-research stage, with productisation "
            "expected within 5 to 10 years."
        ),
    ),
    CategoryDefaults(
        code="innovative",
        name_zh="创新技术",
        name_en="Innovative Technologies",
        criteria_zh=(
            "创新性：在原理、结构、工艺或应用方式上有实质性创新。\n"
            "先进性：与国内外同类技术相比，主要指标处于先进水平。\n"
            "重要性：突破产业发展的瓶颈，对行业具有重要带动作用。\n"
            "发展潜力：已实现应用或量产，具有广阔的推广前景。"
        ),
        criteria_en=(
            "Innovation: a substantive advance in principle, structure, process or application.\n"
            "Advancedness: its key indicators lead comparable technologies in China and abroad.\n"
            "Importance: it breaks a bottleneck of the industry and drives it forward.\n"
            "Potential: already applied or in mass production, with wide room to spread."
        ),
    ),
)


@dataclass(frozen=True)
class DirectionDefaults:
    code: str
    name_zh: str
    name_en: str


# The technical directions of the 2020 call, in its order.
DIRECTIONS = (
    DirectionDefaults("vehicle-integration", "整车集成与控制", "Vehicle integration and control"),
    DirectionDefaults("power-battery", "动力电池", "Power battery"),
    DirectionDefaults("fuel-cell", "燃料电池", "Fuel cell"),
    DirectionDefaults("drive-system", "驱动系统", "Drive system"),
    DirectionDefaults("intelligence", "智能化", "Intelligence"),
    DirectionDefaults("lightweighting", "轻量化及新材料", "Lightweighting and new materials"),
    DirectionDefaults("energy-supply", "能源供给", "Energy supply"),
    DirectionDefaults("other", "其他相关技术", "Other related technologies"),
)

# How long each stage usually lasts; the stages follow one another without a gap.
STAGE_DURATIONS = {
    Stage.COLLECTION: timedelta(days=61),
    Stage.FORMAL_CHECK: timedelta(days=14),
    Stage.BIDDING: timedelta(days=7),
    Stage.PRELIMINARY: timedelta(days=28),
    Stage.DEFENCE: timedelta(days=21),
    Stage.FINAL: timedelta(days=14),
    Stage.NOTICE: timedelta(days=30),
    Stage.RELEASE: timedelta(days=3),
}

COMMITTEE_SIZE = 31


def edition_names(year: int) -> tuple[str, str]:
    """The edition's name in Chinese and English, as the call for nominations gives it."""
    return (
        f"{year}全球新能源汽车前沿及创新技术评选",
        f"{year} Global NEVs Cutting-edge & Innovative Technologies Selection",
    )
