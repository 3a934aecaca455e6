<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <location filename="../../desktop/about.py" line="30"/>
        <source>Lets AI apps read your own WeChat chat history over MCP, from this computer only. It never changes WeChat&apos;s files and sends nothing anywhere by itself.</source>
        <translation>让 AI 应用通过 MCP 读取你自己的微信聊天记录，只在这台电脑上。它从不修改微信的文件，也不会自行向任何地方发送数据。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="36"/>
        <source>Licence: %1</source>
        <translation>许可证：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="40"/>
        <source>Built on:</source>
        <translation>基于：</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="49"/>
        <source>Using Chatlog Tray</source>
        <translation>使用 Chatlog Tray</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="50"/>
        <source>Connect an AI app</source>
        <translation>连接 AI 应用</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="51"/>
        <source>Choose &lt;i&gt;Connect an AI app…&lt;/i&gt; in the menu: it adds Chatlog Tray to the app&apos;s MCP settings, with a token of its own. Or copy the MCP address and paste it into the app.</source>
        <translation>在菜单中选择&lt;i&gt;连接 AI 应用…&lt;/i&gt;：它会把 Chatlog Tray 加入该应用的 MCP 设置，并给它一个专属令牌。也可以复制 MCP 地址，粘贴到应用中。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="58"/>
        <source>Your WeChat data</source>
        <translation>你的微信数据</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="59"/>
        <source>Until you choose your WeChat data folder in &lt;i&gt;Settings…&lt;/i&gt;, the built-in demo data is served (the menu says so). Encrypted data needs the account&apos;s database key, which is kept in the system keychain.</source>
        <translation>在&lt;i&gt;设置…&lt;/i&gt;中选择微信数据文件夹之前，提供的是内置的演示数据（菜单中会注明）。加密的数据需要该账号的数据库密钥，密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="66"/>
        <source>AI clients and chats</source>
        <translation>AI 客户端与聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="67"/>
        <source>The window lists the AI apps connected right now, and lets you browse the WeChat chats that they can read.</source>
        <translation>该窗口列出当前已连接的 AI 应用，并可浏览它们能读取的微信聊天。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="74"/>
        <source>When something goes wrong</source>
        <translation>出现问题时</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="76"/>
        <source>The log files are in %1. The command line help: chatlog-tray --help.</source>
        <translation>日志文件位于 %1。命令行帮助：chatlog-tray --help。</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="97"/>
        <source>About Chatlog Tray</source>
        <translation>关于 Chatlog Tray</translation>
    </message>
    <message>
        <location filename="../../desktop/about.py" line="101"/>
        <source>Chatlog Tray Help</source>
        <translation>Chatlog Tray 帮助</translation>
    </message>
