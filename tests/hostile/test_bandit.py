"""bandit over the shipped code: no finding unless its line justifies it (`# nosec BXXX  # why`)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "accounts", "submissions", "review", "voting", "archives", "demo", "wnevc"]


def run_bandit() -> dict:
    completed = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "bandit",
            "-c",
            "pyproject.toml",
            "-r",
            *PACKAGES,
            "-f",
            "json",
            "-q",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return json.loads(completed.stdout)


def test_bandit_reports_no_unjustified_finding():
    report = run_bandit()

    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == []
    assert report["errors"] == []


def test_every_nosec_names_the_test_it_silences_and_why():
    # A bare `# nosec` would silence every check on its line, present and future.
    unjustified = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            lines = path.read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                if "# nosec" not in line:
                    continue
                after = line.split("# nosec", 1)[1]
                test_id, _, reason = after.partition("#")
                # The reason follows on the line, or (too long for it) in the comment above.
                above = lines[number - 2].strip() if number > 1 else ""
                justified = reason.strip() or above.startswith(f"# bandit {test_id.strip()}:")
                if not test_id.strip().startswith("B") or not justified:
                    unjustified.append(f"{path.relative_to(ROOT)}:{number}")
    assert unjustified == []
