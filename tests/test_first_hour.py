"""The first hour: `dev.py run` reuses the venv and updates the index, `dev.py test`
says what it installs and how long the tests took, and every command group's --help
shows examples."""

from __future__ import annotations

import importlib.util

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from govsearch.cli import main


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_install_with_the_test_extras_serves_run_but_not_the_reverse(dev):
    assert dev.installed_covers("test:100", "test:100")
    assert dev.installed_covers("test:100", ":100")  # run after test: no reinstall
    assert not dev.installed_covers(":100", "test:100")  # test after run: the test tools are missing
    assert not dev.installed_covers("test:100", ":101")  # pyproject.toml changed


def test_durations_read_in_minutes_from_sixty_seconds(dev):
    assert dev.format_duration(59.4) == "59 s"
    assert dev.format_duration(59.6) == "1 min 0 s"
    assert dev.format_duration(9 * 60 + 5) == "9 min 5 s"


def test_run_updates_the_index_instead_of_rebuilding_it(dev, monkeypatch):
    ran = []
    monkeypatch.setattr(dev, "setup", lambda extras: ran.append(("setup", extras)))
    monkeypatch.setattr(dev, "ensure_doc_converter", lambda: None)
    monkeypatch.setattr(dev, "sh", lambda *cmd, **kw: ran.append(tuple(str(c) for c in cmd)))
    monkeypatch.setattr(dev.os, "execv", lambda path, args: ran.append(("exec", *args[1:])))
    monkeypatch.setattr(dev.subprocess, "call", lambda cmd: ran.append(("call", *map(str, cmd))) or 0)
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    dev.main(["run", "--port", "8080"])
    assert ran[0] == ("setup", "")
    assert [c[1:] for c in ran if c[0].endswith("govsearch")] == [("index", "update", "--corpus", "corpus")]
    served = [c for c in ran if c[0] in ("exec", "call")]
    assert served[0][0] == "exec" and served[0][-3:] == ("serve", "--port", "8080")


@pytest.mark.parametrize("options, said", [
    (["--bogus"], "没有选项 --bogus"),
    (["--port", "abc"], "is not a whole number 1-65535"),
])
def test_run_refuses_a_bad_serve_option_before_updating_the_index(dev, monkeypatch, capfd, options, said):
    ran = []
    monkeypatch.setattr(dev, "setup", lambda extras: None)
    monkeypatch.setattr(dev, "ensure_doc_converter", lambda: None)
    monkeypatch.setattr(dev, "ensure_ocr", lambda: None)
    monkeypatch.setattr(dev, "sh", lambda *cmd, **kw: ran.append(tuple(str(c) for c in cmd)))
    monkeypatch.setattr(dev.os, "execv", lambda path, args: ran.append(("exec", *args[1:])))
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    assert dev.main(["run", *options]) == 2
    assert ran == []  # neither the index update nor the server
    assert said in capfd.readouterr().err


def test_test_says_what_it_installs_and_how_long_it_took(dev, monkeypatch, capsys):
    monkeypatch.setattr(dev, "missing_tools", lambda: ["nginx-light (the deploy config check)"])
    for name in ("setup", "ensure_chromium", "ensure_doc_converter", "ensure_nginx"):
        monkeypatch.setattr(dev, name, lambda *a: None)
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    monkeypatch.setattr(dev.subprocess, "call", lambda cmd: 0)
    assert dev.main(["test", "tests/test_query.py"]) == 0
    out = capsys.readouterr().out
    assert "installs, where it may (root with apt-get): nginx-light" in out
    assert "= the tests took 0 s" in out


def test_every_command_group_shows_examples_in_its_help():
    groups = [([], main)] + [([name], cmd) for name, cmd in main.commands.items() if isinstance(cmd, click.Group)]
    assert len(groups) >= 2
    for path, _ in groups:
        out = CliRunner().invoke(main, [*path, "--help"]).output
        heading = "Quick start" if not path else "Example"  # the top level's examples are its quick start
        assert heading in out and "govsearch " in out.split(heading, 1)[1], path


def test_test_runs_one_worker_per_core_unless_the_arguments_choose(dev, monkeypatch):
    ran = []
    for name in ("setup", "ensure_chromium", "ensure_doc_converter", "ensure_ocr", "ensure_nginx"):
        monkeypatch.setattr(dev, name, lambda *a: None)
    monkeypatch.setattr(dev, "missing_tools", lambda: [])
    monkeypatch.setattr(dev.os, "chdir", lambda path: None)
    monkeypatch.setattr(dev.subprocess, "call", lambda cmd: ran.append([str(c) for c in cmd]) or 0)
    dev.main(["test"])
    assert ran[-1][-6:] == ["-m", "", "-n", "auto", "--dist", "loadfile"]
    for own in (["-n", "0"], ["-n0"], ["--numprocesses=3"], ["--dist", "load"], ["--pdb"], ["-p", "no:xdist"]):
        dev.main(["test", *own])
        assert "auto" not in ran[-1] and ran[-1][-len(own):] == own, own


def test_the_suite_keeps_only_failed_tests_temporary_folders():
    """A whole run's passed tests left ~9 GB of indexes in the temporary folder (three runs
    kept: a full disk); pytest keeps only a failed test's folder."""
    import tomllib

    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert options["tmp_path_retention_policy"] == "failed"
