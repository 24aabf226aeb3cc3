"""Deterministic corpus scaler for the benchmark.

Makes a corpus of about N bytes of UTF-8 text (``10mb``, ``100mb`` …) out of the
sample corpus (``corpus/``) and the real corpus (``../shared/corpus-real/``) without
copying either into the project: the output goes to ``bench/out/`` (gitignored).

Every generated report is a town-level report of realistic length:

* a title naming a made-up but plausible town (镇/乡/街道) in a county-level unit of
  Henan (4 % of the reports: one of the sample's own towns), and a year;
* an opening paragraph that names the town;
* a contiguous run of lines from a source report (real or sample), chosen with a
  probability proportional to its length, so that the mix of text follows the
  sources; its length is drawn from the length distribution of the source reports;
* sometimes a few paragraphs of a sample (town-level) report spliced in;
* lightly varied: the source's town / county / province names are replaced by the new
  ones, years are shifted to the report's year, quantities (亿元, %, 个, 家 …) are
  perturbed by up to ±40 %.

Town, county and year also go to a ``metadata.tsv`` sidecar at the corpus root, so
that the facets and filters of the generated corpus are known exactly.

The output depends only on the sources, the size and the seed::

    python bench/scale_corpus.py 10mb            # → bench/out/corpus-10mb/
    python bench/scale_corpus.py 100mb --seed 7
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
SAMPLE = ROOT / "corpus"
REAL = ROOT.parent / "shared" / "corpus-real"
VERSION = 2  # bump when the generator changes, so old outputs are regenerated
DEFAULT_SEED = 20240601
SAMPLE_TOWN_SHARE = 0.04  # of the reports, set in one of the sample's towns

# County-level units of Henan (real names). The five sample reports' own towns are
# kept in their real counties so that the sample's place names still occur.
COUNTIES = (
    "巩义市 新密市 上街区 荥阳市 新郑市 登封市 中牟县 汝州市 禹州市 长葛市 鄢陵县 襄城县 郏县 宝丰县 "
    "鲁山县 叶县 舞钢市 林州市 滑县 内黄县 浚县 淇县 辉县市 卫辉市 获嘉县 原阳县 延津县 封丘县 长垣市 "
    "修武县 博爱县 武陟县 温县 沁阳市 孟州市 偃师区 孟津区 新安县 宜阳县 洛宁县 嵩县 栾川县 汝阳县 "
    "伊川县 兰考县 杞县 通许县 尉氏县 民权县 睢县 宁陵县 柘城县 虞城县 夏邑县 永城市 鹿邑县 郸城县 "
    "太康县 扶沟县 西华县 商水县 沈丘县 项城市 固始县 潢川县 光山县 新县 商城县 息县 淮滨县 罗山县 "
    "确山县 泌阳县 遂平县 西平县 上蔡县 汝南县 平舆县 新蔡县 正阳县 方城县 南召县 内乡县 西峡县 "
    "淅川县 镇平县 社旗县 唐河县 新野县 桐柏县 邓州市 卢氏县 灵宝市 渑池县 义马市"
).split()

SAMPLE_TOWNS = {  # sample file stem prefix → (town, county)
    "gongyi-huiguo": ("回郭镇", "巩义市"),
    "gongyi-xiaoguan": ("小关镇", "巩义市"),
    "shangjie-xiawo": ("峡窝镇", "上街区"),
    "xinmi-dawei": ("大隗镇", "新密市"),
    "xinmi-laiji": ("来集镇", "新密市"),
}

# First parts of made-up town names: common elements of Henan place names.
TOWN_STEMS = (
    "城关 石佛 柳林 大营 高庙 黄庄 李店 王集 马寨 孙庄 白沙 青龙 龙泉 古城 新店 杨湖 张村 刘集 "
    "赵庄 陈桥 东城 西关 南阳寨 北舞渡 双庙 三里河 五里堡 七里营 八里桥 十里铺 金岗 银河 铁炉 "
    "石桥 木栾 柏树岗 桃园 杏花营 梨园 枣林 槐树庄 杨柳 竹沟 芦庙 荷花 菊园 兰店 梅庄 松树岭 "
    "大王庙 小店 大刘 小李 付集 郭店 宋集 韩寺 冯营 于庄 许岗 邓湾 曹集 彭店 潘湖 吕店 苏湾 "
    "卢庙 蒋集 蔡河 贾岭 丁营 魏庄 薛店 叶岗 阎楼 余集 杜曲 戴集 夏庄 钟楼 汪店 田湖 任店 姜庄 "
    "范湖 方山 石门 石寨 龙湖 凤凰 麒麟 白鹤 黄龙 青山 红星 朝阳 向阳 前进 永安 长兴 太平 万安 "
    "安乐 富民 丰收 新集 老集 新庄 旧县 城郊 河口 洛河 伊河 颍河 汝河 沙河 淮河 清水河 双洎河 "
    "贾鲁河 湍河 白河 丹江 岗李 邙岭 嵩顶 伏牛 桐柏山 大别山 鸡公山 尧山 云台 太行"
).split()
TOWN_SUFFIXES = ("镇",) * 7 + ("乡",) * 2 + ("街道",)

TITLE_TEMPLATES = (
    "{county}{town}{year}年政府工作报告",
    "{town}{year}年工作总结和{next}年工作安排",
    "关于{county}{town}{year}年经济社会发展情况的报告",
    "{town}{year}年度工作报告",
    "{county}{town}：{year}年工作回顾",
)
SUBTITLE_TEMPLATES = (
    "——在{town}第{n}届人民代表大会第{m}次会议上",
    "——{county}{town}交出{year}年发展“成绩单”",
    "——{town}党委、政府{year}年工作纪实",
    "",
    "",
)
OPENINGS = (
    "{year}年，{town}党委、政府在{county}委、{county}政府的坚强领导下，团结带领全{kind}干部群众，"
    "攻坚克难、真抓实干，各项工作取得了新的成效。",
    "过去的一年，是{town}发展进程中极不平凡的一年。面对复杂严峻的形势，{town}坚持稳中求进工作总基调，"
    "全{kind}经济社会保持了持续健康发展的良好态势。",
    "现在，我代表{town}人民政府，向大会报告{year}年工作，请予审议。",
    "{year}年以来，{county}{town}紧紧围绕{county}委、{county}政府的决策部署，聚焦高质量发展，"
    "扎实推进各项工作，交出了一份亮眼的答卷。",
)
PROVINCE_WORDS = (("全省", "全县"), ("我省", "我县"), ("省委", "县委"), ("省政府", "县政府"), ("全市", "全县"))

UNITS = "%％万亿元个家户人亩公里千米吨项平方米余多台座所条次名套辆倍"
QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?=\s*[" + UNITS + "])")
YEAR = re.compile(r"(?<![\d.])((?:19[5-9]|20[0-4])\d)(?=\s*年)")


@dataclass
class Source:
    name: str
    lines: list[str]
    chars: int
    year: int
    kind: str  # "sample" | "province" | "national" | "other"
    town: str | None = None
    county: str | None = None
    region: str | None = None  # province-level name written in the text


def load_sources(sample: Path = SAMPLE, real: Path | None = REAL) -> list[Source]:
    sources: list[Source] = []
    for path in sorted(sample.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        town, county = next((v for k, v in SAMPLE_TOWNS.items() if path.stem.startswith(k)), (None, None))
        m = re.search(r"(20\d\d)", path.stem)
        sources.append(Source(f"sample/{path.name}", text.splitlines(), len(text),
                              int(m.group(1)) if m else 2022, "sample", town, county))
    if real is not None and real.is_dir():
        manifest = {}
        mf = real / "MANIFEST.tsv"
        if mf.exists():
            rows = [r.split("\t") for r in mf.read_text(encoding="utf-8").splitlines()]
            head = rows[0]
            manifest = {r[0]: dict(zip(head, r)) for r in rows[1:] if r and r[0]}
        for path in sorted(real.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            info = manifest.get(path.name, {})
            level = info.get("level", "other")
            year = int(info["year"]) if info.get("year", "").isdigit() else 2020
            region = None
            if level == "province":
                m = re.search(r"([\u4e00-\u9fff]{2,8}?(?:省|自治区|市))", info.get("title", ""))
                region = m.group(1) if m and "政府" not in m.group(1) else None
                if path.name.startswith("shandong_"):
                    region = "山东省"
            kind = {"province": "province", "national": "national"}.get(level, "other")
            sources.append(Source(f"real/{path.name}", text.splitlines(), len(text), year, kind, region=region))
    return sources


def make_places(rng: random.Random) -> list[tuple[str, str]]:
    """(town, county) pairs: 6–12 towns per county, made up from common stems; some town
    names recur in several counties, as 城关镇 does in reality."""
    places = [(town, county) for town, county in SAMPLE_TOWNS.values()]
    for county in COUNTIES:
        stems = rng.sample(TOWN_STEMS, rng.randint(6, 12))
        for stem in stems:
            town = stem + rng.choice(TOWN_SUFFIXES)
            if (town, county) not in places:
                places.append((town, county))
    return places


def short(name: str) -> str:
    """巩义市 → 巩义, 回郭镇 → 回郭, 孝义街道 → 孝义 (names of two characters stay whole)."""
    for suffix in ("街道", "自治区", "省", "市", "县", "区", "镇", "乡"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def vary(text: str, rng: random.Random, year_offset: int, replacements: list[tuple[str, str]]) -> str:
    for old, new in replacements:
        if old and old != new:
            text = text.replace(old, new)
    if year_offset:
        def shift(m: re.Match) -> str:
            y = int(m.group(1)) + year_offset
            return str(y) if 1950 <= y <= 2049 else m.group(1)
        text = YEAR.sub(shift, text)

    def perturb(m: re.Match) -> str:
        raw = m.group(1)
        value = float(raw) * rng.uniform(0.6, 1.4)
        if "." in raw:
            return f"{value:.{len(raw.split('.')[1])}f}"
        return str(max(1, round(value)))

    return QUANTITY.sub(perturb, text)


def body_window(src: Source, rng: random.Random, want: int) -> list[str]:
    """A contiguous run of lines of ``src`` (its first two lines, title and subtitle,
    excluded) of about ``want`` characters."""
    lines = src.lines[2:] if len(src.lines) > 4 else src.lines
    if not lines:
        return []
    total = sum(len(x) for x in lines)
    if total <= want:
        start = 0
    else:
        # start anywhere that leaves enough text behind, on a paragraph start
        limit, acc = 0, 0
        for i in range(len(lines) - 1, -1, -1):
            acc += len(lines[i])
            if acc >= want:
                limit = i
                break
        start = rng.randint(0, limit)
        while start > 0 and lines[start - 1].strip():
            start -= 1
    out, got = [], 0
    for line in lines[start:]:
        if got >= want and not line.strip():
            break
        out.append(line)
        got += len(line)
    return out


def paragraphs(src: Source) -> list[str]:
    return [x for x in src.lines[2:] if len(x.strip()) >= 40]


def generate(size_bytes: int, out_dir: Path, seed: int = DEFAULT_SEED, sources: list[Source] | None = None,
             log=print) -> dict:
    sources = sources if sources is not None else load_sources()
    if not sources:
        raise SystemExit("no source reports found")
    rng = random.Random(seed)
    places = make_places(rng)
    weights = [s.chars for s in sources]
    lengths = sorted(s.chars for s in sources)
    samples = [s for s in sources if s.kind == "sample"]
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    meta_rows = ["file\ttitle\ttown\tcounty\tyear"]
    written = chars = n = 0
    while written < size_bytes:
        n += 1
        # the sample's own towns (the first places) are over-represented, so that their
        # names, counties and town filters have hits at every size
        town, county = rng.choice(places[: len(SAMPLE_TOWNS)] if rng.random() < SAMPLE_TOWN_SHARE else places)
        year = rng.randint(2010, 2025)
        want = int(min(60000, max(1500, rng.choice(lengths) * rng.uniform(0.7, 1.3))))
        kind = "街道" if town.endswith("街道") else town[-1]
        title = rng.choice(TITLE_TEMPLATES).format(county=county, town=town, year=year, next=year + 1)
        subtitle = rng.choice(SUBTITLE_TEMPLATES).format(county=county, town=town, year=year,
                                                         n=rng.choice("一二三四五六七八九十"),
                                                         m=rng.choice("一二三四五六"))
        opening = rng.choice(OPENINGS).format(county=short(county), town=town, year=year, kind=kind)
        lines: list[str] = [title] + ([subtitle] if subtitle else []) + ["", opening, ""]
        got = len(opening)
        used = 0
        while got < want and used < 3:
            src = rng.choices(sources, weights)[0]
            used += 1
            repl = []
            if src.town:
                repl += [(src.town, town), (short(src.town), short(town))]
            if src.county:
                repl += [(src.county, county), (short(src.county), short(county))]
            if src.region:
                repl += [(src.region, county), (short(src.region), short(county))]
            if src.kind in ("province", "national") and rng.random() < 0.5:
                repl += list(PROVINCE_WORDS)
            window = body_window(src, rng, want - got)
            text = vary("\n".join(window), rng, year - src.year, repl)
            lines.extend(text.split("\n"))
            lines.append("")
            got += len(text)
        if samples and rng.random() < 0.3:  # splice in a few town-level paragraphs
            src = rng.choice(samples)
            paras = paragraphs(src)
            repl = [(src.town, town), (short(src.town), short(town)), (src.county, county),
                    (short(src.county), short(county))]
            for para in rng.sample(paras, min(len(paras), rng.randint(1, 3))):
                at = rng.randint(4, max(4, len(lines) - 1))
                lines[at:at] = ["", vary(para, rng, year - src.year, repl), ""]
        report = "\n".join(lines).rstrip() + "\n"
        rel = f"c{COUNTIES.index(county) if county in COUNTIES else 0:03d}/r{n:06d}.txt"
        path = tmp / rel
        path.parent.mkdir(exist_ok=True)
        data = report.encode("utf-8")
        path.write_bytes(data)
        meta_rows.append(f"{rel}\t{title}\t{town}\t{county}\t{year}")
        written += len(data)
        chars += len(report)
        if log and n % 1000 == 0:
            log(f"  {n} reports, {written / 1e6:.1f} MB")
    (tmp / "metadata.tsv").write_text("\n".join(meta_rows) + "\n", encoding="utf-8")
    info = {"reports": n, "bytes": written, "characters": chars, "seed": seed, "size": size_bytes,
            "version": VERSION, "sources": len(sources), "towns": len({t for t, _ in places}),
            "counties": len({c for _, c in places})}
    (tmp / ".scale.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return info


def parse_size(label: str) -> int:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(kb|mb|gb)?", label.strip().lower())
    if not m:
        raise ValueError(f"size must look like 10mb, not {label!r}")
    factor = {"kb": 10**3, "mb": 10**6, "gb": 10**9, None: 1}[m.group(2)]
    return int(float(m.group(1)) * factor)


def sources_digest(sources: list[Source]) -> str:
    h = hashlib.sha1()
    for s in sources:
        h.update(s.name.encode())
        h.update(str(s.chars).encode())
    return h.hexdigest()[:12]


def ensure(label: str, seed: int = DEFAULT_SEED, log=print) -> tuple[Path, dict]:
    """The scaled corpus for ``label`` (``10mb``), generated unless already there."""
    out_dir = OUT / f"corpus-{label}"
    sources = load_sources()
    stamp = out_dir / ".scale.json"
    if stamp.exists():
        info = json.loads(stamp.read_text(encoding="utf-8"))
        if (info.get("seed"), info.get("size"), info.get("version"), info.get("digest")) == (
                seed, parse_size(label), VERSION, sources_digest(sources)):
            return out_dir, info
    if log:
        log(f"generating {out_dir} ({label}, seed {seed}) …")
    info = generate(parse_size(label), out_dir, seed, sources, log)
    info["digest"] = sources_digest(sources)
    info["real_corpus_used"] = REAL.is_dir()
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return out_dir, info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", help="e.g. 10mb, 100mb")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    if not REAL.is_dir():
        print(f"note: {REAL} is absent; scaling from the sample corpus only", file=sys.stderr)
    path, info = ensure(args.size, args.seed)
    print(f"{path}: {info['reports']} reports, {info['bytes']:,} bytes, {info['characters']:,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
