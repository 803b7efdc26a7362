"""Turning a page's bytes into text, and telling simplified from traditional Chinese.

``decode_page(data, path)`` returns ``(text, encoding)``; every way it can fail is an
``InputError`` naming the file (and line when a byte sequence is at fault).

How the encoding is found, in this order (cheap and certain first):

1. A byte-order mark: UTF-8 (``utf-8-sig``), UTF-16 LE/BE, UTF-32 LE/BE.
2. UTF-16 without a mark: NUL bytes sit mostly at even (BE) or odd (LE) offsets.
3. Binary: any other NUL byte, or more than 10% control bytes, is not a page.
4. Strict UTF-8 (most pages; the fast path).
5. GB18030 and Big5 (cp950, then Big5-HKSCS) are both tried strictly. GB18030 decodes
   almost any byte string, so a successful decode proves little: each candidate is scored
   by the share of its Han characters that are among the 1,500 most frequent characters
   of Chinese (in either script). Real text scores above 0.8; Big5 read as GB18030
   (or the reverse) gives a random draw of rare characters and scores far lower.
   The best candidate wins if it scores at least ``PLAUSIBLE``; else the page is
   reported undecodable, naming the line where the strict GB18030 decode broke.

Script: ``detect_script(text)`` counts characters that exist only in traditional
form (與, 們, 說 ...) against those that exist only in simplified form (与, 们, 说 ...),
over the common characters, and calls the page traditional when the former dominate.
OpenCC is loaded only for pages that need it.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from ..config import default_cache_dir
from ..errors import InputError
from ..files import derived_table
from ..zh.opencc_fast import profile_files
from ..zh.script import NON_HAN_RUN, converter

# The 1,500 most frequent Han characters, by summed word frequency in jieba's dictionary
# (simplified). Traditional forms are derived through OpenCC on first use.
COMMON_SIMPLIFIED = (
    "一是人了不在有大中国和为这上他个地年来我会以到时要出的生学说道民家子也成行下们于后就发自之对得主长可过天作分方用多你着部能市等业全里工公经本都而高政法"
    "面门动日进区事代那去心小同北定开产前其军还然起种所如现理机体表力好外与文当两实重新三么只山水关明从化平建又制南内西没此将员名手最东头者月间无安看见各城"
    "十相但已些正口通想度加第她合院物性战由位常点海意场武使次二向治因立数样身情入原问把路被并利石老教万知级量任江及应省资委务元美特期世湖回系比气汉总展电科"
    "金先声提品设或义王社很统处四首共马形己儿司太目基领队直计别女权话少流命至报米给打变果书清活几州华解议更称程今决张导术府才保交放管结师便走达族反再题色五"
    "京河接条规式县白它改风光运信受什组听布百济党指论强做取技黄神选记斯真却职号界件花类何眼兵传带空干农边据集联古广完质阳难增历史专官每住商即步认车台林必死"
    "游举线言皇土团收考求德叫近备研争非具李众连调感转笑革该持始英克士尔让拉思根格造较际亲单朝红型价校约器字段周亚深候则功属积快图火千准究往极育装许参半令吃"
    "观鱼精办像帝八复影告远群包整构料随划算象容示投势热值夫网望源息语股铁断派速怎需片爱律纪支早况病境证编越局推满且列觉服双未居除乐企引标确织初青志率项飞球"
    "节察龙响药站施均消客失轻存低甚般击曾防请离落显罗营足素视护副食创余照兴占巴虽洲村费易试星木黑左宝置跟央识维采六底宫房音环案批切斗富乡另倒若按查故突责严"
    "桥模仅胜杀围席态破承招杨负层须父供续状域似依银范修找九致密终血旅钱赛独细效玉冲获习医演毛尽脸弹楼艺航陆右协七攻镇检写苏宗章注阿抗弟坐验封紧劳户优财养适"
    "陈喜卫排射哥油刻留急降念云微伤例景拿绝阶座刘刚害印亿沙母酒助闻超审待压升送监策略限竟香配藏敌呢差仍兰温园树征善波哪词岛止预怕继皮执味份角草男普答益谁船"
    "惊核街夏宣掌田久著画辑奇尼剑吧谈背免孩礼材愿洋春架筑括晚乱乎讲尚良友临激刀夜室既敢邦挥昌板胡欧福港叶简苦担句岁荆贵娘守辖威宜衣帮块堂额错剧充欢够孙班呼"
    "阵销坚练脚退读测吴希宁换版异某顾曲楚典朱毒菜判救宋茶洪含顺啊鲜败货矿端兄归冷忙买险康评肉吗厂永哈沉散遗停笔假输牛洞松渐顶训录否述毕督控丰献姑忽爷互亮纳"
    "襄登咱钟伯臣雄季脑介鄂召饭暗扩祖齐短烈赶牌恩诉移诗础露届蒙静喝盘卖植授伊湾博痛减穿逐秘庭陵固禁票灵杂姓泽吸侧庆妈遇追甲馆补唐炮沿殿刺怪彩俄旧警索岸轮妇"
    "载靠附毫怀软骨探雷旁罪枪牙迎序慢盛雨墙恶谷顿危稳熟概酸操诸绿佛荣针托宽折野付午肯库厚缺罢耳屋嘴末谢巨培页瓦款犯困店智拥雪翻圣戏旗吉婚奖岩疑币圆歌廷健卡"
    "烧析讨跑烟误仙疗舞亡闭汽伸脱秋姐繁侵川莫麻秀借寻私岗卷跳丽横驻套兼您君丁束纸夺袁灯坏坦丝径购阴床瞧择墓宪峰遍鲁庙掉丹桃御舰避售怒课播拔奥延虚隐粮络遭摇"
    "潜庄混厅婆奴鼓赵访睡震予童徐韦殖抓拜吨扬址洛休纵逃染纷贸透汇灭蛋森仪塔距狐融郡缓聚盖拍迹忠释润粉涓孔岭搜紫虑促抵钢塞寺津液码虎坛珍硬梁奔累役偏迫锛凡损"
    "壁哭替税综伦冰盟挂韩竞乌尤弱铺妹秦尊竹珠迅脉泥鬼纯睛刑途隆潮幅杯握谋剂幸奉乘抱朋谓频崇壮骑紝恐享鸡虫绍铜呈泛械摆欲奶敬措爆暴签猛郭嘉障缩亦废搞胞埃曰撤"
    "暖寒订俗绩阻盐萨勒忘奏孝贴灰梅触玩默醒胸莲篇柱裁啦淡抢捕闹纺截讯朗誉雅忍梦伙勇峡徒丈尾迷唱泉泰佳残闪伍呀疾署剩贼冠倾豆申贫诺麦泪羊尖辈镜涉贡爹缘摩妻殊"
    "贝零映甘骂糖岳饮奋棉雕跃汗冒渡努赞启阁斤裂患伏池鹿洗劲晋倍圈媒箭沟锋胆凭挑抬闯隔弄曹汤苗迁叹唯振储贯彻桌祭符僧衡炸旋喊凤黎郎援肥磁忌赏辽祥董仁辛瑞询敏"
    "浪貌毁昨巧腿抽荷陷焦净腹弃乃湘亩滑狗冬宏皆番尸伟桂览恢龄绕趣晶坡魏摸伴墨浓绪舍蓝荡阅井鸿旦惯症鸟窗扎辞聘穷堰宇键荒递恨隶厉杜闲腰袭侍灾涨叔湿寨幕豪郑磨"
)

# Characters of a page looked at to tell its script (a page is written in one script).
SCRIPT_SAMPLE = 6000
# A candidate decode must have at least this share of common characters among its Han ones.
PLAUSIBLE = 0.5
# Above this share of control bytes (other than tab, newline, CR, form feed) a file is binary.
CONTROL_SHARE_BINARY = 0.10

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its mark starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def decode_page(data: bytes, path: str | Path, warnings: list[tuple[str, str, int | None]] | None = None
                ) -> tuple[str, str]:
    """Decode a page's bytes: ``(text, encoding name)``; ``InputError`` if empty, binary or undecodable.

    The BOM, if any, is not part of the text. Line endings are left as they are. A file cut off inside its
    last character (a multi-byte sequence left incomplete by a truncated copy) is read without that
    character, and ``("cut-off", message, line)`` is appended to ``warnings`` when a list is given.
    An undecodable file is reported at the first invalid byte of the encoding it most looks like.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom):], name.replace("-sig", ""), path, warnings), name
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, path, warnings), utf16
    if b"\x00" in data:
        raise InputError("binary file (NUL bytes), not a text page", path)
    sample = data[:65536]
    if sample and len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > CONTROL_SHARE_BINARY * len(sample):
        raise InputError("binary file (mostly control bytes), not a text page", path)
    text = _decode_cut_off(data, "utf-8", warnings)
    if text is not None:
        return text, "utf-8"
    candidates = []
    for name in ("gb18030", "cp950", "big5hkscs"):
        found: list = []
        text = _decode_cut_off(data, name, found)
        if text is not None:
            candidates.append((common_share(text), name, text, found))
    if candidates:
        score, name, text, found = max(candidates, key=lambda c: c[0])
        if score >= PLAUSIBLE:
            if warnings is not None:
                warnings.extend(found)
            return text, _public_name(name)
    raise _undecodable(data, path)


