"""What one line of a report looks like: sentence ends, numbering, brackets, and the
line patterns that are never headings (enumerations, dates, speakers, contacts, …).

Used by :mod:`index.reading.structure`, which decides from these and from the lines around
each line what it is.
"""

from __future__ import annotations

import re

SENTENCE_END = set("。！？!?…；;：:.")
CLOSERS = "”’」』）)》】\"' \t\u3000"
HARD_PUNCT = re.compile(r"[。！？!?；;]")
CN_NUM = "一二三四五六七八九十百零〇两"
# numbered headings: pattern, rank (章 above 节 above 一、 above （一） above 1. above （1）)
NUMBERED = (
    (re.compile(rf"^第[{CN_NUM}\d]+[章编](?![^\s\u3000]{{0,2}}[，,])"), 0),
    (re.compile(rf"^第[{CN_NUM}\d]+节"), 1),
    (re.compile(rf"^[{CN_NUM}]+(?:、|[.．](?!\d))"), 2),
    (re.compile(rf"^[（(][{CN_NUM}]+[)）]"), 3),
    (re.compile(r"^\d{1,2}(?:[.．、](?!\d)|\s*[)）])"), 4),
    (re.compile(r"^[（(]\d{1,2}[)）]"), 5),
)
CHAPTER_RANKS = 2  # ranks 0 and 1 (章, 节) only take a level when the document has them
# never a heading
ENUMERATION = re.compile(
    rf"^(?:[{CN_NUM}]+[是要](?![求点])|第[{CN_NUM}]+[，,、：:]|第[{CN_NUM}\d]+条|首先|其次|再次|最后|另外|此外)"
)
DATE_LINE = re.compile(
    rf"^[\d{CN_NUM}]{{2,4}}\s*[年\-./]\s*[\d{CN_NUM}]{{1,2}}\s*[月\-./]\s*[\d{CN_NUM}]{{1,3}}\s*日?"
    r"(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?|\s*\d{1,2}时\d{1,2}分)?$"
    rf"|^[\d{CN_NUM}]{{4}}\s*年\s*[\d{CN_NUM}]{{1,2}}\s*月$"
)
# contact details, stamps and form boxes: never headings
CONTACT = re.compile(
    r"\d{3,4}-\d{7,8}|[\w.]+@[\w.]+|https?://|www\.|(?:邮编|传真|电话|邮箱|地址|联系人)[:：]"  # contact details
    r"|[（(]盖[^）)]{0,8}章[)）]|[（(]签[字名章][)）]|[:：][\s\u3000]{2,}|年[\s\u3000]{2,}月|□"  # stamps, form fields
)
OFFICE = (r"(?:总理|副总理|主席|副主席|省长|代省长|副省长|市长|代市长|副市长|县长|代县长|区长|代区长|州长|镇长|乡长|书记|主任"
          r"|市長|縣長|區長|鎮長|鄉長|書記|苏木达|蘇木達|[乡镇鄉鎮][\s\u3000]长|[乡镇鄉鎮][\s\u3000]長"
          # a banner's head (旗长, 代旗长), and an office someone is nominated for (镇长提名人选)
          r"|旗长|旗長)(?:提名人选|提名人選|候选人|候選人)?")
