# ruff: noqa: E501  (message bodies are long literal XML; wrapping them would hide their shape)
"""The people, groups and messages of the demo account, independent of any layout.

Everything derives from a seeded `random.Random` and fixed times, so the same arguments give
the same data set. Message bodies are the XML WeChat stores for each type (docs/wechat-formats.md).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import timedelta, timezone

SELF = "wxid_demo_self"
SELF_NAME = "Demo 用户"
START_TIME = 1_704_067_200  # 2024-01-01T00:00:00Z
END_TIME = 1_735_689_600  # 2025-01-01T00:00:00Z
# The demo people's clock, China time: the demo set's media folders and the dates drawn in its
# pictures use it, whatever the generating computer's time zone (media.py, pictures.py).
DEMO_ZONE = timezone(timedelta(hours=8), "China")


@dataclass(frozen=True, slots=True)
class Person:
    user_name: str
    nick_name: str
    alias: str = ""
    remark: str = ""
    is_friend: bool = True


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    nick_name: str
    remark: str
    owner: str
    members: tuple[tuple[str, str], ...]  # user name, group display name ("" if none)


@dataclass(frozen=True, slots=True)
class DemoMessage:
    """One message; `body` is the text or XML without any layout-specific wrapping."""

    talker: str
    sender: str
    is_self: bool
    time: int
    seq: int
    server_id: int
    type: int
    sub_type: int
    body: str
    image_md5: str = ""
    video_md5: str = ""


@dataclass(slots=True)
class Dataset:
    people: list[Person]
    groups: list[Group]
    messages: list[DemoMessage] = field(default_factory=list)

    def talkers(self) -> list[str]:
        return [p.user_name for p in self.people if p.is_friend] + [g.name for g in self.groups]


_PEOPLE = [
    Person("wxid_alice01", "Alice Chen", "alice_c", "Alice (设计)"),
    Person("wxid_bob02", "Bob", "bobwang", "王波 Bob"),
    Person("wxid_zhangwei", "张伟", "zhangwei88", "张伟-产品经理"),
    Person("wxid_lina", "李娜", "", "娜娜"),
    Person("wxid_carol", "Carol Smith", "carol_s", ""),
    Person("wxid_liuyang", "刘洋", "ly_2024", "刘洋（健身教练）"),
    Person("wxid_david", "David Lee", "", "David 房东"),
    Person("wxid_mom", "妈妈", "", "老妈"),
    Person("wxid_chenjing", "陈静", "chenjing", ""),
    Person("wxid_eve", "Eve", "eve_sec", "Eve security"),
    Person("wxid_wangfang", "王芳", "", "", is_friend=False),
    Person("wxid_zhaolei", "赵磊", "", "", is_friend=False),
]

_TEXT_ZH = [
    "今天下午三点开会，别忘了带电脑。",
    "晚上一起去吃火锅吗？",
    "这个项目的 deadline 是下周五。",
    "收到，我马上处理。",
    "周末去爬山吧，天气预报说是晴天。",
    "合同已经发到你邮箱了，请查收。",
    "哈哈哈，太好笑了",
    "我到楼下了，你下来吧。",
    "新版本的设计稿改好了吗？",
    "记得给妈妈打电话。",
    "这家咖啡店的拿铁很不错。",
    "明天的航班改到早上八点了。",
]
_TEXT_EN = [
    "Can we move the meeting to 4pm?",
    "The build is green again, thanks for the fix.",
    "Let's grab lunch tomorrow.",
    "I pushed the new design to the shared folder.",
    "Happy birthday! 🎂",
    "Running 10 minutes late, sorry.",
    "Did you see the quarterly report?",
    "Rent is due on the 5th.",
    "The deadline for the proposal is Friday.",
    "Sounds good to me.",
]


def md5_hex(text: str) -> str:
    """WeChat's own hex MD5 (table names, media names): one helper for the whole generator."""
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _groups(rng: random.Random) -> list[Group]:
    friends = [p for p in _PEOPLE if p.is_friend]
    strangers = [p for p in _PEOPLE if not p.is_friend]
    specs = [
        ("20001@chatroom", "产品研发群", "Product team", 6),
        ("20002@chatroom", "Weekend Hikers 周末爬山", "", 5),
        ("20003@chatroom", "相亲相爱一家人", "Family", 4),
    ]
    groups = []
    for name, nick, remark, size in specs:
        chosen = rng.sample(friends, size - 2) + strangers
        members = [(SELF, "")] + [
            (p.user_name, f"{p.nick_name}@{nick[:2]}" if rng.random() < 0.5 else "") for p in chosen
        ]
        groups.append(Group(name, nick, remark, chosen[0].user_name, tuple(members)))
    return groups


