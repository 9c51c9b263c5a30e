//! Every string the visitor reads, in each language the page speaks.
//! Components take their text from [`Strings`] (see [`Lang::strings`]) and
//! hold no literals of their own.

use crate::hex::HexError;
use crate::state::{CloseInfo, TargetsError};

/// A language of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Every language, in the order the switch shows them.
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and for storage.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh-CN",
        }
    }

    /// The language's name in itself, for the switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Zh => "简体中文",
        }
    }

    /// The language for a BCP 47 tag such as `navigator.language`: Chinese
    /// for any `zh` tag, English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Self::Zh
        } else {
            Self::En
        }
    }

    /// The strings of this language.
    pub fn strings(self) -> &'static Strings {
        match self {
            Self::En => &EN,
            Self::Zh => &ZH,
        }
    }
}

/// The page's text in one language. Fixed text is a `&str`; text with values
/// in it is a function.
#[derive(Debug)]
pub struct Strings {
    /// Page title and heading.
    pub title: &'static str,
    /// One sentence under the title.
    pub tagline: &'static str,
    /// Label of the language switch.
    pub language: &'static str,

    /// Heading of the how-it-works strip.
    pub how_title: &'static str,
    /// The visitor's browser, in the diagram.
    pub how_browser: &'static str,
    /// The WebSocket hop, in the diagram.
    pub how_websocket: &'static str,
    /// The relay, in the diagram.
    pub how_relay: &'static str,
    /// The TCP hop, in the diagram.
    pub how_tcp: &'static str,
    /// The TCP service, in the diagram.
    pub how_service: &'static str,
    /// Why a page gets WebSocket and not raw sockets.
    pub how_note: &'static str,

    /// Heading of the connection panel.
    pub connection: &'static str,
    /// Label of the target picker.
    pub target: &'static str,
    /// Shown while the target list loads.
    pub targets_loading: &'static str,
    /// Button that loads the target list again.
    pub retry: &'static str,
    /// Connect button.
    pub connect: &'static str,
    /// Disconnect button.
    pub disconnect: &'static str,
    /// Label before the connection status.
    pub status: &'static str,
    /// Status before any connection.
    pub status_idle: &'static str,
    /// Status during the handshake.
    pub status_connecting: &'static str,
    /// Status while open.
    pub status_open: &'static str,
    /// What a 1006 close means, since the browser tells the page nothing more.
    pub abnormal_explained: &'static str,

    /// Heading of the composer.
    pub compose: &'static str,
    /// Label of the text/hex switch.
    pub mode: &'static str,
    /// Text mode (a text frame).
    pub mode_text: &'static str,
    /// Hex mode (a binary frame).
    pub mode_hex: &'static str,
    /// Label of the line-ending picker.
    pub eol: &'static str,
    /// No line ending.
    pub eol_none: &'static str,
    /// `\n`.
    pub eol_lf: &'static str,
    /// `\r\n`.
    pub eol_crlf: &'static str,
    /// Composer placeholder in text mode.
    pub placeholder_text: &'static str,
    /// Composer placeholder in hex mode.
    pub placeholder_hex: &'static str,
    /// Send button.
    pub send: &'static str,
    /// Keyboard hint under the composer.
    pub send_hint: &'static str,
    /// Label before the ready-made messages.
    pub examples: &'static str,
    /// Sending while not connected.
    pub not_open: &'static str,
    /// Text mode with nothing to send.
    pub nothing_to_send: &'static str,

    /// Heading of the log.
    pub log: &'static str,
    /// Button that empties the log.
    pub clear_log: &'static str,
    /// Shown while the log is empty.
    pub log_empty: &'static str,
    /// Label of a text frame.
    pub frame_text: &'static str,
    /// Label of a binary frame.
    pub frame_binary: &'static str,
    /// Accessible name of the "sent" arrow.
    pub dir_out: &'static str,
    /// Accessible name of the "received" arrow.
    pub dir_in: &'static str,
    /// Accessible name of an event's marker.
    pub dir_sys: &'static str,
    /// The socket opened.
    pub sys_opened: &'static str,
    /// The visitor pressed Disconnect.
    pub sys_closing: &'static str,
    /// The browser fired `error`.
    pub sys_error: &'static str,
    /// Log line: a send found the socket closed.
    pub send_not_open: &'static str,