# the speaker under a report's title, in either script, offices joined by 、 (镇委副书记、镇长 张某某)
SPEAKER = re.compile(
    rf"^[\u4e00-\u9fff、]{{0,16}}{OFFICE}(?:[\s\u3000]+[\u4e00-\u9fff·](?:[\s\u3000]?[\u4e00-\u9fff·]){{1,4}})?$"
    r"|^[\u4e00-\u9fff、]{0,16}(?:总理|省长|市长|县长|区长|主席|主任|鄉長|鎮長|縣長)[\u4e00-\u9fff]{2,3}$"
    # the unit a speaker or author writes for, then the name apart: 某某镇人民政府 张某某 (a name,
    # never the name of a document: 某某镇人民政府 工作报告 is a title)
    r"|^[\u4e00-\u9fff]{2,16}(?:人民政府|政府|办事处|辦事處|人大工委|人大主席团|人大主席團)[\s\u3000]+"
    r"(?![\u4e00-\u9fff]{0,2}(?:报告|報告|总结|總結|计划|計劃|要点|要點|通知|公告|方案)$)[\u4e00-\u9fff·]{2,4}$"
)
# a session line: "——2024年1月23日在某某镇第二十届人民代表大会第八次会议上", "（2019年6月）"
# (在 before the date or after it: ——在2008年1月19日某某镇第十一届…, ——2024年1月23日在某某镇…)
_SESSION_DATE = r"(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
SESSION_START = re.compile(rf"^[—\-–－\s（(]*(?:在\s*{_SESSION_DATE}\s*在?|{_SESSION_DATE}\s*在)")
SESSION_LINE = re.compile(SESSION_START.pattern + r"[^。！？!?]{0,60}(?:会议|會議|大会|大會)上?[)）]?$"
                          # its date on a line of its own: ——在某某镇第四届人民代表大会第三次会议上 / （2023年4月20日）
                          r"|^[—\-–－]+\s*在[^。！？!?，,]{2,60}(?:会议|會議|大会|大會)上$"
                          rf"|^[（(]\s*{_SESSION_DATE}\s*[)）]$"
                          # the date and the session in brackets, no 在…上: （2017年2月10日某某镇十七届人大二次会议）
                          rf"|^[（(]\s*{_SESSION_DATE}\s*[^。！？!?，,（）()]{{2,40}}(?:会议|會議|大会|大會)\s*[)）]$")
MAX_SESSION = 70
# a session line naming the report it gives, under the title and speaker: 在某某镇第十七届人民代表大会
# 第五次会议上的报告 (only a people's congress's: 在…会议上的讲话 alone may title a speech)
SESSION_REPORT = re.compile(r"^在[^。！？!?，,]{2,40}人民代表大[会會][^。！？!?，,]{0,20}(?:会议|會議)上的"
                            r"(?:政府)?(?:工作)?(?:报告|報告)$")
BYLINE = re.compile(
    r"^[■□◆◇●○]?\s*(?:[^。！？]{0,16}(?:记者|記者|特派员|特派員)|通讯员|通訊員|同期声[:：]|本报讯|责任编辑|编辑[:：]|来源[:：]|作者[:：]|时间[:：]|地点[:：]|供稿[:：]|发表时间[:：]|发布时间[:：])"
    r"|(?:文/图|文／图|摄影?|图/文|图／文)$"
    # a news agency's credit: the reporter, then where from (…/花蓮縣報導, …／台北报道)
    r"|[/／][^/／\s。！？，,]{2,8}(?:报导|報導|报道|報道)$"
    r"|^[\u4e00-\u9fff]{1,10}[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d{1,4}\s*号$"  # a document number: 镇政发〔2024〕7号
    # who printed a document and when, at its foot: 某某镇党政办公室 2023年4月7日印发
    r"|\d{1,2}\s*日\s*(?:印发|印發)$"
)
# a line of credits under a web page's text, read in simplified characters: 責編：王小明, 编辑 张三,
# 来源 某某镇政府, 文字：张三 图片：李四, 初审：… 复审：… 终审：…, 【责任编辑：李四】 — one role after
# another, each with its name (a role of one character only with a colon: 图 1 … is a figure)
CREDIT_ROLE = (r"(?:责任编辑|值班编辑|责编|编辑|主编|美编|编审|校对|审核|审校|审签|初审|复审|终审|签发|来源|作者|撰稿|供稿"
               r"|文字|图片|摄影|摄像|视频|通讯员|监制)")
