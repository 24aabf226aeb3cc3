"""How bench/typos.tsv was made (kept so it can be extended the same way).

For each correct term (chosen by hand from the sample corpus and the real corpus) one or
two typos of the kinds people make when typing Chinese: a homophone picked by the IME
(same pinyin), a near homophone (in/ing, en/eng, an/ang, z/zh, c/ch, s/sh, n/l), a
missing character, a doubled or extra character, two characters swapped, a wrong
character. Homophones are drawn from pypinyin's character table, restricted to
characters common in the corpus. Only typos that occur nowhere in the corpus are
kept (a typo the corpus itself contains is not one a suggestion should fix). The
correct terms themselves go in as rows that must get no suggestion, and so do real
terms the corpus lacks.

    python bench/make_typos.py --samples-index S --real-index R > bench/typos.tsv
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypinyin import Style, lazy_pinyin, pinyin_dict  # noqa: E402

from search import Searcher  # noqa: E402
from search.spelling import fuzzy  # noqa: E402
from search.suggest import vocabulary_of  # noqa: E402

SAMPLES = ["五星支部", "人居环境", "万人助万企", "乡村振兴", "高质量发展", "营商环境", "党建引领", "招商引资",
           "专精特新", "产业集聚区", "人居环境整治", "基层党建", "固定资产投资", "党群服务中心", "小微企业园",
           "美丽乡村", "脱贫攻坚", "污染防治", "四上企业", "网格化"]
REAL = ["人工智能", "基础设施", "公共服务", "中小企业", "生产总值", "改革开放", "技术创新", "社会保障",
        "交通运输", "网络安全", "深化改革", "高新技术", "科技成果", "生态环境", "城乡居民", "国有企业",
        "知识产权", "金融机构", "新兴产业", "因地制宜", "人才培养", "重大项目", "精神文明", "宏观调控",
        "义务教育", "数据安全", "环境保护", "扩大内需", "医疗卫生", "退役军人", "稳中求进", "养老保险",
        "集成电路", "共同富裕", "人力资源", "现代农业", "财政收入", "市场监管", "电子商务", "食品药品",
        "轨道交通", "生物医药", "城市更新", "自由贸易", "常住人口", "公平竞争", "粮食产量", "文化遗产"]
ABSENT = ["量子纠缠", "火星探测车", "冰壶比赛", "昆曲剧团", "熊猫繁育", "潮汐能电站", "古籍修复",
          "航海日志", "竹编工艺", "冬虫夏草"]
KINDS = ["homophone", "near-homophone", "deletion", "insertion", "transposition", "substitution"]


def char_tables(vocab):
    counts = Counter(ch for term, f in zip(vocab.terms, vocab.freq) for ch in term for _ in range(min(f, 50)))
    common = {ch for ch, n in counts.most_common(3500)}
    by_pinyin: dict[str, list[str]] = {}
    for code, readings in pinyin_dict.pinyin_dict.items():
        ch = chr(code)
        if ch not in common:
            continue
        for r in readings.split(","):
            plain = lazy_pinyin(ch, style=Style.NORMAL)[0]
            by_pinyin.setdefault(plain, []).append(ch)
            break
    return common, by_pinyin, counts


def typo(term, kind, rng, common, by_pinyin, counts):
    chars = list(term)
    n = len(chars)
    if kind in ("homophone", "near-homophone"):
        for _ in range(20):
            i = rng.randrange(n)
            p = lazy_pinyin(chars[i], style=Style.NORMAL)[0]
            if kind == "homophone":
                pool = [c for c in by_pinyin.get(p, []) if c != chars[i]]
            else:
                pool = [c for q, cs in by_pinyin.items() if q != p and fuzzy(q) == fuzzy(p) for c in cs]
            if pool:
                pool.sort(key=lambda c: -counts[c])
                chars[i] = rng.choice(pool[:5])
                return "".join(chars)
        return None
    if kind == "deletion" and n >= 4:
        i = rng.randrange(1, n - 1)
        return "".join(chars[:i] + chars[i + 1:])
    if kind == "insertion":
        i = rng.randrange(n)
        return "".join(chars[:i + 1] + [chars[i]] + chars[i + 1:])
    if kind == "transposition":
        i = rng.randrange(n - 1)
        if chars[i] == chars[i + 1]:
            return None
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)
    if kind == "substitution":
        i = rng.randrange(n)
        chars[i] = rng.choice(sorted(common))
        return "".join(chars)
    return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples-index", required=True)
    ap.add_argument("--real-index", required=True)
    args = ap.parse_args()
    rng = random.Random(9)
    print("# corpus\ttyped\texpected (empty: a correct query, must get no suggestion)\tkind")
    for corpus, index, terms in (("samples", args.samples_index, SAMPLES), ("real", args.real_index, REAL)):
        s = Searcher(index)
        vocab = vocabulary_of(s.generation_path())
        common, by_pinyin, counts = char_tables(vocab)
        for k, term in enumerate(terms):
            print(f"{corpus}\t{term}\t\tcorrect")
            wanted = [KINDS[k % len(KINDS)], KINDS[(k + 3) % len(KINDS)]] if corpus == "samples" or k % 3 == 0 else [KINDS[k % len(KINDS)]]
            for kind in wanted:
                for _ in range(10):
                    t = typo(term, kind, rng, common, by_pinyin, counts)
                    if t and t != term and s.passage_count(t) == 0:
                        print(f"{corpus}\t{t}\t{term}\t{kind}")
                        break
        if corpus == "real":
            for term in ABSENT:
                print(f"{corpus}\t{term}\t\tcorrect-absent")


if __name__ == "__main__":
    main()