    /// Why the target list failed to load.
    pub targets_error: fn(&TargetsError) -> String,
    /// "N earlier entries hidden".
    pub hidden_entries: fn(u64) -> String,
    /// "N entries" in the log header.
    pub entry_count: fn(u64) -> String,
    /// A byte count.
    pub byte_count: fn(usize) -> String,
    /// How many bytes of a long message are not shown.
    pub more_bytes: fn(usize) -> String,
    /// The composer's preview of what will be sent.
    pub preview: fn(usize) -> String,
    /// A hex parse error, saying what and where.
    pub hex_error: fn(&HexError) -> String,
    /// A close code's name.
    pub close_name: fn(u16) -> String,
    /// Log line: the page is opening a WebSocket.
    pub sys_connecting: fn(&str) -> String,
    /// Log line: `new WebSocket()` threw.
    pub sys_open_failed: fn(&str) -> String,
    /// Log line: `send()` threw.
    pub sys_send_failed: fn(&str) -> String,
    /// What starts a close description ("closed: "), separator included.
    pub closed: &'static str,
}

impl Strings {
    /// The status line or log line for a close: code, its name, and the
    /// reason, or for 1006 what that code means.
    pub fn close_text(&self, info: &CloseInfo) -> String {
        let mut text = format!(
            "{}{} {}",
            self.closed,
            info.code,
            (self.close_name)(info.code)
        );
        if !info.reason.is_empty() {
            text.push_str(" — ");
            text.push_str(&info.reason);
        }
        if info.code == protocol::CloseCode::ABNORMAL.0 {
            text.push_str(" — ");
            text.push_str(self.abnormal_explained);
        }
        text
    }

    /// Every fixed string, to check none is missing. Destructured so a new
    /// field cannot be forgotten here.
    #[cfg(test)]
    fn fixed(&self) -> Vec<&'static str> {
        let Strings {
            title,
            tagline,
            language,
            how_title,
            how_browser,
            how_websocket,
            how_relay,
            how_tcp,
            how_service,
            how_note,
            connection,
            target,
            targets_loading,
            retry,
            connect,
            disconnect,
            status,
            status_idle,
            status_connecting,
            status_open,
            abnormal_explained,
            compose,
            mode,
            mode_text,
            mode_hex,
            eol,
            eol_none,
            eol_lf,
            eol_crlf,
            placeholder_text,
            placeholder_hex,
            send,
            send_hint,
            examples,
            not_open,
            nothing_to_send,
            log,
            clear_log,
            log_empty,
            frame_text,
            frame_binary,
            dir_out,
            dir_in,
            dir_sys,
            sys_opened,
            sys_closing,
            sys_error,
            send_not_open,
            closed,
            targets_error: _,
            hidden_entries: _,
            entry_count: _,
            byte_count: _,
            more_bytes: _,
            preview: _,
            hex_error: _,
            close_name: _,
            sys_connecting: _,
            sys_open_failed: _,
            sys_send_failed: _,
        } = *self;
        vec![
            title,
            tagline,
            language,
            how_title,
            how_browser,
            how_websocket,
            how_relay,
            how_tcp,
            how_service,
            how_note,
            connection,
            target,
            targets_loading,
            retry,
            connect,
            disconnect,
            status,
            status_idle,
            status_connecting,
            status_open,
            abnormal_explained,
            compose,
            mode,
            mode_text,
            mode_hex,
            eol,
            eol_none,
            eol_lf,
            eol_crlf,
            placeholder_text,
            placeholder_hex,
            send,
            send_hint,
            examples,
            not_open,
            nothing_to_send,
            log,
            clear_log,
            log_empty,
            frame_text,
            frame_binary,
            dir_out,
            dir_in,
            dir_sys,
            sys_opened,
            sys_closing,
            sys_error,
            send_not_open,
            closed,
        ]
    }
}

