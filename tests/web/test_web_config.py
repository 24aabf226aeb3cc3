"""Settings: defaults → config file → GOVSEARCH_* environment → mapping, checked at start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import docs_text
from search.engine import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from web import create_app
from web.config import SETTINGS, ConfigError, load_config
from webfixtures import *  # noqa: F401,F403  (pytest fixtures)

ROOT = Path(__file__).resolve().parents[2]


def test_defaults():
    cfg, extra = load_config({}, environ={})
    assert cfg.index == "var/index"
    assert cfg.url_prefix == "" and cfg.cors_origins == [] and cfg.frame_ancestors == ["'self'"]
    assert (cfg.page_size, cfg.max_page_size) == (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    assert cfg.proxy_hops == 0 and extra == {}  # no proxy trusted unless the operator says so
    assert cfg.query_log is False and cfg.metrics is False and cfg.metrics_token == ""  # nothing published by default
    assert (cfg.channel_timeout, cfg.connection_limit) == (30, 500)
    assert set(cfg.sources.values()) == {"default"}


def test_environment_overrides_defaults():
    env = {"GOVSEARCH_INDEX": "/srv/idx", "GOVSEARCH_CORS_ORIGINS": "http://a.gov.cn, http://b.gov.cn:8080",
           "GOVSEARCH_FRAME_ANCESTORS": "self https://oa.gov.cn", "GOVSEARCH_MAX_PAGE_SIZE": "50",
           "GOVSEARCH_URL_PREFIX": "/search/", "GOVSEARCH_PROXY_HOPS": "0"}
    cfg, _ = load_config({}, environ=env)
    assert cfg.index == "/srv/idx"
    assert cfg.cors_origins == ["http://a.gov.cn", "http://b.gov.cn:8080"]
    assert cfg.frame_ancestors == ["'self'", "https://oa.gov.cn"]
    assert cfg.max_page_size == 50 and cfg.url_prefix == "/search" and cfg.proxy_hops == 0
    assert cfg.sources["index"] == "environment variable GOVSEARCH_INDEX"


def test_toml_config_file_then_env_then_mapping(tmp_path):
    path = tmp_path / "govsearch.toml"
    path.write_text('[web]\nindex = "/from/file"\npage_size = 10\ncors_origins = ["http://oa.gov.cn"]\n'
                    'site_title = "某市报告检索"\n', encoding="utf-8")
    cfg, _ = load_config({}, environ={"GOVSEARCH_CONFIG": str(path)})
    assert (cfg.index, cfg.page_size, cfg.cors_origins, cfg.site_title) == (
        "/from/file", 10, ["http://oa.gov.cn"], "某市报告检索")
    assert cfg.sources["page_size"] == f"config file {path}"
    cfg, _ = load_config({}, environ={"GOVSEARCH_CONFIG": str(path), "GOVSEARCH_PAGE_SIZE": "7"})
    assert cfg.page_size == 7 and cfg.index == "/from/file"
    cfg, _ = load_config({"page_size": 3, "GOVSEARCH_INDEX": "/mapped"},
                         environ={"GOVSEARCH_CONFIG": str(path), "GOVSEARCH_PAGE_SIZE": "7"})
    assert cfg.page_size == 3 and cfg.index == "/mapped"


def test_json_config_file(tmp_path):
    path = tmp_path / "govsearch.json"
    path.write_text(json.dumps({"index": "/j", "frame_ancestors": "'none'"}), encoding="utf-8")
    cfg, _ = load_config({"config_file": str(path)}, environ={})
    assert cfg.index == "/j" and cfg.frame_ancestors == ["'none'"]


@pytest.mark.parametrize("setting, value, words", [
    ("page_size", "twenty", "page_size (GOVSEARCH_PAGE_SIZE)"),
    ("page_size", "0", "1 or more"),
    ("max_page_size", "-5", "max_page_size"),
    ("cors_origins", "oa.gov.cn", "not an origin"),
    ("cors_origins", "http://oa.gov.cn/path", "not an origin"),
    ("cors_origins", "*, http://oa.gov.cn", "'*'"),
    ("frame_ancestors", "https://a.gov.cn; script-src *", "not a CSP source"),
    ("frame_ancestors", "'none' https://a.gov.cn", "'none' cannot"),
    ("url_prefix", "search", "must be a path"),
    ("url_prefix", "/a b", "must be a path"),
    ("proxy_hops", "99", "between 0 and 10"),
])
def test_bad_values_stop_startup_with_a_clear_message(setting, value, words):
    env = {f"GOVSEARCH_{setting.upper()}": value}
    with pytest.raises(ConfigError) as info:
        load_config({}, environ=env)
    message = str(info.value)
    assert setting in message and words in message and f"environment variable GOVSEARCH_{setting.upper()}" in message


def test_inconsistent_page_sizes():
    with pytest.raises(ConfigError, match="larger than max_page_size"):
        load_config({"page_size": 50, "max_page_size": 20}, environ={})


def test_unknown_settings_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_config({"colour": "red"}, environ={})
    path = tmp_path / "c.toml"
    path.write_text('indx = "/typo"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'indx'"):
        load_config({"config_file": str(path)}, environ={})


def test_unreadable_or_invalid_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config({"config_file": str(tmp_path / "missing.toml")}, environ={})
    bad = tmp_path / "bad.toml"
    bad.write_text("index = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config({"config_file": str(bad)}, environ={})
    other = tmp_path / "c.yaml"
    other.write_text("index: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=".toml or .json"):
        load_config({"config_file": str(other)}, environ={})


def test_create_app_reads_environment_when_called_not_when_imported(monkeypatch, tiny_index):
    monkeypatch.setenv("GOVSEARCH_INDEX", str(tiny_index))
    monkeypatch.setenv("GOVSEARCH_SITE_TITLE", "测试检索")
    app = create_app({"TESTING": True})
    assert app.extensions["govsearch"].config.index == str(tiny_index)
    assert app.testing is True
    html = app.test_client().get("/").get_data(as_text=True)
    assert "<title>测试检索</title>" in html
    monkeypatch.setenv("GOVSEARCH_SITE_TITLE", "另一个")
    other = create_app({"TESTING": True})
    assert other.extensions["govsearch"].config.site_title == "另一个"
    assert app.extensions["govsearch"].config.site_title == "测试检索"  # per app, no globals


def test_every_setting_is_documented():
    doc = docs_text()
    for s in SETTINGS:
        assert f"`{s.name}`" in doc and f"`{s.env}`" in doc, s.name


def test_importing_the_cli_does_not_load_flask_or_waitress():
    code = "import sys, govsearch.serve; print(sorted(m for m in ('flask', 'waitress', 'web.app') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_reload_in_background_setting(monkeypatch):
    monkeypatch.setenv("GOVSEARCH_RELOAD_IN_BACKGROUND", "no")
    app = create_app({"TESTING": True})
    assert app.extensions["govsearch"].searcher.reload_in_background is False
    monkeypatch.setenv("GOVSEARCH_RELOAD_IN_BACKGROUND", "maybe")
    with pytest.raises(ConfigError, match="reload_in_background"):
        create_app({"TESTING": True})
    monkeypatch.delenv("GOVSEARCH_RELOAD_IN_BACKGROUND")
    assert create_app({"TESTING": True}).extensions["govsearch"].searcher.reload_in_background is True  # the default


def test_cache_mib_setting_reaches_the_searcher(monkeypatch):
    """cache_mib: 0 (the default) lets the index size the caches, N MiB sets both bounds,
    a negative number stops the app naming the setting."""
    app = create_app({"TESTING": True})
    assert app.extensions["govsearch"].config.cache_mib == 0
    assert app.extensions["govsearch"].searcher.cache_mib is None
    monkeypatch.setenv("GOVSEARCH_CACHE_MIB", "1")
    app = create_app({"TESTING": True})
    assert app.extensions["govsearch"].searcher.cache_mib == 1
    assert create_app({"TESTING": True, "cache_mib": 0}).extensions["govsearch"].searcher.cache_mib is None
    monkeypatch.setenv("GOVSEARCH_CACHE_MIB", "-1")
    with pytest.raises(ConfigError, match="cache_mib.*0 or more"):
        create_app({"TESTING": True})
