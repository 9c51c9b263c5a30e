//! 简体中文.
//!
//! Over 400 lines on purpose: every string of one language in one table,
//! in the order of the structs that name them, so a translator reads it
//! side by side with `en.rs`.

use super::{CompareRow, Lesson, LogTools, OutcomeLabels, Saved, Scenarios, Strings, Why};
use crate::hex::HexError;
use crate::state::why::AddressSpace;
use crate::state::TargetsError;
use protocol::tap::TapEvent;

pub(super) const ZH: Strings = Strings {
    title: "Socket 与 WebSocket 实验场",
    tagline: "网页无法打开 TCP 套接字，但可以打开 WebSocket，再由中继把它转成普通的 TCP。\
              连接一个真实的 TCP 服务，看看字节是怎样往返的。",
    language: "语言",

    how_title: "按下“连接”后发生了什么",
    how_browser: "本页面",
    how_websocket: "WebSocket：先做 HTTP 升级，再收发分帧的消息",
    how_relay: "中继（只连已命名的目标）",
    how_tcp: "原始 TCP 字节",
    how_service: "TCP 服务",
    how_note: "网页没有原始套接字 API：否则你访问的任何网站都能连到你所在网络里的每一台机器。\
               WebSocket 以一个 HTTP 请求开始，服务器必须明确同意升级，所以网页只能连到愿意接受它的服务器。\
               中继同意升级，并且只转发到运营者配置好的服务，绝不转发到网页指定的地址。",

    connection: "连接",
    target: "目标",
    targets_loading: "正在加载目标列表…",
    retry: "重试",
    token: "令牌",
    token_hint: "这个目标需要令牌。页面把它放在 WebSocket 地址的 ?auth=… 里发送（页面无法给 WebSocket 设置请求头）。",
    connect: "连接",
    disconnect: "断开",
    status: "状态",
    status_idle: "未连接",
    status_connecting: "正在连接…",
    status_open: "已打开",
    abnormal_explained: "连接在没有关闭帧的情况下失败了。浏览器不会把原因告诉网页：\
                         可能是中继不认识这个目标，也可能是中继没有运行或无法访问。",

    compose: "发送",
    mode: "格式",
    mode_text: "文本 → 文本帧",
    mode_hex: "十六进制 → 二进制帧",
    eol: "行尾",
    eol_none: "无",
    eol_lf: "LF (\\n)",
    eol_crlf: "CRLF (\\r\\n)",
    placeholder_text: "输入一行，例如 PING",
    placeholder_hex: "十六进制字节，例如 50 49 4e 47 0d 0a",
    send: "发送",
    send_hint: "Enter 发送 · Shift+Enter 换行 · ↑ 取回上一条消息",
    examples: "试试",
    not_open: "尚未连接：请先连接一个目标。没有发送任何内容。",
    nothing_to_send: "没有可发送的内容：消息为空，也没有行尾。",

    log: "日志",
    clear_log: "清空",
    log_empty: "还没有消息。连接一个目标，然后发送点什么。",
    frame_text: "文本",
    frame_binary: "二进制",
    dir_out: "已发送",
    dir_in: "已接收",
    dir_sys: "事件",
    sys_opened: "WebSocket 已打开：握手成功",
    sys_closing: "正在关闭：你按下了“断开”",
    sys_error: "error 事件（浏览器不向网页提供任何细节）",
    send_not_open: "未发送：WebSocket 已不再处于打开状态",

    targets_error: |err| {
        let detail = match err {
            TargetsError::Network(msg) => format!("请求失败（{msg}）。中继在运行吗？"),
            TargetsError::Status(code) => format!("中继返回了 HTTP {code}。"),
            TargetsError::Decode(msg) => format!("返回的内容不是目标列表（{msg}）。"),
            TargetsError::Empty => "中继没有提供任何目标。".to_owned(),
        };
        format!("无法从 {} 加载目标列表：{detail}", protocol::TARGETS_PATH)
    },
    hidden_entries: |n| format!("已隐藏更早的 {n} 条记录"),
    entries_above: |n| format!("上方还有 {n} 条更早的记录，向上滚动即可显示"),
    entry_count: |n| format!("{n} 条记录"),
    byte_count: |n| format!("{n} 字节"),
    more_bytes: |n| format!("… 还有 {n} 字节未显示"),
    preview: |n| format!("将发送 {n} 字节："),
    hex_error: |err| match err {
        HexError::Empty => "没有十六进制数字：请输入字节，例如 50 49 4e 47。没有发送任何内容。".to_owned(),
        HexError::InvalidDigit { ch, position } => {
            format!("第 {position} 个字符 '{ch}' 不是有效的十六进制数字。没有发送任何内容。")
        }
        HexError::OddDigits { group, position } if group.is_empty() => {
            format!("第 {position} 个字符处的 '0x' 后面没有数字。没有发送任何内容。")
        }
        HexError::OddDigits { group, position } => format!(
            "从第 {position} 个字符开始的 '{group}' 含有奇数个十六进制数字：\
             每个字节需要两位。没有发送任何内容。"
        ),
    },
    close_name: |code| {
        let name = protocol::CloseCode(code).name();
        let zh = match code {
            1000 => "正常关闭",
            1001 => "端点离开",
            1002 => "协议错误",
            1003 => "不支持的数据",
            1005 => "未收到状态码",
            1006 => "异常关闭",
            1007 => "数据无效",
            1008 => "违反策略",
            1009 => "消息过大",
            1010 => "缺少扩展",
            1011 => "内部错误",
            1012 => "服务重启",
            1013 => "稍后再试",
            1015 => "TLS 握手失败",
            _ => return name.to_owned(),
        };
        format!("{zh}（{name}）")
    },
    sys_connecting: |url| format!("正在连接 {url}"),
    sys_open_failed: |reason| format!("浏览器拒绝打开 WebSocket：{reason}"),
    sys_send_failed: |reason| format!("发送失败：{reason}"),
    closed: "已关闭：",
    lesson: &LESSON,
    scenarios: &SCENARIOS,
    saved: &SAVED,
    tools: &TOOLS,
    why: &WHY,
    datagrams: &super::datagrams::ZH,
    transport: &super::transport::ZH,
};

