"""Text affinity at scale: bilingual entries (title, summary, description, key innovations)
against bilingual expert statements and keywords, a third of the experts writing in one language
only. Prints one JSON object: seconds, scikit-learn's import seconds apart, peak memory.

    .venv/bin/python benchmarks/text_affinity.py --entries 2000 --experts 300 --seed 1
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Terms of the eight technical directions, paired Chinese / English.
TERMS = [
    ("固态电解质", "solid-state electrolyte"),
    ("锂金属负极", "lithium-metal anode"),
    ("钠离子电池", "sodium-ion battery"),
    ("电池热管理", "battery thermal management"),
    ("质子交换膜", "proton exchange membrane"),
    ("燃料电池电堆", "fuel cell stack"),
    ("碳化硅逆变器", "silicon-carbide inverter"),
    ("扁线电机", "hairpin motor"),
    ("油冷电驱", "oil-cooled e-drive"),
    ("自动驾驶感知", "autonomous driving perception"),
    ("车路协同", "vehicle-road cooperation"),
    ("线控底盘", "drive-by-wire chassis"),
    ("一体化压铸", "integrated die casting"),
    ("碳纤维复合材料", "carbon-fibre composite"),
    ("超级快充", "ultra-fast charging"),
    ("车网互动", "vehicle-to-grid"),
    ("换电站", "battery swapping station"),
    ("整车能量管理", "vehicle energy management"),
    ("域控制器", "domain controller"),
    ("高压平台800V", "800V high-voltage platform"),
]
FILLER_ZH = "本技术通过创新的结构设计和控制策略，显著提升了系统性能与可靠性，已完成样机验证。"
FILLER_EN = (
    "The technology improves performance and reliability through a new structure and control "
    "strategy, validated on prototypes."
)


def _text(rng, words: int, language: int, filler: str) -> str:
    picks = rng.choice(len(TERMS), size=words)
    return "，".join(TERMS[p][language] for p in picks) + ("。" if language == 0 else ". ") + filler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    # scikit-learn is imported when first needed; timed apart here.
    import sklearn.feature_extraction.text  # noqa: F401

    from review.text_affinity import Texts, text_affinities

    import_seconds = time.perf_counter() - started
    entries = [
        Texts(
            zh=_text(rng, 12, 0, FILLER_ZH * 4),
            en=_text(rng, 12, 1, FILLER_EN * 4),
        )
        for _ in range(args.entries)
    ]
    experts = []
    for i in range(args.experts):
        zh = _text(rng, 5, 0, "") if i % 3 != 2 else ""
        en = _text(rng, 5, 1, "") if i % 3 != 1 else ""
        experts.append(Texts(zh=zh, en=en))

    started = time.perf_counter()
    scores, comparable = text_affinities(entries, experts)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "entries": args.entries,
                "experts": args.experts,
                "seed": args.seed,
                "seconds": round(seconds, 3),
                "import_seconds": round(import_seconds, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "comparable_share": round(float(comparable.mean()), 4),
                "mean_score": round(float(scores[comparable].mean()), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
