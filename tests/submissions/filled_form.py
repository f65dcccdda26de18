"""The new-nomination form as a nominator fills it in: every text in both languages at a real
length, a completing organisation, two key people, two patents and the three declarations.
Shared by the query budget test and benchmarks/nomination_submit.py, so both post the same."""


def form_data(edition) -> dict:
    category = edition.categories.get(code="cutting_edge")
    data = {
        "category": category.pk,
        "direction": edition.directions.get().pk,
        "trl": "3",
        "application_status": "research",
        "declarations": ["voluntary", "no_ip_dispute", "information_true"],
    }
    texts = {
        "title": ("高比能全固态电池界面技术", "Interface technology for solid-state cells"),
        "summary": ("原位界面层抑制锂枝晶。" * 8, "An in-situ interlayer stops dendrites. " * 6),
        "description": ("技术说明。" * 300, "Description of the technology. " * 150),
        "innovations": ("创新点。" * 150, "Key innovation. " * 100),
        "indicators": ("技术指标。" * 150, "Indicator against the state of the art. " * 60),
        "application": ("产业化情况。" * 150, "Application and industrialisation. " * 60),
    }
    for field, (zh, en) in texts.items():
        data[f"{field}_zh"], data[f"{field}_en"] = zh, en
    parts = {
        "completing": [{"name_zh": "合作大学", "name_en": "Partner University"}],
        "people": [
            {"name": "Li Na", "organisation_name": "Benchmark", "role": "Lead"},
            {"name": "Wang Wei", "organisation_name": "Benchmark", "role": "Engineer"},
        ],
        "patents": [
            {"number": "CN114000001B", "title": "Interlayer", "status": "granted"},
            {"number": "CN114000002A", "title": "Process", "status": "pending"},
        ],
    }
    for prefix, rows in parts.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
    return data
