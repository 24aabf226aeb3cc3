#!/usr/bin/env python3
"""The two quick-start commands, with nothing but Python 3.11 installed.

    python3 dev.py run     # set up .venv, index corpus/ (or update the index), serve http://127.0.0.1:8000
    python3 dev.py test    # set up .venv with the test tools, run every test (one worker per core) and say how long it took
    python3 dev.py setup   # only the set-up: .venv with the test tools, and antiword and the OCR tools (root with apt-get)

Both reuse .venv once it is set up (pip runs again only when pyproject.toml changes), and
install Debian's ``antiword`` (reads Word 97–2003 .doc files) and the OCR tools for scans
(``tesseract-ocr``, ``tesseract-ocr-chi-sim``, ``poppler-utils``) when run as root with apt-get.
``run`` updates an existing index (only new, changed and removed reports are read).
``test`` also installs, when run as root with apt-get and each is missing: ``chromium`` and
``fonts-noto-cjk`` (browser tests) and ``nginx-light`` (the deploy config check); it says
which before it starts. Without them those tests skip and say why.

``test`` runs the tests on one pytest-xdist worker per core, each test file on one
worker; ``python3 dev.py test -n 0`` runs them in one process.

Extra arguments after ``test`` go to pytest (``python3 dev.py test -k query``);
after ``run`` they go to ``govsearch serve`` (``python3 dev.py run --port 8080``), which
checks them before the index is updated (a bad option is refused at once).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".govsearch-installed"


def sh(*cmd, **kw) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kw)


def setup(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"govsearch needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = f"{extras}:{(ROOT / 'pyproject.toml').stat().st_mtime_ns}"
    if STAMP.exists() and installed_covers(STAMP.read_text(), wanted):
        print(f"= {VENV.name} is set up (pip skipped: pyproject.toml unchanged)", flush=True)
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{extras}]" if extras else ".", cwd=ROOT)
    STAMP.write_text(wanted)


def installed_covers(stamp: str, wanted: str) -> bool:
    """Whether what is installed (``extras:mtime``) serves what is wanted: the same
    pyproject.toml, and the wanted extras ("" for run) among those installed ("test"
    includes the plain package), so that `run` after `test` does not reinstall."""
    have_extras, _, have_time = stamp.partition(":")
    want_extras, _, want_time = wanted.partition(":")
    return have_time == want_time and (want_extras == have_extras or not want_extras)


def missing_tools() -> list[str]:
    """The Debian packages `dev.py test` would install, with what they are for."""
    out = []
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        out.append("chromium + fonts-noto-cjk (browser tests)")
    if not (shutil.which("antiword") or shutil.which("soffice") or shutil.which("libreoffice")):
        out.append("antiword (.doc/.wps files)")
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        out.append("nginx-light (the deploy config check)")
    return out


def ensure_chromium() -> None:
    """Browser tests use Debian's chromium (never a downloaded browser). Install it when
    we may (root with apt-get); otherwise those tests skip and say why."""
    if shutil.which("chromium") or shutil.which("chromium-browser"):
        return
    if os.name != "nt" and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        try:
            sh("apt-get", "update", "-qq", env=env, stdout=subprocess.DEVNULL)
            # fonts-noto-cjk: so that screenshots of the pages show Chinese, not boxes
            sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-noto-cjk",
               env=env, stdout=subprocess.DEVNULL)
        except subprocess.CalledProcessError as exc:
            print(f"! could not install chromium ({exc}); browser tests will be skipped", flush=True)
    else:
        print("! chromium not found and cannot be installed here (needs root and apt-get); "
              "browser tests will be skipped. Install Debian's 'chromium' package to run them.", flush=True)


def ensure_doc_converter() -> None:
    """Word 97–2003 (.doc) and WPS files are read through Debian's ``antiword`` (or
    LibreOffice, when present). Install antiword when we may; otherwise such files are
    skipped with a reason saying how to convert them."""
    if shutil.which("antiword") or shutil.which("soffice") or shutil.which("libreoffice"):
        return
    if os.name != "nt" and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        try:
            sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", "antiword", env=env, stdout=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            try:  # the package lists may be missing on a fresh machine
                sh("apt-get", "update", "-qq", env=env, stdout=subprocess.DEVNULL)
                sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", "antiword", env=env,
                   stdout=subprocess.DEVNULL)
            except subprocess.CalledProcessError as exc:
                print(f"! could not install antiword ({exc}); .doc/.wps files will be skipped", flush=True)
    else:
        print("! antiword not found and cannot be installed here (needs root and apt-get); .doc/.wps files "
              "will be skipped with a reason. Install Debian's 'antiword' package or LibreOffice to read them.",
              flush=True)


OCR_PACKAGES = ("tesseract-ocr", "tesseract-ocr-chi-sim", "poppler-utils")


def _has_ocr_tools() -> bool:
    if not (shutil.which("tesseract") and shutil.which("pdftoppm")):
        return False
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in langs.split()


def ensure_ocr() -> None:
    """Scanned PDFs and images are read by Tesseract with its simplified-Chinese model,
    pages rendered by poppler's pdftoppm (docs/ocr.md). Install them when we may;
    otherwise scans are skipped with a reason naming the packages (and OCR tests skip)."""
    if _has_ocr_tools():
        return
    if os.name != "nt" and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *OCR_PACKAGES]
        try:
            sh(*install, env=env, stdout=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            try:  # the package lists may be missing on a fresh machine
                sh("apt-get", "update", "-qq", env=env, stdout=subprocess.DEVNULL)
                sh(*install, env=env, stdout=subprocess.DEVNULL)
            except subprocess.CalledProcessError as exc:
                print(f"! could not install the OCR tools ({exc}); scans will be skipped with a reason", flush=True)
    else:
        print("! Tesseract (with chi_sim) or pdftoppm not found and cannot be installed here (needs root and "
              "apt-get); scanned PDFs and images will be skipped with a reason. Install Debian's "
              + ", ".join(OCR_PACKAGES) + " to read them.", flush=True)


def ensure_nginx() -> None:
    """The deploy/ test checks the sample nginx config with `nginx -t` (Debian's
    nginx-light, or nginx). Install it when we may; otherwise that test skips."""
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    if os.name != "nt" and shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for package in ("nginx-light", "nginx"):
            try:
                sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", package, env=env,
                   stdout=subprocess.DEVNULL)
                return
            except subprocess.CalledProcessError as exc:
                print(f"! could not install {package} ({exc})", flush=True)
        print("! nginx not installed; the nginx config test will be skipped", flush=True)
    else:
        print("! nginx not found and cannot be installed here (needs root and apt-get); "
              "the nginx config test will be skipped. Install Debian's 'nginx-light' to run it.", flush=True)


def parallel_args(rest: list[str]) -> list[str]:
    """pytest-xdist's options for the run: one worker per core (``-n auto``), each test
    file kept on one worker (``--dist loadfile``: a file's shared index is built once),
    unless the arguments choose workers themselves (``-n 0`` runs in this process) or
    need one process (``--pdb``, ``-p no:xdist``)."""
    own = ("-n", "--numprocesses", "--dist", "--pdb", "--trace")
    if any(a.startswith(own) for a in rest) or "no:xdist" in rest or "-pno:xdist" in rest:
        return []
    return ["-n", "auto", "--dist", "loadfile"]


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


# `govsearch serve`'s options read as serve reads them, nothing run: a bad option is said
# (in Chinese first, as the command says it) before `run` spends time updating the index
CHECK_SERVE_OPTIONS = """
import sys, click
from govsearch.cli import main
from govsearch.usage import in_chinese
serve = main.get_command(click.Context(main, info_name="govsearch"), "serve")
try:
    serve.make_context("govsearch serve", sys.argv[1:])
except click.exceptions.Exit as exc:  # --help: shown, nothing more to do
    sys.exit(exc.exit_code or 3)
except click.UsageError as exc:
    in_chinese(exc).show()
    sys.exit(exc.exit_code)
"""


def serve_options_error(rest: list[str]) -> int | None:
    """None when ``rest`` are valid ``govsearch serve`` options; else the status to exit
    with (0 after --help, which has been shown), the error having been said."""
    status = subprocess.run([str(PY), "-c", CHECK_SERVE_OPTIONS, *rest]).returncode
    return None if status == 0 else (0 if status == 3 else status)


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    os.chdir(ROOT)
    if cmd == "setup":
        setup("test")
        ensure_doc_converter()
        ensure_ocr()
        return 0
    if cmd == "test":
        missing = missing_tools()
        if missing:
            print("= dev.py test installs, where it may (root with apt-get): " + "; ".join(missing), flush=True)
        setup("test")
        ensure_chromium()
        ensure_doc_converter()
        ensure_ocr()
        ensure_nginx()
        # every test, slow ones included (a bare `pytest` leaves out those marked slow),
        # unless the arguments choose markers themselves
        markers = [] if any(a == "-m" or a.startswith("-m") for a in rest) else ["-m", ""]
        workers = parallel_args(rest)
        print("= running the tests" + (" on one worker per core (pytest-xdist)" if workers else "")
              + "; `python3 dev.py test tests/test_query.py` runs one file", flush=True)
        started = time.monotonic()
        status = subprocess.call([str(PY), "-m", "pytest", *markers, *workers, *rest])
        print(f"= the tests took {format_duration(time.monotonic() - started)}", flush=True)
        return status
    setup("")
    ensure_doc_converter()
    ensure_ocr()
    govsearch = BIN / ("govsearch.exe" if os.name == "nt" else "govsearch")
    refused = serve_options_error(rest)
    if refused is not None:
        return refused
    # an existing index is updated (only new, changed and removed reports are read); the
    # first run builds it (update builds when there is no index)
    sh(govsearch, "index", "update", "--corpus", "corpus")
    if os.name != "nt":  # the server takes this process's place: a signal to it stops the server
        sys.stdout.flush()
        os.execv(str(govsearch), [str(govsearch), "serve", *rest])
    return subprocess.call([str(govsearch), "serve", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
