"""A site's registration footer (ICP备, 公网安备, 网站标识码) is chrome only with its number:
a policy's form that lists the bare keys as fields to fill is text, and found like any text
(the recall oracle drew ``ICP`` from such a form in a real policy and the engine had
dropped the line)."""

from __future__ import annotations

import pytest

from conftest import all_hits
from index.reading.chrome import is_chrome


@pytest.mark.parametrize("key", ["ICP备案号", "公网安备号", "网站标识码", "ICP证"])
def test_a_bare_registration_key_is_text(key):
    assert not is_chrome(key)


@pytest.mark.parametrize("line", ["豫ICP备05001234号", "京公网安备 11010502030143号", "网站标识码：4101830001",
                                  "ICP证：京B2-20090059", "ICP备案号：京ICP备05070218号-1"])
def test_a_registration_with_its_number_is_a_footer(line):
    assert is_chrome(line)


def test_registration_reach_edge():
    # the number's first digit 12 characters after the key (案号： and 8 spaces before it), then 13
    assert is_chrome("ICP备案号：" + " " * 8 + "1")
    assert not is_chrome("ICP备案号：" + " " * 9 + "1")


FORM = """关于加强政府网站备案管理的通知

各单位：

现将政府网站基本信息表印发给你们，请认真填写。

附件：政府网站基本信息表

网站名称

ICP备案号

公网安备号

主管单位名称
"""


def test_a_forms_keys_are_found_and_a_footers_are_not(make_index):
    searcher = make_index({"form.txt": FORM, "page.txt": "青禾镇2023年工作总结\n\n全年完成固定资产投资5亿元。\n\n豫ICP备05001234号 版权所有：青禾镇人民政府\n"})
    assert {h.doc_id for h in all_hits(searcher, '"ICP备案号"')} == {"form"}
    assert {h.doc_id for h in all_hits(searcher, '"公网安备号"')} == {"form"}
    assert not [h for h in all_hits(searcher, '"ICP备05001234"') if h.match == "exact"]
