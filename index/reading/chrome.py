"""Site chrome: the lines of a saved web page that belong to the site, not the report.

Text saved from government sites and document-sharing sites keeps the page around the
report: navigation, breadcrumbs, publication data, share and print buttons, page
thumbnails. Such a line is recognised by its own shape, in any format (.txt, .html,
PDF text), never by which site it came from:

* **site vocabulary** — a short line (at most :data:`MAX_CHROME_LINE` characters) that
  is nothing but site words (首页, 关怀版, 无障碍, 打印, 分享到, 扫一扫在手机打开当前页, 微信扫一扫分享, 我要投稿,
  返回 下载 相关 举报 …) and separators (``•`` ``|`` ``>`` ``/`` ``【】`` spaces);
* **breadcrumbs** — ``您的位置:`` / ``当前位置:`` lines, and short cells joined by two or
  more ``>`` (or arrows), two with a spaced ``>`` or naming a channel (``宜昌频道 > 伍家乡热点``),
  three or more cells of words parted by slashes; a channel's or column's name in the opening
  (:func:`channel_names`: ``市內資訊``); a site's welcome line (``欢迎访问…网站``);
* **``|`` rows** — a line cut by ``|`` into cells that are all short
  (:data:`MAX_CELL` characters or fewer): ``中央人民政府网站 | 省委 | 省人大``,
  ``[ 主题分类 ] | 综合政务 |``, ``浏览量:1 | |``; or a row of publication data, a
  publication key alone in a cell and no cell longer than :data:`MAX_VALUE`
  (``索引号 | K16059504/2024-117342 | ||``);
* **publication data** — a line of ``key: value`` pairs whose keys are publication
  fields (索引号, 发布机构, 发文日期, 来源, 发布时间, 浏览次数, 上传人, 文档编号 …): two
  keys or more, or one key on a line without a full stop; or written as a list, each key and
  value on a line of its own (``- 索引号`` / ``- 0152…/2021-0415002`` / ``- 发文机构`` / …), two
  bare keys or more in the run (:func:`key_list`);
* **page names** — ``…_第1页``, ``第1页 / 共13页``, a page of a collection
  (``…工作报告-35篇(第3/65页)``: no title, though :func:`page_title` gives its year and level
  evidence), an essay site's collection names (``…工作报告(三篇)``, ``…总结5篇``, ``…(精选多篇)``,
  ``…总结篇1``), a site's name alone on its line (``某某范文站``, ``某某文库``) or as a piece of its
  slogan (``…— — 某某文库◆…``);
* **a site's list of its sub-sites** — five or more places side by side, maybe after a label
  (``乡镇(街道)分站: 某镇 某镇 某街道 …``);
* **a news platform's furniture** — its disclaimer (``…仅代表该作者或机构观点…``) with the
  ``特此声明`` line above it, a channel's terms (``某某网某某频道版权与免责声明 |``) and their
  clauses speaking of the site (``1、本网所载…``), ``分享至``, its comment box (``还没有评论，快来抢沙发吧！``),
  its login box (``账号+密码登录``, ``手机免密登录``, ``立即注册``), an image left as an empty mark (``![]() |``);
* **an index number without its key** (``号: cxs039-/2023-0407001``, cut off a line it runs
  into) and a key wrapped over two lines (``索 引`` / ``号: …``); a day before a source line
  (``2023-04-07 来源：…``); a share widget's prompts (``微信扫一扫 分享到朋友圈``); a list of links
  under ``相关文章`` / ``推荐阅读`` (:func:`related_links`); a site's full name (``…人民政府门户网站``);
* **a banner of links** — a run of short lines at the top that shows one of its items again
  (a carousel, a menu: :func:`banner`);
* **a newspaper's e-edition** — its page line (``第A06版:金湖新闻``), its link back to the page
  (``内容详情 2020年07月22日 返回该版首页``), its masthead's keys (``国内统一刊号:`` ``邮发代号:``).

A repeated page name (the report's title written again as the page's name, or
``永顺县人民政府-`` before it) is handled by :func:`page_names`, which looks at the
lines of the opening together; so are a sharing site's blurb and the page above it
(:func:`blurb_page`), a site's header above its breadcrumb (:func:`site_header`) and a
table of contents (:func:`table_of_contents`). Footers (``…ICP备…`` with its number, ``版权所有``), contact
boxes, page counters, bracketed keys (``[ 索引号 ]``), image file names and a sharing site's
document file names, counters and upload line (``….docxVIP``, ``• 约 11页``, ``• 2026-01-22
发布于四川``) are chrome too;
a site's name after a page's title (``…工作总结_某某县人民政府网``), the day it was posted
(``… 2016-03-07``), a site's marks around it (``(内蒙古)…报告(全文)``) and its photo mark
(``…胜利召开[图]``) are cut off it
(:func:`clean`), as are a site's or unit's name before it (``某某县人民政府-…总结``) and the day it
was posted in brackets or after a report's name (:func:`title_day`, which hands it to the chrome). Site words are read in simplified characters, whatever the script.

Chrome lines are kept out of the title, the headings and the passages; their text is
still evidence of the place a page is about (``欢迎访问常州市金坛区人民政府网站``), so the
caller hands it to the metadata rules.
"""

from __future__ import annotations

import re
from functools import lru_cache

from index.normalize import _t2s