const TOOLS: LogTools = LogTools {
    toolbar: "筛选、搜索和导出日志",
    show: "显示",
    show_sent: "已发送",
    show_received: "已接收",
    show_events: "事件",
    search: "搜索",
    search_placeholder: "日志中的文字",
    search_hint: "回车：下一个匹配，Shift+回车：上一个",
    regex: "正则",
    match_case: "区分大小写",
    only_matching: "只看匹配",
    prev_match: "上一个匹配",
    next_match: "下一个匹配",
    none_shown: "没有符合筛选条件的条目。",
    export_text: "导出文本",
    export_json: "导出 JSON",
    export_hint: "下载当前显示的条目（按筛选条件）",
    copy_hex: "复制十六进制",
    resend: "重发",
    resend_hint: "再次发送这条消息；未连接时放进编辑框",
    resend_truncated: "这条消息只保留了前 4096 个字节，无法重发。",
    resent_to_composer: "未连接：消息已放进编辑框。连接后点“发送”。",
    resent: "已再次发送。",
    copied: |n| format!("已复制 {n} 个字节的十六进制。"),
    copy_failed: |reason| format!("浏览器不允许页面复制：{reason}"),
    matches: |current, total| match (current, total) {
        (_, 0) => "无匹配".to_owned(),
        (Some(i), n) => format!("第 {i} 个，共 {n} 个匹配"),
        (None, n) => format!("{n} 个匹配"),
    },
    bad_regex: |reason| format!("正则表达式无效：{reason}。日志未筛选。"),
    exported: |n, format| format!("已导出 {n} 个条目（{format}）。"),
    export_failed: |reason| format!("无法开始下载：{reason}"),
};

const SAVED: Saved = Saved {
    title: "已保存的消息",
    name_placeholder: "给这条消息起个名字",
    save: "保存",
    use_hint: "把这条消息放进编辑框",
    delete: "删除",
    empty: "还没有保存的消息。给编辑框里的内容起个名字再点“保存”；它只保存在这个浏览器里。",
    name_needed: "请先给消息起个名字。",
};