def build_dataset(messages: int, seed: int = 20240101, talkers: int | None = None) -> Dataset:
    """`messages` messages spread over 2024 across the demo account's chats.

    `talkers` adds synthetic contacts (for benches) until that many one-to-one chats exist.
    """
    rng = random.Random(seed)
    people = list(_PEOPLE)
    extra = max(0, (talkers or 0) - sum(p.is_friend for p in people))
    people += [
        Person(f"wxid_bench{i:05d}", f"联系人{i:05d}", remark=f"Contact {i}") for i in range(extra)
    ]
    dataset = Dataset(people, _groups(rng))
    chats = dataset.talkers()
    weights = [3.0 if not name.startswith("wxid_bench") else 1.0 for name in chats]
    times = sorted(rng.randrange(START_TIME, END_TIME) for _ in range(messages))
    writer = _MessageWriter(rng, dataset)
    for index, moment in enumerate(times):
        talker = rng.choices(chats, weights)[0]
        dataset.messages.append(writer.message(index, talker, moment))
    return dataset


class _MessageWriter:
    """Picks a sender and a message type and writes the body for one message."""

    def __init__(self, rng: random.Random, dataset: Dataset) -> None:
        self._rng = rng
        self._groups = {g.name: g for g in dataset.groups}
        self._names = {p.user_name: p.nick_name for p in dataset.people}
        self._seq_by_second: dict[tuple[str, int], int] = {}
        self._last_text: dict[str, tuple[str, str, int, int]] = {}

    def message(self, index: int, talker: str, moment: int) -> DemoMessage:
        rng = self._rng
        is_self = rng.random() < 0.35
        group = self._groups.get(talker)
        if is_self:
            sender = SELF
        elif group is not None:
            sender = rng.choice([m for m, _ in group.members if m != SELF])
        else:
            sender = talker
        counter = self._seq_by_second.get((talker, moment), 0)
        self._seq_by_second[(talker, moment)] = counter + 1
        kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0]
        # The same message must not be both a quote and a system notice of a quote.
        msg_type, sub_type, body = getattr(self, f"_{kind}")(index, talker, sender, moment)
        if msg_type == 10000:
            sender, is_self = sender, False
        if msg_type == 1:
            self._last_text[talker] = (sender, body, moment, 1_000_000 + index)
        return DemoMessage(
            talker=talker,
            sender=sender,
            is_self=is_self,
            time=moment,
            seq=moment * 1000 + counter,
            server_id=1_000_000 + index,
            type=msg_type,
            sub_type=sub_type,
            body=body,
            image_md5=md5_hex(f"image-{index}") if msg_type == 3 else "",
            video_md5=md5_hex(f"video-{index}") if msg_type == 43 else "",
        )

    def _text(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        pool = _TEXT_ZH if self._rng.random() < 0.6 else _TEXT_EN
        return 1, 0, self._rng.choice(pool)

    def _image(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        md5 = md5_hex(f"image-{index}")
        return (
            3,
            0,
            (
                f'<msg><img aeskey="{md5[:16]}" length="{20000 + index % 9000}" '
                f'md5="{md5}" hevc_mid_size="0" /></msg>'
            ),
        )

    def _voice(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        length = 1000 + index % 50 * 400
        return (
            34,
            0,
            f'<msg><voicemsg endflag="1" voicelength="{length}" length="{length // 2}" /></msg>',
        )

    def _video(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        md5 = md5_hex(f"video-{index}")
        return (
            43,
            0,
            f'<msg><videomsg length="{index % 7000}" playlength="{index % 60}" md5="{md5}" rawmd5="{md5_hex(md5)}" /></msg>',
        )

    def _emoji(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        return (
            47,
            0,
            f'<msg><emoji md5="{md5_hex(str(index))}" cdnurl="https://emoji.example.invalid/{index % 97}.gif" /></msg>',
        )

    def _location(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        label, city = self._rng.choice(
            [
                ("北京市朝阳区三里屯", "北京市"),
                ("上海市徐汇区漕溪北路", "上海市"),
                ("Golden Gate Park", "San Francisco"),
            ]
        )
        return (
            48,
            0,
            f'<msg><location x="39.93" y="116.45" scale="15" label="{label}" maptype="roadmap" poiname="{label}" cityname="{city}" /></msg>',
        )

    def _card(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        user = self._rng.choice(list(self._names))
        return 42, 0, f'<msg username="{user}" nickname="{self._names[user]}" certflag="0" />'

    def _voip(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        return (
            50,
            0,
            '<voipmsg type="VoIPBubbleMsg"><VoIPBubbleMsg><msg><![CDATA[通话时长 03:12]]></msg></VoIPBubbleMsg></voipmsg>',
        )

    def _app(self, sub_type: int, inner: str, title: str = "") -> tuple[int, int, str]:
        return (
            49,
            sub_type,
            (
                f'<msg><appmsg appid="" sdkver="0"><title>{_escape(title)}</title>'
                f"<type>{sub_type}</type>{inner}</appmsg></msg>"
            ),
        )

    def _link(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        title, url = self._rng.choice(
            [
                ("如何高效开会 | 十个技巧", "https://mp.weixin.qq.com/s/demo-meeting"),
                ("Python 3.13 release notes", "https://docs.python.org/3.13/whatsnew/3.13.html"),
                ("周末去哪儿：北京郊区徒步路线", "https://mp.weixin.qq.com/s/demo-hiking"),
            ]
        )
        return self._app(5, f"<des>{_escape(title)} - 摘要</des><url>{url}</url>", title)

    def _file(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        # Formats the generator writes for real (devtools/demo/files.py); three names, so the
        # random sequence, and with it the rest of the demo set, stays as it was.
        name = self._rng.choice(["Q3 季度报告.pdf", "design-v2.png", "合同草案.pdf"])
        return self._app(
            6,
            f"<appattach><totallen>{10240 + index}</totallen><fileext>{name.rsplit('.', 1)[1]}</fileext></appattach><md5>{md5_hex(name + str(index))}</md5>",
            name,
        )

    def _quote(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        previous = self._last_text.get(talker)
        if previous is None:
            return self._text(index, talker, sender, moment)
        quoted_sender, quoted, when, server_id = previous
        refer = (
            f"<refermsg><type>1</type><svrid>{server_id}</svrid><fromusr>{talker}</fromusr>"
            f"<chatusr>{quoted_sender if talker.endswith('@chatroom') else ''}</chatusr>"
            f"<displayname>{_escape(self._names.get(quoted_sender, SELF_NAME))}</displayname>"
            f"<content>{_escape(quoted)}</content><createtime>{when}</createtime></refermsg>"
        )
        reply = self._rng.choice(["同意 👍", "好的，没问题", "Agreed.", "这个我来跟进"])
        return self._app(57, refer, reply)

    def _record(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        items = (
            "".join(
                f'<dataitem datatype="1" dataid="{i}"><sourcename>{_escape(name)}</sourcename>'
                f"<sourcetime>2024-03-0{i + 1} 10:0{i}</sourcetime><datadesc>{_escape(text)}</datadesc></dataitem>"
                for i, (name, text) in enumerate(
                    [
                        ("Alice Chen", "方案 A 更好"),
                        ("张伟", "我同意，成本更低"),
                        ("Bob", "Let's ship it."),
                    ]
                )
            )
            + '<dataitem datatype="2" dataid="9"><sourcename>Bob</sourcename><sourcetime>2024-03-04 11:00</sourcetime><fullmd5>'
            + md5_hex("rec" + str(index))
            + "</fullmd5></dataitem>"
        )
        record = f'<recordinfo><title>群聊的聊天记录</title><desc>Alice Chen: 方案 A 更好\n张伟: 我同意</desc><datalist count="4">{items}</datalist></recordinfo>'
        return self._app(
            19,
            f"<des>聊天记录</des><recorditem><![CDATA[{record}]]></recorditem>",
            "群聊的聊天记录",
        )

    def _transfer(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        return self._app(
            2000,
            f"<wcpayinfo><paysubtype>{self._rng.choice([1, 3])}</paysubtype><feedesc>¥{88 + index % 500}.00</feedesc><pay_memo>{self._rng.choice(['房租', '', 'dinner'])}</pay_memo></wcpayinfo>",
            "微信转账",
        )

    def _pat(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        other = self._names.get(talker, "群友")
        return self._app(
            62,
            f'<patMsg><chatUser>{talker}</chatUser><records><record><fromUser>{sender}</fromUser><pattedUser>{talker}</pattedUser><templete><![CDATA["{_escape(self._names.get(sender, SELF_NAME))}" 拍了拍 "{_escape(other)}"]]></templete></record></records></patMsg>',
            "拍一拍",
        )

    def _miniprogram(
        self, index: int, talker: str, sender: str, moment: int
    ) -> tuple[int, int, str]:
        return self._app(
            33,
            "<sourcedisplayname>美团外卖</sourcedisplayname><url>https://mp.weixin.qq.com/demo-mini</url>",
            "美团外卖",
        )

    def _music(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        return self._app(
            92, "<des>周杰伦</des><url>https://music.example.invalid/qingtian</url>", "晴天"
        )

    def _channels(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        return self._app(
            51,
            "<finderFeed><desc>春天的西湖\n太美了</desc><mediaList><media><url>https://channels.example.invalid/v/1</url></media></mediaList></finderFeed>",
        )

    def _system(self, index: int, talker: str, sender: str, moment: int) -> tuple[int, int, str]:
        name = _escape(self._names.get(sender, SELF_NAME))
        if not talker.endswith("@chatroom") or self._rng.random() < 0.5:
            return (
                10000,
                0,
                f'<sysmsg type="revokemsg"><revokemsg><session>{talker}</session><content>"{name}" 撤回了一条消息</content></revokemsg></sysmsg>',
            )
        member = self._rng.choice(list(self._names))
        return (
            10000,
            0,
            (
                f'<sysmsg type="sysmsgtemplate"><sysmsgtemplate><content_template type="tmpl_type_profile">'
                f'<plain><![CDATA[]]></plain><template><![CDATA["$username$"邀请"$names$"加入了群聊]]></template>'
                f'<link_list><link name="username" type="link_profile"><memberlist><member><username><![CDATA[{sender}]]></username>'
                f"<nickname><![CDATA[{self._names.get(sender, SELF_NAME)}]]></nickname></member></memberlist></link>"
                f'<link name="names" type="link_profile"><memberlist><member><username><![CDATA[{member}]]></username>'
                f"<nickname><![CDATA[{self._names[member]}]]></nickname></member></memberlist><separator><![CDATA[、]]></separator></link>"
                f"</link_list></content_template></sysmsgtemplate></sysmsg>"
            ),
        )


_KINDS = [
    "text",
    "image",
    "voice",
    "video",
    "emoji",
    "location",
    "card",
    "voip",
    "link",
    "file",
    "quote",
    "record",
    "transfer",
    "pat",
    "miniprogram",
    "music",
    "channels",
    "system",
]
_KIND_WEIGHTS = [70, 5, 3, 1.5, 3, 0.5, 0.5, 0.5, 2, 1, 4, 0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 1]


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
