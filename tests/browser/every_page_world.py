"""What the every-page test adds to the IDOR walk's world so that real editions' layouts show.

The IDOR world has one object of each kind, which is enough to reach every page but not to see
how a page of a real edition looks on a phone. `fill_to_real_length` gives the world's edition
a committee of 30, 40 entries in review (assigned, some scored), 30 nominations waiting for the
formal check and a handful of the nominator's own, all with long titles and organisation names
in both languages. `publish_earlier_edition` adds the previous year's edition with its results
published through the real services (certified rounds, a closed public notice), so the public
results page and its "Selected" badges are visited too.
"""

from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from publication import services as publication
from review.models import Assignment, Expert
from submissions.models import Category
from tests.factories import CategoryFactory, EditionFactory, OrganisationFactory, UserFactory
from tests.review.scoring_helpers import criteria, make_entry, write_review
from tests.voting import tellers
from tests.voting.factories import finalist
from voting import services as voting

# Titles as long as real ones (2022's longest run to 40 characters in Chinese).
TITLES = [
    (
        "面向高比能全固态锂金属电池的硫化物电解质界面稳定化与规模化干法制备关键技术",
        "Interface stabilisation and scalable dry-process manufacturing of sulphide "
        "electrolytes for high-energy all-solid-state lithium-metal batteries",
    ),
    (
        "基于碳化硅功率器件的八百伏高压平台电驱动系统集成与热管理协同优化",
        "Integration and co-optimised thermal management of an 800 V silicon-carbide "
        "electric drive system",
    ),
    (
        "车路云一体化协同感知与决策的城市道路高级别自动驾驶系统",
        "Vehicle-road-cloud cooperative perception and decision-making for high-level "
        "automated driving on urban roads",
    ),
    (
        "质子交换膜燃料电池低铂催化剂及长寿命膜电极组件批量化制备技术",
        "Low-platinum catalysts and mass production of long-life membrane electrode "
        "assemblies for proton-exchange-membrane fuel cells",
    ),
    (
        "一体化压铸铝合金车身结构免热处理材料及大型压铸工艺",
        "Heat-treatment-free aluminium alloys and giga-casting processes for integrated "
        "die-cast vehicle body structures",
    ),
    (
        "兆瓦级液冷超充网络与车网互动双向充放电调度平台",
        "Megawatt liquid-cooled ultra-fast charging network with a vehicle-to-grid "
        "bidirectional charging and dispatch platform",
    ),
    (
        "钠离子电池层状氧化物正极与硬碳负极材料产业化技术",
        "Industrialisation of layered-oxide cathodes and hard-carbon anodes for sodium-ion "
        "batteries",
    ),
    (
        "基于大模型的智能座舱多模态交互与端到端自动驾驶融合架构",
        "A large-model architecture fusing multimodal smart-cockpit interaction with "
        "end-to-end automated driving",
    ),
]
ORGANISATIONS = [
    ("中国科学院物理研究所清洁能源实验室", "Clean Energy Laboratory, Institute of Physics, CAS"),
    ("宁德时代新能源科技股份有限公司", "Contemporary Amperex Technology Co., Limited"),
    ("清华大学车辆与运载学院", "School of Vehicle and Mobility, Tsinghua University"),
    ("中国第一汽车集团有限公司研发总院", "R&D Institute of China FAW Group Co., Ltd."),
    ("北京理工大学电动车辆国家工程研究中心", "National Engineering Research Center for EVs, BIT"),
]
MEMBERS = [
    ("欧阳明远", "Ouyang Mingyuan"),
    ("司马思远", "Sima Siyuan"),
    ("李晓峰", "Li Xiaofeng"),
    ("王静怡", "Wang Jingyi"),
    ("张卫东", "Zhang Weidong"),
    ("陈嘉禾", "Chen Jiahe"),
]
AFFILIATIONS = [
    ("中国汽车工程学会技术委员会", "Technical Committee, China Society of Automotive Engineers"),
    (
        "上海交通大学机械与动力工程学院",
        "School of Mechanical Engineering, Shanghai Jiao Tong University",
    ),
    ("国家新能源汽车技术创新中心", "National New Energy Vehicle Technology Innovation Center"),
]


