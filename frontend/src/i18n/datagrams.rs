//! Strings of the UDP lesson: the panel shown for a `udp://` target (a DNS
//! query built in the page, its answer decoded), and the side-by-side view's
//! datagram rows. Both languages are here, in [`EN`] and [`ZH`].

/// The UDP lesson's text in one language.
#[derive(Debug)]
pub struct Datagrams {
    /// Heading of the panel.
    pub title: &'static str,
    /// A page has no datagram API; the message boundary keeps datagrams apart.
    pub lesson: &'static str,
    /// Label of the name field.
    pub dns_label: &'static str,
    /// The button that sends the query.
    pub dns_send: &'static str,
    /// Nothing decoded yet.
    pub reply_none: &'static str,
    /// The datagram that came back is not a DNS message.
    pub reply_not_dns: &'static str,
    /// Added to a target's name in the picker.
    pub picker_udp: &'static str,
    /// The side-by-side view's right-hand column for a UDP session.
    pub sbs_udp: &'static str,
    /// The typed name cannot be asked for.
    pub bad_name: fn(&str) -> String,
    /// The datagram that came back is the query itself (an echo, not a resolver).
    pub echoed: fn(&str) -> String,
    /// A reply: its id, response code and how many answers.
    pub reply: fn(u16, u8, usize) -> String,
    /// One datagram in the side-by-side view: its size, and whether it went to the service.
    pub datagram_row: fn(usize, bool) -> String,
}

/// English.
pub const EN: Datagrams = Datagrams {
    title: "UDP: one message, one datagram",
    lesson: "A web page has no datagram API at all: no UDP socket, not even a restricted one. \
        Through the relay each WebSocket message you send becomes exactly one UDP datagram, and \
        each datagram that comes back is one message. Over TCP the bytes are a stream and \
        boundaries vanish; here the WebSocket's message boundary is what keeps datagrams apart. \
        UDP has no end of its own: the session lasts until you disconnect or it sits idle.",
    dns_label: "Ask DNS for the address of",
    dns_send: "Send DNS query",
    reply_none: "No datagram back yet.",
    reply_not_dns: "The datagram that came back is not a DNS message.",
    picker_udp: "UDP",
    sbs_udp: "UDP (datagrams)",
    bad_name: |name| format!("{name:?} is not a DNS name."),
    echoed: |name| {
        format!(
            "Your query for {name} came back unchanged: this service echoes datagrams, it does \
             not resolve names. Point a udp:// target at a resolver to get an answer."
        )
    },
    reply: |id, rcode, answers| {
        let status = match rcode {
            0 => "no error".to_owned(),
            3 => "no such name".to_owned(),
            code => format!("error {code}"),
        };
        format!("DNS reply #{id}: {status}, {answers} answer(s)")
    },
    datagram_row: |n, to_service| {
        if to_service {
            format!("→ service, one datagram of {n} bytes")
        } else {
            format!("← service, one datagram of {n} bytes")
        }
    },
};

/// 简体中文.
pub const ZH: Datagrams = Datagrams {
    title: "UDP：一条消息，一个数据报",
    lesson: "网页根本没有数据报 API：没有 UDP 套接字，连受限的也没有。经过 relay，你发出的每条 \
        WebSocket 消息正好变成一个 UDP 数据报，回来的每个数据报也是一条消息。TCP 上的字节是一条流，\
        边界会消失；这里靠 WebSocket 的消息边界把数据报一个个分开。UDP 本身没有“结束”：会话一直持续，\
        直到你断开或它空闲超时。",
    dns_label: "向 DNS 查询这个名字的地址",
    dns_send: "发送 DNS 查询",
    reply_none: "还没有数据报回来。",
    reply_not_dns: "回来的数据报不是 DNS 消息。",
    picker_udp: "UDP 数据报",
    sbs_udp: "UDP（数据报）",
    bad_name: |name| format!("“{name}”不是合法的 DNS 名字。"),
    echoed: |name| {
        format!(
            "你对 {name} 的查询原样回来了：这个服务只回显数据报，并不解析名字。\
             把一个 udp:// 目标指向真正的解析器，才能得到答案。"
        )
    },
    reply: |id, rcode, answers| {
        let status = match rcode {
            0 => "无错误".to_owned(),
            3 => "名字不存在".to_owned(),
            code => format!("错误 {code}"),
        };
        format!("DNS 回复 #{id}：{status}，{answers} 条答案")
    },
    datagram_row: |n, to_service| {
        if to_service {
            format!("→ 服务，一个 {n} 字节的数据报")
        } else {
            format!("← 服务，一个 {n} 字节的数据报")
        }
    },
};

#[cfg(test)]
impl Datagrams {
    /// Every fixed string, to check none is missing.
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Datagrams from self;
            strings: title, lesson, dns_label, dns_send, reply_none, reply_not_dns, picker_udp, sbs_udp;
            other: ;
            skip: bad_name, echoed, reply, datagram_row);
        all
    }

    /// Every formatted string, with sample values.
    pub(super) fn formatted(&self) -> Vec<String> {
        vec![
            (self.bad_name)("a..b"),
            (self.echoed)("a.zone.test"),
            (self.reply)(7, 0, 1),
            (self.reply)(7, 3, 0),
            (self.datagram_row)(12, true),
            (self.datagram_row)(12, false),
        ]
    }
}