MAX_CHROME_LINE = 40  # a line of site words is short
MAX_CELL = 12  # the cells of a | row of navigation or publication data are short
# words of site navigation, buttons and widgets (simplified and traditional)
SITE_WORDS = (
    "首页 首頁 关怀版 關懷版 无障碍 無障礙 政务微信 政務微信 政务微博 网站支持IPv6 網站支持IPv6 扫一扫在手机打开当前页 "
    "扫一扫在手机上查看当前页面 分享到 分享 打印正文 打印本页 打印整页 打印页面 打印 關閉 关闭 关闭窗口 关闭本页 收藏 "
    "字体 字號 字号 大 中 小 返回 返回顶部 下载 文件下载 相关 举报 推荐阅读 点击查看更多 资源描述 正文 【正文】 登录 注册 "
    "微信 微博 QQ空间 手机版 English 繁体 简体 繁體 簡體 网站地图 上一篇 下一篇 相关阅读 相关链接 纠错 "
    "内容 详细内容 信息公开 政务公开 政务动态 基层动态 区镇动态 部门动态 文章 当前页 "
    # a sharing site's tip button (收藏 分享(赏)); a site's contact box: 洽谈电话 / 400-…
    "打赏 赏 洽谈电话 联系电话 咨询电话 服务热线 客服热线 【概述】 复制 正文复制 栏目 广告 新浪微博 APP 客户端 设为首页 加入收藏 加入收藏夹 "
    # a document shop's widgets: 购物车 我的足迹, 加入Vip免费下载 立即下载
    "购物车 購物車 我的足迹 我的足跡 立即下载 立即下載 免费下载 免費下載 加入VIP 加入Vip 加入vip "
    # a news platform's share button: 分享至; a share prompt (微信扫一扫分享), a contribution link (我要投稿)
    "分享至 扫一扫 掃一掃 我要投稿 "
    # the head of a list of links to other pages under a text (相关文章, 推荐阅读: :func:`related_links`)
    "相关文章 相关新闻 相关推荐 相关内容 延伸阅读 热点推荐 热门推荐 热门文章 精彩推荐 往期回顾 猜你喜欢 最新文章 更多 查看更多 "
    # a page's buttons and tabs: 附件下载, 我要纠错, 收藏本页, 返回列表, 关注我们, 手机扫一扫, 在手机上查看
    "附件下载 相关附件 我要纠错 政府网站找错 收藏本页 返回列表 关注我们 网站声明 手机扫一扫 用手机扫描二维码 在手机上查看 视频 图片"
).split()
_WORDS = "|".join(sorted((re.escape(w) for w in SITE_WORDS), key=len, reverse=True))
SEPARATORS = r"\s\u3000•·|｜>＞/／\\【】\[\]（）()：:，,、!！*\-—_="  # \- : no range
ONLY_SITE_WORDS = re.compile(rf"^(?:(?:{_WORDS})|[{SEPARATORS}])+$")
SITE_WORD = re.compile(_WORDS)
BREADCRUMB = re.compile(r"^[\s•·]*(?:(?:您|你)(?:的|所在的|当前的|现在的|目前的|当前|现在|所在)|当前的?|所在)(?:位置|页面)\s*[:：]")
WELCOME = re.compile(r"^[\s•·]*欢迎(?:访问|光临|来到|您访问)[^。！？]{0,30}网站?[!！。]?$")
CRUMB_SEP = re.compile(r"\s*[>＞»›→]\s*")
# a breadcrumb parted by slashes: three cells or more of words only (首页 / 新闻中心 / 乡镇动态; 2023/04/07 is a date)
SLASH_CRUMBS = re.compile(r"^[\u4e00-\u9fff]{2,12}(?:\s*[/／]\s*[\u4e00-\u9fff]{2,12}){2,}$")
PIPE = re.compile(r"[|｜]")
ROW_END = ("；", ";")  # a table row as the format readers write it (index/reading/formats/base.py): content
# publication fields of government open-information pages and document-sharing sites
PUBLICATION_KEYS = (
    "索引号 发布机构 发文机关 发文机构 发文日期 成文日期 发布日期 发布时间 公开方式 组配分类 主题分类 "
    "文件编号 信息来源 来源 作者 编辑 责任编辑 审核人 浏览次数 浏览量 阅读次数 点击数 访问量 "
    "上传人 文档编号 上传时间 格式 页数 大小 时效 有效性 发文字号 内容概述 主办 承办 体裁分类 主题词 "
    # the links to a site's neighbouring articles and columns: 上一篇:… 下一篇:… 相关栏目:…
    "上一篇 下一篇 上一条 下一条 相关栏目 所属栏目 栏目 欄目 "
    # an essay or document site's blurb above a text: 导语:如何才能写好… 简介:…小编为你整理了…
    "导语 導語 简介 簡介 资源描述 資源描述 内容简介 內容簡介 ID "
    # a page's tags: Tag:年终总结,个人年终总结 标签:…
    "Tag TAG Tags 标签 標籤 "
    # a page's counters: 人气: 26, 热度:55
    "人气 人氣 热度 熱度 阅读量 閱讀量 "
    # an open-information page's table written out as words: 生成日期 2023-01-17 效力状况 有效
    "生成日期 公开日期 效力状况 "
    # a disclosure page's name and number fields (名称: … 文号:); a newspaper's masthead (国内统一刊号: 邮发代号: 总编辑:)
    "名称 名稱 文号 文號 国内统一刊号 邮发代号 总编辑 "
    # where a story comes from, as a news site writes it: 本文来源: 稿件来源: 转载自: 原标题: 点击量:
    "本文来源 文章来源 稿件来源 消息来源 转载自 原标题 点击量 "
    # a site's footer: who runs it and where (主办单位:某某县人大常委会 地址:… 电话:…)
    "主办单位 主辦單位 承办单位 承辦單位 协办单位 協辦單位 地址 联系地址 電話 电话 邮编 郵編"
).split()
# a key may be spaced out (索 引 号); longer keys first
_KEYS = "|".join(r"\s*".join(map(re.escape, k)) for k in sorted(PUBLICATION_KEYS, key=len, reverse=True))
KEY_VALUE = re.compile(rf"(?:^|(?<=[\s\u3000|｜\[【（(•·-]))(?:{_KEYS})\s*[\]】）)]?\s*[:：]")
# keys as words between spaces, without colons: 文件编号 发布机构 某某街道办事处 效力状况 有效
KEY_WORD = re.compile(rf"(?:^|(?<=[\s\u3000]))(?:{_KEYS})(?=[\s\u3000]|$)")
# a key alone in a cell of a | row: 索引号 | K16059504/2024-117342
KEY_CELL = re.compile(rf"^[\[【]?\s*(?:{_KEYS})\s*[\]】]?$")
# a key in brackets needs no colon: [ 索引号 ] 1150…/2026-00004 [ 发文字号 ]
BRACKETED_KEY = re.compile(rf"[\[【]\s*(?:{_KEYS})\s*[\]】](?!\s*[:：])")
KEY_FIRST = re.compile(rf"^[\s\u3000|｜\[【（(•·-]*(?:{_KEYS})\s*[\]】）)]?\s*[:：]|^\s*[\[【]\s*(?:{_KEYS})\s*[\]】]")
# notices of document-sharing sites (本文档由用户上传…, 网站客服QQ) and file data (19.09 KB)
SHARING_NOTICE = re.compile(r"本文档|本站不保证|网站客服|付费下载|由(?:用户|会员)(?:上传|分享)|免费在线阅读|文档内容版权|^[-•\s]*[\d.]+\s*[KMG]B$"
                            r"|省略\s*\d+\s*字|会员可完整阅读|登录后(?:查看|阅读)全文"
                            # a forum's sign-up box and edit note: 马上注册，结交更多好友…, 没有账号？会员注册
                            r"|^马上注册|没有(?:账号|帐号)[?？]|^本帖最后由\s*\S+\s*于\s*(?:19|20)\d\d-\d{1,2}-\d{1,2}\s*[\d:]*\s*编辑$"
                            # the end of its free preview, its reading-time counter
                            r"|超出免费预览|免费预览范围|预计阅读时长\s*\d+\s*分钟|下面是文章的全部内容"
                            r"|^[-•\s]*(?:19|20)\d\d-\d{1,2}-\d{1,2}\s*发布(?:于[\u4e00-\u9fff]{2,8})?$"
                            # its counters above a text, one to a line: • 0, • 约4.99千字, • 约 11页
                            r"|^[•·]\s*(?:\d+|约\s*[\d.]+\s*[千万]?字|约\s*\d+\s*页)$")
MAX_NOTICE = 120
# an open-information page's index number, its key cut off or wrapped away (索引 / 号: cxs039-/2023-0407001 …):
# a code of letters and digits, a slash, the year and a serial, at the start of the line
INDEX_NUMBER = re.compile(r"^(?:[号號]\s*[:：]\s*)?[A-Za-z0-9][A-Za-z0-9-]*\s*/\s*(?:19|20)\d\d\s*-\s*\d{3,}")
MAX_KEY_PIECE = 4  # characters of a publication key's first part wrapped onto a line of its own (索 引)
# a site's login box, one control to a line: 账号+密码登录, 手机免密登录, 立即注册, 忘记密码?
LOGIN_BOX = re.compile(r"^(?:(?:账号|帐号|手机号?|邮箱|用户名|短信)\s*[+＋]?\s*)?(?:密码|验证码|免密|扫码)?(?:登录|登陆)$"
                       r"|^(?:立即|免费|马上)注册$|^忘记密码[?？]?$")
