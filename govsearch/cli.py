"""The ``govsearch`` command: a thin shell over ``index.generation.build`` and ``search.Searcher``."""

from __future__ import annotations

import errno
import functools
import importlib
import json
import os
import sys
import time
from collections import OrderedDict
from pathlib import Path

import click

from govsearch.help import Command, Group
from govsearch.usage import in_chinese

# Only what the options are made from is imported here (no numpy, Whoosh, jieba): the
# search engine, the build and the readers are imported by the commands that use them,
# so that --version, --help and an update with nothing to do start fast.
from index import visibility
from index.defaults import DEFAULT_CORPUS, DEFAULT_INDEX
from index.errors import BadParameter, BuildInterrupted, GovsearchError, QueryError, command
from index.reading.ingest import DEFAULT_MAX_FILE_MB, SYMLINK_POLICIES, WalkOptions
from index.reading.limits import Limits
from index.wording import count, plural
from search.options import DEFAULT_PAGE_SIZE, GROUPS, MAX_PAGE_SIZE, SORTS
from search.places_label import PLACE_FIELDS, place_chain, place_key, place_label, places_above

MARK_ON, MARK_OFF = "\x1b[1;31m", "\x1b[0m"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def _echo_json(data) -> None:
    """The whole document is serialized before the first byte is written: the output
    is complete, or (on an error) absent."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    click.echo(text, nl=False)


def _exit_now(status: int) -> None:
    """End an interrupted command at once: the build has already removed its unfinished
    generation, and the kernel releases the build lock. Interpreter shutdown would join
    worker processes first (multiprocessing's exit handler), which can block when one
    was stopped mid-task; so children still alive are killed and the process exits."""
    import multiprocessing

    for child in multiprocessing.active_children():
        try:
            child.kill()
        except Exception:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _quiet_broken_pipe() -> None:
    """The reader went away (``| head``): stop writing, and exit 0 as grep does."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    sys.exit(EXIT_OK)


def handle_errors(func):
    """Typed errors become a message and exit status 1 (2 for a bad query or
    parameter: a usage error), never a traceback; a closed pipe ends quietly with 0."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            result = func(*args, **kwargs)
            sys.stdout.flush()  # a broken pipe shows here, not at interpreter exit
            return result
        except BrokenPipeError:
            _quiet_broken_pipe()
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                _quiet_broken_pipe()
            return _unexpected(exc)
        except GovsearchError as exc:
            exc.for_index(kwargs.get("index_dir"))  # hints name --index when it is not the default
            for w in getattr(exc, "warnings", ()):  # why the query named nothing (`*`: no wildcards)
                click.secho(f"注意 note: {w}", fg="yellow", err=True)
            click.secho(f"错误 Error: {exc.message}", fg="red", err=True)
            if exc.hint:
                click.echo(f"提示 Hint: {exc.hint}", err=True)
            sys.exit(EXIT_USAGE if isinstance(exc, (QueryError, BadParameter)) else EXIT_FAILURE)
        except BuildInterrupted as exc:
            click.echo(f"已停止 stopped by {exc.signal_name}: {_left_as(exc)}", err=True)
            _exit_now(128 + exc.signum)
        except KeyboardInterrupt as exc:
            click.echo(f"已中断 interrupted: {_left_as(exc)}", err=True)
            _exit_now(130)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except Exception as exc:
            return _unexpected(exc)

    return wrapper


def _left_as(exc: BaseException) -> str:
    """What an interrupted build left: the index as it was, or (stopped right after the
    switch) the new generation, live."""
    live = getattr(exc, "live_generation", None)
    if live:
        return f"the build had finished: the new index ({live}) is live"
    return "the index was left as it was"


def _unexpected(exc: Exception):
    """A bug: say so plainly; the traceback only on request."""
    if os.environ.get("GOVSEARCH_DEBUG"):
        raise exc
    click.secho(f"内部错误 Internal error: {type(exc).__name__}: {exc}", fg="red", err=True)
    click.echo("提示 Hint: run again with GOVSEARCH_DEBUG=1 for the full traceback, and report it", err=True)
    sys.exit(EXIT_FAILURE)


index_option = click.option(
    "--index", "index_dir", envvar="GOVSEARCH_INDEX", default=DEFAULT_INDEX, show_default=True,
    type=click.Path(file_okay=False), help="Index folder (env GOVSEARCH_INDEX).",
)
synonyms_file_option = click.option(
    "--synonyms-file", envvar=["GOVSEARCH_SYNONYMS_FILE", "GOVSEARCH_SYNONYMS"], default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="Synonym table to use instead of the shipped index/data/synonyms.txt (env GOVSEARCH_SYNONYMS_FILE, "
         "the server's setting too; GOVSEARCH_SYNONYMS is still read).",
)
as_option = click.option(
    "--as", "as_token", envvar="GOVSEARCH_AS", default=None, metavar="TOKEN",
    help="Answer as the holder of this API or embed token would see the index (its groups, and public); "
         "default: everything, as the operator on the server (env GOVSEARCH_AS). See docs/visibility.md.",
)


def _searcher(index_dir, as_token=None, **options):
    """The index as the operator sees it, or as the holder of ``as_token`` does."""
    from search.engine import Searcher

    searcher = Searcher(index_dir, **options)
    if not as_token:
        return searcher
    groups, fixed = visibility.groups_for(index_dir, as_token)
    return searcher.scoped(groups, fixed or None)


corpus_option = click.option(
    "--corpus", envvar="GOVSEARCH_CORPUS", default=None, type=click.Path(file_okay=False),
    help="Corpus folder of reports (.txt .md .docx .pdf .html .doc .wps) (env GOVSEARCH_CORPUS; default: the folder the index "
         f"was built from, else {DEFAULT_CORPUS}).",
)


class Commands(Group):
    """The command group; commands of other layers (``serve`` of the web layer) are
    imported only when they are run or listed, so this module imports nothing of
    ``web`` (no import cycle between the search and web packages)."""

    LAZY = {"serve": "govsearch.serve:serve"}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:  # `govsearch --bogus`
            raise in_chinese(exc) from None

    def invoke(self, ctx):
        """Ctrl+C while a command starts (``serve`` opening its index, say) or runs
        outside a build's own handling: one line and exit status 130, no traceback
        (click alone would print "Aborted!" and exit 1). Usage errors of every command
        (an unknown option, a missing argument …) are said in Chinese first."""
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise in_chinese(exc) from None
        except KeyboardInterrupt:
            from govsearch.interrupt import interrupted

            what = "the server had not started yet" if ctx.invoked_subcommand == "serve" else "the command stopped"
            interrupted(f"{what}; nothing was changed")

    def get_command(self, ctx, name):
        cmd = super().get_command(ctx, name)
        if cmd is None and name in self.LAZY:
            module, attr = self.LAZY[name].split(":")
            cmd = getattr(importlib.import_module(module), attr)
            self.add_command(cmd, name)
        return cmd


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govsearch")
def main():
    """govsearch：地方政府报告全文检索。

    govsearch: full-text search of Chinese local-government reports.

    \b
    快速上手 Quick start:
      govsearch index build --corpus corpus
      govsearch search 五星支部
      govsearch search 人居环境 --county 新密市 --json
      govsearch show xinmi-dawei-2022
    """


@main.group("index")
def index_group():
    """建立、更新和检查索引。

    Build, update and inspect the index.

    \b
    示例 Examples:
      govsearch index build --corpus corpus          # the first time, or to start over
      govsearch index update                          # after adding, changing or removing reports
      govsearch index stats                           # reports, places, levels and years it holds
      govsearch index check                           # every file read and checked against its manifest
      govsearch index pull writer:/srv/govsearch/index   # a read replica takes the writer's live index
      govsearch index build --corpus /data/reports --index /srv/govsearch/index --workers 2
    """


_DEFAULT_LIMITS = Limits()
LIMIT_OPTIONS = (  # (option, Limits field, type, help): each exceeded limit skips the file with its reason
    ("--max-inflated-mb", "max_inflated_mb", click.FloatRange(0),
     "Skip a .docx whose parts inflate to more than this many MB; 0: no limit"),
    ("--max-passages", "max_passages", click.IntRange(0), "Skip a report of more passages than this; 0: no limit"),
    ("--max-pdf-pages", "max_pdf_pages", click.IntRange(0), "Skip a PDF of more pages than this; 0: no limit"),
    ("--max-line-chars", "max_line_chars", click.IntRange(0),
     "Skip a file with a line of more characters than this; 0: no limit"),
    ("--max-seconds-per-file", "max_seconds", click.FloatRange(0),
     "Skip a file whose analysis takes longer than this; 0: no limit"),
    ("--max-worker-mb", "max_worker_mb", click.FloatRange(0),
     "Memory an analysis worker process may take on top of what it starts with (a file needing more is "
     "skipped); 0: no limit"),
)


def _limit_options():
    for flag, name, kind, text in LIMIT_OPTIONS:
        env = "GOVSEARCH_" + flag[2:].upper().replace("-", "_")
        yield click.option(flag, name, type=kind, default=getattr(_DEFAULT_LIMITS, name), show_default=True,
                           envvar=env, help=f"{text} (env {env}).")


def _limits(kwargs: dict) -> Limits:
    return Limits(**{name: kwargs.pop(name) for _, name, _, _ in LIMIT_OPTIONS})


def _build_options(func):
    for option in reversed([
        index_option, corpus_option,
        click.option("--lexicon", type=click.Path(dir_okay=False, exists=True), envvar="GOVSEARCH_LEXICON",
                     help="Topic lexicon file (env GOVSEARCH_LEXICON; default: the one the index was built with, "
                          "else the shipped index/data/topics.txt)."),
        click.option("--userdict", type=click.Path(dir_okay=False, exists=True), envvar="GOVSEARCH_USERDICT",
                     help="Extra jieba user dictionary, added to the shipped one (env GOVSEARCH_USERDICT; "
                          "default: the one the index was built with, if any)."),
        click.option("--workers", type=click.IntRange(1, 64), default=None,
                     help="Processes that analyze files (default: one per CPU)."),
        click.option("--replace-corpus", "--force", "replace_corpus", is_flag=True,
                     help="Allow replacing an index built from another corpus folder (its reports not in "
                          "the new folder are removed)."),
        click.option("--max-file-mb", type=click.FloatRange(0), default=DEFAULT_MAX_FILE_MB, show_default=True,
                     envvar="GOVSEARCH_MAX_FILE_MB",
                     help="Skip (and list) files larger than this; 0: no cap (env GOVSEARCH_MAX_FILE_MB)."),
        click.option("--follow-symlinks", type=click.Choice(SYMLINK_POLICIES), default="inside", show_default=True,
                     envvar="GOVSEARCH_FOLLOW_SYMLINKS",
                     help="Symbolic links followed: those pointing inside the corpus folder, none, or any "
                          "(env GOVSEARCH_FOLLOW_SYMLINKS)."),
        click.option("--ocr/--no-ocr", "ocr", default=True, show_default=True, envvar="GOVSEARCH_OCR",
                     help="Read scanned PDF pages and images (.png .jpg .tif) by OCR with Tesseract; --no-ocr "
                          "skips them as before (env GOVSEARCH_OCR=0). See docs/ocr.md."),
        click.option("--ocr-cache", type=click.Path(file_okay=False), default=None, envvar="GOVSEARCH_OCR_CACHE",
                     help="Folder of OCR results kept by file content, so that an unchanged scan is never "
                          "read twice (env GOVSEARCH_OCR_CACHE; default: ocr-cache/ in the index folder)."),
        *_limit_options(),
        click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON."),
    ]):
        func = option(func)
    return func


def _run_build(fn, index_dir, corpus, lexicon, userdict, workers, as_json, replace_corpus=False,
               max_file_mb=DEFAULT_MAX_FILE_MB, follow_symlinks="inside", ocr=True, ocr_cache=None,
               limits: Limits | None = None):
    from index.reading.formats.ocr import OcrOptions

    bar = None
    progress = None
    if sys.stderr.isatty() and not as_json:

        def progress(done, total, rel):
            nonlocal bar
            if total < 20:
                return
            if bar is None:
                bar = click.progressbar(length=total, label="分析 analyzing", file=sys.stderr)
                bar.__enter__()
            bar.update(1)

    try:
        report = fn(corpus, index_dir, lexicon=lexicon, userdict=userdict, workers=workers, progress=progress,
                    replace_corpus=replace_corpus,
                    walk=WalkOptions(max_file_mb=max_file_mb, follow_symlinks=follow_symlinks),
                    ocr=OcrOptions(enabled=ocr, cache_dir=Path(ocr_cache) if ocr_cache else None,
                                   progress=not as_json),
                    limits=limits)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if as_json:
        _echo_json(report.to_dict())
        return
    for line in build_summary(report):
        click.echo(line)
    for rel, why in report.skipped:
        click.secho(f"  跳过 skipped {rel}: {why}", fg="yellow", err=True)
    for rel, why in report.failed:
        click.secho(f"  失败 failed  {rel}: {why}", fg="red", err=True)


def build_summary(report) -> list[str]:
    """What a build or an update did, in Chinese first, the English kept in brackets (the
    English lines as they were, so that scripts matching them still match)."""
    lines = [f"注意 note: {note}" for note in report.notes]
    if report.mode == "build":
        zh, verb = "已建索引", "Indexed"
    elif report.indexed or report.removed:
        zh, verb = "已更新索引", "Updated"
    else:  # the counts then describe the index as it stays, not work done
        zh, verb = "无需更新，索引保持不变", "Nothing to update:"
    lines.append(f"{zh}：{report.documents} 份报告，{report.passages} 段，{report.characters:,} 字，"
                 f"用时 {report.seconds:.1f} 秒 ({verb} {count(report.documents, 'report')} "
                 f"({count(report.passages, 'passage')}, {count(report.characters, 'character', fmt=',')}) "
                 f"in {report.seconds:.1f} s) → {report.index} ({report.generation})")
    lines.append(f"  语料 from {report.corpus}")
    if report.mode == "update":
        indexed, unchanged, removed = len(report.indexed), len(report.unchanged), len(report.removed)
        lines.append(f"  重新索引 {indexed}，未变 {unchanged}，删除 {removed} "
                     f"(re-indexed {indexed}, unchanged {unchanged}, removed {removed})")
        lines += [f"  + {rel}" for rel in report.indexed]
        lines += [f"  - {rel}" for rel in report.removed]
    indexed, skipped, failed = len(report.indexed), len(report.skipped), len(report.failed)
    lines.append(f"  已索引 {indexed} / 跳过 {skipped} / 失败 {failed} "
                 f"(indexed {indexed} / skipped {skipped} / failed {failed})")
    if report.ocr_pages:
        lines.append(f"  OCR：从扫描件识别了 {report.ocr_pages} 页，其中 {report.ocr_cached} 页取自 OCR 缓存 "
                     f"(OCR: {count(report.ocr_pages, 'page')} read from scans, {report.ocr_cached} of them "
                     "from the OCR cache)")
    for low in report.low_confidence:
        where = f"{low['file']} 第 {low['page']} 页（{low['confidence']:.0f}%）"
        lines.append(f"  OCR 置信度低：{where}，请核对其文字 (low OCR confidence: {low['file']} page {low['page']} "
                     f"({low['confidence']:.0f}%): check its text)")
    return lines


@index_group.command("build")
@_build_options
@handle_errors
def index_build(index_dir, corpus, lexicon, userdict, workers, replace_corpus, max_file_mb, follow_symlinks,
                ocr, ocr_cache, as_json, **limit_values):
    """为语料中的每篇报告建立索引。

    Index every report (.txt .md .docx .pdf .html .doc .wps, scans by OCR) below the corpus folder.

    Writes a new index beside the live one and switches to it atomically: searches
    running meanwhile keep working. Unreadable files are skipped and listed; the exit
    status is non-zero only when nothing could be indexed or the index could not be
    written. Without --corpus, the folder the index was built from is used; an index
    built from another folder is refused unless --replace-corpus is given.

    \b
    示例 Example:
      govsearch index build --corpus corpus --index var/index
    """
    from index.generation.build import build as build_index  # the build machinery only when it runs

    _run_build(build_index, index_dir, corpus, lexicon, userdict, workers, as_json, replace_corpus, max_file_mb,
               follow_symlinks, ocr, ocr_cache, _limits(limit_values))


def _update(corpus, index_dir, **options):
    """``index.update``, whose machinery (Whoosh, numpy, jieba, the readers) is imported
    only when the live generation's records do not show that nothing changed."""
    from index.generation.unchanged import decide

    decided = decide(corpus, index_dir, **options)
    if decided.report is not None:
        return decided.report
    from index.generation.build import update

    return update(corpus, index_dir, decided=decided, **options)


@index_group.command("update")
@_build_options
@handle_errors
def index_update(index_dir, corpus, lexicon, userdict, workers, replace_corpus, max_file_mb, follow_symlinks,
                 ocr, ocr_cache, as_json, **limit_values):
    """只重新索引新增和改动的报告。

    Re-index only new and changed reports, and drop removed ones.

    A full build happens instead when there is no index yet, the current one is
    damaged, or the dictionary or the topic lexicon changed since the last build.
    Without --corpus (and --lexicon, --userdict), the ones the index was built with are
    used; another corpus folder is refused unless --replace-corpus is given.

    \b
    示例 Example:
      govsearch index update --corpus corpus
    """
    _run_build(_update, index_dir, corpus, lexicon, userdict, workers, as_json, replace_corpus, max_file_mb,
               follow_symlinks, ocr, ocr_cache, _limits(limit_values))


@index_group.command("pull")
@click.argument("source")
@index_option
@handle_errors
def index_pull(source, index_dir):
    """只读副本取得写入端的当前索引。

    Make this index (a read replica) serve SOURCE's live generation.

    SOURCE is the writer's index folder: a local path (a mount) or host:/path (copied
    with rsync over ssh). The generation is copied beside the live one, every file
    checked against its manifest (sizes and CRC-32), and only then is CURRENT switched;
    servers reading this index take it on their next query. A copy cut short or
    damaged is refused and the index is left as it was (exit 1). Nothing to do when
    the replica serves that generation already.

    \b
    示例 Example:
      govsearch index pull writer:/srv/govsearch/index --index /srv/govsearch/index
      govsearch index pull /mnt/writer/index --index var/index
    """
    from index.generation.replica import pull

    report = pull(source, index_dir)
    if not report.switched:
        click.echo(f"{report.generation} 已在使用中，无需更新 ({report.generation} is live already: nothing to do)")
        return
    zh, how = ((f"复制了 {report.files} 个文件（{report.bytes / 1048576:.1f} MiB）并与清单核对",
                f"copied {count(report.files, 'file')}, {report.bytes / 1048576:.1f} MiB, checked against its manifest")
               if report.copied else ("本地已有，已与清单核对", "was here already, checked against its manifest"))
    click.echo(f"{report.generation}：{zh}，现已启用 ({report.generation}: {how}; live now)")
    if report.removed:
        click.echo(f"删除了较旧的索引代 {', '.join(report.removed)} (removed older generations: {', '.join(report.removed)})")


@index_group.command("check")
@index_option
@handle_errors
def index_check(index_dir):
    """逐个文件检查当前索引。

    Read every file of the live generation and check it against its manifest.

    Sizes and CRC-32 checksums of every file, read through (the whole index, not only
    what changed since the last check), and the JSON records parsed. `index update`
    trusts a file whose size, inode and times are those it had when its checksum was
    last verified; this command trusts nothing, so it also finds damage that moves no
    time (bit rot). Exit 0 when the index is sound, 1 naming the damaged file; the next
    `index update` then repairs it.

    \b
    示例 Example:
      govsearch index check --index var/index
    """
    from index.generation import store

    gen, files, size = store.check_index(Path(index_dir))
    click.echo(f"{gen.name}：完好，{files} 个文件（{size / 1048576:.1f} MiB）已全部读过并与清单核对 "
               f"({gen.name}: sound ({count(files, 'file')}, {size / 1048576:.1f} MiB read and checked "
               "against its manifest))")


STATS_ZH_CELLS = 6  # the Chinese labels' column, in terminal cells (a Chinese character takes two)


def stats_line(zh: str, en: str, value) -> str:
    """``省份   provinces  河南省``: the Chinese label, then the English one in its column of
    old, so a script reading ``provinces  …`` still finds it."""
    return f"{zh}{' ' * (STATS_ZH_CELLS - 2 * len(zh))} {en:<10} {value}"


@index_group.command("stats")
@index_option
@as_option
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: the fields of /api/stats under the same names, plus the skipped files (skipped).")
@handle_errors
def index_stats(index_dir, as_token, as_json):
    """显示索引收录的内容。

    Show what the index holds.

    \b
    示例 Example:
      govsearch index stats --json
    """
    from index.reading.places import level_label

    stats = _searcher(index_dir, as_token).stats()
    if as_json:
        _echo_json(stats)
        return
    for zh, en, value in (
        ("索引", "index", f"{stats['index']} ({stats['generation']})"),
        ("建于", "built at", f"{stats['built_at']} from {stats['corpus']}"),
        ("报告", "documents", stats["documents"]),
        ("段落", "passages", stats["passages"]),
        ("字数", "characters", f"{stats['characters']:,}"),
        ("主题", "topics", " ".join(stats["topics"])),
        ("乡镇", "towns", " ".join(stats["towns"])),
        ("县市区", "counties", " ".join(stats["counties"])),
        ("地市", "cities", " ".join(stats["cities"])),
        ("省份", "provinces", " ".join(stats["provinces"])),
        ("级别", "levels", " ".join(f"{level_label(k)}:{n}" for k, n in stats["levels"].items())),
        ("年份", "years", " ".join(map(str, stats["years"]))),
        *(("跳过", "skipped", f"{item['file']}: {item['reason']}") for item in stats["skipped"]),
    ):
        click.echo(stats_line(zh, en, value))


class FilterCommand(Command):
    """A command with one option per filter of the field model (``--town``, ``--province``,
    ``--topic``, ``--year`` … and any field added to it), made from the model in use when
    the command runs; the callback gets them as ``filters`` ({name: [values]})."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._own, self._model = list(self.params), None  # the filters' options: when parsed or shown

    def _sync(self) -> None:
        from index import fields as field_model

        model = field_model.current()
        if self._model is not model:
            self._model = model
            self.params = [*(_filter_option(f) for f in model.filters if f.api), *self._own]

    def get_params(self, ctx):
        self._sync()
        return super().get_params(ctx)

    def invoke(self, ctx):
        self._sync()
        names = {f.filter for f in self._model.filters if f.api}
        ctx.params["filters"] = {name: list(ctx.params.pop(name, ())) for name in list(ctx.params) if name in names}
        return super().invoke(ctx)


def _filter_option(f) -> click.Option:
    # a closed filter (level) names its values, each with the Chinese names it takes
    values = "; ".join(f"{v} ({'、'.join(n[:4])}…)" if len(n) > 4 else f"{v} ({'、'.join(n)})"
                       for v, n in f.value_names().items())
    return click.Option([f"--{f.filter}"], multiple=True,
                        help=f"Only this {f.description} (filter {f.filter}:); repeat for several."
                             + (f" One of: {values}." if values else ""))


@main.command("search", cls=FilterCommand, context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, type=click.UNPROCESSED)
@click.option("--limit", "page_size", type=click.IntRange(1, MAX_PAGE_SIZE), default=DEFAULT_PAGE_SIZE,
              show_default=True, help="Hits per page.")
@click.option("--page", type=click.IntRange(1, None), default=1, show_default=True, help="Page number.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--group", type=click.Choice(GROUPS), default="none", show_default=True,
              help="report: at most 5 passages per report in ranking order, "
                   "identical passages of several reports once.")
@click.option("--places-at", type=click.Choice(PLACE_FIELDS), default=None,
              help="Group the printed hits by their place at this level (a report above it stays under its "
                   "own place: a provincial report under its province). Default: each report's finest place.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract (same as /api/search).")
@click.option("--synonyms/--no-synonyms", default=True, show_default=True,
              help="Also search the synonyms of the terms (the synonym table).")
@synonyms_file_option
@index_option
@as_option
@handle_errors
def search_command(query, filters, page_size, page, sort, group, places_at, as_json, synonyms, synonyms_file,
                   index_dir, as_token):
    """检索：找出含检索词的每一段。

    Search the index. Every passage containing the query is found.

    \b
    检索语法 Query syntax:
      五星支部 人居环境     both must occur (AND)
      "五星 支部"          exact phrase; never relaxed
      -来集镇              exclude passages containing it (also as a CLI word:
                           govsearch search 五星支部 -来集镇)
      万人助万企 OR 四上   either
      town:大隗镇 county:新密市 topic:党建 year:2022 (or year:2020-2022)
      (also city: province: level: section:, and as --town … options)
    Punctuation, spaces, line breaks, full/half width and traditional characters
    are ignored when matching: “五星”支部 matches 五星支部.

    \b
    示例 Examples:
      govsearch search 五星支部
      govsearch search 人居环境 --topic 环保 --year 2022
      govsearch search '万人助万企 OR 四上企业' --json
    """
    unknown = [word for word in query if word.startswith("--") and len(word) > 2]
    if unknown:  # -word excludes a word; --word is a mistyped option, not query text
        word = unknown[0]
        zh, hint = ("", "") if word[2:].isascii() else (f"；排除词只用一个减号：-{word[2:]}",
                                                        f" (an exclusion is written with one dash: -{word[2:]})")
        raise click.UsageError(f"没有选项 {word}{zh} (no such option: {word}{hint}; see `govsearch search --help`)")
    raw = " ".join(query)
    results = _searcher(index_dir, as_token, synonyms_file=synonyms_file).search(
        raw, filters, page=page,
        page_size=page_size, sort=sort, synonyms=synonyms, pinyin=True, group=group)
    if as_json:
        _echo_json(results.to_dict())
        return
    _print_results(results, color=sys.stdout.isatty(), index_dir=index_dir, places_at=places_at)


def _shown(field: str, value: str) -> str:
    """A filter value as people read it: a stored level in Chinese (township → 乡镇/街道)."""
    from index import fields as field_model

    return field_model.current().shown(field, value) or value


def _unknown(field: str) -> str:
    """What a missing value is called (年份不详), in the field model's words as on the pages."""
    from index import fields as field_model

    return field_model.current().unknown_labels[field]


def _marked(text: str, runs, color: bool) -> str:
    """``text`` with its highlight runs in colour on a terminal, 【】 around them elsewhere."""
    if not runs:
        return text
    on, off = (MARK_ON, MARK_OFF) if color else ("【", "】")
    out, last = [], 0
    for start, end in runs:
        out += [text[last:start], on, text[start:end], off]
        last = end
    out.append(text[last:])
    return "".join(out)


def _print_results(results, color: bool, index_dir=None, places_at: str | None = None) -> None:
    from search.highlight import Fragmenter, Matches, TextFormatter

    for w in results.warnings:
        click.secho(f"注意 note: {w}", fg="yellow", err=True)
    synonym_hits = (results.total - results.total_exact - results.total_words
                    - results.total_context - results.total_partial)
    on_page = results.page <= max(results.pages, 1)
    # each tier in both languages; the first two always, the others when they hold passages
    tiers = [(zh, en, n) for zh, en, n, always in (
        ("完全匹配", "exact", results.total_exact, True), ("分词匹配", "words only", results.total_words, True),
        ("上下文匹配", "in context", results.total_context, False), ("部分匹配", "partial", results.total_partial, False),
        ("仅同义词", "synonyms only", synonym_hits, False)) if always or n]
    zh = (f"“{results.query}”：{results.total_docs} 篇报告中 {results.total} 段"
          f"（{'，'.join(f'{z} {n}' for z, _, n in tiers)}）"
          + (f"，第 {results.page}/{results.pages} 页" if on_page else ""))
    en = (f"“{results.query}”: {count(results.total, 'passage')} in {count(results.total_docs, 'report')}"
          f" ({', '.join(f'{e} {n}' for _, e, n in tiers)})"
          + (f" — page {results.page}/{results.pages}" if on_page else ""))
    click.echo(f"{zh} ({en})，{results.took_ms:.0f} ms")
    if results.filters:
        click.echo("筛选 filters: " + "  ".join(f"{k}={','.join(_shown(k, x) for x in v)}" for k, v in results.filters.items()))
    for line in assist_lines(results):
        click.echo(line)
    if not results.hits:
        if results.total:
            click.echo(f"第 {results.page} 页没有结果：共 {results.pages} 页 (no hits on page {results.page}: "
                       f"there {plural(results.pages, 'is')} {count(results.pages, 'page')})")
        return
    groups: OrderedDict = OrderedDict()
    for hit in results.hits:
        groups.setdefault(place_key(hit, places_at), OrderedDict()).setdefault(hit.doc_id, []).append(hit)
    on, off = (MARK_ON, MARK_OFF) if color else ("", "")
    for docs in groups.values():
        first = next(iter(docs.values()))[0]
        click.echo("")
        above = places_above(first, places_at)
        click.secho(f"■ {place_label(first, places_at)}" + (f"（{above}）" if above else ""), bold=color)
        for doc_id, hits in docs.items():
            h0 = hits[0]
            click.echo(f"  {h0.title} · {h0.year or _unknown('year')}  [{doc_id}]")
            for hit in hits:
                where = hit.section or "（正文开头）"
                tag = {"exact": "", "synonym": "  [同义词 synonym]",
                       "context": f"  [标题含 in context: {' '.join(hit.context_terms)}]",
                       "partial": f"  [部分匹配 partial, 缺 missing: {' '.join(hit.missing_terms)}]"
                       }.get(hit.match, "  [词匹配 words]")
                kind = "" if hit.kind == "body" else f"  [{hit.kind}]"
                click.echo(f"    § {where}{kind}{tag}")
                if hit.lead_in:
                    click.echo(f"      ⤷ {hit.lead_in}")
                found = Matches.of_runs(hit.passage, hit.runs)
                click.echo(f"      {TextFormatter(on, off).snippet(found, Fragmenter().pieces(found))}")
                if hit.also_in:
                    click.echo("      = also in: " + ", ".join(f"{a['title']} [{a['doc_id']}]" for a in hit.also_in))
            if hits[-1].more_in_report:
                click.echo(f"    … {hits[-1].more_in_report} more in this report: "
                           f"{command('show', doc_id, index_dir=index_dir)}")
    click.echo("")


def assist_lines(results) -> list[str]:
    """What query assistance adds under the summary line (pinyin, synonyms, did you mean)."""
    lines = []
    pinyin = results.expanded.get("pinyin")
    if pinyin:
        lines.append(f"按拼音检索了 searched as pinyin: {pinyin['searched']}"
                     + (f"（也可以是 or: {'、'.join(pinyin['alternatives'])}）" if pinyin["alternatives"] else ""))
    applied = results.expanded.get("synonyms") or []
    if applied and not results.expanded.get("synonyms_off") and results.expanded.get("synonym_hits"):
        also = "、".join(s for item in applied for s in item["synonyms"])
        lines.append(f"同时搜索了 also searched: {also}（{count(results.expanded['synonym_hits'], 'passage')}; "
                     "--no-synonyms to turn off）")
    for item in results.did_you_mean[:1]:
        lines.append(f"您是不是要找 did you mean: {item['query']}  ({count(item['total'], 'passage')})")
    for item in results.widen:
        lines.append(f"少用一个词 without “{item['dropped']}”: {item['query']}  ({count(item['total'], 'passage')})")
    return lines


@main.command("suggest")
@click.argument("prefix", nargs=-1, required=True)
@click.option("--limit", type=click.IntRange(1, 20), default=8, show_default=True, help="Most suggestions.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (same as /api/suggest).")
@index_option
@as_option
@handle_errors
def suggest_command(prefix, limit, as_json, index_dir, as_token):
    """补全检索词（也可输入拼音）。

    Complete a search term from the index's vocabulary (headings, dictionary terms,
    frequent phrases), with the number of passages each finds. A prefix of Latin
    letters is also read as pinyin or pinyin initials.

    \b
    示例 Examples:
      govsearch suggest 人居
      govsearch suggest wxzb --json
    """
    from search.suggest import complete

    text = " ".join(prefix)
    items = complete(_searcher(index_dir, as_token), text, limit)
    if as_json:
        _echo_json({"query": text, "suggestions": items})
        return
    if not items:
        click.echo(f"“{text}”没有补全建议 (no suggestions for “{text}”)")
        return
    for item in items:
        click.echo(f"{item['text']}\t{item['count']}")


@main.command("show")
@click.argument("doc_id")
@click.option("--query", "-q", default=None,
              help="Mark every match of this query (the JSON gets each passage's \"highlights\").")
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
@index_option
@as_option
@handle_errors
def show_command(doc_id, query, as_json, index_dir, as_token):
    """逐段显示一篇报告。

    Show one report, passage by passage, from the index.

    \b
    示例 Example:
      govsearch show xinmi-dawei-2022
      govsearch show xinmi-dawei-2022 --query 五星支部
    """
    doc = _searcher(index_dir, as_token).document(doc_id, query=query or None)
    if as_json:
        _echo_json(doc)
        return
    click.secho(doc["title"], bold=True)
    if doc.get("subtitle"):
        click.echo(doc["subtitle"])
    click.echo(f"{place_chain(doc)} · {doc['year'] or _unknown('year')} · {doc['source']}"
               + (f" · 可见范围 {doc['visibility']}" if doc.get("visibility") else ""))
    if doc.get("ocr"):
        click.echo(f"text read by OCR from pages {', '.join(map(str, doc['ocr']['pages']))} "
                   f"(mean confidence {doc['ocr']['confidence']:.0f}%, {len(doc['ocr']['uncertain'])} uncertain words)")
    color = sys.stdout.isatty()
    if query:
        click.echo(f"“{query}”：{doc['matches']} 处匹配 (“{query}”: {count(doc['matches'], 'match')})")
    section = None
    for p in doc["passages"]:
        if p["kind"] == "title":
            continue
        if p["kind"] == "heading":
            click.echo("")
            click.secho(("  " * p["section"].count(" > ")) + ("## " if not p["section"] else "### ")
                        + _marked(p["text"], p.get("highlights"), color), bold=True)
            continue
        if p["section"] != section:
            section = p["section"]
        prefix = {"caption": "[图] ", "byline": "[署名] "}.get(p["kind"], "")
        topics = f"  〔{'、'.join(p['topics'])}〕" if p["topics"] else ""
        click.echo(f"\n{prefix}{_marked(p['text'], p.get('highlights'), color)}{topics}")


@main.group("token")
def token_group():
    """API 令牌和嵌入令牌：谁能看到受限报告。

    API tokens and signed embed tokens: who may see restricted reports.

    \b
    Tokens are kept hashed in tokens.json beside the index; a token is shown once.
    示例 Examples:
      govsearch token create --name 财政局 --groups dept:财政局
      govsearch token list
      govsearch token revoke 3f2a9c1b
      govsearch token embed --groups public --town 大隗镇 --days 30
    """


@token_group.command("create")
@click.option("--name", default="", help="What the token is for (shown by list).")
@click.option("--groups", required=True, help="Visibility groups it may see, comma-separated (internal,dept:财政局); "
                                              "* for everything.")
@click.option("--days", type=click.FloatRange(0, min_open=True), default=None, help="Expires after this many days.")
@index_option
@handle_errors
def token_create(name, groups, days, index_dir):
    """创建 API 令牌。

    Make an API token; it is printed once (only its hash is kept)."""
    secret, record = visibility.TokenStore(index_dir).create(name, groups, days)
    click.echo(secret)
    click.echo(f"id {record.id} · groups {', '.join(record.groups)}"
               + (f" · expires {time.strftime('%Y-%m-%d %H:%M', time.gmtime(record.expires))} UTC" if record.expires else ""),
               err=True)


@token_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@index_option
@handle_errors
def token_list(as_json, index_dir):
    """列出令牌。

    List the tokens (never their secrets)."""
    records = [r.public() for r in visibility.TokenStore(index_dir).records()]
    if as_json:
        _echo_json({"tokens": records})
        return
    if not records:
        click.echo("没有令牌 (no tokens)")
    for r in records:
        state = "revoked" if r["revoked"] else ("expired" if r["expires"] and r["expires"] <= time.time() else "active")
        click.echo(f"{r['id']}\t{state}\t{','.join(r['groups'])}\t{r['name']}\t{r['created']}")


@token_group.command("revoke")
@click.argument("token_id")
@index_option
@handle_errors
def token_revoke(token_id, index_dir):
    """吊销令牌。

    Revoke a token by its id (or name): it is refused from then on."""
    record = visibility.TokenStore(index_dir).revoke(token_id)
    click.echo(f"已吊销 {record.id}（{record.name}） (revoked {record.id} ({record.name}))")


@token_group.command("embed", cls=FilterCommand)
@click.option("--groups", default=visibility.PUBLIC, show_default=True,
              help="Visibility groups the embed may show, comma-separated (public is always shown).")
@click.option("--days", type=click.FloatRange(0, min_open=True), default=30, show_default=True,
              help="Valid for this many days.")
@index_option
@handle_errors
def token_embed(filters, groups, days, index_dir):
    """生成签名的嵌入令牌。

    Print a signed embed token for an <iframe src=".../embed?embed_token=…"> or the
    widget's data-token: its groups and filters (--town, --topic … as for search) are
    fixed inside it, signed with the secret beside the index (embed-secret, made now
    if missing; or the server's embed_secret setting, given here as GOVSEARCH_EMBED_SECRET)."""
    secret = os.environ.get("GOVSEARCH_EMBED_SECRET", "").encode("utf-8") or \
        visibility.embed_secret(index_dir, create=True)
    click.echo(visibility.sign_embed(secret, groups, filters, days * 86400))


if __name__ == "__main__":
    main()
