"""The cost of the checksums at open: check a generation's files by size only, then by
size and CRC-32, and time opening a Searcher plus a first search either way.

    python bench/checksum_cost.py <index folder>
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.generation import store  # noqa: E402
from search.engine import Searcher  # noqa: E402


def main(index: Path) -> None:
    gen = store.current_generation(index)
    files = store.read_manifest(gen)["files"]
    print(f"generation {gen.name}: {len(files)} files, {sum(files.values()) / 1048576:.1f} MiB")
    for checksums in (False, True, False, True):
        started = time.perf_counter()
        store.check_file_sizes(gen, checksums=checksums)
        print(f"check_file_sizes(checksums={checksums}): {(time.perf_counter() - started) * 1000:.0f} ms")
    for setting in ("0", "1", "0", "1"):
        os.environ[store.CHECKSUMS_ENV] = setting
        started = time.perf_counter()
        Searcher(index).search("五星支部")
        print(f"{store.CHECKSUMS_ENV}={setting}: open + first search {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "var/index"))