# an image left as its mark with no words (![]() |): nothing of the text
EMPTY_IMAGE = re.compile(r"^[|｜\s]*!\[\s*\]\([^)]*\)[|｜\s]*$")
# a box's close button left alone on its line (a forum's sign-up box: x)
CLOSE_BUTTON = re.compile(r"^(?:关闭|關閉)?\s*[x×✕✖]$")  # …or the box's or page's: 关闭×
# a page's counters and posting line without a colon (阅读 461, 浏览 20, 创建于2024-03-27), and its
# button to read it on a phone (需扫码在手机上打开)
COUNTER = re.compile(r"^(?:阅读|閱讀|浏览|瀏覽|点击|點擊|访问|訪問|点赞|點讚|评论|評論)(?:量|数|數|次数|次數)?\s*\d+$"
                     r"|^(?:创建于|創建於|发布于|發布於|更新于|更新於|发表于|發表於)\s*(?:19|20)\d\d[-./年]\d{1,2}[-./月]\d{1,2}日?$")
# a share widget's prompt to its reader: 微信扫一扫 分享到朋友圈, 用微信扫描二维码分享, 打开微信“扫一扫”即可将网页
# 分享至朋友圈, 打开微信，点击底部的“发现”， (each line of it)
SHARE_PROMPT = re.compile(r"(?:扫一扫|扫码|二维码|扫描)[^。！？]{0,24}(?:分享|朋友圈|网页|本页|本文|当前页)"
                          r"|分享(?:到|至|给)?(?:微信)?(?:朋友圈|好友)|打开微信[^。！？]{0,6}(?:点击|扫一扫|发现)"
                          r"|点击(?:底部|右上角|下方)的?[“\"「]?(?:发现|分享)"
                          r"|^(?:请)?(?:用|使用|打开)?(?:手机)?微信[“\"「]?(?:扫一扫|扫描(?:二维码)?|扫码)")
SCAN_TO_PHONE = re.compile(r"(?:扫码|掃碼|扫一扫|掃一掃|扫描二维码|掃描二維碼)[^。！？]{0,10}(?:手机|手機)")
# a site's footer: 鄂ICP备12009549号 版权所有:… 技术支持:… Produced By …系统 (either script, judged simplified);
# a registration key is a footer only with its number (within REGISTRATION_REACH characters): a form in a
# policy's body lists the bare keys (ICP备案号 / 公网安备号 as fields to fill), and its lines are text
REGISTRATION_REACH = 12
FOOTER = re.compile(r"(?:ICP[备证]|网站标识码|公网安备)[^\n]{0,%d}?\d|" % (REGISTRATION_REACH - 1) + r"版权所有|技术支持[:：]|^(?:Produced|Powered) [Bb]y |^(?:版权声明|免责声明)[:：]?$"
                    # a site's terms under its name (某某网某某频道版权与免责声明 |) and their clauses, which
                    # speak of the site itself (1、本网所载的文/图等稿件…)
                    r"|^[^。！？!?，,]{0,20}(?:版权|免责)(?:与|和|及)?(?:免责)?声明[\s|｜:：]*$|^\d{1,2}[、.．]\s*(?:本网|本站(?:所载|转载|刊载|刊登|所刊|稿件|原创|文章|图片))"
                    # a platform's disclaimer under an article (本文为…上传并发布，仅代表该作者或机构观点，不代表…的观点和立场)
                    # and its comment box (还没有评论，快来抢沙发吧！)
                    r"|仅代表(?:该|本文)?作者(?:或机构)?(?:本人)?(?:的)?观点|快来抢沙发|^(?:还没有|暂无)评论")
# the heading of such a disclaimer, alone on its line above it (特此声明 / 特别声明)
DISCLAIMER_HEAD = re.compile(r"^(?:特此声明|特别声明)[:：]?$")
# a site's list of its sub-sites or columns: places side by side, maybe after a label
# (乡镇(街道)分站: 苏湾镇 栏杆集镇 柘皋镇 … 亚父街道) — a list of sibling places is no sentence
PLACE_CELL = re.compile(r"^[\u4e00-\u9fff]{1,8}(?:镇|乡|街道|苏木|区|县|市|旗)$")
PLACE_LIST_LABEL = re.compile(r"^[^:：。！？，,]{1,12}[:：]\s*")
MIN_PLACE_CELLS = 5
# a telephone number alone on its line (400-6060-805, 0371-6789 1234): a site's contact box
PHONE = re.compile(r"^[(（]?\d{3,4}[)）]?[-－\s]\d{3,4}[-－\s]?\d{3,4}$")
# a sharing site's blurb addressed to its reader: 以下是…为您整理的《…》，欢迎阅读！
# 为你整理了这篇…范文，希望能给你的学习、工作带来参考借鉴作用
BLURB = re.compile(r"(?:为|給|给)(?:您|你|大家|各位)(?:精心)?(?:整理|收集|搜集|分享|推荐|准备|提供|奉上)"
                   r"|供(?:您|你|大家)参考|欢迎(?:阅读|借鉴|参考|下载)|带来参考|带来帮助|仅供参考")
# a sharing site's tag in front of a text: -精品合同推荐- (after a page chunk's number)
SITE_TAG = re.compile(r"(?<=^\d、)[-—]\s*[\u4e00-\u9fff]{2,10}\s*[-—]\s*|^[-—]\s*[\u4e00-\u9fff]{2,10}\s*[-—]\s+")
# what a sharing site leaves inside a text: ……(某某网省略686字,正式会员可完整阅读)……, and the
# links to the neighbouring articles that end a page's text (… 上一篇:… 下一篇:… 相关栏目:…)
INLINE_NOTICE = re.compile(r"[…\.]*[（(][^（）()]{0,40}省略\s*\d+\s*字[^（）()]{0,20}[)）][…\.]*")
NEIGHBOUR_LINKS = re.compile(r"[\s\u3000]*(?:上一篇|下一篇)\s*[:：].*$")
TITLE_FIELD = re.compile(r"^[|｜\s]*标\s*题\s*[:：][|｜\s]*(.+?)[|｜\s]*$")
# a page's title as its site writes it, its column and the title side by side:
# 乡镇政府工作总结|乡镇人民政府五年工作总结 — the title is the longest cell naming a report
TITLE_ROW = re.compile(r"^([^|｜。！？]{2,40})[|｜]([^|｜。！？]{2,40})$")
REPORT_NAME = re.compile(r"(?:报告|報告|总结|總結|计划|計劃|汇报|匯報|讲话|講話|方案|规划|規劃)$")
# a site's name after a page's title, as a browser shows it: …_某某县人民政府网, … - 某某文库
MAX_SITE_NAME = 20
MIN_TITLE_BEFORE_SITE = 4
SITE_SUFFIX = re.compile(rf"[ \u3000]*[_|｜][ \u3000]*[^_|｜\s]{{2,{MAX_SITE_NAME}}}?(?:网站|網站|网|網|文库|文庫|门户|門戶|人民政府|政府|办事处|辦事處)$"
                         rf"|[ \u3000]+[-—–][ \u3000]+[^-—–\s]{{2,{MAX_SITE_NAME}}}?(?:网站|網站|网|網|文库|文庫|门户|門戶|人民政府|办事处|辦事處)$")
