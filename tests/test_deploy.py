"""The sample deployment files in deploy/ parse: `nginx -t` with Debian's nginx, and
`systemd-analyze verify` for the unit (each skipped with the reason when absent)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_the_unit_names_the_serve_command_and_its_settings():
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (DEPLOY / "govsearch.service").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key, value))
    service = sections["Service"]
    assert dict(service)["ExecStart"].endswith("govsearch serve")
    assert any(k == "Environment" and v.startswith("GOVSEARCH_INDEX=") for k, v in service)
    assert dict(sections["Install"])["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (python3 dev.py test installs Debian's nginx-light as root)")
def test_nginx_accepts_the_sample_config(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    server {{
        listen 127.0.0.1:8159;
        include {DEPLOY / "nginx-govsearch.conf"};
    }}
}}
""", encoding="utf-8")
    proc = subprocess.run([NGINX, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # and a broken file is refused (the check can fail)
    bad = tmp_path / "bad.conf"
    bad.write_text(conf.read_text().replace(str(DEPLOY / "nginx-govsearch.conf"), str(tmp_path / "broken.conf")))
    (tmp_path / "broken.conf").write_text("location /search/ { proxy_pass http://127.0.0.1:8000/ }\n")
    assert subprocess.run([NGINX, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(bad)],
                          capture_output=True).returncode != 0


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_unit(tmp_path):
    govsearch = Path(sys.executable).parent / "govsearch"
    if not govsearch.exists():
        pytest.skip(f"{govsearch} is not installed (run python3 dev.py setup)")
    text = (DEPLOY / "govsearch.service").read_text(encoding="utf-8")
    text = text.replace("/srv/govsearch/.venv/bin/govsearch", str(govsearch))
    # users and paths of the target server do not exist here; verify the syntax and the command
    text = "\n".join(line for line in text.splitlines() if not line.startswith(("User=", "Group=")))
    unit = tmp_path / "govsearch.service"
    unit.write_text(text, encoding="utf-8")
    proc = subprocess.run(["systemd-analyze", "verify", "--man=no", str(unit)], capture_output=True, text=True)
    problems = [line for line in (proc.stderr + proc.stdout).splitlines()
                if "govsearch.service" in line and "ReadWritePaths" not in line and "WorkingDirectory" not in line]
    assert not problems, proc.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (python3 dev.py test installs Debian's nginx-light as root)")
def test_nginx_accepts_the_replicas_sample(tmp_path):
    sample = (DEPLOY / "nginx-replicas.conf").read_text(encoding="utf-8")
    upstream, location = sample.split("# -- end upstream")
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    {upstream}
    server {{
        listen 127.0.0.1:8158;
        {location}
    }}
}}
""", encoding="utf-8")
    proc = subprocess.run([NGINX, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "proxy_next_upstream error timeout http_502 http_503;" in location
