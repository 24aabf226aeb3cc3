"""The sample reports shipped in corpus/, as the tests know them."""

from __future__ import annotations

import shutil
from pathlib import Path

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# The five sample reports shipped in corpus/: what the tests count on. A user's own
# reports added to corpus/ (as the README invites) are not the tests' to count.
SAMPLE_FILES = ("gongyi-huiguo-2020.txt", "gongyi-xiaoguan-2018.txt", "shangjie-xiawo-2022.txt",
                "xinmi-dawei-2022.txt", "xinmi-laiji.txt")


def copy_samples(dest: Path) -> Path:
    """The sample reports and their rows of ``metadata.tsv`` copied into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in SAMPLE_FILES:
        shutil.copy2(SAMPLE_CORPUS / name, dest / name)
    lines = (SAMPLE_CORPUS / "metadata.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [line for i, line in enumerate(lines) if i == 0 or line.split("\t", 1)[0] in SAMPLE_FILES]
    (dest / "metadata.tsv").write_text("".join(keep), encoding="utf-8")
    return dest