# …or before it: 某某县人民政府-某某镇2022年工作总结, 某某网 | …报告 (what follows names a report)
SITE_PREFIX = re.compile(rf"^[^-—–_|｜\s]{{2,{MAX_SITE_NAME}}}?(?:网站|網站|网|網|门户|門戶|人民政府|办事处|辦事處)[ \u3000]*[-—–_|｜][ \u3000]*(?=\S)")
# what a site writes around a report's name in its page's title: the province before it,
# (全文) after it — (内蒙古)2022年某某旗人民政府工作报告(全文)
TITLE_MARKS = re.compile(r"^[（(【\[](?![一二三四五六七八九十百零〇]+[)）】\]])[\u4e00-\u9fff]{2,8}[)）】\]]\s*|\s*[（(【\[](?:附|含)?全文(?:下载|發布|发布)?[)）】\]]$")
# a page's title that runs the report's name and its session together:
# 政府工作报告(草案)在某某镇第四届人民代表大会第三次会议上
TITLE_SESSION = re.compile(r"^([^。！？，,\s]{2,38}?(?:报告|報告|总结|總結)(?:[（(][\u4e00-\u9fff]{1,4}[)）])?)"
                           r"[\s\u3000]*(?:[—-]+\s*)?在[^。！？，,]{2,40}(?:会议|會議|大会|大會)上[)）]?$")
# the day a page was posted, after its title on the same line: …工作安排 2016-03-07
POSTED_AFTER = re.compile(r"[ \u3000]+(?:19|20)\d\d-\d{1,2}-\d{1,2}$")
# the day a site posted a page, in brackets after its title: …工作总结（2023-04-07）, …报告 [2021-03-02],
# …报告【2021年3月2日】 (cut off the title by :func:`title_day`; the day stays evidence of the year)
# …or after a space, with no brackets, when what stands before it names a report (…工作总结 2023/04/07)
# a day as a page gives it: 2023-04-07, 2023/4/7, 2023.04.07, 2023年4月7日
DAY = r"(?:19|20)\d\d\s*(?:[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
SPACED_DAY = re.compile(rf"[ \u3000]+{DAY}$")
# …or written as eight digits (…政府工作报告(20230113)), a month 01–12 and a day 01–31
TITLE_DAY = re.compile(rf"[ \u3000]*[（(【\[]\s*(?:(?:发布|發布|更新)?(?:时间|時間|日期)\s*[:：]\s*)?"
                       rf"(?:{DAY}|(?:19|20)\d\d\s*(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\s*[)）】\]]$")
# a site's mark after a headline that its story has photos or a video: …胜利召开[图], …(组图)
PHOTO_MARK = re.compile(r"\s*[\[【（(](?:组图|組圖|图|圖|多图|多圖|图文|圖文|视频|視頻)[\]】）)]$")
# a sharing site's slogan opening a one-line text: 精选优质文档-倾情为你奉上 …
# a sharing site's mark after a report's name: its length (…述职报告2150字)
COLLECTION_SUFFIX = re.compile(r"(?<=报告|報告|总结|總結|计划|計劃|汇报|匯報|讲话|講話|范文|範文)\d{3,5}字$")
LEADING_SLOGAN = re.compile(r"^(\S{2,24})[\s\u3000]+(?=\S)")
FULL_STOP = re.compile(r"[。！？!?]")
# a date with the time of day: when a page was posted (2024-02-18 10:20, 2024年04月06日 16:40),
# never the date a report was given
TIMESTAMP = re.compile(r"(?:19|20)\d\d\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?")
# an essay site's number of one text of its collection before the title: 第一篇: 篇一：
CODE_FENCE = re.compile(r"^[`~]+$")
# a site's address alone on its line, maybe with its section: 【www.example.com--报告】
SITE_ADDRESS = re.compile(r"^(?:[A-Za-z ]{2,20}[:：]\s*)?[【\[(（]?\s*(?:https?://|www\.)[\w./-]+\s*(?:[-—]+\s*[\u4e00-\u9fff]{1,8})?\s*[】\])）]?$")
# the mark of one text of an essay site's collection: 篇1, 篇一:…, 第一篇:… — what stands above
# the first such mark in the opening is the collection's page (its title, its blurb)
COLLECTION_MARK = re.compile(r"^(?:第[一二三四五六七八九十\d]{1,3}篇|篇\s*[一二三四五六七八九十\d]{1,3})\s*(?:[:：]|$)")
MARK_WINDOW = 15  # lines of the opening where a collection mark counts
COLLECTION_ITEM = re.compile(r"^(?:第[一二三四五六七八九十\d]{1,3}篇|篇[一二三四五六七八九十\d]{1,3})\s*[:：\s]\s*(?=\S)")
PAGE_NAME = re.compile(r"_第\s*\d+\s*页$|^第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页$"
                       # one page of a collection cut into pages: …政府工作报告-35篇(第3/65页)
                       r"|[（(]第\s*\d+\s*[/／]\s*\d+\s*页[)）]$"
                       r"|^[^。！？，,]{2,30}(?:范文|範文)(?:大全|精选|精選)?(?:[（(]\d{1,2}[)）])?$"
                       r"|[（(](?:[一二三四五六七八九十\d]+|精选多|多)篇[)）]$|[^\d]\d+篇$|篇\s*\d+$"
                       # a collection's name: …述职报告十二篇, …范文三篇
                       r"|(?:报告|总结|计划|汇报|讲话|范文|材料)[一二三四五六七八九十]{1,3}篇$")
# a site's name alone on its line: 某某范文站, 某某文库
SITE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:网|網|站|文库|文庫|范文网|範文網)$"
                       # …or a government's site by its full name: 某某镇人民政府门户网站, 某某县政府网
                       r"|^[\u4e00-\u9fff]{2,16}(?:门户网站|门户网|政府网站|政府网|政务网|信息网|新闻网)$")
# a document site's name as one piece of its slogan line (文似观山不喜平 — — 观山文库◆记住我,来上我~):
# only a library's or essay site's name (a word ending 网 or 站 may be a facility: 管网, 卫生站)
SITE_BRAND = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:文库|文庫|范文网|範文網|文档网|文檔網)$")
SLOGAN_SEP = re.compile(r"[\s\u3000◆◇★☆●■|｜—–~～-]+")
CJK = re.compile(r"[\u4e00-\u9fff]")
# a newspaper's page line on its e-edition (第A06版:金湖新闻, 第03版：要闻, 第2b版:本地 with its
# links to the pages before and after, 上一版 下一版) and the link back to the page's contents
# (内容详情 2020年07月22日 返回该版首页)
PAPER_PAGE = re.compile(r"^第\s*[A-Za-z]?\d{1,3}[A-Za-z]?\s*版\s*[:：]?\s*[\u4e00-\u9fff]{0,10}"
                        r"(?:\s+上一版)?(?:\s+下一版)?$")