def _decode_cut_off(data: bytes, codec: str, warnings: list | None) -> str | None:
    """``data`` decoded strictly, or without an incomplete last character (with a ``cut-off`` warning);
    None when it is not this encoding."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if not _cut_inside_last_character(data, codec, exc):
            return None
        start = exc.start
    try:
        text = data[:start].decode(codec)
    except UnicodeDecodeError:
        return None
    if warnings is not None:
        line = data[:start].count(b"\n") + 1
        warnings.append(("cut-off", f"the file ends inside a character ({len(data) - start} byte(s) of an "
                                    f"incomplete {_public_name(codec).upper()} sequence dropped): was it cut off?",
                         line))
    return text


def _cut_inside_last_character(data: bytes, codec: str, exc: UnicodeDecodeError) -> bool:
    """Whether the only problem is an incomplete multi-byte sequence at the very end of the data."""
    if len(data) - exc.start > 3 or exc.start == 0:
        return False
    if exc.reason in ("unexpected end of data", "incomplete multibyte sequence", "truncated data"):
        return True
    # Some codecs report the incomplete tail as an illegal sequence: an incremental decoder tells.
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        decoder.decode(data[exc.start:], final=False)
    except UnicodeDecodeError:
        return False
    return decoder.getstate()[0] != b""


def _undecodable(data: bytes, path: str | Path) -> InputError:
    """The error for bytes no encoding reads: at the first invalid byte of the encoding the file most looks
    like (the one whose valid beginning is plausible Chinese and longest; UTF-8 on a tie)."""
    best = None
    for rank, codec in enumerate(("utf-8", "gb18030", "cp950")):
        try:
            data.decode(codec)
            end, plausible = len(data), False  # decodes, but to implausible text: the least likely
        except UnicodeDecodeError as exc:
            end = exc.start
            prefix = data[:end].decode(codec)
            plausible = common_share(prefix) >= PLAUSIBLE or not NON_HAN_RUN.sub("", prefix)
        key = (plausible, end, -rank)
        if best is None or key > best[0]:
            best = (key, codec, end)
    _, codec, end = best
    if end >= len(data):
        return InputError("cannot decode: not UTF-8, UTF-16, GB18030 or Big5 text (no encoding gives plausible "
                          "Chinese)", path)
    line = data[:end].count(b"\n") + 1
    column = end - (data.rfind(b"\n", 0, end) + 1) + 1
    return InputError(f"cannot decode: looks like {_public_name(codec).upper()}, but byte 0x{data[end]:02x} at "
                      f"offset {end} (line {line}, byte {column} of the line) is not valid "
                      f"{_public_name(codec).upper()}", path, line)


def common_share(text: str) -> float:
    """Share of the Han characters in ``text`` that are common ones (either script); 0.0 without Han."""
    han = NON_HAN_RUN.sub("", text[:20000])
    if not han:
        return 0.0
    return len(_common_pattern().findall(han)) / len(han)


def detect_script(text: str) -> str:
    """``"traditional"`` when traditional-only characters outnumber simplified-only ones, else ``"simplified"``."""
    traditional_only, simplified_only = _script_patterns()
    sample = text[:SCRIPT_SAMPLE]
    trad = len(traditional_only.findall(sample))
    simp = len(simplified_only.findall(sample))
    return "traditional" if trad > simp and trad >= 2 else "simplified"


@lru_cache(maxsize=1)
def _script_patterns() -> tuple[re.Pattern, re.Pattern]:
    # Character classes: counting with the regex engine is ~50x faster than a Python loop.
    _, traditional_only, simplified_only = _script_tables()
    return re.compile("[" + re.escape(traditional_only) + "]"), re.compile("[" + re.escape(simplified_only) + "]")


# Characters and words that mark Hong Kong usage (Cantonese particles, HK variants);
# Taiwan usage is the default for traditional pages, which covers most of the rest.
_HONG_KONG_MARKERS = re.compile(r"[嘅喺咗冇哋佢嚟啲嗰睇]|香港|九龍|新界|港島")


def opencc_profile(text: str) -> str:
    """The OpenCC profile that turns this traditional page into simplified: ``hk2s``, ``tw2sp`` (phrases too)."""
    return "hk2s" if _HONG_KONG_MARKERS.search(text) else "tw2sp"


TRADITIONAL_PROFILES = ("s2t", "s2tw", "s2hk")  # the traditional forms of the common characters come from these
SCRIPT_TABLES_VERSION = "script-tables-1"  # the form of ``_script_tables``' tuple


@lru_cache(maxsize=1)
def _script_tables() -> tuple[str, str, str]:
    """The common characters in either script, the traditional-only and the simplified-only markers, each as one
    sorted string, kept in the user's cache (``files.derived_table``): deriving them loads three OpenCC profiles
    (about 0.25 s), which a simplified page never needs otherwise. The stamp covers the profiles' files, this module
    (``COMMON_SIMPLIFIED`` and the rule below) and OpenCC's converter."""
    sources = [Path(__file__), *(Path(f) for p in TRADITIONAL_PROFILES for f in profile_files(p))]
    return derived_table(default_cache_dir() / "script-tables.marshal", list(dict.fromkeys(sources)),
                         SCRIPT_TABLES_VERSION, _build_script_tables)