const EN: Strings = Strings {
    title: "Socket vs WebSocket playground",
    tagline: "A web page cannot open a TCP socket. It can open a WebSocket, and a relay \
              turns that into plain TCP. Connect to a real TCP service and watch the bytes.",
    language: "Language",

    how_title: "What happens when you press Connect",
    how_browser: "this page",
    how_websocket: "WebSocket: an HTTP upgrade, then framed messages",
    how_relay: "relay (named targets only)",
    how_tcp: "plain TCP bytes",
    how_service: "TCP service",
    how_note: "Pages get no raw-socket API: otherwise any site you visit could talk to \
               every machine on your network. A WebSocket starts as an HTTP request that \
               the server must explicitly accept, so a page only reaches servers that \
               agreed to it. The relay accepts, and forwards to the services its operator \
               named, never to an address the page picks.",

    connection: "Connection",
    target: "Target",
    targets_loading: "Loading targets…",
    retry: "Retry",
    connect: "Connect",
    disconnect: "Disconnect",
    status: "Status",
    status_idle: "not connected",
    status_connecting: "connecting…",
    status_open: "open",
    abnormal_explained: "the connection failed without a close frame. The browser hides \
                         the reason from the page: the target may be unknown to the relay, \
                         or the relay may be down or unreachable.",

    compose: "Send",
    mode: "As",
    mode_text: "text → text frame",
    mode_hex: "hex → binary frame",
    eol: "Line ending",
    eol_none: "none",
    eol_lf: "LF (\\n)",
    eol_crlf: "CRLF (\\r\\n)",
    placeholder_text: "Type a line, e.g. PING",
    placeholder_hex: "Hex bytes, e.g. 50 49 4e 47 0d 0a",
    send: "Send",
    send_hint: "Enter sends · Shift+Enter adds a line · ↑ recalls the last message",
    examples: "Try",
    not_open: "Not connected: connect to a target first. Nothing was sent.",
    nothing_to_send: "Nothing to send: the message is empty and has no line ending.",

    log: "Log",
    clear_log: "Clear",
    log_empty: "No messages yet. Connect to a target and send something.",
    frame_text: "text",
    frame_binary: "binary",
    dir_out: "sent",
    dir_in: "received",
    dir_sys: "event",
    sys_opened: "WebSocket open: the handshake succeeded",
    sys_closing: "closing: you pressed Disconnect",
    sys_error: "error event (the browser gives the page no details)",
    send_not_open: "not sent: the WebSocket is no longer open",

    targets_error: |err| {
        let detail = match err {
            TargetsError::Network(msg) => {
                format!("the request failed ({msg}). Is the relay running?")
            }
            TargetsError::Status(code) => format!("the relay answered HTTP {code}."),
            TargetsError::Decode(msg) => format!("the answer is not a target list ({msg})."),
            TargetsError::Empty => "the relay offers no targets.".to_owned(),
        };
        format!(
            "Could not load the target list from {}: {detail}",
            protocol::TARGETS_PATH
        )
    },
    hidden_entries: |n| {
        if n == 1 {
            "1 earlier entry hidden".to_owned()
        } else {
            format!("{n} earlier entries hidden")
        }
    },
    entry_count: |n| {
        if n == 1 {
            "1 entry".to_owned()
        } else {
            format!("{n} entries")
        }
    },
    byte_count: |n| {
        if n == 1 {
            "1 byte".to_owned()
        } else {
            format!("{n} bytes")
        }
    },
    more_bytes: |n| format!("… {n} more bytes not shown"),
    preview: |n| {
        if n == 1 {
            "will send 1 byte:".to_owned()
        } else {
            format!("will send {n} bytes:")
        }
    },
    hex_error: |err| match err {
        HexError::Empty => {
            "No hex digits: type bytes such as 50 49 4e 47. Nothing was sent.".to_owned()
        }
        HexError::InvalidDigit { ch, position } => {
            format!("Invalid hex digit '{ch}' at position {position}. Nothing was sent.")
        }
        HexError::OddDigits { group, position } if group.is_empty() => {
            format!("'0x' without digits at position {position}. Nothing was sent.")
        }
        HexError::OddDigits { group, position } => format!(
            "Odd number of hex digits in '{group}' at position {position}: \
             every byte needs two digits. Nothing was sent."
        ),
    },
    close_name: |code| protocol::CloseCode(code).name().to_owned(),
    sys_connecting: |url| format!("connecting to {url}"),
    sys_open_failed: |reason| format!("the browser refused to open the WebSocket: {reason}"),
    sys_send_failed: |reason| format!("send failed: {reason}"),
    closed: "closed: ",
};