_CREDIT_NAME = r"[^\s:：。！？!?，,；;|｜【】\[\]（）()]{1,20}"
_CREDIT = rf"(?:{CREDIT_ROLE}\s*(?:[:：]\s*|[\s\u3000]+)|文\s*[:：]\s*){_CREDIT_NAME}"
# …图： only after another credit (图：某某镇全景 alone is a photo's caption)
_LATER_CREDIT = rf"(?:{_CREDIT}|图\s*[:：]\s*{_CREDIT_NAME})"
# …or written with slashes: 文/张三 图/李四, 摄影/王五
_SLASHED = rf"(?:[文图]|{CREDIT_ROLE})\s*[/／]\s*{_CREDIT_NAME}"
CREDITS = re.compile(rf"^[【\[（(]?\s*(?:{_CREDIT}(?:(?:[\s\u3000|｜/／、，,]|[】\]）)]\s*[【\[（(])+{_LATER_CREDIT})*"
                     rf"|{_SLASHED}(?:[\s\u3000|｜、，,]+{_SLASHED})*)\s*[】\]）)]?$")
TRAILING_BYLINE = re.compile(
    r"(?<=[。！？”])\s*((?:本报)?记者[\s\u3000]*[\u4e00-\u9fff]{2,4}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,8})*"
    r"(?:[\s\u3000]*(?:文/图|文／图|摄|报道))?)\s*$"
)
# a paragraph that opens like this starts a new sentence, it does not continue one
SENTENCE_OPENER = re.compile(r"^(?:(?:19|20)\d\d年(?:以来|来|初|底)?|今年以来|去年以来|近年来|目前|同时|此外|其中)[，,]")
# a short line that only says who speaks (会议指出, 镇长强调), its colon lost: it opens the
# paragraph after it, it heads nothing
SPEECH_LEAD = re.compile(r"^[\u4e00-\u9fff、]{1,12}(?:指出|强调|强調|表示|认为|認為)$"
                         # …or that says what follows (现将有关情况报告如下), and a note after its key
                         # (注：…, 备注：…): none heads a section (an attachment's name, 附件：1.…, heads its text)
                         # (a numbered line is its own: 二、镇长主持会议 may head a section)
                         r"|^(?![一二三四五六七八九十]+、|[（(]|\d)(?:[^。！？!?；;]{2,30}如下$|(?:注|备注|備註|说明|說明)\s*\d{0,2}\s*[:：]"
                         # …or who chaired or attended a meeting, its full stop lost (会议由某某主持)
                         r"|[^。！？!?；;]{2,30}(?:主持|出席|列席)(?:会议|大会|會議|大會|了会议|了大会)?$"
                         # …or a table's head row (序号 项目名称 建设内容)
                         r"|序号[\s\u3000|｜]+\S)")
# a sentence of a news item left without its full stop, never a heading (a heading names, it
# tells nothing done): a verb with 了 (会议审议通过了政府工作报告; not 为了, 除了, 了解), who
# took part (全镇23名代表参加会议), a quotation alone on its line (“我们要把好事办好”), a
# lead alone (会议号召, 据了解, 据悉)
NEWS_SENTENCE = re.compile(r"^(?![一二三四五六七八九十]+、|[（(]|\d)(?:[^。！？!?；;]*?(?<![为除罢])了(?![解])"
                           r"|[^。！？!?；;]{2,30}参加(?:了)?(?:会议|大会|會議|大會)$"
                           r"|[“「『][^“”「」『』\"]{2,40}[”」』]$"
                           r"|[\u4e00-\u9fff、]{1,12}(?:号召|號召)$|据(?:了解|悉|介绍|統計|统计)$)")
LONE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# a figure or table title: 图 1 人工智能标准体系结构图, 表2 …
FIGURE = re.compile(r"^(?:附图|附表|图|圖|表)\s*[\d一二三四五六七八九十]+(?:[-－.．]\d+)?(?:[\s\u3000：:]|$)"
                    # a news photo's number run into its caption: 圖 2城廂鎮人大主席…, 图3会议现场
                    r"|^[图圖][\s\u3000]*\d{1,2}(?=[\u4e00-\u9fff])")
