"""The metrics folders of ``govsearch serve --workers N``: one left by a master killed
outright is removed at the next start; a live server's, a folder without its owner's
record, another name or a link are never touched (govsearch/metrics_folders.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from govsearch import metrics_folders

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process start times from /proc (Linux)")


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def _owned_by(parent: Path, pid: int, started) -> Path:
    folder = Path(metrics_folders.make(parent))
    (folder / metrics_folders.OWNER).write_text(json.dumps({"pid": pid, "started": started}), encoding="utf-8")
    (folder / "worker-1.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture
def live_child():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield child.pid
    child.kill()
    child.wait()


def test_a_folder_records_the_process_that_made_it(tmp_path):
    folder = Path(metrics_folders.make(tmp_path))
    record = json.loads((folder / metrics_folders.OWNER).read_text(encoding="utf-8"))
    assert folder.name.startswith("govsearch-metrics-")
    assert record == {"pid": os.getpid(), "started": metrics_folders.process_start(os.getpid())}
    assert isinstance(record["started"], int)
    assert metrics_folders.remove_abandoned(tmp_path) == [] and folder.is_dir()  # ours, live


def test_the_folder_of_a_dead_master_is_removed_a_live_ones_kept(tmp_path, live_child):
    dead = _owned_by(tmp_path, _dead_pid(), None)
    live = _owned_by(tmp_path, live_child, metrics_folders.process_start(live_child))
    live_unknown_start = _owned_by(tmp_path, live_child, None)  # no start time recorded: alive is enough
    assert metrics_folders.remove_abandoned(tmp_path) == [dead]
    assert not dead.exists() and live.is_dir() and live_unknown_start.is_dir()


def test_a_reused_pid_does_not_keep_a_dead_masters_folder(tmp_path, live_child):
    """The pid now names another process (started at another time): the master is gone.
    One tick off is enough to tell them apart."""
    started = metrics_folders.process_start(live_child)
    reused = _owned_by(tmp_path, live_child, started - 1)
    assert metrics_folders.remove_abandoned(tmp_path) == [reused]


def test_what_is_not_a_masters_folder_is_left_alone(tmp_path):
    dead = _dead_pid()
    no_record = tmp_path / "govsearch-metrics-old"  # an older version's, or one being made
    no_record.mkdir()
    garbled = _owned_by(tmp_path, dead, None)
    (garbled / metrics_folders.OWNER).write_text("{\"pid\": ", encoding="utf-8")
    group = _owned_by(tmp_path, 0, None)  # pid 0 would name a process group, not a process
    other_name = tmp_path / "metrics-x"
    other_name.mkdir()
    (other_name / metrics_folders.OWNER).write_text(json.dumps({"pid": dead}), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    target = _owned_by(tmp_path / "elsewhere", dead, None)
    link = tmp_path / "govsearch-metrics-link"
    link.symlink_to(target)
    assert metrics_folders.remove_abandoned(tmp_path) == []
    assert no_record.is_dir() and garbled.is_dir() and group.is_dir() and other_name.is_dir() and target.is_dir()
