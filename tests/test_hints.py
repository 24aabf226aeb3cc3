"""Hints tell the user a next step that works when copied: a missing corpus folder given
with --corpus is named (no advice to pass --corpus), and every `govsearch index build`
names the --index to type when the index is not the default one."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from govsearch.cli import main
from web import create_app


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("GOVSEARCH_INDEX", raising=False)
    monkeypatch.delenv("GOVSEARCH_CORPUS", raising=False)
    return CliRunner()


# one report is enough for the hints (a smaller index than the samples', built in a second)
ONE_REPORT = {"dawei.txt": "大隗镇2022年工作报告\n\n大隗镇推进五星支部创建，党员干部作风明显好转。\n"}


def _hint(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("提示 Hint:")]
    assert lines, output
    return lines[0]


def test_missing_corpus_given_is_named_not_asked_for(runner, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = runner.invoke(main, ["index", "build", "--corpus", str(missing), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 1
    hint = _hint(result.output)
    assert str(missing) in hint and "does not exist" in hint
    assert f"错误 Error: 语料文件夹 {missing} 不存在 (corpus folder {missing} does not exist)" in result.output
    assert hint.startswith(f"提示 Hint: 作为语料给出的文件夹 {missing}") and "请检查名称" in hint
    assert "pass --corpus" not in result.output and "set GOVSEARCH_CORPUS" not in result.output


def test_missing_corpus_from_the_environment_is_named_too(runner, tmp_path):
    missing = tmp_path / "gone"
    result = runner.invoke(main, ["index", "build", "--index", str(tmp_path / "idx")],
                           env={"GOVSEARCH_CORPUS": str(missing)})
    assert result.exit_code == 1
    assert str(missing) in _hint(result.output)
    assert "pass --corpus" not in result.output


def test_missing_default_corpus_asks_for_one_with_the_index(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no corpus/ here
    result = runner.invoke(main, ["index", "build", "--index", "/data/idx"])
    assert result.exit_code == 1
    assert "`govsearch index build --corpus <folder> --index /data/idx`" in _hint(result.output)


def test_moved_recorded_corpus_says_how_to_name_its_new_folder(runner, tmp_path):
    corpus = write_corpus(tmp_path / "reports", ONE_REPORT)
    index = tmp_path / "idx"
    assert runner.invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    shutil.rmtree(corpus)
    result = runner.invoke(main, ["index", "update", "--index", str(index)])
    assert result.exit_code == 1
    assert "recorded in the index" in result.output
    assert f"`govsearch index update --corpus <folder> --replace-corpus --index {index}`" in _hint(result.output)


def test_no_index_hint_names_a_non_default_index(runner, tmp_path):
    index = tmp_path / "elsewhere" / "idx"
    for args in (["search", "五星支部"], ["index", "stats"], ["show", "x"]):
        result = runner.invoke(main, [*args, "--index", str(index)])
        assert result.exit_code == 1, args
        assert f"`govsearch index build --index {index}`" in _hint(result.output), args


def test_no_index_hint_for_the_default_index_is_the_bare_command(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["search", "五星支部"])
    assert result.exit_code == 1
    hint = _hint(result.output)
    assert "`govsearch index build`" in hint and "--index" not in hint


def test_default_index_while_the_environment_names_another_gets_the_flag(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["search", "五星支部", "--index", "var/index"],
                           env={"GOVSEARCH_INDEX": str(tmp_path / "other")})
    assert "`govsearch index build --index var/index`" in _hint(result.output)


def test_damaged_index_hint_names_the_index(runner, tmp_path):
    corpus = write_corpus(tmp_path / "reports", ONE_REPORT)
    index = tmp_path / "my index"  # a space: the path is quoted so that it can be pasted
    assert runner.invoke(main, ["index", "build", "--corpus", str(corpus), "--index", str(index)]).exit_code == 0
    live = index / (index / "CURRENT").read_text().strip()
    npy = next(live.glob("*.npy"))
    npy.write_bytes(npy.read_bytes()[: max(1, npy.stat().st_size // 3)])
    result = runner.invoke(main, ["search", "五星支部", "--index", str(index)])
    assert result.exit_code == 1
    assert f"`govsearch index build --index '{index}'`" in _hint(result.output)
    assert _hint(result.output).startswith("提示 Hint: 请用 `govsearch index build")  # Chinese first


def test_server_hints_name_its_index_in_full(tmp_path):
    index = tmp_path / "no-index"
    client = create_app({"TESTING": True, "index": str(index)}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert f"govsearch index build --index {index.resolve()}" in health.get_json()["error"]["hint"]
    assert health.get_json()["error"]["hint"].startswith("请先运行 `govsearch index build")
    assert health.get_json()["error"]["hint"].endswith("(run `govsearch index build "
                                                       f"--index {index.resolve()}` first)")
    api = client.get("/api/search?q=五星支部")
    assert api.status_code == 503
    assert f"govsearch index build --index {index.resolve()}" in api.get_json()["error"]["hint"]
    assert api.get_json()["error"]["hint"].startswith("请先运行 `govsearch index build")
    page = client.get("/")
    assert page.status_code == 503
    assert f"govsearch index build --index {index.resolve()}" in page.get_data(as_text=True)


def test_errors_without_a_hint_carry_none(client_on_sample):
    response = client_on_sample.get("/api/search?q=五星支部&page_size=500")
    assert response.status_code == 400
    assert "hint" not in response.get_json()["error"]


@pytest.fixture
def client_on_sample(sample_index):
    return create_app({"TESTING": True, "index": str(sample_index)}).test_client()


def test_more_in_this_report_names_the_index(runner, tmp_path):
    body = "".join(f"第{n}项：推进五星支部创建，成效明显。\n\n" for n in range(1, 7))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "many.md").write_text("# 青山镇工作总结\n\n" + body, encoding="utf-8")
    index = tmp_path / "idx"
    assert runner.invoke(main, ["index", "build", "--corpus", str(tmp_path / "c"), "--index", str(index)]).exit_code == 0
    result = runner.invoke(main, ["search", "五星支部", "--group", "report", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert f"more in this report: govsearch show many --index {index}" in result.output



def test_serve_start_note_names_the_index_quoted(monkeypatch, tmp_path):
    import govsearch.serve

    class FakeServer:
        effective_port = 8301
        run = close = staticmethod(lambda: None)

    monkeypatch.setattr(govsearch.serve, "make_server", lambda app, host, port, threads: FakeServer())
    index = tmp_path / "no index"
    result = CliRunner().invoke(main, ["serve", "--port", "8301", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert f"`govsearch index build --index '{index}'` has run" in result.output
    assert f"；运行 `govsearch index build --index '{index}'` 之前，页面都回答 503 (pages answer 503" in result.output