# a photo's caption in a news item: ▲ before it, 图/圖 and a colon, or the whole line in
# brackets without digits or colons ((大會現場), （代表审议报告现场）)
PHOTO_CAPTION = re.compile(r"^[▲△]|^[图圖][\s\u3000]*[:：]|^(?:[上下左右][图圖]|[图圖][为為])"
                           r"|^[（(](?:[^()（）\d：:。！？]|[（(][^()（）\d]{1,6}[)）]){2,40}[)）]$"
                           # …or a scene's name alone, a few characters ending in 现场 (大會現場, 会议现场)
                           r"|^[\u4e00-\u9fff]{0,6}(?:现场|現場)$"
                           # …or a scene's name with its moment in brackets: 第一次全体会议(开幕)现场
                           r"|^[\u4e00-\u9fff]{2,12}[（(][\u4e00-\u9fff]{1,6}[)）](?:现场|現場)$"
                           # …or a scene of a session, no sentence: a delegation's name (某某代表团), the
                           # delegates at work (各代表团热烈讨论…, 与会人员进行投票选举), someone giving a
                           # report (苏木人大主席作《2022年人大工作报告》)
                           r"|^[^。！？!?，,：:；;]{2,20}(?:代表团|代表團)$"
                           r"|^(?:各|全体|全體|与会|與會|参会|參會|列席)(?:人员|人員|代表团|代表團|代表|人大代表)[^。！？!?，,：:；;]{2,24}$"
                           r"|^[^。！？!?，,：:；;《》]{2,24}(?<![工合创写制操动运])(?:作|做)(?:了)?"
                           r"(?:《[^》]{2,40}》|关于[^。！？!?，,：:；;]{2,40}的(?:报告|報告)|(?:政府|人大)?(?:工作)?(?:报告|報告))$"
                           # …or opening the session, chairing it, speaking at it (乡党委书记某某宣布大会开幕;
                           # a speech's title says 的讲话)
                           r"|^[^。！？!?，,：:；;《》]{2,24}(?:宣布(?:大会|会议|大會|會議)(?:开幕|闭幕|開幕|閉幕)"
                           r"|主持(?:会议|大会|會議|大會)|(?<!的)(?:讲话|講話)|致辞|致辭)$"
                           # …or after the photo's file name: 1703827772338.png?x-oss-process=style/w10镇区全景图
                           r"|^[A-Za-z0-9_./-]{1,60}\.(?:jpe?g|png|gif|bmp|webp)(?:\?[A-Za-z0-9_=/.&%,-]*)?(?=[\u4e00-\u9fff])",
                           re.I)
