"""Experts' statements of expertise and their bids, for the demo's assignment by expertise.

Two specialisations per direction, so that experts of one direction differ in what they know
(a battery chemist and a battery-systems engineer both tick "power battery"). Some experts write
in one language only and a few write nothing, as real committees do.
"""

from __future__ import annotations

import random

from review.models import Bid, Conflict, Expert

# direction code -> [(statement zh, statement en, keywords zh, keywords en), ...]
SPECIALISATIONS = {
    "power-battery": [
        (
            "长期从事固态电池与锂金属负极研究，关注硫化物和卤化物固态电解质、界面稳定与枝晶抑制。",
            "Solid-state batteries and lithium-metal anodes: sulphide and halide solid "
            "electrolytes, interface stability, dendrite suppression.",
            "固态电解质；锂金属负极；硅碳负极；界面",
            "solid-state electrolyte; lithium-metal anode; silicon anode; interface",
        ),
        (
            "电池系统集成与安全：电芯到车身一体化、热管理、热失控预警，以及磷酸锰铁锂和钠离子电池的工程化。",
            "Battery systems and safety: cell-to-body integration, thermal management, "
            "thermal-runaway warning, LMFP and sodium-ion cells in production.",
            "电池包；热管理；钠离子电池；大圆柱电芯；回收",
            "battery pack; thermal management; sodium-ion; cylindrical cell; recycling",
        ),
    ],
    "fuel-cell": [
        (
            "燃料电池电催化与膜电极：低铂和非贵金属催化剂、阴离子交换膜、膜电极耐久性。",
            "Fuel-cell electrocatalysis and membrane electrode assemblies: low-platinum and "
            "platinum-free catalysts, anion exchange membranes, MEA durability.",
            "低铂催化剂；膜电极；阴离子交换膜",
            "low-platinum catalyst; membrane electrode assembly; anion exchange membrane",
        ),
        (
            "氢能储运与系统：IV型储氢瓶、金属双极板电堆、氢内燃机和液态有机储氢。",
            "Hydrogen storage and systems: type IV tanks, metal bipolar-plate stacks, hydrogen "
            "combustion engines, liquid organic hydrogen carriers.",
            "储氢瓶；双极板；氢内燃机；固体氧化物",
            "hydrogen tank; bipolar plate; hydrogen engine; solid oxide",
        ),
    ],
    "drive-system": [
        (
            "电驱动功率电子：碳化硅和氮化镓器件、800V 逆变器、车载电源。",
            "Power electronics for electric drives: silicon-carbide and gallium-nitride devices, "
            "800 V inverters, on-board chargers.",
            "碳化硅；氮化镓；逆变器；800V",
            "silicon carbide; gallium nitride; inverter; 800V",
        ),
        (
            "电机设计与控制：扁线绕组、电励磁同步电机、无稀土电机和分布式驱动。",
            "Electric machines and their control: hairpin windings, externally excited "
            "synchronous motors, rare-earth-free motors, distributed drive.",
            "扁线电机；电励磁；无稀土；轮毂电机",
            "hairpin winding; excited synchronous motor; rare-earth-free; in-wheel motor",
        ),
    ],
    "intelligence": [
        (
            "自动驾驶感知与决策：端到端大模型、4D 毫米波雷达、城市领航辅助。",
            "Autonomous driving perception and planning: end-to-end models, 4D imaging radar, "
            "urban navigate-on-autopilot.",
            "端到端；毫米波雷达；城市领航；感知",
            "end-to-end; 4D radar; urban navigation; perception",
        ),
        (
            "车路云协同与电子电气架构：区域控制器、车载计算、智能座舱大模型。",
            "Vehicle-road-cloud cooperation and E/E architecture: zonal controllers, in-vehicle "
            "computing, cockpit language models.",
            "车路协同；区域控制；存算一体；智能座舱",
            "vehicle-road cooperation; zonal architecture; in-memory computing; cockpit",
        ),
    ],
    "vehicle-integration": [
        (
            "整车集成与底盘线控：线控制动、线控转向、整车能量管理。",
            "Vehicle integration and by-wire chassis: brake-by-wire, steer-by-wire, vehicle "
            "energy management.",
            "线控制动；线控转向；能量管理",
            "brake-by-wire; steer-by-wire; energy management",
        ),
        (
            "整车热管理：二氧化碳热泵、弹热制冷与集成式热管理模块。",
            "Vehicle thermal management: CO2 heat pumps, elastocaloric cooling, integrated "
            "thermal modules.",
            "热泵；二氧化碳冷媒；热管理",
            "heat pump; CO2 refrigerant; thermal management",
        ),
    ],
    "lightweighting": [
        (
            "轻量化工艺：一体化压铸、免热处理铝合金、结构电池。",
            "Lightweighting processes: gigacasting, heat-treatment-free aluminium alloys, "
            "structural batteries.",
            "一体化压铸；铝合金；结构电池",
            "gigacasting; aluminium alloy; structural battery",
        ),
        (
            "复合材料与材料研发：碳纤维、热塑性复合材料，以及人工智能辅助材料设计。",
            "Composites and materials discovery: carbon fibre, thermoplastic composites, "
            "AI-assisted materials design.",
            "碳纤维；热塑性复合材料；材料基因",
            "carbon fibre; thermoplastic composite; materials discovery",
        ),
    ],
    "energy-supply": [
        (
            "充换电与车网互动：兆瓦级超充、换电站、V2G 双向充放电。",
            "Charging, swapping and vehicle-grid interaction: megawatt charging, battery "
            "swapping, bidirectional V2G.",
            "超充；换电；车网互动",
            "ultra-fast charging; battery swapping; vehicle-to-grid",
        ),
        (
            "无线充电与车载光伏：动态无线充电、车顶光伏集成。",
            "Wireless charging and vehicle-integrated photovoltaics: dynamic wireless power "
            "transfer, solar roofs.",
            "无线充电；车载光伏",
            "wireless charging; vehicle photovoltaics",
        ),
    ],
    "other": [
        (
            "动力电池回收：湿法冶金与直接再生技术。",
            "Battery recycling: hydrometallurgy and direct regeneration of cathodes.",
            "电池回收；湿法冶金；直接再生",
            "battery recycling; hydrometallurgy; direct recycling",
        ),
        (
            "新能源汽车标准与测试评价。",
            "Standards, testing and evaluation of new energy vehicles.",
            "标准；测试评价",
            "standards; testing",
        ),
    ],
}