const LESSON: Lesson = Lesson {
    nav: ["实验", "控制台", "Socket 与 WebSocket"],
    question: "网页能打开 TCP 套接字吗？",
    question_lead: "不能。本地程序向操作系统要一个套接字，想写什么字节就写什么；网页只能说 \
                    HTTP，或者在服务器同意 HTTP 握手之后说 WebSocket。不必听我们的：下面的实验\
                    此刻就在你的浏览器里运行，展示它实际做了什么。",

    exp_title: "故意失败的实验",
    exp_intro: "每个实验都让你的浏览器去连 relay 在本机运行的一个原始 TCP 服务——记录器，\
                它会保存收到的每一个字节。结果就是你的浏览器报告的内容和记录器收到的内容。",
    run: "运行",
    running: "运行中…",
    outcome: OutcomeLabels {
        pending: "尚未运行",
        failed: "被拒绝，与预期一致",
        succeeded: "成功",
        error: "无法进行",
    },
    lab_missing: "这个 relay 没有启用实验室（--no-lab），没有可以连接的记录器。",
    lab_unreachable: "本页来自另一台主机，而这个 relay 的记录器只监听回环地址：照着它连，你的浏览器敲的是你自己\
        的机器。relay 的运营者可以用 --recorder-listen 0.0.0.0:7008 运行它，并开放 TCP 端口 7008（以及那个\
        坏端口），这个实验就能在这里运行。",
    browser_said: "浏览器报告",
    as_text: "文本",
    as_hex: "十六进制",
    recorder_nothing: "记录器没有收到带有本次标记的任何数据。",
    highlight_note: "高亮的是值得看的行。",

    nsa_title: "1 · 有没有套接字 API？",
    nsa_claim: "网页没有原始 TCP 的 API。Direct Sockets API（TCPSocket）确实存在，但只用于\
                隔离 Web 应用（Isolated Web Apps）：需要安装、签名并跨源隔离。",
    nsa_none: "什么都没有：这个页面无法打开 TCP 套接字。",
    nsa_some: "这个环境有 TCPSocket：它是隔离 Web 应用，而不是普通网页。",
    nsa_note: "不管页面怎么部署都拿不到 TCPSocket：哪怕它是安全上下文，又通过 COOP 和 COEP \
               响应头做到了跨源隔离，也一样。浏览器只把它留给已安装的隔离 Web 应用。",
    nsa_context: |secure, isolated| {
        format!(
            "本页{}安全上下文，{}跨源隔离（crossOriginIsolated 为 {isolated}）。",
            if secure { "是" } else { "不是" },
            if isolated { "已" } else { "没有" },
        )
    },

    fetch_title: "2 · 用 fetch() 连原始 TCP 端口",
    fetch_claim: "fetch() 只会说 HTTP。对准一个 TCP 服务时，它发出的是 HTTP 请求，而不是你\
                  选择的字节；得不到 HTTP 应答就失败。",
    fetch_lesson: "记录器收到的每个字节都是浏览器写的：请求行、Host、Origin、User-Agent。\
                   网页能决定路径和少数几个头部，决定不了线路上的字节。",

    ws_title: "3 · 用 new WebSocket() 连原始 TCP 端口",
    ws_claim: "WebSocket 以一个请求升级的 HTTP 请求开始。不回答 101 Switching Protocols \
               的 TCP 服务永远不会变成 WebSocket。",
    ws_lesson: "浏览器确实发出了升级请求（Upgrade: websocket、Sec-WebSocket-Key、Origin），\
                但没有人回答 101 Switching Protocols。页面只知道 1006 和空的原因：浏览器\
                隐藏了原因，网页因此无法用 WebSocket 的错误来探测你的网络。",
    close_code: "关闭码",
    close_reason: "原因",
    empty_reason: "（空）",
    timed_out: "10 秒内没有 close 事件。",

    bad_title: "4 · 被禁止的端口",
    bad_claim: "浏览器直接拒绝某些端口（Fetch 标准的 bad ports，如 IRC 的 6667、SMTP 的 \
                25），网页连 HTTP 都不能发给这些可能被它迷惑的服务。",
    bad_unavailable: "relay 无法监听任何被禁止的端口，这个实验已关闭。",

    relay_title: "5 · 同一个记录器，经由 relay",
    relay_claim: "通过连到 relay 的 WebSocket，页面的原样字节（包括 00 和 FF）到达 TCP \
                  服务，它的回答也能传回来。",
    relay_sent: "页面发送了一条二进制消息",
    relay_reply: "记录器的回答",
    relay_upstream: "线路监听看到 relay 写给记录器的字节",
    relay_same: "与页面发送的逐字节相同。",
    relay_differs: "与页面发送的字节不同。",

    wire_title: "看见协议",
    wire_intro: "浏览器的 WebSocket API 只把完整的消息交给网页，其余的都藏起来。relay 的\
                 线路监听把本页自己会话的原始字节复制一份发给本页：在上面连接、发送，然后观察。",
    tap_off: "这个 relay 不提供线路监听，无法显示握手和帧。",
    tap_connecting: "正在打开线路监听…",
    tap_ready: "线路监听已开启：你打开的会话都会被记录",

    hs_title: "握手",
    hs_intro: "请求 WebSocket 的 HTTP 请求和同意它的 101 响应，与 relay 读到、写出的完全\
               一致。那个唯一需要计算的值由本页自己核对。",
    hs_empty: "连接一个目标即可看到它的握手。",
    hs_request: "请求：浏览器 → relay",
    hs_response: "响应：relay → 浏览器",
    hs_computed: "本页计算",
    hs_received: "relay 发送",
    hs_match: "一致：relay 读取了这个浏览器的密钥",
    hs_mismatch: "不一致",
    hs_waiting: "等待响应",
    hs_deflate_offered: "浏览器提出了压缩（permessage-deflate，RFC 7692）：",
    hs_deflate_declined:
        "relay 没有接受：它的响应里没有 Sec-WebSocket-Extensions，所以每一帧都不压缩，\
        服务发出的字节原样到达页面。",
    hs_deflate_accepted: "relay 接受了，参数是：",

    fr_title: "帧",
    fr_intro: "你的会话中每一帧在线路上的原样。浏览器发出的帧都带掩码（MASK = 1 和 4 字节\
               密钥）；发给浏览器的帧都不带。",
    fr_empty: "还没有帧。",
    fr_cols: [
        "序号",
        "会话",
        "方向",
        "FIN",
        "操作码",
        "掩码",
        "长度",
        "帧头",
        "载荷",
    ],
    fr_up: "浏览器 → relay",
    fr_down: "relay → 浏览器",
    fr_pick: "选择一帧，查看它的每个字节。",
    fr_mask_key: "掩码密钥",
    fr_no_mask: "无：发给浏览器的帧从不加掩码",
    fr_wire_payload: "线路上的载荷",
    fr_payload: "去掩码后的载荷",
    fr_header: "帧头字节",

    sbs_title: "并排对照",
    sbs_intro: "同一个会话，relay 两侧，按时间排列。左边是 WebSocket 消息，每条各占一帧；\
                右边是 TCP：一条不分消息边界的字节流。",
    sbs_ws: "WebSocket（帧）",
    sbs_tcp: "TCP（字节流）",
    sbs_empty: "连接并发送一些内容，即可看到两侧。",

    cmp_title: "Socket 与 WebSocket",
    cmp_intro: "本页源自的那篇对比。每一行都链接到页面上演示它的部分。",
    cmp_cols: ["方面", "Socket", "WebSocket", "WebTransport", "演示"],
    cmp_rows: [
        CompareRow {
            aspect: "定义",
            socket: "一套 API：操作系统对 TCP 或 UDP 的编程接口",
            websocket: "运行在 TCP 之上的应用层协议（RFC 6455）",
            webtransport: "运行在 HTTP/3 与 QUIC 之上的协议（W3C API，IETF 草案）",
            see: "你没有的套接字 API",
        },
        CompareRow {
            aspect: "所在层次",
            socket: "位于应用层与传输层之间",
            websocket: "应用层：以 HTTP 开始，随后在 TCP 上传帧",
            webtransport: "应用层，基于 QUIC，而 QUIC 跑在 UDP 之上",
            see: "协议分层",
        },
        CompareRow {
            aspect: "功能",
            socket: "长连接，承载任意字节",
            websocket: "全双工，服务器可主动推送，网页可跨源使用",
            webtransport: "一条连接承载多个流，外加不可靠的数据报",
            see: "双向的帧",
        },
        CompareRow {
            aspect: "应用场景",
            socket: "一切联网程序：数据库、邮件、游戏、远程控制",
            websocket: "聊天室、网络游戏、远程控制、实时股票行情",
            webtransport: "游戏、实时音视频、大量并行请求",
            see: "控制台",
        },
        CompareRow {
            aspect: "在网页中",
            socket: "不可用：fetch() 只说 HTTP，被禁止的端口直接拒绝",
            websocket: "可用，前提是服务器对升级请求回答 101",
            webtransport: "可用，前提是服务器对扩展 CONNECT 回答 200",
            see: "握手",
        },
    ],

    layers_title: "各在哪一层",
    layers_intro: "本地程序通过套接字 API 使用 TCP；网页只能通过 WebSocket 协议使用它，而 \
                   WebSocket 以一次 HTTP 升级开始。",
    layers_cols: ["本地程序", "网页"],
    layers: [
        "应用",
        "套接字 API",
        "WebSocket",
        "HTTP/1.1 升级",
        "TCP",
        "IP",
    ],
    layer_notes: [
        "聊天、游戏、行情、远程控制",
        "connect · send · recv：是接口，不是协议",
        "帧：FIN、操作码、掩码、长度",
        "一个请求、一个 101 响应，之后是帧",
        "可靠的字节流",
        "主机之间的数据包",
    ],

    tap_lost: |why| format!("线路监听已关闭：{why}"),
    thrown: |msg| format!("new WebSocket() 抛出异常：{msg}"),
    fetch_resolved: |kind, status| format!("fetch() 成功返回：类型 {kind}，状态 {status}"),
    recorder_got: |port, connections, bytes| {
        format!("端口 {port} 上的记录器收到 {connections} 个连接，共 {bytes} 字节：")
    },
    tls_hello: |name, alpn, tls13| {
        let name = name.map_or("没有名字（IP 地址）".to_owned(), |n| format!("“{n}”"));
        let alpn = if alpn.is_empty() { "无".to_owned() } else { alpn.join("、") };
        let version = if tls13 { "TLS 1.3" } else { "TLS 1.2 或更早" };
        format!(
            "本页是 https，所以浏览器先发出的是 TLS ClientHello，而不是 HTTP 请求。明文可见：服务器名 \
             {name}，提供的协议（{alpn}），{version}。记录器不懂 TLS，握手失败：仍然没有原始 TCP。"
        )
    },
    recorder_unavailable: |err| format!("无法查询记录器：{err}"),
    bad_saw: |port, n| match n {
        0 => format!("监听端口 {port} 的记录器没有看到任何连接：一个字节都没有离开浏览器。"),
        n => format!("端口 {port} 上的记录器看到了 {n} 个连接。"),
    },
    relay_problem: |msg| format!("经由 relay 的路径没有完成：{msg}"),
    fr_len: |len, bits| format!("{len}（{bits} 位）"),
    fr_close: |code, reason| {
        if reason.is_empty() {
            format!("关闭 {code}")
        } else {
            format!("关闭 {code}：{reason}")
        }
    },
    fr_count: |n| format!("{n} 帧"),
    fr_detail: |n| format!("第 {n} 帧"),
    session_label: |n, target| match target {
        Some(target) => format!("会话 {n} · {target}"),
        None => format!("会话 {n}"),
    },
    tap_event: |event| match event {
        TapEvent::Opened { target } => format!("会话已打开，目标 {target}"),
        TapEvent::UpstreamConnected { connect_us } => {
            format!("TCP 已连接，用时 {:.1} 毫秒", *connect_us as f64 / 1000.0)
        }
        TapEvent::Closed { reason } => format!("会话结束：{reason}"),
        TapEvent::Dropped { records } => format!("丢弃了 {records} 条记录"),
        TapEvent::Refused {
            status, message, ..
        } => format!("已拒绝，状态 {status}：{message}"),
    },
    dropped: |n| format!("relay 丢弃了 {n} 条监听记录：本页读取得太慢。"),
    tcp_chunk: |n, to_service| {
        if to_service {
            format!("→ 服务，{n} 字节")
        } else {
            format!("← 服务，{n} 字节")
        }
    },
};