# a name or office spelled out with spaces, as under a letter: 科 技 部, 中 国 证 监 会
SPACED_SIGNATURE = re.compile(r"^[\u4e00-\u9fff](?:[ \u3000]{1,3}[\u4e00-\u9fff]){1,7}$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# a unit opening with one of these continues the unit before it
CONTINUES = "，,、。．；;：:》」』”’）)】%％"
OPENERS = (("《", "》"), ("“", "”"), ("（", "）"), ("「", "」"), ("『", "』"), ("【", "】"))
INLINE_END = re.compile(r"[。！？!?]|[：:](?!//)|\.(?![\da-zA-Z])")  # not inside 1.5, https://, nsfc.gov
# a phrase opening like this is a sentence (本办法…, 该项目…, 各单位…), not a title
# (a word that only starts with such a character is no subject: 经济发展…, 各项事业…, 如期…)
SENTENCE_SUBJECT = re.compile(r"^(?:本(?![届年月期])|该|各(?![项类族界])|凡|如(?!期)|若|对于|经(?![济营验贸费典销])|由于)")
# "shall", "must", "must not": a numbered rule, not a heading
MODAL = re.compile(r"应当|应该|必须|不得|(?<![响供适相对反效])应(?=[及依按在将由从予向与为经具确严切有明制建加做])")
SUBTITLE_MARK = re.compile(r"^(?:[—\-–－]{1,3}|[（(《])")

MAX_HEADING = 40
MAX_NUMBERED_HEADING = 60
MAX_INLINE_HEADING = 40
MAX_PARALLEL = 3  # phrases side by side in a heading: （一）加强组织领导，精心策划，营造浓厚氛围。


def strip_trailing_notes(text: str) -> str:
    """``…加强领导。（牵头单位：省科技厅）`` → ``…加强领导。``: a parenthesis closing a line
    after a finished sentence is a note; what counts is the sentence before it."""
    stripped = text.rstrip(" \t\u3000")
    for _ in range(3):
        if stripped[-1:] not in "）)":
            break
        depth = 0
        for k in range(len(stripped) - 1, -1, -1):
            c = stripped[k]
            if c in "）)":
                depth += 1
            elif c in "（(":
                depth -= 1
                if depth == 0:
                    break
        else:
            break
        before = stripped[:k].rstrip(" \t\u3000")
        if not before or before.rstrip(CLOSERS)[-1:] not in SENTENCE_END:
            break
        stripped = before
    return stripped


def ends_sentence(text: str) -> bool:
    if text[:1] in "（(" and text[-1:] in "）)" and not unbalanced(text[1:-1]):
        return True  # a line that is one note: （责任单位：市经济和信息化委）
    stripped = strip_trailing_notes(text).rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def numbered_rank(text: str) -> int | None:
    for pattern, rank in NUMBERED:
        if pattern.match(text):
            return rank
    return None


def is_numbered(text: str) -> bool:
    return numbered_rank(text) is not None


def unbalanced(text: str) -> bool:
    """An opening quote or bracket left open: the sentence goes on in the next line."""
    return any(a in text and text.count(a) > text.count(b) + (text.count('"') if a == "“" else 0) for a, b in OPENERS)


def heading_like(text: str) -> bool:
    """Short, no sentence punctuation, not ending like a clause, some Chinese."""
    limit = MAX_NUMBERED_HEADING if is_numbered(text) else MAX_HEADING
    return (
        2 <= len(text) <= limit
        and not HARD_PUNCT.search(text)
        and text.rstrip(CLOSERS)[-1:] not in ("，", "、", ",", "：", ":", "—", "…")
        and bool(CJK.search(text))
    )


def numbered_heading(text: str) -> bool:
    """A numbered line that is a heading by itself (``（一）用改革的办法…。`` may end
    with a full stop)."""
    if not is_numbered(text) or ENUMERATION.match(text):
        return False
    core = text.rstrip(CLOSERS)
    if core[-1:] in "。.":
        if "，" in core or "," in core:
            return False  # a numbered sentence: 7. 申报项目受理后，原则上不能更改…。
        core = core[:-1]
    return heading_like(core)


def parallel_heading(text: str) -> bool:
    """A numbered line of two short phrases ending with a full stop,
    ``（四）加强顶层设计，科学谋划煤矿智能化建设。``: a heading when it is not an item of a
    list (the caller looks at the lines around it)."""
    if not is_numbered(text) or ENUMERATION.match(text):
        return False
    core = text.rstrip(CLOSERS)
    if core[-1:] not in "。." or len(core) > MAX_HEADING:
        return False
    number = next(p.match(core) for p, _ in NUMBERED if p.match(core))
    parts = re.split(r"[，,]", core[number.end():-1].strip())
    return (2 <= len(parts) <= MAX_PARALLEL and all(2 <= len(x) <= 20 for x in parts) and heading_like(core[:-1].replace("，", " "))
            and not MODAL.search(core) and not SENTENCE_SUBJECT.match(parts[0]))


# a numbered heading run straight into its section's first sentence, no stop between them:
# 一、2022年工作回顾刚刚过去的一年，… / 一、2022年主要工作2022年以来，… — the heading ends
# with a word that names a part of a report, the sentence opens with the words a report's
# section opens with
SECTION_WORD = r"(?:工作|回顾|回顧|情况|情況|成效|成绩|成績|任务|任務|要求|目标|目標|措施|打算|安排|计划|計劃|总结|總結|思路|举措|舉措)"
SECTION_OPENING = (r"(?:(?:19|20)\d\d年(?:以来|以來|来|來|是|[，,])|一年来|一年來|今年以来|今年以來|去年以来|去年以來"
                   r"|半年来|半年來|刚刚过去|剛剛過去|过去的?一年|過去的?一年|过去的?五年|過去的?五年)")
RUN_ON_HEADING = re.compile(rf"[^。！？!?，,；;：:\s]{{2,{MAX_INLINE_HEADING}}}?{SECTION_WORD}(?={SECTION_OPENING})")
# …or before the words that can only open a sentence (今年以来, 一年来, 刚刚过去的一年), the
# heading then any phrases of two or more parts (抢抓机遇、优化产业，经济工作再上新水平)
STRONG_OPENING = (r"(?:(?:19|20)\d\d年以[来來]|一年[来來]|今年以[来來]|去年以[来來]|半年[来來]"
                  r"|刚刚过去|剛剛過去|过去的一年|過去的一年|过去的五年|過去的五年)")
MIN_RUN_ON = 4  # characters of a heading run on before such words, in two parts or more
PARTS = re.compile(r"[、，,]")
RUN_ON_ANY = re.compile(rf"[^。！？!?；;：:\s]{{{MIN_RUN_ON},{MAX_INLINE_HEADING}}}?(?={STRONG_OPENING})")


def inline_heading(text: str) -> str:
    """``（一）指导思想。坚持…`` → ``（一）指导思想``: a numbered line whose first sentence is
    a short phrase without commas, followed by more text; ``一、2022年工作回顾刚刚过去的
    一年，…`` → ``一、2022年工作回顾`` (:data:`RUN_ON_HEADING`); else empty."""
    if not is_numbered(text) or ENUMERATION.match(text):
        return ""
    number = next(p.match(text) for p, _ in NUMBERED if p.match(text))
    run_on = RUN_ON_HEADING.match(text, number.end())
    if not run_on:
        run_on = RUN_ON_ANY.match(text, number.end())
        if run_on and not PARTS.search(run_on.group()):
            run_on = None  # one phrase before 一年来 is the sentence's subject: 1.全镇上下一年来…
        elif run_on and run_on.group().rstrip()[-1:] in "，,":
            run_on = None  # a clause before it: 1、农田水利建设，今年以来… is one sentence
    if run_on and run_on.end() - number.end() <= MAX_INLINE_HEADING and not MODAL.search(run_on.group()):
        return text[: run_on.end()].strip()
    m = INLINE_END.search(text, number.end())
    if not m or m.end() >= len(strip_trailing_notes(text).rstrip(CLOSERS)):
        return ""  # nothing after the first sentence but a note: a numbered sentence
    head = text[: m.start()]
    if unbalanced(head) or not CJK.search(head) or CONTACT.search(head):
        return ""
    phrase = head[number.end():].strip()
    if not 2 <= len(phrase) <= MAX_INLINE_HEADING or not CJK.search(phrase):
        return ""
    if MODAL.search(phrase) or SENTENCE_SUBJECT.match(phrase):
        return ""  # a rule, not a title: （二）检测机构应及时将…报告提交通信主管部门。
    if len(strip_trailing_notes(text).rstrip(CLOSERS)) - m.end() < len(phrase):
        return ""  # a label and its value: （一）车载或便携无线电设备：26dBm；
    if "，" in phrase or "," in phrase:
        # two parallel phrases (（一）着力…，在…上开新局。) head a long paragraph under
        # 一、 and （一）; a numbered sentence with a comma is just a numbered paragraph
        parts = re.split(r"[，,]", phrase)
        if len(parts) > 2 or len(text) < 2 * len(head):
            return ""
        if numbered_rank(text) not in (2, 3) and max(map(len, parts)) > 10:
            return ""
    return head.strip()


def standalone_line(text: str) -> bool:
    """A short line with no punctuation at all (a heading in all but name, e.g. in a
    Markdown file) stands alone: it is not the first half of a broken paragraph."""
    return heading_like(text) and not any(c in text for c in "，、,")


def shape(text: str) -> tuple:
    """What a heading looks like: its numbering and whether it is two phrases side by side."""
    if SUBTITLE_MARK.match(text) and not is_numbered(text):
        return ("mark",)
    return (numbered_rank(text), len(re.split(r"[\s\u3000]+", text.strip())) > 1)