RETURN_LINK = re.compile(r"返回(?:该版|本版)?(?:首页|目录)$")
# an image's file name left where the image stood: 微信图片_20210118124246.jpg
IMAGE_NAME = re.compile(r"^\S{1,60}\.(?:jpe?g|png|gif|bmp|webp)$", re.I)
# a document's file name as a sharing site shows it, maybe with its badge: ….docxVIP, ….pdf
# (an attachment a document lists, 附件：1.《…》.pdf / 2.…, is the document's own text)
FILE_NAME = re.compile(r"^(?!附件|\d{1,2}\s*[.．、])[^。！？\s]{1,60}\.(?:docx?|pdf|wps|pptx?|xlsx?|txt)(?:VIP)?$", re.I)
# layout tags a saved page leaves in its text; anything else written in angle brackets
# (<script>, <img …>, a formula) is the document's own text and is kept, to be shown escaped
LAYOUT_TAGS = "br|p|div|span|font|strong|b|i|em|u|center|section|article|table|tbody|thead|tr|td|th|ul|ol|li|h[1-6]"
HTML_TAG = re.compile(rf"</?(?:{LAYOUT_TAGS})(?:\s[^<>]*)?/?>", re.I)


# pinyin a broken script converter wrote after characters: 鎮(zhèn), 會(huì)議 (a tone mark
# tells it from a Latin word in brackets)
PINYIN_GLOSS = re.compile(r"(?<=[\u3400-\u9fff])[（(][a-z\u00e0-\u00fc\u0101-\u01dc]*"
                          r"[\u00e0-\u00fc\u0101-\u01dc][a-z\u00e0-\u00fc\u0101-\u01dc]*[)）]")


def title_day(line: str) -> tuple[str, str]:
    """``(title, day)``: a line that names something (:data:`MIN_TITLE_BEFORE_SITE` to
    :data:`MAX_TITLE` characters, no sentence) with the day it was posted in brackets after
    it, cut in two (``…工作总结（2023-04-07）`` → ``…工作总结``, ``（2023-04-07）``); else
    ``(line, "")``; so also a day after a space, no brackets, after a report's name
    (``…工作总结 2023/04/07``). A date in brackets alone (a session's ``（2024年1月23日）``) stays a line."""
    m = TITLE_DAY.search(line) if line[-1:] in ")）】]" else None
    if m is None and line[-1:] in "0123456789日":
        m = SPACED_DAY.search(line)
        if m and not REPORT_NAME.search(simplified(line[:m.start()])):
            m = None
    if (m and MIN_TITLE_BEFORE_SITE <= m.start() <= MAX_TITLE and CJK.search(line[:m.start()])
            and not FULL_STOP.search(line[:m.start()]) and line[:m.start()].rstrip()[-1:] not in ":：,，"):
        return line[:m.start()].rstrip(), line[m.start():].strip()
    return line, ""


def clean(line: str) -> str:
    """A line without the HTML tags left in saved text (``<br>``, ``<p class=…>``) and
    without pinyin glosses (``鎮(zhèn)``), a sharing site's ``(…省略686字…)`` and the
    ``上一篇:… 下一篇:…`` links run on after a text's last sentence and an essay site's
    ``第一篇:`` before a title; a page's ``| 标题:… |`` field as its value, and a page's
    title without its site's name after it nor the day it was posted (``…工作安排 2016-03-07``)."""
    if "<" in line:
        line = HTML_TAG.sub(" ", line).strip()
    if "(" in line or "（" in line:
        line = PINYIN_GLOSS.sub("", line)
    line = SITE_TAG.sub("", line)
    if "省略" in line:
        line = INLINE_NOTICE.sub(" ", line)
    if "一篇" in line:
        m = NEIGHBOUR_LINKS.search(line)
        if m and m.start() > 0 and FULL_STOP.search(line[:m.start()]):
            line = line[:m.start()]  # a text run together with its page's links
    line = COLLECTION_ITEM.sub("", line)
    m = INDEX_NUMBER.match(line) if line[:1].isascii() or line[:1] in "号號" else None
    if m and line[m.end():].strip() and not FULL_STOP.search(line):
        line = line[m.end():].lstrip(" \u3000…")  # an index number run into what follows it: the rest is judged alone
    if CODE_FENCE.match(line):
        return ""  # Markdown's code-quote debris (``) is no text
    # the site's words are read in simplified characters (one for one, so the places
    # found are the same in the line as written): 傾情為你奉上 is 倾情为你奉上
    m = LEADING_SLOGAN.match(line)
    if m and BLURB.search(simplified(m.group(1))):
        line = line[m.end():]
    if line.endswith("字"):
        line = COLLECTION_SUFFIX.sub("", line)
    m = TITLE_ROW.match(line.strip())
    if m:
        named = [c.strip() for c in m.groups() if REPORT_NAME.search(c.strip())]
        if named:
            return max(named, key=len)
    m = TITLE_FIELD.match(simplified(line))
    if m:
        return line[m.start(1):m.end(1)]
    if len(line) <= MAX_TITLE + MAX_SITE_NAME and not FULL_STOP.search(line) and ("全文" in line or line[:1] in "(（【["):
        marked = TITLE_MARKS.sub("", line)
        if marked != line and REPORT_NAME.search(marked) and len(marked) >= MIN_TITLE_BEFORE_SITE:
            line = marked  # a page's name for a report: (内蒙古)2022年…工作报告(全文)
    m = TITLE_SESSION.match(line) if line.endswith(("上", "上)", "上）")) else None
    if m:
        line = m.group(1)  # the session a page's title names after the report's: its session line says it
    m = POSTED_AFTER.search(line) if line[-1:].isdigit() else None
    if (m and m.start() >= MIN_TITLE_BEFORE_SITE and m.start() <= MAX_TITLE and not FULL_STOP.search(line)
            and line[:m.start()].rstrip()[-1:] not in ":："):  # (发布日期: 2024-12-19 is the key's value)
        line = line[:m.start()]  # a page's title with the day it was posted after it
    m = PHOTO_MARK.search(line) if line[-1:] in "]】)）" else None
    if m and m.start() >= MIN_TITLE_BEFORE_SITE and m.start() <= MAX_TITLE and not FULL_STOP.search(line):
        line = line[:m.start()]  # a headline with its site's mark for a photo story: …胜利召开[图]
    m = SITE_PREFIX.match(line)
    if (m and len(line) <= MAX_TITLE + MAX_SITE_NAME and not FULL_STOP.search(line)
            and len(line) - m.end() >= MIN_TITLE_BEFORE_SITE and REPORT_NAME.search(simplified(line))):
        line = line[m.end():]  # a page's name: its site's name, then the report's title
    m = SITE_SUFFIX.search(line)
    if m and len(line) <= MAX_TITLE + MAX_SITE_NAME and not FULL_STOP.search(line) and m.start() >= MIN_TITLE_BEFORE_SITE:
        return line[:m.start()]  # a page's name: the report's title, then its site's (…工作总结_某某县人民政府网)
    return line


@lru_cache(maxsize=1)
def _simplified() -> dict[int, str]:
    """Traditional → simplified, one character for one (index/normalize.py's table), as a
    ``str.translate`` table: every line of every report goes through it."""
    return str.maketrans(_t2s())