def statement_for(directions: tuple[str, ...], number: int) -> dict[str, str]:
    """The statement of the `number`th expert: Chinese and English, or one, or none."""
    if not directions or number % 11 == 10:
        return {"statement_zh": "", "statement_en": "", "keywords_zh": "", "keywords_en": ""}
    options = SPECIALISATIONS.get(directions[0], SPECIALISATIONS["other"])
    zh, en, keywords_zh, keywords_en = options[number % len(options)]
    if len(directions) > 1:
        second = SPECIALISATIONS.get(directions[1], SPECIALISATIONS["other"])[number % 2]
        zh, keywords_zh = zh + second[0], f"{keywords_zh}；{second[2]}"
        en, keywords_en = f"{en} {second[1]}", f"{keywords_en}; {second[3]}"
    texts = {"statement_zh": zh, "statement_en": en, "keywords_zh": keywords_zh}
    texts["keywords_en"] = keywords_en
    if number % 5 == 3:  # writes in Chinese only
        texts.update(statement_en="", keywords_en="")
    elif number % 5 == 4:  # writes in English only
        texts.update(statement_zh="", keywords_zh="")
    return texts


def write_statements(experts: list[Expert], directions: list[tuple[str, ...]]) -> None:
    for number, (expert, codes) in enumerate(zip(experts, directions, strict=True)):
        for name, value in statement_for(codes, number).items():
            setattr(expert, name, value)
    Expert.objects.bulk_update(
        experts, ["statement_zh", "statement_en", "keywords_zh", "keywords_en"]
    )


def write_bids(edition, entries, *, seed: int = 7) -> int:
    """About half the experts bid: eager on a few entries of their directions, willing on some,
    unwilling on one; never on a conflicted pair (the database would refuse it)."""
    rng = random.Random(seed)  # noqa: S311  # nosec B311  # reproducible demo data, not a secret
    conflicted = set(
        Conflict.objects.filter(expert__edition=edition).values_list("expert_id", "nomination_id")
    )
    bids = []
    experts = list(Expert.objects.filter(edition=edition).prefetch_related("directions"))
    for number, expert in enumerate(sorted(experts, key=lambda e: e.pk)):
        if number % 2:
            continue
        mine = {d.pk for d in expert.directions.all()}
        own = [n for n in entries if n.direction_id in mine and (expert.pk, n.pk) not in conflicted]
        other = [
            n for n in entries if n.direction_id not in mine and (expert.pk, n.pk) not in conflicted
        ]
        rng.shuffle(own)
        rng.shuffle(other)
        for n in own[:3]:
            bids.append(Bid(expert=expert, nomination=n, preference=Bid.Preference.EAGER))
        for n in own[3:5] + other[:1]:
            bids.append(Bid(expert=expert, nomination=n, preference=Bid.Preference.WILLING))
        for n in other[1:2]:
            bids.append(Bid(expert=expert, nomination=n, preference=Bid.Preference.UNWILLING))
    Bid.objects.bulk_create(bids, ignore_conflicts=True)
    return len(bids)
