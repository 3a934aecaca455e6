"""CREATE statements of the WeChat tables the readers use, with their real column lists.

Columns the readers never touch are kept, so generated files have the shape of real ones.
"""

from __future__ import annotations

V4_CONTACT = [
    "CREATE TABLE contact(id INTEGER PRIMARY KEY, username TEXT, local_type INTEGER, alias TEXT,"
    " encrypt_username TEXT, flag INTEGER, delete_flag INTEGER, verify_flag INTEGER, remark TEXT,"
    " remark_quan_pin TEXT, remark_pin_yin_initial TEXT, nick_name TEXT, pin_yin_initial TEXT,"
    " quan_pin TEXT, big_head_url TEXT, small_head_url TEXT, head_img_md5 TEXT,"
    " chat_room_notify INTEGER, is_in_chat_room INTEGER, description TEXT, extra_buffer BLOB,"
    " chat_room_type INTEGER)",
    "CREATE UNIQUE INDEX contact_username ON contact(username)",
    "CREATE TABLE chat_room(id INTEGER PRIMARY KEY, username TEXT, owner TEXT, ext_buffer BLOB)",
    "CREATE UNIQUE INDEX chat_room_username ON chat_room(username)",
]
# contact.db's table of non-friends (group members, people met once): `contact`'s columns.
V4_STRANGER = V4_CONTACT[0].replace("CREATE TABLE contact(", "CREATE TABLE stranger(", 1)
V4_SESSION = [
    "CREATE TABLE SessionTable(username TEXT PRIMARY KEY, type INTEGER, unread_count INTEGER,"
    " unread_first_msg_srv_id INTEGER, is_hidden INTEGER, summary TEXT, draft TEXT,"
    " status INTEGER, last_timestamp INTEGER, sort_timestamp INTEGER,"
    " last_clear_unread_timestamp INTEGER, last_msg_locald_id INTEGER, last_msg_type INTEGER,"
    " last_msg_sub_type INTEGER, last_msg_sender TEXT, last_sender_display_name TEXT,"
    " last_msg_ext_type INTEGER)",
]
V4_MESSAGE = [
    "CREATE TABLE Timestamp(timestamp INTEGER)",
    "CREATE TABLE Name2Id(user_name TEXT PRIMARY KEY, is_session INTEGER)",
]


def v4_message_table(table: str) -> list[str]:
    return [
        f"CREATE TABLE {table}(local_id INTEGER PRIMARY KEY AUTOINCREMENT, server_id INTEGER,"
        " local_type INTEGER, sort_seq INTEGER, real_sender_id INTEGER, create_time INTEGER,"
        " status INTEGER, upload_status INTEGER, download_status INTEGER, server_seq INTEGER,"
        " origin_source INTEGER, source TEXT, message_content TEXT, compress_content TEXT,"
        " packed_info_data BLOB, WCDB_CT_message_content INTEGER DEFAULT NULL,"
        " WCDB_CT_source INTEGER DEFAULT NULL)",
        f"CREATE INDEX {table}_SENDERID ON {table}(real_sender_id)",
        f"CREATE INDEX {table}_SERVERID ON {table}(server_id)",
        f"CREATE INDEX {table}_SORTSEQ ON {table}(sort_seq)",
        f"CREATE INDEX {table}_TYPE_SEQ ON {table}(local_type, sort_seq)",
    ]