</context>
<context>
    <name>AppActions</name>
    <message>
        <location filename="../../desktop/actions.py" line="78"/>
        <source>Sessions…</source>
        <translation>AI 客户端与聊天…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="80"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="86"/>
        <source>Connect an AI app…</source>
        <translation>连接 AI 应用…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="88"/>
        <source>Open log folder</source>
        <translation>打开日志文件夹</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="90"/>
        <location filename="../../desktop/actions.py" line="271"/>
        <source>Launch at login</source>
        <translation>登录时启动</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="93"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="96"/>
        <source>About Chatlog Tray</source>
        <translation>关于 Chatlog Tray</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="99"/>
        <source>Quit Chatlog Tray</source>
        <translation>退出 Chatlog Tray</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="114"/>
        <source>&amp;Server</source>
        <translation>服务(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="124"/>
        <source>Copy MCP address</source>
        <translation>复制 MCP 地址</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="159"/>
        <source>No readable WeChat data (server at %1)</source>
        <translation>没有可读取的微信数据（服务器位于 %1）</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="163"/>
        <source>Serving demo data at %1</source>
        <translation>正在 %1 提供演示数据</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="164"/>
        <source>Serving at %1</source>
        <translation>正在服务：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="166"/>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="168"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="170"/>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="171"/>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="179"/>
        <source>Built-in demo data: choose your WeChat data in Settings…</source>
        <translation>内置演示数据：请在“设置…”中选择你的微信数据</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="181"/>
        <source>Opening the WeChat data…</source>
        <translation>正在打开微信数据…</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="183"/>
        <source>Cannot read the WeChat data: %1</source>
        <translation>无法读取微信数据：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="184"/>
        <source>WeChat data: %1</source>
        <translation>微信数据：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="186"/>
        <source>could not be read: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="196"/>
        <source>No system keychain: secrets are kept only until you quit</source>
        <translation>没有系统钥匙串：密钥和令牌只保留到退出为止</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="201"/>
        <source>Secrets cannot be kept</source>
        <translation>无法保存密钥和令牌</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/actions.py" line="208"/>
        <source>%n client(s)</source>
        <translation>
            <numerusform>%n 个客户端</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="215"/>
        <source>Stop serving</source>
        <translation>停止服务</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="215"/>
        <source>Start serving</source>
        <translation>开始服务</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="223"/>
        <source>Streamable HTTP: %1</source>
        <translation>Streamable HTTP：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="227"/>
        <source>SSE: %1</source>
        <translation>SSE：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="255"/>
        <source>Address copied</source>
        <translation>地址已复制</translation>
    </message>
    <message>
        <location filename="../../desktop/actions.py" line="261"/>
        <source>Cannot open the log folder</source>
        <translation>无法打开日志文件夹</translation>
    </message>
</context>
<context>
    <name>ChatMessages</name>
    <message>
        <location filename="../../desktop/chat_messages.py" line="45"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../desktop/chat_messages.py" line="47"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../desktop/chat_messages.py" line="61"/>
        <source>(not on this computer)</source>
        <translation>（不在这台电脑上）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat_messages.py" line="65"/>
        <source>Save… (%1)</source>
        <translation>保存…（%1）</translation>
    </message>
    <message>
        <location filename="../../desktop/chat_messages.py" line="68"/>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
</context>
<context>
    <name>ChatSource</name>
    <message>
        <location filename="../../desktop/chat_source.py" line="164"/>
        <source>Wrong key for this data: %1 does not decrypt with the database key. Check the key: it belongs to one WeChat account and changes when WeChat is reinstalled.</source>
        <translation>此数据的密钥错误：%1 无法用该数据库密钥解密。请检查密钥：它只属于一个微信账号，重新安装微信后会改变。</translation>
    </message>
    <message>
        <location filename="../../desktop/chat_source.py" line="170"/>
        <source>This WeChat data is encrypted: enter the account&apos;s database key (64 hexadecimal characters) to read it.</source>
        <translation>此微信数据已加密：请输入该账号的数据库密钥（64 个十六进制字符）以读取。</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="53"/>
        <source>Connect an AI app</source>
        <translation>连接 AI 应用</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="57"/>
        <source>Add Chatlog Tray to the MCP settings of an AI app. Each app gets its own token; Remove deletes only our entry and revokes that token. Restart the app afterwards.</source>
        <translation>把 Chatlog Tray 加入 AI 应用的 MCP 设置。每个应用有自己的令牌；“移除”只删除我们的条目，并吊销该令牌。之后请重启该应用。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="71"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="71"/>
        <source>Copy JSON</source>
        <translation>复制 JSON</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="73"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="83"/>
        <source>Other app</source>
        <translation>其他应用</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="88"/>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="92"/>
        <source>App name:</source>
        <translation>应用名称：</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="95"/>
        <source>New token</source>
        <translation>新令牌</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="102"/>
        <source>The JSON with a new token appears here; the app&apos;s MCP settings take it.</source>
        <translation>带新令牌的 JSON 显示在这里，可粘贴到该应用的 MCP 设置中。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="106"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="135"/>
        <source>found</source>
        <translation>已找到</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="135"/>
        <source>not found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="137"/>
        <source>%1 · cannot read its settings</source>
        <translation>%1 · 无法读取其设置</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="139"/>
        <source>%1 · connected</source>
        <translation>%1 · 已连接</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="158"/>
        <source>Copied. In %1: %2.</source>
        <translation>已复制。在 %1 中：%2。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="160"/>
        <source>Settings → MCP Servers → Add → Import JSON, paste</source>
        <translation>设置 → MCP 服务器 → 添加 → 从 JSON 导入，然后粘贴</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="164"/>
        <source>Added to %1 (%2). Restart %1 to use it.</source>
        <translation>已添加到 %1（%2）。重启 %1 后即可使用。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="177"/>
        <source>Token revoked. Delete chatlog in %1&apos;s MCP settings too.</source>
        <translation>令牌已吊销。请同时在 %1 的 MCP 设置中删除 chatlog。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="179"/>
        <source>Removed from %1; its token is revoked.</source>
        <translation>已从 %1 移除，其令牌已吊销。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="193"/>
        <source>A new token for %1. Copy the JSON into its MCP settings.</source>
        <translation>已为 %1 生成新令牌。请把 JSON 复制到它的 MCP 设置中。</translation>
    </message>
    <message>
        <location filename="../../desktop/connect_dialog.py" line="198"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
</context>
<context>
    <name>DesktopApp</name>
    <message>
        <location filename="../../desktop/app.py" line="150"/>
        <source>No system keychain is available. The access token and the database keys you set are kept only until Chatlog Tray quits, and AI apps cannot get tokens of their own. On Linux, install and unlock a Secret Service keyring (GNOME Keyring or KWallet).</source>
        <translation>没有可用的系统钥匙串。你设置的访问令牌和数据库密钥只保留到 Chatlog Tray 退出为止，AI 应用也无法获得各自的令牌。在 Linux 上，请安装并解锁一个 Secret Service 钥匙串（GNOME Keyring 或 KWallet）。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../desktop/export_dialog.py" line="76"/>
        <source>Export %1</source>
        <translation>导出 %1</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="79"/>
        <source>Web page (HTML), pictures and voice included</source>
        <translation>网页 (HTML)，包含图片和语音</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="80"/>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="81"/>
        <source>Spreadsheet (CSV)</source>
        <translation>表格 (CSV)</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="83"/>
        <source>Inside the page</source>
        <translation>嵌入网页中</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="84"/>
        <source>In a folder beside the page</source>
        <translation>放在网页旁的文件夹中</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="85"/>
        <source>Left out</source>
        <translation>不包含</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="87"/>
        <source>MP3 (plays in every browser)</source>
        <translation>MP3（所有浏览器都能播放）</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="88"/>
        <source>WAV (largest, quickest to write)</source>
        <translation>WAV（文件最大，写得最快）</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="89"/>
        <source>Ogg Opus (smallest; needs ffmpeg)</source>
        <translation>Ogg Opus（文件最小；需要 ffmpeg）</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="91"/>
        <source>All messages</source>
        <translation>全部消息</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="101"/>
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="103"/>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="107"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="114"/>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="115"/>
        <source>Pictures and voice:</source>
        <translation>图片和语音：</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="116"/>
        <source>Voice as:</source>
        <translation>语音格式：</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="117"/>
        <source>Messages:</source>
        <translation>消息：</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="118"/>
        <source>Save as:</source>
        <translation>保存为：</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="128"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="173"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="214"/>
        <source>Choose where to save the export.</source>
        <translation>请选择导出文件的保存位置。</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="222"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="235"/>
        <source>%1 already exists. Export again to replace it, or choose another name.</source>
        <translation>%1 已存在。再次导出将替换它，或换一个文件名。</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="241"/>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：没有写入任何文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="245"/>
        <source>The export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="250"/>
        <source>Exported %1 messages to %2</source>
        <translation>已将 %1 条消息导出到 %2</translation>
    </message>
    <message>
        <location filename="../../desktop/export_dialog.py" line="255"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>MediaSaver</name>
    <message>
        <location filename="../../desktop/media_saver.py" line="48"/>
        <source>Save Picture</source>
        <translation>保存图片</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="50"/>
        <source>Save Voice Message</source>
        <translation>保存语音消息</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="52"/>
        <source>Save Video</source>
        <translation>保存视频</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="53"/>
        <source>Save File</source>
        <translation>保存文件</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="60"/>
        <source>A save dialog is already open.</source>
        <translation>已有一个保存对话框打开。</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="76"/>
        <source>Saving %1…</source>
        <translation>正在保存 %1…</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="84"/>
        <source>Saving %1… %2%</source>
        <translation>正在保存 %1… %2%</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="94"/>
        <source>Cancelled: nothing was saved.</source>
        <translation>已取消：没有保存任何文件。</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="97"/>
        <source>Cannot save there: %1</source>
        <translation>无法保存到该位置：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="101"/>
        <source>The save failed: %1</source>
        <translation>保存失败：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/media_saver.py" line="106"/>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
</context>
<context>
    <name>Models</name>
    <message>
        <location filename="../../desktop/models.py" line="88"/>
        <source>Client</source>
        <translation>客户端</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="89"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="90"/>
        <source>Transport</source>
        <translation>传输方式</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="91"/>
        <source>Protocol</source>
        <translation>协议</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="92"/>
        <source>Remote address</source>
        <translation>远程地址</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="69"/>
        <source>active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="65"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="66"/>
        <source>Subscribes to no resource</source>
        <translation>未订阅任何资源</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="67"/>
        <source>Told when these resources change:</source>
        <translation>以下资源变化时通知它：</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="70"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="93"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="94"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="95"/>
        <source>First seen</source>
        <translation>首次出现</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="96"/>
        <source>Last activity</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="97"/>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="98"/>
        <source>In flight</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="99"/>
        <source>Subscriptions</source>
        <translation>订阅</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="194"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="195"/>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="196"/>
        <source>Last message</source>
        <translation>最后消息</translation>
    </message>
    <message>
        <location filename="../../desktop/models.py" line="197"/>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>PictureViewer</name>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="140"/>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="158"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="160"/>
        <source>Fit the picture to the window (Ctrl+9)</source>
        <translation>缩放图片以适应窗口（Ctrl+9）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="162"/>
        <source>Actual size</source>
        <translation>实际大小</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="164"/>
        <source>One pixel of the picture per pixel (Ctrl+0)</source>
        <translation>按图片原始像素显示（Ctrl+0）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="166"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="172"/>
        <source>Zoom out (-)</source>
        <translation>缩小（-）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="174"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="181"/>
        <source>Zoom in (+)</source>
        <translation>放大（+）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="183"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="185"/>
        <source>Copy the picture to the clipboard (Ctrl+C)</source>
        <translation>将图片复制到剪贴板（Ctrl+C）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="187"/>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="191"/>
        <source>Save the picture as it was sent (Ctrl+S)</source>
        <translation>按发送时的原样保存图片（Ctrl+S）</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="233"/>
        <source>Picture from %1, %2</source>
        <translation>%1 发送的图片，%2</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="237"/>
        <source>Opening the picture…</source>
        <translation>正在打开图片…</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="248"/>
        <source>the message holds no picture</source>
        <translation>这条消息不含图片</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="253"/>
        <source>This picture cannot be shown: %1</source>
        <translation>无法显示这张图片：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="371"/>
        <source>%1 × %2 pixels</source>
        <translation>%1 × %2 像素</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="379"/>
        <source>animated, %1 frames</source>
        <translation>动图，%1 帧</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="381"/>
        <source>animated</source>
        <translation>动图</translation>
    </message>
    <message>
        <location filename="../../desktop/picture_viewer.py" line="392"/>
        <source>Copied to the clipboard</source>
        <translation>已复制到剪贴板</translation>
    </message>
</context>
<context>
    <name>SearchIndex</name>
    <message>
        <location filename="../../desktop/search_status.py" line="16"/>
        <source>Search index: building</source>
        <translation>搜索索引：正在建立</translation>
    </message>
    <message>
        <location filename="../../desktop/search_status.py" line="17"/>
        <source>Search index: building, %1% (%2 of %3 messages); searches scan</source>
        <translation>搜索索引：正在建立，%1%（%3 条消息中的 %2 条）；搜索暂时逐条查找</translation>
    </message>
    <message>
        <location filename="../../desktop/search_status.py" line="27"/>
        <source>Search index: ready</source>
        <translation>搜索索引：已就绪</translation>
    </message>
    <message>
        <location filename="../../desktop/search_status.py" line="29"/>
        <source>Search index: failed; searches scan (see the log)</source>
        <translation>搜索索引：建立失败；搜索改为逐条查找（详见日志）</translation>
    </message>
</context>
<context>
    <name>SessionsWindow</name>
    <message>
        <location filename="../../desktop/sessions_window.py" line="131"/>
        <source>Chatlog Tray</source>
        <translation>Chatlog Tray</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="138"/>
        <source>AI clients (MCP)</source>
        <translation>AI 客户端（MCP）</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="139"/>
        <source>WeChat chats</source>
        <translation>微信会话</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="141"/>
        <source>Webhooks</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="192"/>
        <source>Disconnect</source>
        <translation>断开连接</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="195"/>
        <source>Revoke access</source>
        <translation>收回授权</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="197"/>
        <source>Take back the selected apps&apos; keys: they are refused from their next request</source>
        <translation>收回所选应用的密钥：它们的下一个请求即被拒绝</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="213"/>
        <source>Search chats by name or ID</source>
        <translation>按名称或 ID 搜索会话</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="225"/>
        <source>Open Settings…</source>
        <translation>打开设置…</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="232"/>
        <source>‹ Previous</source>
        <translation>‹ 上一页</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="234"/>
        <source>Next ›</source>
        <translation>下一页 ›</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="243"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="244"/>
        <source>Save this chat as a web page, JSON or CSV</source>
        <translation>将此聊天保存为网页、JSON 或 CSV</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/sessions_window.py" line="331"/>
        <source>%n client(s) connected</source>
        <translation>
            <numerusform>已连接 %n 个客户端</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="347"/>
        <source>&lt;p&gt;&lt;b&gt;The server could not start.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Fix it in &lt;i&gt;Settings…&lt;/i&gt;, then choose &lt;i&gt;Start serving&lt;/i&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;服务无法启动。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;请在&lt;i&gt;设置…&lt;/i&gt;中修正，然后选择&lt;i&gt;开始服务&lt;/i&gt;。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="352"/>
        <source>&lt;p&gt;&lt;b&gt;The server is stopped.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Choose &lt;i&gt;Start serving&lt;/i&gt; so that AI clients can connect.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;服务已停止。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;选择&lt;i&gt;开始服务&lt;/i&gt;，AI 客户端即可连接。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="360"/>
        <source>&lt;p&gt;&lt;b&gt;No AI client is connected yet.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Connect an AI client to &lt;b&gt;%1&lt;/b&gt; (Streamable HTTP) or &lt;b&gt;%2&lt;/b&gt; (SSE).&lt;/p&gt;&lt;p&gt;The tray menu&apos;s &lt;i&gt;Copy client configuration&lt;/i&gt; has ready-made settings for Claude Desktop, Cursor and Cherry Studio.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;还没有 AI 客户端连接。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;请让 AI 客户端连接 &lt;b&gt;%1&lt;/b&gt;（Streamable HTTP）或 &lt;b&gt;%2&lt;/b&gt;（SSE）。&lt;/p&gt;&lt;p&gt;托盘菜单中的&lt;i&gt;复制客户端配置&lt;/i&gt;提供 Claude Desktop、Cursor 和 Cherry Studio 的现成配置。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="419"/>
        <source>&lt;p&gt;&lt;b&gt;No chat matches “%1”.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Try part of a name or an ID.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;没有与“%1”匹配的会话。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;试试名称或 ID 的一部分。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="423"/>
        <source>&lt;p&gt;&lt;b&gt;No chats found.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Choose the decrypted WeChat data folder in &lt;i&gt;Settings…&lt;/i&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;没有找到会话。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;请在&lt;i&gt;设置…&lt;/i&gt;中选择已解密的微信数据文件夹。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="437"/>
        <source>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Enter the database key in &lt;i&gt;Settings…&lt;/i&gt; (WeChat data, Database key).&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;&lt;p&gt;请在&lt;i&gt;设置…&lt;/i&gt;中输入数据库密钥（微信数据 › 数据库密钥）。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="442"/>
        <source>&lt;p&gt;&lt;b&gt;The WeChat data cannot be read.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;Choose the decrypted WeChat data folder in &lt;i&gt;Settings…&lt;/i&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;无法读取微信数据。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;%1&lt;/p&gt;&lt;p&gt;请在&lt;i&gt;设置…&lt;/i&gt;中选择已解密的微信数据文件夹。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="452"/>
        <source>Showing the built-in demo data. Choose your WeChat data in Settings…</source>
        <translation>正在显示内置演示数据。请在“设置…”中选择你的微信数据。</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="455"/>
        <source>Data: %1</source>
        <translation>数据：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="460"/>
        <source>Could not be read: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="475"/>
        <source>%1–%2 of %3</source>
        <translation>第 %1–%2 条，共 %3 条</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="504"/>
        <source>Recent messages in %1</source>
        <translation>%1 的最近消息</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="513"/>
        <source>&lt;p&gt;&lt;i&gt;No messages in this chat.&lt;/i&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;i&gt;此会话中没有消息。&lt;/i&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="580"/>
        <source>Cannot save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="600"/>
        <source>Opening the voice message…</source>
        <translation>正在打开语音消息…</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="608"/>
        <source>Cannot play: %1</source>
        <translation>无法播放：%1</translation>
    </message>
    <message>
        <location filename="../../desktop/sessions_window.py" line="623"/>
        <source>Playing %1 / %2</source>
        <translation>正在播放 %1 / %2</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <location filename="../../desktop/settings.py" line="50"/>
        <source>No system keychain is available, so the token is kept only until the app quits.</source>
        <translation>系统钥匙串不可用，令牌只保留到应用退出为止。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings.py" line="56"/>
        <source>No system keychain is available, so the database key is kept only until the app quits.</source>
        <translation>系统钥匙串不可用，数据库密钥只保留到应用退出。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="12"/>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="13"/>
        <source>Performance</source>
        <translation>性能</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="14"/>
        <source>WeChat data</source>
        <translation>微信数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="15"/>
        <source>Webhooks</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="16"/>
        <source>Listen on</source>
        <translation>监听</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="17"/>
        <source>the interface to listen on: 127.0.0.1 (this computer only) or 0.0.0.0 (every network interface, which needs a token)</source>
        <translation>监听的网络接口：127.0.0.1（仅本机）或 0.0.0.0（所有网络接口，须设置令牌）</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="21"/>
        <source>This computer only (127.0.0.1)</source>
        <translation>仅本机（127.0.0.1）</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="22"/>
        <source>All network interfaces (0.0.0.0)</source>
        <translation>所有网络接口（0.0.0.0）</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="23"/>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="24"/>
        <source>the TCP port; 0 picks any free port</source>
        <translation>TCP 端口；0 表示任选一个空闲端口</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="25"/>
        <source>any free port</source>
        <translation>任意空闲端口</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="26"/>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="27"/>
        <source>require &apos;Authorization: Bearer TOKEN&apos; on every route but /health (at least 16 characters)</source>
        <translation>除 /health 外的每个请求都须带 &apos;Authorization: Bearer 令牌&apos;（至少 16 个字符）</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="31"/>
        <source>none: any local program may connect</source>
        <translation>无：本机任何程序都可连接</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="32"/>
        <source>Allowed browser origins</source>
        <translation>允许的浏览器来源</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="33"/>
        <source>a browser origin allowed to call the server, one per line (the flag repeats), e.g. http://localhost:6274</source>
        <translation>允许调用本服务的浏览器来源，每行一个，例如 http://localhost:6274</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="37"/>
        <source>http://localhost:6274</source>
        <translation>http://localhost:6274</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="38"/>
        <source>Queue capacity</source>
        <translation>队列容量</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="39"/>
        <source>requests waiting at most</source>
        <translation>最多排队等待的请求数</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="40"/>
        <source>requests</source>
        <translation>个请求</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="41"/>
        <source>Workers</source>
        <translation>工作线程</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="42"/>
        <source>requests processed at once</source>
        <translation>同时处理的请求数</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="43"/>
        <source>SSE ping interval</source>
        <translation>SSE 心跳间隔</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="44"/>
        <source>seconds between pings on an open stream</source>
        <translation>打开的流上两次心跳之间的秒数</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="45"/>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="46"/>
        <source>Session idle timeout</source>
        <translation>客户端空闲超时</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="47"/>
        <source>seconds before an idle MCP client leaves the list and its session, if any, ends</source>
        <translation>空闲的 MCP 客户端在多少秒后移出列表，其连接（如有）随之结束</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="51"/>
        <source>Sessions at most</source>
        <translation>最多连接数</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="52"/>
        <source>live handshake-era sessions at most; the one quiet longest makes room</source>
        <translation>握手协议下最多同时保持的连接数；满时空闲最久的一个让位</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="55"/>
        <source>sessions</source>
        <translation>个连接</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="56"/>
        <source>Data directory</source>
        <translation>数据目录</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="57"/>
        <source>the WeChat data directory; empty: the built-in demo data</source>
        <translation>微信数据目录；留空则使用内置演示数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="58"/>
        <source>empty: use the built-in demo data</source>
        <translation>留空：使用内置演示数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="59"/>
        <source>Database key</source>
        <translation>数据库密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="60"/>
        <source>the WeChat database key (64 hexadecimal characters, or SQLCipher&apos;s raw key x&apos;&lt;64 hex key&gt;&lt;32 hex salt&gt;&apos;): read encrypted data in place</source>
        <translation>微信数据库密钥（64 个十六进制字符，或 SQLCipher 原始密钥 x&apos;&lt;64 位十六进制密钥&gt;&lt;32 位十六进制盐&gt;&apos;）：直接读取加密数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="64"/>
        <source>none: the data is not encrypted</source>
        <translation>无：数据未加密</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="65"/>
        <source>Key file</source>
        <translation>密钥文件</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="66"/>
        <source>a key file with one key per database (all_keys.json: relative path -&gt; {&quot;enc_key&quot;: HEX}); combines with the database key, which opens the files it does not name</source>
        <translation>每个数据库一个密钥的密钥文件（all_keys.json：相对路径 -&gt; {&quot;enc_key&quot;: 十六进制}）；与数据库密钥同用，未列出的文件用数据库密钥打开</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="70"/>
        <source>Image key</source>
        <translation>图片密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="71"/>
        <source>the WeChat 4.x image key (16 characters), for pictures in the newer .dat format</source>
        <translation>微信 4.x 图片密钥（16 个字符），用于新 .dat 格式的图片</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="75"/>
        <source>only for pictures in WeChat 4.x&apos;s newer format</source>
        <translation>仅用于微信 4.x 新格式的图片</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="76"/>
        <source>Let any program on this computer read my chats without being connected</source>
        <translation>允许本机任何程序无需连接即可读取我的聊天记录</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="79"/>
        <source>let any program on this computer read your real WeChat data without a token (by default each app needs its own: &apos;chatlog-tray clients add&apos;); the demo data is always open</source>
        <translation>允许本机任何程序无需令牌即可读取您真实的微信数据（默认每个应用都需要自己的令牌：&apos;chatlog-tray clients add&apos;）；演示数据始终开放</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_strings.py" line="83"/>
        <source>where new messages are POSTed as they arrive, in chatlog&apos;s JSON format, each with optional chat, sender and keyword filters; a receiver on another computer needs your confirmation (docs/webhooks.md)</source>
        <translation>新消息到达时以 chatlog 的 JSON 格式 POST 到这些地址，每个可按聊天、发送者和关键词筛选；发往另一台电脑的接收者需要你确认（docs/webhooks.md）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="97"/>
        <source>Chatlog Tray Settings</source>
        <translation>Chatlog Tray 设置</translation>
    </message>
    <message>
        <source>This computer only (127.0.0.1)</source>
        <translation type="vanished">仅本机（127.0.0.1）</translation>
    </message>
    <message>
        <source>All network interfaces (0.0.0.0)</source>
        <translation type="vanished">所有网络接口（0.0.0.0）</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="135"/>
        <source>Other devices on your network can reach this server. A token is required; anyone who has it can read your chat history.</source>
        <translation>网络中的其他设备可以访问此服务。必须设置令牌；任何持有令牌的人都能读取你的聊天记录。</translation>
    </message>
    <message>
        <source>any free port</source>
        <translation type="vanished">任意空闲端口</translation>
    </message>
    <message>
        <source>none: any local program may connect</source>
        <translation type="vanished">无：本机任何程序都可连接</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_form.py" line="195"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_form.py" line="217"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="126"/>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="127"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source> s</source>
        <translation type="vanished"> 秒</translation>
    </message>
    <message>
        <source>empty: use the built-in demo data</source>
        <translation type="vanished">留空：使用内置演示数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="128"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>none: the data is not encrypted</source>
        <translation type="vanished">无：数据未加密</translation>
    </message>
    <message>
        <source>only for pictures in WeChat 4.x&apos;s newer format</source>
        <translation type="vanished">仅用于微信 4.x 新格式的图片</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="129"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="131"/>
        <source>Load key file…</source>
        <translation>载入密钥文件…</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="132"/>
        <source>Forget key file</source>
        <translation>忘记密钥文件</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="143"/>
        <source>WeChat databases are encrypted; the key (64 hexadecimal characters) stays in memory and in your system keychain, never on disk in plain text.</source>
        <translation>微信数据库是加密的；密钥（64 个十六进制字符）只保存在内存和系统钥匙串中，绝不会以明文写入磁盘。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="147"/>
        <source>Start serving when the app starts</source>
        <translation>应用启动时开始服务</translation>
    </message>
    <message>
        <source>Let any program on this computer read my chats without being connected</source>
        <translation type="vanished">允许本机任何程序无需连接即可读取我的聊天记录</translation>
    </message>
    <message>
        <source>Normally each AI app you connect gets its own key, and you can take it back. With this on, any program running on this computer can read your WeChat history. The demo data is always open.</source>
        <translation type="vanished">通常每个连接的 AI 应用都有自己的密钥，您可以随时收回。开启此项后，本机运行的任何程序都能读取您的微信聊天记录。演示数据始终开放。</translation>
    </message>
    <message>
        <source>Network</source>
        <translation type="vanished">网络</translation>
    </message>
    <message>
        <source>Listen on:</source>
        <translation type="vanished">监听：</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation type="vanished">端口：</translation>
    </message>
    <message>
        <source>Access token:</source>
        <translation type="vanished">访问令牌：</translation>
    </message>
    <message>
        <source>Allowed browser origins:</source>
        <translation type="vanished">允许的浏览器来源：</translation>
    </message>
    <message>
        <source>Performance</source>
        <translation type="vanished">性能</translation>
    </message>
    <message>
        <source>Queue capacity:</source>
        <translation type="vanished">队列容量：</translation>
    </message>
    <message>
        <source>Workers:</source>
        <translation type="vanished">工作线程：</translation>
    </message>
    <message>
        <source>SSE ping interval:</source>
        <translation type="vanished">SSE 心跳间隔：</translation>
    </message>
    <message>
        <source>Session idle timeout:</source>
        <translation type="vanished">会话空闲超时：</translation>
    </message>
    <message>
        <source>WeChat data</source>
        <translation type="vanished">微信数据</translation>
    </message>
    <message>
        <source>Data directory:</source>
        <translation type="vanished">数据目录：</translation>
    </message>
    <message>
        <source>Database key:</source>
        <translation type="vanished">数据库密钥：</translation>
    </message>
    <message>
        <source>Image key:</source>
        <translation type="vanished">图片密钥：</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="296"/>
        <source>Listening on all network interfaces needs an access token.</source>
        <translation>监听所有网络接口时必须设置访问令牌。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="317"/>
        <source>Load key file</source>
        <translation>载入密钥文件</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/settings_form.py" line="191"/>
        <source>%n database key(s) from a key file</source>
        <translation>
            <numerusform>密钥文件中的 %n 个数据库密钥</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="348"/>
        <source>Database key: %1 characters typed; the key is exactly 64 hexadecimal characters (0-9, a-f).</source>
        <translation>数据库密钥：已输入 %1 个字符；密钥必须正好是 64 个十六进制字符（0-9、a-f）。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="352"/>
        <source>Database key: only the characters 0-9 and a-f are allowed.</source>
        <translation>数据库密钥：只允许字符 0-9 和 a-f。</translation>
    </message>
    <message>
        <source>Allowed browser origins</source>
        <translation type="vanished">允许的浏览器来源</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation type="vanished">监听</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation type="vanished">访问令牌</translation>
    </message>
    <message>
        <source>Data directory</source>
        <translation type="vanished">数据目录</translation>
    </message>
    <message>
        <source>Database key</source>
        <translation type="vanished">数据库密钥</translation>
    </message>
    <message>
        <source>Image key</source>
        <translation type="vanished">图片密钥</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="150"/>
        <source>Applying a new address or port restarts the server: connected AI apps lose their connection and must reconnect. Every other change applies at once.</source>
        <translation>应用新的地址或端口会重启服务：已连接的 AI 应用会断开，须重新连接。其他更改都会立即生效。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="391"/>
        <source>The built-in demo data set will be served.</source>
        <translation>将提供内置的演示数据。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="394"/>
        <source>Looking at the folder…</source>
        <translation>正在查看文件夹…</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="407"/>
        <source>Detected: %1 data in %2</source>
        <translation>已识别：%2 中的 %1 数据</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="427"/>
        <source>Choose the WeChat data directory</source>
        <translation>选择微信数据目录</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="451"/>
        <source>Checking the database key against the data…</source>
        <translation>正在用数据检验数据库密钥…</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="453"/>
        <source>Applying…</source>
        <translation>正在应用…</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="468"/>
        <source>The previous settings are still in effect.</source>
        <translation>之前的设置仍然有效。</translation>
    </message>
    <message>
        <location filename="../../desktop/settings_dialog.py" line="530"/>
        <source>%1:</source>
        <translation>%1：</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <location filename="../../desktop/tray.py" line="57"/>
        <source>No system keychain: secrets are kept only until you quit</source>
        <translation>没有系统钥匙串：密钥和令牌只保留到退出为止</translation>
    </message>
    <message numerus="yes">
        <location filename="../../desktop/tray.py" line="59"/>
        <source>%n client(s) connected</source>
        <translation>
            <numerusform>已连接 %n 个客户端</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../desktop/tray.py" line="86"/>
        <source>Chatlog Tray could not start serving</source>
        <translation>Chatlog Tray 无法开始服务</translation>
    </message>
</context>
<context>
    <name>WebhooksEditor</name>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="45"/>
        <source>Webhooks</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="49"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="50"/>
        <source>Only chats</source>
        <translation>仅这些聊天</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="51"/>
        <source>Only senders</source>
        <translation>仅这些发送者</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="52"/>
        <source>Only keyword</source>
        <translation>仅匹配关键词</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="53"/>
        <source>Off this computer</source>
        <translation>发往其他电脑</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="59"/>
        <source>Tick to confirm that a URL on another computer may receive your chats</source>
        <translation>勾选以确认其他电脑上的 URL 可以接收你的聊天记录</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="69"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="70"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="74"/>
        <source>New messages are sent as JSON (chatlog&apos;s webhook format) to each URL within a second. Filters are optional: chats and senders are names or IDs separated by commas, the keyword is a regular expression.</source>
        <translation>新消息会在一秒内以 JSON（chatlog 的 webhook 格式）发送到每个 URL。筛选条件可选：聊天和发送者填写名称或 ID，用逗号分隔；关键词是正则表达式。</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="133"/>
        <source>Webhook %1</source>
        <translation>Webhook %1</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="135"/>
        <source>enter its URL, or remove it.</source>
        <translation>请填写它的 URL，或将其移除。</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="143"/>
        <source>%1 is another computer: your chats would leave this one. Tick “Off this computer” to confirm.</source>
        <translation>%1 是另一台电脑：你的聊天记录将离开本机。请勾选“发往其他电脑”以确认。</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_editor.py" line="205"/>
        <source>Another computer: new messages leave this one</source>
        <translation>另一台电脑：新消息将离开本机</translation>
    </message>
</context>
<context>
    <name>WebhooksView</name>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="55"/>
        <source>Receiver</source>
        <translation>接收方</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="56"/>
        <source>Subscribes to</source>
        <translation>订阅内容</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="57"/>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="58"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="59"/>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="60"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="61"/>
        <source>Dropped</source>
        <translation>已丢弃</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="62"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="63"/>
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="76"/>
        <source>&lt;p&gt;&lt;b&gt;No webhook is set.&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Add one in &lt;i&gt;Settings…&lt;/i&gt; to have new messages sent to a URL as they arrive.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;尚未设置 Webhook。&lt;/b&gt;&lt;/p&gt;&lt;p&gt;在&lt;i&gt;设置…&lt;/i&gt;中添加一个，新消息到达时就会发送到该 URL。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="113"/>
        <source>⚠ another computer</source>
        <translation>⚠ 其他电脑</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="113"/>
        <source>this computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="116"/>
        <source>all new messages</source>
        <translation>所有新消息</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="142"/>
        <source>New messages leave this computer for this receiver</source>
        <translation>新消息将离开本机发往此接收方</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="153"/>
        <source>up to date</source>
        <translation>已是最新</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="154"/>
        <source>sending</source>
        <translation>发送中</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="155"/>
        <source>failing, retrying</source>
        <translation>失败，正在重试</translation>
    </message>
    <message>
        <location filename="../../desktop/webhooks_view.py" line="156"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
</context>
</TS>