def _title(number: int) -> dict:
    zh, en = TITLES[number % len(TITLES)]
    return {"title_zh": zh, "title_en": en}


def _organisation(number: int):
    zh, en = ORGANISATIONS[number % len(ORGANISATIONS)]
    return OrganisationFactory(name_zh=f"{zh}{number}", name_en=f"{en} {number}")


def _member(edition, number: int) -> Expert:
    name_zh, name_en = MEMBERS[number % len(MEMBERS)]
    affiliation_zh, affiliation_en = AFFILIATIONS[number % len(AFFILIATIONS)]
    return Expert.objects.create(
        edition=edition,
        user=UserFactory(roles=["expert"], preferred_language="zh-hans"),
        name_zh=f"{name_zh}{number}",
        name_en=f"{name_en} {number}",
        affiliation_zh=affiliation_zh,
        affiliation_en=affiliation_en,
    )


def fill_to_real_length(world, *, members=30, entries=40, waiting=30, own=5) -> None:
    edition = world.edition
    committee = [_member(edition, number) for number in range(members)]
    codes = (Category.Code.CUTTING_EDGE, Category.Code.INNOVATIVE)
    scales = {code: criteria(edition, code) for code in codes}
    for number in range(entries):
        code = codes[number % 2]
        entry = make_entry(edition, code=code, organisation=_organisation(number), **_title(number))
        for offset in range(3):
            expert = committee[(3 * number + offset) % members]
            assignment = Assignment.objects.create(expert=expert, nomination=entry)
            if (number + offset) % 4:
                scores = [1 + (number + offset + c.pk) % 5 for c in scales[code]]
                write_review(assignment, scores)
        if number % 4 == 0:
            assigned = Expert.objects.get(user=world.users["assigned_expert"], edition=edition)
            Assignment.objects.create(expert=assigned, nomination=entry)
    for number in range(waiting):
        make_entry(
            edition,
            code=codes[number % 2],
            state="submitted",
            organisation=_organisation(number),
            **_title(number + 3),
        )
    organisation = world.nomination_a.organisation
    states = ["draft", "submitted", "eligible", "submitted", "draft"]
    for number in range(own):
        state = states[number % len(states)]
        make_entry(
            edition,
            state=state,
            organisation=organisation,
            created_by=world.users["nominator_a"],
            **_title(number + 5),
        )


def publish_earlier_edition(organiser, *, year: int, finalists=12, quota=8, members=9) -> int:
    """The edition of `year`, published: each category's first `quota` finalists won."""
    # The whole story happens in its own year, so its dates read right on the pages.
    with time_machine.travel(datetime(year, 9, 1, tzinfo=timezone.get_default_timezone())):
        edition = EditionFactory(year=year, is_current=False)
        committee = [_member(edition, number) for number in range(members)]
        for code, prefix in ((Category.Code.CUTTING_EDGE, "CE"), (Category.Code.INNOVATIVE, "IN")):
            category = CategoryFactory(edition=edition, code=code, winners_quota=quota)
            codes = []
            for number in range(1, finalists + 1):
                organisation = _organisation(number)
                UserFactory(organisation=organisation)
                nomination = finalist(
                    category,
                    code=f"{year}-{prefix}-{number:03d}",
                    organisation=organisation,
                    **_title(number if prefix == "CE" else number + 4),
                )
                codes.append(nomination.code)
            round = tellers.open_round(
                edition=edition,
                category=category,
                actor=organiser,
                closes_at=timezone.now() + timedelta(days=2),
            )
            for member in committee:
                voting.cast_ballot(round=round, voter=member, choices=codes[:quota])
            round = tellers.close_round(round=round, actor=organiser)
            voting.certify_round(round=round, actor=organiser)
        now = timezone.now()
        publication.open_notice(
            edition=edition,
            actor=organiser,
            opens_at=now - timedelta(days=31),
            closes_at=now - timedelta(days=1),
        )
        publication.publish(edition=edition, actor=organiser)
    return year