const SCENARIOS: Scenarios = Scenarios {
    nav: "场景",
    title: "实时场景：WebSocket 用在哪里",
    intro: "文章里的应用场景，真实运行。按下“开始”后，每个面板都会打开自己的 WebSocket，\
        连到中继托管的一个基于文本行的普通 TCP 服务。在两个标签页里打开本页，或用终端 nc 加入：\
        大家共享同一个聊天室、行情、竞技场和台灯。（刚装好的 Debian 或 Ubuntu 没有 nc：\
        apt-get install netcat-openbsd。）",
    start: "开始",
    stop: "停止",
    idle: "未开始",
    connecting: "连接中…",
    open: "实时",
    closed: |code, reason| {
        if reason.is_empty() {
            format!("已关闭（{code}）")
        } else {
            format!("已关闭（{code}）：{reason}")
        }
    },
    failed: |why| format!("浏览器拒绝打开 WebSocket：{why}"),
    traffic_in: "收 ↓",
    traffic_out: "发 ↑",
    per_second_msgs: "条/秒",
    per_second_bytes: "字节/秒",
    chat_title: "聊天室",
    chat_claim: "消息一说出就推送给所有人：不用询问，也不用等待。",
    chat_nick: "昵称",
    chat_nick_set: "设置",
    chat_placeholder: "输入内容，按回车发送",
    chat_send: "发送",
    chat_log: "消息",
    chat_you_are: |name| format!("你是 {name}"),
    chat_bytes_title: "确切的字节",
    chat_last_sent: "最后发出的一行",
    chat_last_received: "最后收到的一行",
    none_yet: "暂无",
    chat_nc_note: "中继原样转发这些字节。在终端里对中继的聊天端口（默认 7009）运行 \
        nc 127.0.0.1，会在裸 TCP 套接字上收发完全相同的字节；不同的只是外面包的 WebSocket 帧。",
    quotes_title: "实时行情",
    quotes_claim: "价格一变，服务器就立即推送。旁边是同一行情源每秒一次的 HTTP 轮询，实时测量对比。",
    quotes_symbol: "股票",
    quotes_ws: "WebSocket 推送",
    quotes_poll: "HTTP 轮询（1 秒）",
    quotes_measure: "测量项",
    quotes_updates: "收到的更新数",
    quotes_bytes: "每次更新的线上字节数",
    quotes_delay: "延迟，发布 → 显示（毫秒）",
    quotes_method: "WebSocket：帧头（2–4 字节，服务器帧不加掩码）加载荷。轮询：请求行和请求头\
        （估算，页面读不到它们）加浏览器 Resource Timing 报告的响应大小（transferSize），\
        除以这些轮询带回的行情条数，空轮询也算在内。延迟：从行情的 published_ms 到显示时的 Date.now()。",
    quotes_waiting: "等待行情…",
    quotes_poll_failed: |why| format!("一次轮询失败：{why}"),
    game_title: "在线游戏",
    game_claim: "每一步都同时广播给所有玩家。再开一个标签页就能自己和自己对战；\
        往返时延每秒用 PING/PONG 测量一次。",
    game_moves: ["上", "下", "左", "右"],
    game_keys: "点一下竞技场，然后用方向键。",
    game_scores: "得分",
    game_rtt: "往返时延",
    game_you: "你",
    game_arena: "竞技场",
    lamp_title: "远程控制",
    lamp_claim: "一盏大家一起控制的台灯。每次改变都以 STATE 行推送给每个客户端，包括本页。",
    lamp_on: "开",
    lamp_off: "关",
    lamp_brightness: "亮度",
    lamp_color: "颜色",
    lamp_label: "台灯",
    lamp_state: |on, brightness, color| {
        format!("{}，亮度 {brightness}，{color}", if on { "开" } else { "关" })
    },
    lamp_nc_note: "在终端里试试：对中继的台灯端口（默认 7012）运行 nc 127.0.0.1，然后输入 OFF。\
        本页会立刻跟着变。",
};