# The same table as a list by code point over the Basic Multilingual Plane, filled with
# each character as it is first met (itself when it is no traditional one): a list is
# looked up about twice as fast as a dict that lacks most characters. A character not
# met yet comes out as _UNSEEN, a noncharacter; a text holding one, or characters beyond
# the plane (the table has some), goes the dict's way.
_UNSEEN = "\uffff"
_ONE_FOR_ONE: list[str] = [_UNSEEN] * 0x10000
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def simplified(text: str) -> str:
    """``text`` in simplified characters, one character for one (so a match's place in
    it is its place in the text as written)."""
    if _UNSEEN in text or _ASTRAL.search(text):
        return text.translate(_simplified())
    out = text.translate(_ONE_FOR_ONE)
    if _UNSEEN in out:
        table = _t2s()
        for char in set(text):
            _ONE_FOR_ONE[ord(char)] = table.get(char, char)
        out = text.translate(_ONE_FOR_ONE)
    return out


# a day before a page's publication data on its line: 2023-04-07 来源：青禾镇, 2023年04月07日 来源:…
DAY_FIRST = re.compile(rf"^{DAY}[\s\u3000]+")


def is_chrome(line: str, tables: bool = False) -> bool:
    """Whether one line is site chrome (see the module doc), in either script (a
    traditional line is read in simplified characters: 發布時間 is 发布时间). ``tables``:
    the document has Markdown tables, whose ``|`` rows are content."""
    text = simplified(line.strip())
    if not text:
        return False
    if (TIMESTAMP.search(text) and len(text) <= 2 * MAX_CHROME_LINE and not FULL_STOP.search(text)
            and CJK.search(TIMESTAMP.sub("", text))):
        return True  # a posting time with its source: 2024-02-18 10:20  来源：青禾镇 (alone, a date line)
    if PAGE_NAME.search(text) or CLOSE_BUTTON.match(text) or PAPER_PAGE.match(text) or LOGIN_BOX.match(text):
        return True
    if EMPTY_IMAGE.match(text) or INDEX_NUMBER.match(text) and not FULL_STOP.search(text):
        return True
    day = DAY_FIRST.match(text) if text[:1] in "12" else None
    if day and KEY_FIRST.match(text[day.end():]) and not FULL_STOP.search(text) and len(text) <= MAX_NOTICE:
        return True  # the day it was posted, then its source
    if SLASH_CRUMBS.match(text):
        return True
    if len(text) <= MAX_CHROME_LINE and RETURN_LINK.search(text) and not FULL_STOP.search(text):
        return True
    if len(text) <= MAX_CHROME_LINE and SHARE_PROMPT.search(text) and not FULL_STOP.search(text[:-1]):
        return True
    if COUNTER.match(text) or len(text) <= MAX_CHROME_LINE and SCAN_TO_PHONE.search(text) and not FULL_STOP.search(text.rstrip("!！")):
        return True
    if (BREADCRUMB.match(text) or WELCOME.match(text) or SITE_NAME.match(text) or SITE_ADDRESS.match(text)
            or IMAGE_NAME.match(text) or FILE_NAME.match(text)):
        return True
    if len(text) <= MAX_CHROME_LINE and ONLY_SITE_WORDS.match(text) and SITE_WORD.search(text):
        return True
    if _crumbs(text) or text[:1] in ">＞»" and _crumbs(text, least=2) or _channel_crumbs(text):
        return True  # 首页 > 政务公开 > 乡镇公开目录 > 乌镇镇; a breadcrumb's wrapped end: > 政府动态 > 镇街动态
    if len(text) <= MAX_CHROME_LINE and not FULL_STOP.search(text):
        cells = [c for c in SLOGAN_SEP.split(text) if c]
        if len(cells) >= 2 and any(SITE_BRAND.match(c) for c in cells):
            return True  # a site's name among its slogan's pieces
    if len(text) <= MAX_NOTICE and (SHARING_NOTICE.search(text) or FOOTER.search(text) or BLURB.search(text)):
        return True
    if PHONE.match(text) and "-" in text:
        return True
    if not FULL_STOP.search(text) and (" " in text or "\u3000" in text):
        cells = PLACE_LIST_LABEL.sub("", text).split()
        if len(cells) >= MIN_PLACE_CELLS and all(PLACE_CELL.match(c) for c in cells):
            return True  # a site's list of its sub-sites: 乡镇(街道)分站: 苏湾镇 栏杆集镇 …
    if PIPE.search(text) and not tables and not text.endswith(ROW_END):
        cells = [c.strip() for c in PIPE.split(text)]
        if all(len(c) <= MAX_CELL for c in cells) and not FULL_STOP.search(text):
            return True
        # a row of publication data keeps its keys in cells of their own, its values may be
        # longer (索引号 | K16059504/2024-117342 | ||), though never a sentence
        if (any(KEY_CELL.match(c) for c in cells) and all(len(c) <= MAX_VALUE for c in cells)
                and not FULL_STOP.search(text)):
            return True
    if (len(text) <= MAX_NOTICE and not FULL_STOP.search(text) and (" " in text or "\u3000" in text)
            and len(KEY_WORD.findall(text)) >= 2):
        return True  # a page's data table with its cells run together on one line
    keys = KEY_VALUE.findall(text)
    if "[" in text or "【" in text:
        keys += BRACKETED_KEY.findall(text)
    if len(keys) >= 2 and (len(text) <= MAX_NOTICE or not FULL_STOP.search(text)) or KEY_FIRST.match(text) and not FULL_STOP.search(text) and len(text) <= 2 * MAX_CHROME_LINE:
        return True
    return False


MAX_VALUE = 24
VALUE_GAP = 2  # blank lines a page may leave between a bare key and its value


def key_values(lines: list[str], tables: bool = False) -> set[int]:
    """Indexes of chrome lines, with the value standing on the line after a bare key
    (``• 索引号:`` / ``6107280000/2024-001005``), up to :data:`VALUE_GAP` blank lines below it,
    and with the heading of a platform's disclaimer above it (``特此声明`` / ``本文为…仅代表该作者或机构观点…``)."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        if line and DISCLAIMER_HEAD.match(line.strip().translate(_simplified())):
            k = next((k for k in range(i + 1, min(len(lines), i + 2 + VALUE_GAP)) if lines[k].strip()), None)
            if k is not None and is_chrome(lines[k], tables):
                out.add(i)
            continue
        if not line:
            continue
        if not is_chrome(line, tables):
            # a key wrapped over two lines: 索 引 / 号: cxs039-/2023-0407001, 发布 / 机构: 某某镇人民政府
            piece = re.sub(r"\s+", "", line)
            k = i + 1 if i + 1 < len(lines) and lines[i + 1].strip() else None
            if k is not None and len(piece) <= MAX_KEY_PIECE and CJK.search(piece):
                joined = piece + lines[k].strip()
                if KEY_FIRST.match(simplified(joined)) and is_chrome(joined, tables):
                    out.update((i, k))
            continue
        out.add(i)
        bare = KEY_FIRST.match(simplified(line))
        if bare and not line[bare.end():].strip():
            # the value on the next line, a blank line or two between them at most
            k = next((k for k in range(i + 1, min(len(lines), i + 2 + VALUE_GAP)) if lines[k].strip()), None)
            value = lines[k].strip() if k is not None else ""
            if (value and len(value) <= MAX_VALUE and not FULL_STOP.search(value)
                    and not KEY_FIRST.match(simplified(value))):
                out.add(k)
    return out


# a page's publication data written as a list, each key and each value on a line of its own
# (- 索引号 / - 01525762-6-/2021-0415002 / - 发文机构 / - 隆阳区某某乡人民政府 / … / - 日期 / - 2021-04-15)
LIST_ITEM = re.compile(r"^[-•·]\s*(\S.*)$")
MIN_LIST_KEYS = 2  # bare keys (no colon) among a run of list lines that make the run a page's data


def key_list(lines: list[str]) -> set[int]:
    """Indexes of the lines of a run of short list lines (``- …``, ``• …``; blank lines
    between them allowed, none longer than :data:`MAX_VALUE` nor a sentence) in which at
    least :data:`MIN_LIST_KEYS` lines are a publication key alone (``- 索引号``, ``- 文 号``):
    a page's data as a list, its values on the lines between the keys."""
    out: set[int] = set()
    run: list[int] = []
    keys = 0

    def close() -> None:
        if keys >= MIN_LIST_KEYS:
            out.update(run)

    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        m = LIST_ITEM.match(text)
        if m and len(m.group(1)) <= MAX_VALUE and not FULL_STOP.search(m.group(1)):
            run.append(i)
            keys += bool(KEY_CELL.match(simplified(m.group(1).strip())))
            continue
        close()
        run, keys = [], 0
    close()
    return out


MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*\|")


def has_tables(lines: list[str]) -> bool:
    """Whether the text has a Markdown table (a ``|---|`` rule line)."""
    return any(MD_TABLE_RULE.match(line.strip()) for line in lines)


def _opening(lines: list[str]):
    """(index, stripped text) of the first :data:`MARK_WINDOW` non-blank lines: where a
    site's page around the text (collection mark, blurb, breadcrumb, contents) stands."""
    seen = 0
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        seen += 1
        if seen > MARK_WINDOW:
            return
        yield i, text


def collection_page(lines: list[str]) -> set[int]:
    """Indexes of the lines above the first collection mark (``篇1``, ``第一篇:``) among
    the first :data:`MARK_WINDOW` non-blank lines, and of the mark when it stands alone:
    an essay site's page around the text it holds (``镇长工作报告范文`` / ``时间:…`` /
    ``导语:…`` / ``篇1`` / the text), and of the mark when it only names the collection again
    (``…工作思路(精选多篇)`` / ``第一篇:…工作思路`` / the first text's own title)."""
    for i, text in _opening(lines):
        m = COLLECTION_MARK.match(text)
        if m:
            out = {k for k in range(i) if lines[k].strip()}
            named = re.sub(r"\s+", "", text[m.end():])
            if not named or named in {_without_count(lines[k]) for k in out}:
                out.add(i)  # the mark alone, or before the collection's own name again (第一篇:…工作总结)
            return out
    return set()


# a collection's count of texts after its name: (精选多篇), (三篇), (12篇)
COUNT_MARK = re.compile(r"[（(][^（）()]{0,4}篇[)）]$")


def _without_count(line: str) -> str:
    return COUNT_MARK.sub("", re.sub(r"\s+", "", line))


BLURB_REACH = 2  # lines after a blurb where the text's own title stands
MAX_TITLE = 40


def blurb_page(lines: list[str]) -> set[int]:
    """Indexes of the lines above a sharing site's blurb (``以下是…为您整理的…，欢迎阅读``)
    among the first :data:`MARK_WINDOW` non-blank lines, when a title line (short, no
    sentence end, not chrome) stands within :data:`BLURB_REACH` lines after it and only
    short lines (:data:`MAX_TITLE` characters or fewer) stand above it: what is above is
    the site's page (its name for the text, ``【概述】``), the text begins with its own
    title after the blurb. A blurb with the text right after it leaves the title above; a
    blurb under a text (``…欢迎阅读…``) is chrome alone."""
    for i, text in _opening(lines):
        if not (len(text) <= MAX_NOTICE and BLURB.search(simplified(text))):
            continue
        above = [k for k in range(i) if lines[k].strip()]
        if any(len(lines[k].strip()) > MAX_TITLE for k in above):
            return set()  # a text above it: the blurb closes a page, it opens none
        after = [x.strip() for x in lines[i + 1:] if x.strip() and not is_chrome(x)][:BLURB_REACH]
        if any(len(x) <= MAX_TITLE and not FULL_STOP.search(x) and not re.search(r"[，,：:；;]$", x) for x in after):
            return {k for k in range(i) if lines[k].strip()}
        return set()
    return set()


def site_header(lines: list[str]) -> set[int]:
    """Indexes of the lines above a breadcrumb (``您当前所在位置:首页>…``, ``首页 > 政务公开 > …``)
    among the first :data:`MARK_WINDOW` non-blank lines, when all of them are short
    (:data:`MAX_TITLE` characters or fewer, or chrome themselves): the site's header (its
    name, its badges, its buttons); the page's own title comes after the breadcrumb. A
    newspaper's page line (``第03版:要闻``) is the breadcrumb of its e-edition (the masthead
    above it), and a breadcrumb whose cells only spaces part and which ends with the next
    line, the page's title (:func:`_titled_crumbs`), is left out with its header."""
    opening = list(_opening(lines))
    for n, (i, text) in enumerate(opening):
        titled = n + 1 < len(opening) and _titled_crumbs(text, opening[n + 1][1])
        if (BREADCRUMB.match(simplified(text[:MAX_TITLE])) or len(text) <= MAX_CHROME_LINE * 2 and _crumbs(text)
                or PAPER_PAGE.match(text) or titled):
            above = [k for k in range(i) if lines[k].strip()]
            if not all(len(lines[k].strip()) <= MAX_TITLE or is_chrome(lines[k]) or _ticker_item(lines[k]) for k in above):
                return set()
            return set(above) | ({i} if titled else set())
    return set()


# an item of a site's menu or slogan ticker: a bulleted line that is no sentence (• 坚持一切为了人民 …)
TICKER_ITEM = re.compile(r"^[•·▪◆●■]\s*\S")


def _ticker_item(line: str) -> bool:
    """A bulleted line without a full stop above a breadcrumb: an item of the site's menu or
    slogan ticker, however long the slogan."""
    text = line.strip()
    return bool(TICKER_ITEM.match(text)) and len(text) <= MAX_NOTICE and not FULL_STOP.search(text)


CRUMB_START = re.compile(r"^(?:网站首页|首页|首頁|主页|主頁)[\s\u3000]+(?=\S)")


def _titled_crumbs(text: str, nxt: str) -> bool:
    """A breadcrumb whose cells only spaces part, ending with the page's title, which the
    next line writes: ``首页 鄂尔多斯 某某镇:…新图景`` / ``某某镇:…新图景``."""
    m = CRUMB_START.match(text)
    return bool(m) and len(nxt) >= MIN_TITLE_BEFORE_SITE and text.endswith(nxt) and len(text) > m.end() + len(nxt)


MIN_CRUMBS = 3  # cells of a breadcrumb line; 2 on a line that opens with its separator (the crumb before it wrapped)
# the name of a site's channel or column: 宜昌频道, 伍家乡热点, 市內資訊, 乡镇动态, 政务要闻 (a few words before it at most)
CHANNEL = re.compile(r"^[\u4e00-\u9fff]{0,5}(?:频道|资讯|快讯|要闻|热点|头条|新闻|动态|专题|专栏|公告|播报)(?:中心)?$")


def _crumbs(text: str, least: int = MIN_CRUMBS) -> bool:
    crumbs = CRUMB_SEP.split(text.strip("> ＞»"))
    return len(crumbs) >= least and all(len(c) <= MAX_CELL for c in crumbs) and not FULL_STOP.search(text)