V3_MICRO_MSG = [
    "CREATE TABLE Contact(UserName TEXT PRIMARY KEY, Alias TEXT, EncryptUserName TEXT,"
    " DelFlag INTEGER DEFAULT 0, Type INTEGER DEFAULT 0, VerifyFlag INTEGER DEFAULT 0,"
    " Reserved1 INTEGER DEFAULT 0, Reserved2 INTEGER DEFAULT 0, Reserved3 TEXT, Reserved4 TEXT,"
    " Remark TEXT, NickName TEXT, LabelIDList TEXT, DomainList TEXT, ChatRoomType int,"
    " PYInitial TEXT, QuanPin TEXT, RemarkPYInitial TEXT, RemarkQuanPin TEXT,"
    " BigHeadImgUrl TEXT, SmallHeadImgUrl TEXT, HeadImgMd5 TEXT, ChatRoomNotify INTEGER DEFAULT 0,"
    " Reserved5 INTEGER DEFAULT 0, Reserved6 TEXT, Reserved7 TEXT, ExtraBuf BLOB,"
    " Reserved8 INTEGER DEFAULT 0, Reserved9 INTEGER DEFAULT 0, Reserved10 TEXT, Reserved11 TEXT)",
    "CREATE TABLE ChatRoom(ChatRoomName TEXT PRIMARY KEY, UserNameList TEXT,"
    " DisplayNameList TEXT, ChatRoomFlag int Default 0, Owner INTEGER DEFAULT 0,"
    " IsShowName INTEGER DEFAULT 0, SelfDisplayName TEXT, Reserved1 INTEGER DEFAULT 0,"
    " Reserved2 TEXT, Reserved3 INTEGER DEFAULT 0, Reserved4 TEXT, Reserved5 INTEGER DEFAULT 0,"
    " Reserved6 TEXT, RoomData BLOB, Reserved7 INTEGER DEFAULT 0, Reserved8 TEXT)",
    "CREATE TABLE Session(strUsrName TEXT PRIMARY KEY, nOrder INT DEFAULT 0,"
    " nUnReadCount INTEGER DEFAULT 0, parentRef TEXT, Reserved0 INTEGER DEFAULT 0,"
    " Reserved1 TEXT, strNickName TEXT, nStatus INTEGER, nIsSend INTEGER, strContent TEXT,"
    " nMsgType INTEGER, nMsgLocalID INTEGER, nMsgStatus INTEGER, nTime INTEGER,"
    " editContent TEXT, othersAtMe INT, Reserved2 INTEGER DEFAULT 0, Reserved3 TEXT,"
    " Reserved4 INTEGER DEFAULT 0, Reserved5 TEXT, bytesXml BLOB)",
]
V3_MSG = [
    "CREATE TABLE MSG(localId INTEGER PRIMARY KEY AUTOINCREMENT, TalkerId INT DEFAULT 0,"
    " MsgSvrID INT, Type INT, SubType INT, IsSender INT, CreateTime INT, Sequence INT DEFAULT 0,"
    " StatusEx INT DEFAULT 0, FlagEx INT, Status INT, MsgServerSeq INT, MsgSequence INT,"
    " StrTalker TEXT, StrContent TEXT, DisplayContent TEXT, Reserved0 INT DEFAULT 0,"
    " Reserved1 INT DEFAULT 0, Reserved2 INT DEFAULT 0, Reserved3 INT DEFAULT 0, Reserved4 TEXT,"
    " Reserved5 TEXT, Reserved6 TEXT, CompressContent BLOB, BytesExtra BLOB, BytesTrans BLOB)",
    "CREATE INDEX MSG_CREATETIME ON MSG(CreateTime)",
    "CREATE INDEX MSG_SEQUENCE ON MSG(Sequence)",
    "CREATE INDEX MSG_TALKER_CREATETIME ON MSG(StrTalker, CreateTime)",
    "CREATE TABLE DBInfo(tableIndex INTEGER PRIMARY KEY, tableVersion INTEGER, tableDesc TEXT)",
    "CREATE TABLE Name2ID(UsrName TEXT PRIMARY KEY)",
]

_DARWIN_CONTACT_COLUMNS = (
    "m_nsUsrName TEXT, m_uiConType INTEGER, nickname TEXT, m_nsFullPY TEXT, m_nsShortPY TEXT,"
    " m_nsRemark TEXT, m_nsRemarkPYFull TEXT, m_nsRemarkPYShort TEXT,"
    " m_uiCertificationFlag INTEGER, m_uiSex INTEGER, m_uiType INTEGER, m_nsImgStatus TEXT,"
    " m_uiImgKey INTEGER, m_nsHeadImgUrl TEXT, m_nsHeadHDImgUrl TEXT, m_nsHeadHDMd5 TEXT,"
    " m_nsChatRoomMemList TEXT, m_nsChatRoomAdminList TEXT, m_uiChatRoomStatus INTEGER,"
    " m_nsChatRoomDesc TEXT, m_nsDraft TEXT, m_nsBrandIconUrl TEXT,"
    " m_nsGoogleContactName TEXT, m_nsAliasName TEXT, m_nsEncodeUserName TEXT,"
    " m_uiChatRoomVersion INTEGER, m_uiChatRoomMaxCount INTEGER, m_uiChatRoomType INTEGER,"
    " m_patSuffix TEXT, richChatRoomDesc TEXT, _packed_WCContactData BLOB, openIMInfo BLOB"
)
DARWIN_CONTACT = [f"CREATE TABLE WCContact({_DARWIN_CONTACT_COLUMNS})"]
DARWIN_GROUP = [
    f"CREATE TABLE GroupContact({_DARWIN_CONTACT_COLUMNS})",
    f"CREATE TABLE GroupMember({_DARWIN_CONTACT_COLUMNS})",
]
DARWIN_SESSION = [
    "CREATE TABLE SessionAbstract(m_nsUserName TEXT PRIMARY KEY, m_uUnReadCount INTEGER,"
    " m_bShowUnReadAsRedDot INTEGER, m_bMarkUnread INTEGER, m_uLastTime INTEGER, strRes1 TEXT,"
    " strRes2 TEXT, strRes3 TEXT, intRes1 INTEGER, intRes2 INTEGER, intRes3 INTEGER,"
    " _packed_MMSessionInfo BLOB)",
]


def darwin_chat_table(table: str) -> list[str]:
    return [
        f"CREATE TABLE {table}(mesLocalID INTEGER PRIMARY KEY AUTOINCREMENT,"
        " mesSvrID INTEGER DEFAULT 0, msgCreateTime INTEGER DEFAULT 0, msgContent TEXT,"
        " msgStatus INTEGER DEFAULT 0, msgImgStatus INTEGER DEFAULT 0,"
        " messageType INTEGER DEFAULT 0, mesDes INTEGER DEFAULT 0, msgSource TEXT,"
        " IntRes1 INTEGER DEFAULT 0, IntRes2 INTEGER DEFAULT 0, StrRes1 TEXT, StrRes2 TEXT,"
        " msgVoiceText TEXT, msgSeq INTEGER DEFAULT 0, CompressContent BLOB, ConBlob BLOB)",
        f"CREATE INDEX {table}_Index ON {table}(msgCreateTime)",
    ]