const ZH: Strings = Strings {
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
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_string() {
        for lang in Lang::ALL {
            let s = lang.strings();
            for (i, text) in s.fixed().iter().enumerate() {
                assert!(
                    !text.trim().is_empty(),
                    "{lang:?}: fixed string #{i} is empty"
                );
            }
            let formatted = [
                (s.targets_error)(&TargetsError::Status(500)),
                (s.targets_error)(&TargetsError::Network("x".into())),
                (s.targets_error)(&TargetsError::Decode("x".into())),
                (s.targets_error)(&TargetsError::Empty),
                (s.hidden_entries)(3),
                (s.entry_count)(3),
                (s.byte_count)(3),
                (s.more_bytes)(3),
                (s.preview)(3),
                (s.hex_error)(&HexError::Empty),
                (s.close_name)(1000),
                (s.sys_connecting)("ws://h/ws/echo"),
                (s.sys_open_failed)("x"),
                (s.sys_send_failed)("x"),
            ];
            for text in formatted {
                assert!(
                    !text.trim().is_empty(),
                    "{lang:?}: a formatted string is empty"
                );
            }
        }
    }

    #[test]
    fn languages_differ() {
        let (en, zh) = (Lang::En.strings(), Lang::Zh.strings());
        let same: Vec<_> = en
            .fixed()
            .into_iter()
            .zip(zh.fixed())
            .filter(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect();
        // Only notation shared by both languages may be identical.
        assert_eq!(same, ["LF (\\n)", "CRLF (\\r\\n)"]);
    }

    #[test]
    fn language_follows_the_browser_tag() {
        assert_eq!(Lang::from_tag("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_tag("zh"), Lang::Zh);
        assert_eq!(Lang::from_tag("ZH_tw"), Lang::Zh);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("de"), Lang::En);
        assert_eq!(Lang::from_tag(""), Lang::En);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
    }

    #[test]
    fn hex_errors_say_what_and_where() {
        let en = Lang::En.strings();
        let text = (en.hex_error)(&HexError::InvalidDigit {
            ch: 'g',
            position: 3,
        });
        assert!(
            text.contains("Invalid hex digit 'g' at position 3"),
            "{text}"
        );
        let text = (en.hex_error)(&HexError::OddDigits {
            group: "4".into(),
            position: 4,
        });
        assert!(text.contains("Odd number of hex digits"), "{text}");
        assert!(text.contains("position 4"), "{text}");
        let zh = (Lang::Zh.strings().hex_error)(&HexError::InvalidDigit {
            ch: 'g',
            position: 3,
        });
        assert!(zh.contains("'g'") && zh.contains('3'), "{zh}");
    }

    #[test]
    fn close_text_names_the_code_and_explains_1006() {
        let en = Lang::En.strings();
        let refused = CloseInfo {
            code: 1011,
            reason: "upstream 127.0.0.1:6379 refused the connection".into(),
            clean: true,
        };
        assert_eq!(
            en.close_text(&refused),
            "closed: 1011 Internal Error — upstream 127.0.0.1:6379 refused the connection"
        );
        let normal = CloseInfo {
            code: 1000,
            reason: String::new(),
            clean: true,
        };
        assert_eq!(en.close_text(&normal), "closed: 1000 Normal Closure");
        let abnormal = CloseInfo {
            code: 1006,
            reason: String::new(),
            clean: false,
        };
        let text = en.close_text(&abnormal);
        assert!(
            text.starts_with("closed: 1006 Abnormal Closure — "),
            "{text}"
        );
        assert!(text.contains("without a close frame"), "{text}");
        let zh = Lang::Zh.strings().close_text(&refused);
        assert!(
            zh.starts_with("已关闭：1011 内部错误（Internal Error）"),
            "{zh}"
        );
    }
}