def _build_script_tables() -> tuple[str, str, str]:
    simplified = "".join(COMMON_SIMPLIFIED)
    common = set(simplified)
    traditional_only: set[str] = set()
    simplified_only: set[str] = set()
    for profile in TRADITIONAL_PROFILES:
        converted = converter(profile).convert(simplified)
        common.update(converted)
        if len(converted) != len(simplified):  # phrase tables never touch single characters; be safe
            converted = "".join(converter(profile).convert(ch) for ch in simplified)
        for s, t in zip(simplified, converted):
            if s != t:
                simplified_only.add(s)
                traditional_only.add(t)
    # A character written the same in both scripts for some word is not a marker.
    traditional_only -= simplified_only | set(simplified)
    return "".join(sorted(common)), "".join(sorted(traditional_only)), "".join(sorted(simplified_only))


@lru_cache(maxsize=1)
def _common_pattern() -> re.Pattern:
    return re.compile("[" + re.escape(_script_tables()[0]) + "]")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes show UTF-16 without a mark, else None."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    # Mostly-ASCII UTF-16 has a NUL in nearly every other byte.
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    # Chinese UTF-16 has few NULs (ASCII digits, newlines, U+4E00 一 ...): decode both ways, keep the plausible one.
    best = None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(name)
        except UnicodeDecodeError:
            continue
        score = common_share(text)
        if score >= PLAUSIBLE and (best is None or score > best[0]):
            best = (score, name)
    return best[1] if best else None


def _strict(data: bytes, name: str, path: str | Path, warnings: list | None = None) -> str:
    text = _decode_cut_off(data, name, warnings)
    if text is not None:
        return text
    try:
        data.decode(name)
    except UnicodeDecodeError as exc:
        newline = "\n".encode(name)
        line = data[: exc.start - exc.start % len(newline)].count(newline) + 1
        raise InputError(f"not valid {name.upper()}: bad bytes at offset {exc.start}", path, line) from None
    return data.decode(name)


def _public_name(codec: str) -> str:
    # cp950 is Microsoft's Big5; call it what a user knows. GB18030 is a superset of GBK/GB2312.
    return {"cp950": "big5", "big5hkscs": "big5-hkscs"}.get(codec, codec)