def _channel_crumbs(text: str) -> bool:
    """Two short cells with a ``>`` between them (a breadcrumb of a channel and its column,
    ``宜昌频道 > 伍家乡热点``): the separator spaced out, or a cell a channel's name."""
    if not _crumbs(text, least=2) or not CRUMB_SEP.search(text.strip("> ＞»")):
        return False
    cells = CRUMB_SEP.split(text.strip("> ＞»"))
    return bool(re.search(r"\s[>＞»]|[>＞»]\s", text)) or any(CHANNEL.match(c) for c in cells)


# the head of a list of links to other pages (相关链接：, 【推荐阅读】), in simplified characters
RELATED = re.compile(r"^[【\[]?\s*(?:相关(?:链接|文章|新闻|阅读|推荐|内容)|推荐阅读|延伸阅读|热点推荐|热门推荐|热门文章"
                     r"|精彩推荐|往期回顾|猜你喜欢|最新文章)\s*[】\]]?\s*[:：]?$")
MAX_LINK = 60  # a linked page's title, maybe with its date


def related_links(lines: list[str]) -> set[int]:
    """Indexes of a list of links under its head (:data:`RELATED`: ``相关文章`` / ``青禾镇召开…`` /
    ``青禾镇开展…``): the head and the short lines right after it (:data:`MAX_LINK` characters
    or fewer, none a sentence; blank lines between them allowed), up to the first other line.
    The pages it names are other pages', not headings of the text above it."""
    out: set[int] = set()
    k = 0
    while k < len(lines):
        if not RELATED.match(simplified(lines[k].strip())):
            k += 1
            continue
        out.add(k)
        k += 1
        while k < len(lines):
            text = lines[k].strip()
            if text and (len(text) > MAX_LINK or FULL_STOP.search(text)):
                break
            if text:
                out.add(k)
            k += 1
    return out


def channel_names(lines: list[str]) -> set[int]:
    """Indexes of the names of a site's channels or columns (:data:`CHANNEL`, read in
    simplified characters: ``市內資訊``, ``伍家乡热点``) alone on their lines in the opening,
    above the text's first sentence or long line (:data:`MAX_TITLE` characters): the page's
    place in its site, never its title. Below that a short line so named may be a heading."""
    out: set[int] = set()
    for i, text in _opening(lines):
        if len(text) > MAX_TITLE or FULL_STOP.search(text):
            break
        if CHANNEL.match(simplified(re.sub(r"[\s\u3000【】\[\]]+", "", text))):
            out.add(i)
    return out


# a sharing site's table of contents above the text: 目录/提纲:…… / 一、… / 二、… / ……
TOC_START = re.compile(r"^(?:目录|目錄|提纲|提綱)(?:\s*[/／]\s*(?:目录|目錄|提纲|提綱))?\s*[:：]?\s*[…\.。]*$")
TOC_END = re.compile(r"^[…\.。·\s]+$")
MAX_TOC = 30  # lines a table of contents holds at most


def table_of_contents(lines: list[str]) -> set[int]:
    """Indexes of a table of contents in the opening: a ``目录``/``提纲`` line among the first
    :data:`MARK_WINDOW` non-blank lines and the short lines under it (:data:`MAX_TITLE`
    characters or fewer, no full stop), up to a line of dots (``……``) that closes it, if
    one stands within :data:`MAX_TOC` lines; the headings listed are not the text's."""
    for i, text in _opening(lines):
        if len(text) > MAX_CELL or not TOC_START.match(simplified(text)):
            continue
        out = {i}
        for k in range(i + 1, min(len(lines), i + 1 + MAX_TOC)):
            item = lines[k].strip()
            if not item:
                continue
            if TOC_END.match(item):
                return out | {k}
            if len(item) > MAX_TITLE or FULL_STOP.search(item):
                return set()
            out.add(k)
        return set()
    return set()


def page_names(lines: list[str], window: int = 6) -> set[int]:
    """Indexes of lines in the opening that only repeat the page's name: a line equal to
    an earlier one (the title written again), or one that is a later line with a
    site's name joined before it by ``-`` ``_`` ``|`` (``永顺县人民政府-2016年…报告``)."""
    out: set[int] = set()
    first: dict[str, int] = {}
    for i, line in enumerate(lines[: window * 2]):
        key = re.sub(r"\s+", "", line)
        if not key:
            continue
        if key in first and len(key) >= 4 and CJK.search(key):
            out.add(i)
            continue
        first.setdefault(key, i)
        for later in lines[i + 1: i + 1 + window]:
            other = re.sub(r"\s+", "", later)
            if len(other) >= 6 and key != other and key.endswith(other) and key[-len(other) - 1] in "-_|｜—–":
                out.add(i)
                break
    return out


MIN_BANNER = 5  # short lines in a row above a repeat of one of them: a site's banner of links
MAX_BANNER_LINE = 24


def banner(lines: list[str]) -> set[int]:
    """Indexes of a site's banner of links at the top of a page: a run of short lines
    (:data:`MAX_BANNER_LINE` characters or fewer, no sentence's punctuation, blank lines
    between them allowed) among the first :data:`MARK_WINDOW` non-blank lines, in which a
    line other than the run's first comes again (a carousel or a menu shows an item twice)
    after at least :data:`MIN_BANNER` such lines (chrome lines among them not counted): the
    run up to the repeat. A title written twice (a page's name, then the document's own)
    repeats the run's first line or names a kind of report, and a title block is shorter."""
    run: list[int] = []  # the run's lines that are no chrome by themselves
    seen: dict[str, int] = {}
    for i, text in _opening(lines):
        if is_chrome(text):
            continue  # a breadcrumb or a publication line among them: neither banner nor text
        if len(text) > MAX_BANNER_LINE or FULL_STOP.search(text) or re.search(r"[，,；;：:]$", text):
            return set()
        key = re.sub(r"\s+", "", text)
        if key in seen and seen[key] != run[0] and len(run) >= MIN_BANNER and not REPORT_NAME.search(simplified(key)):
            return set(range(run[0], i + 1))
        seen.setdefault(key, i)
        run.append(i)
    return set()


# what makes a page name of a name: the page (_第1页, (第3/65页)), the file's extension, the count
# of texts a collection holds (-35篇)
PAGE_PART = re.compile(r"(?:\.(?:docx?|pdf|wps))?(?:_第\s*\d+\s*页|[（(]第\s*\d+\s*[/／]\s*\d+\s*页[)）])$")
COUNT_PART = re.compile(r"[-—_\s]*(?:[（(]\d{1,3}篇[)）]|\d{1,3}篇)$")


def page_title(lines: list[str]) -> str:
    """The name of the document a page shows, from the first page name among chrome
    lines that names a kind of report once its page, extension and count are cut off
    (``乡镇2023年政府工作报告-35篇(第3/65页)`` → ``乡镇2023年政府工作报告``); else empty.
    No title of the text (a page of a collection may hold the middle of any of its texts),
    though evidence, as a title is, of the year and level the collection is of."""
    for line in lines:
        text = line.strip()
        part = PAGE_PART.search(text)
        if not part or not PAGE_NAME.search(text):
            continue
        name = COUNT_PART.sub("", text[:part.start()]).strip()
        if REPORT_NAME.search(simplified(name)) and CJK.search(name):
            return name
    return ""

