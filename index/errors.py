"""One family of errors, each with a machine-readable ``code`` and a next step for people.

How an error is shown is decided at the edges: web/errors.py gives each code its HTTP
status, the CLI its exit and wording."""

from __future__ import annotations

import os
import re
import shlex
import signal
from pathlib import Path

from index.defaults import DEFAULT_INDEX

_COMMAND = re.compile(r"`govsearch index (build|update)([^`]*)`")


class BuildInterrupted(KeyboardInterrupt):
    """A build stopped by a signal (SIGINT, SIGTERM, SIGHUP)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def signal_name(self) -> str:
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return str(self.signum)


def is_default_index(index_dir) -> bool:
    """True when a bare ``govsearch index …`` (no ``--index``, as typed in this shell)
    works on ``index_dir``: it is ``var/index`` of the current folder and
    ``GOVSEARCH_INDEX`` does not point elsewhere."""
    try:
        here = Path(index_dir).resolve()
        if here != Path(DEFAULT_INDEX).resolve():
            return False
        env = os.environ.get("GOVSEARCH_INDEX")
        return not env or Path(env).resolve() == here
    except (OSError, RuntimeError, ValueError):
        return False


def command(*words: str, index_dir=None, always: bool = False) -> str:
    """``govsearch <words>`` as the user must type it for ``index_dir``: with
    ``--index <path>`` unless it is the default index (see :func:`is_default_index`;
    ``always``: in any case). ``words`` are written as given (placeholders such as
    ``<folder>`` stay readable); the index path is quoted for the shell."""
    parts = ["govsearch", *words]
    if index_dir is not None and (always or not is_default_index(index_dir)):
        parts += ["--index", shlex.quote(str(index_dir))]
    return " ".join(parts)


def index_command(verb: str, index_dir=None, *more: str, always: bool = False) -> str:
    """``govsearch index <verb> …`` for ``index_dir`` (see :func:`command`)."""
    return command("index", verb, *more, index_dir=index_dir, always=always)


# What repairs an index, as data: an error raised with ``fix=`` names one of these, and
# its hint is worded here, with the command as the user types it for that index
# (:func:`index_command`). The modules that raise say what repairs, never how it is typed.
FIXES = {
    "build": "请先运行 {build} 建立索引 (run {build} first)",  # no index yet
    "rebuild": "请用 {build} 重建索引 (rebuild it with {build})",  # a damaged file or another version's format
    "repair": ("请运行 {update} 修复（重读损坏的文件），或用 {build} 重建 "
               "(run {update} to repair it (it re-reads damaged files), or {build} to rebuild it)"),
}


def fix_hint(fix: str, index_dir=None, always: bool = False) -> str:
    """The hint of :data:`FIXES` ``fix`` for ``index_dir`` (see :func:`command`)."""
    return FIXES[fix].format(build=f"`{index_command('build', index_dir, always=always)}`",
                             update=f"`{index_command('update', index_dir, always=always)}`")


class GovsearchError(Exception):
    code = "internal"
    hint = ""
    fix: str | None = None  # the key of FIXES that repairs it, when an index command does

    def __init__(self, message: str, hint: str | None = None, *, fix: str | None = None):
        super().__init__(message)
        self.message = message
        if fix is not None:
            self.fix = fix
        if hint is not None:
            self.hint = hint
            if fix is None:
                self.fix = None  # a hint of its own says what to do
        elif self.fix:
            self.hint = fix_hint(self.fix)

    def for_index(self, index_dir, always: bool = False) -> "GovsearchError":
        """Make every `govsearch index build`/`update` command in the hint name
        ``--index <index_dir>`` when that is not the default index (``always``: in any
        case, for a reader in another folder, e.g. a server's administrator), so that
        the command works when copied. Returns the error itself."""
        if self.hint and index_dir is not None:
            if not always and is_default_index(index_dir):
                return self
            if self.fix:
                self.hint = fix_hint(self.fix, index_dir, always=True)
                return self
            flag = f" --index {shlex.quote(str(index_dir))}"
            self.hint = _COMMAND.sub(lambda m: m.group(0) if "--index" in m.group(2) else m.group(0)[:-1] + flag + "`",
                                     self.hint)
        return self

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class IndexMissing(GovsearchError):
    code = "no_index"
    fix = "build"
    hint = fix_hint(fix)


class IndexDamaged(IndexMissing):
    """A generation with a missing, truncated or unreadable file."""
    fix = "rebuild"
    hint = fix_hint(fix)


class CorpusMismatch(GovsearchError):
    """An index would be rebuilt or updated from another corpus folder than its own."""
    code = "corpus_mismatch"


class IndexUnwritable(GovsearchError):
    code = "index_unwritable"


class BuildLocked(GovsearchError):
    code = "build_running"
    hint = "请等它完成 (wait for it to finish)"


class NothingIndexed(GovsearchError):
    code = "nothing_indexed"


class QueryError(GovsearchError):
    code = "bad_query"


class EmptyQuery(QueryError):
    """Nothing to search for: no term and no filter value once the query is parsed
    (``q=，，``, ``town=,``). The CLI reports it as a usage error; the JSON API answers
    it with an empty result and a warning, as for a request without parameters."""

    EMPTY_MESSAGE = "请输入检索词或筛选条件 (empty query: give a term or a filter)"

    def __init__(self, message: str = EMPTY_MESSAGE, hint: str | None = None, warnings=()):
        super().__init__(message, hint)
        self.warnings = list(warnings)  # the parser's, saying why nothing was left (q=*: wildcards)

    @property
    def all_warnings(self) -> list[str]:
        """What an empty answer says: why the query named nothing, then that it did."""
        return [*self.warnings, self.message]


class BadParameter(GovsearchError):
    code = "bad_parameter"


class DocumentNotFound(GovsearchError):
    code = "not_found"

    @classmethod
    def of(cls, doc_id) -> "DocumentNotFound":
        return cls(f"索引中没有编号为 {doc_id!r} 的报告 (no document {doc_id!r} in the index)",
                   "请核对检索结果中的报告编号 (check the id in the search results)")