const WHY: Why = Why {
    consent_title: "6 · 同意：谁可以用这个中继？",
    consent_claim: "WebSocket 不受同源策略约束：任何网页都能向任何服务器打开 WebSocket，\
        浏览器只会告诉服务器是哪个页面在请求（Origin）。所以必须由服务器来把关。本页用中继的\
        另一个回环名字连回同一个中继，在那里本页就是外来的源。",
    consent_unavailable: "这个实验需要用 http://127.0.0.1:端口 或 http://localhost:端口 \
        打开本页：它连的是中继的另一个回环名字。",
    consent_relay_said: "中继这一边的说法，通过本页自己的线路监听送来",
    consent_origin: "它看到的 Origin",
    consent_status: "它的回答",
    consent_message: "原因",
    consent_silent: "中继没有在本页的监听上说任何话。",
    consent_tap_note: "浏览器不会把这些转告页面：页面只拿到 1006。中继只告诉 URL 里点名的\
        监听（?tap=…，只有本页知道的秘密 id），而且请求必须来自打开该监听的地址，\
        所以别的页面既读不到，也没法让中继往里写东西。",
    consent_hijack: "跨站 WebSocket 劫持：evil.example 上的页面向你已登录的服务器打开 \
        WebSocket，浏览器照样带上你的 Cookie，于是这个页面就能冒充你。服务器若像刚才的中继\
        一样在握手时检查 Origin，就能在任何消息之前用 403 把它挡在门外。",
    consent_rebinding: "DNS 重绑定：evil.example 可以让自己的域名解析到 127.0.0.1，\
        这样它发来的 Origin 和 Host 彼此一致。所以中继还会拿 Host 对照自己认识的名字\
        （localhost、127.0.0.1、[::1] 和 --public-host），其余一律回 421 Misdirected Request。",

    mask_title: "7 · 掩码：路上的代理看到了什么",
    mask_claim: "浏览器发出的每一帧都要和一个新的随机 4 字节密钥做异或。输入一段 HTTP 请求：\
        本页把它作为一条 WebSocket 消息，经中继发给记录器；本页自己的线路监听会同时给出\
        线上的字节和记录器收到的字节。",
    mask_input: "消息内容：一段 HTTP 请求（换行按 CRLF 发送）",
    mask_wire: "线上的字节，也就是透明代理看到的样子",
    mask_key: "掩码密钥",
    mask_hidden: "看不出是 HTTP：这些字节里找不到你的请求行。",
    mask_visible: "这些字节里能读出你的请求行。",
    mask_service: "中继去掉掩码后，记录器收到的字节",
    mask_same: "和你输入的逐字节相同。",
    mask_differs: "和你输入的不一样。",
    mask_lesson: "为什么：2011 年，Huang、Chen、Barth、Rescorla 和 Jackson 在《Talking to \
        Yourself for Fun and Profit》中指出，页面经升级后的连接发出的字节，在不懂 WebSocket \
        的透明代理眼里可能就是一条 HTTP 请求，而这类代理会把攻击者的响应缓存到别的网站的 \
        URL 名下，让代理后面的所有人都中毒。密钥既不能由页面选择，也无法预测，页面就没法让\
        线上的字节看起来像任何东西，所以 RFC 6455 规定掩码必不可少。只有懂 WebSocket 的\
        服务器才会去掉掩码、看到明文。",
    mask_problem: |problem| format!("实验没能完成：{problem}"),

    doors_title: "8 · 浏览器的其他门",
    doors_claim: "刚刚在这个浏览器里查找的几个较新的 API，以及它们对“网页能不能打开套接字？”\
        意味着什么。",
    present: "有",
    absent: "没有",
    door_direct: "Direct Sockets（Chrome 131+）：真正的 TCP 和 UDP 套接字，但只在隔离 \
        Web 应用（需安装、签名）里才有，普通网页永远拿不到。",
    door_webtransport: "基于 HTTP/3 的流和数据报（2026 年起成为 Baseline），只能连到懂 \
        WebTransport 并且同意的服务器：是要经过同意的协议，不是原始套接字。",
    door_wss: "带 Promise 和背压的 WebSocket：协议、握手和 Origin 检查都一样，所以答案也一样。",
    door_mixed:
        "混合内容：本页经 https 加载，new WebSocket(\"ws://…\") 在一个字节都没发出之前就抛出异常。\
        安全页面只能连 wss://（和 https://）服务：又一扇页面没有的门。",
    refused: "已拒绝：",
    not_refused: "已打开（没有被拒绝）",
    door_lna: "本地网络访问（Local Network Access）：公网网站上的页面要访问回环或私有地址之前，\
        Chrome 会先询问访问者（fetch 自 Chrome 142 起，WebSocket 自 147 起）。",
    lna_here: |space| {
        let text = match space {
            AddressSpace::Loopback => "本页在回环地址上：它访问回环地址时不会询问任何人。",
            AddressSpace::Private => "本页在私有地址上：它访问回环地址前 Chrome 会先询问。",
            AddressSpace::Public => {
                "本页在公网网站上：它要访问你这台机器或你的网络，\
                Chrome 会先征得你的同意。"
            }
        };
        text.to_owned()
    },
    doors_none: "这些都不能让本页打开原始的 TCP 或 UDP 套接字。",
    doors_some: "这个环境有 Direct Sockets：它是隔离 Web 应用，而不是普通网页。",
};
