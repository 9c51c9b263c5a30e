//! Strings of the experiments that put the relay's two doors side by side:
//! the same echo through WebSocket and WebTransport, and datagrams against
//! messages. Both languages are here, in [`EN`] and [`ZH`].

/// The two doors' text in one language.
#[derive(Debug)]
pub struct Transport {
    /// Heading of the two-doors experiment.
    pub doors_title: &'static str,
    /// What it claims.
    pub doors_claim: &'static str,
    /// Row: the handshake.
    pub handshake: &'static str,
    /// Row: what carries the connections.
    pub carried: &'static str,
    /// Row: the bulk transfer.
    pub bulk: &'static str,
    /// This browser has no `WebTransport`.
    pub no_api: &'static str,
    /// The relay runs without its WebTransport door.
    pub no_door: &'static str,
    /// Heading of the datagrams-against-messages experiment.
    pub race_title: &'static str,
    /// What it claims.
    pub race_claim: &'static str,
    /// What the cells mean.
    pub race_legend: &'static str,
    /// The link from the census of doors to the experiment.
    pub try_it: &'static str,
    /// N WebSockets: N TCP connections and handshakes.
    pub ws_carried: fn(usize) -> String,
    /// One QUIC connection carrying N streams.
    pub wt_carried: fn(usize) -> String,
    /// How many of N connections echoed their line.
    pub echoed: fn(usize, usize) -> String,
    /// MB, ms, MB/s, verified.
    pub bulk_done: fn(f64, f64, f64, bool) -> String,
    /// Why a door stopped short.
    pub problem: fn(&str) -> String,
    /// Arrived of sent, how many waited, the longest wait in ms.
    pub arrived: fn(usize, usize, usize, f64) -> String,
}

/// English.
pub const EN: Transport = Transport {
    doors_title: "9 · The same service, two doors",
    doors_claim: "The relay's TCP echo, reached through a WebSocket and through WebTransport \
        (HTTP/3 over QUIC): the same bytes back, by different roads.",
    handshake: "Handshake",
    carried: "Carried by",
    bulk: "8 MiB there and back",
    no_api: "This browser has no WebTransport (too old, or the page is not a secure context): \
        WebSocket is its only door.",
    no_door: "This relay runs without its WebTransport door.",
    race_title: "10 · Datagrams against messages",
    race_claim: "50 numbered messages to a service that plays a lossy network: as WebTransport \
        datagrams the lost ones are gone and the rest are on time; as WebSocket messages over \
        TCP all arrive, in order, and the ones behind a lost one wait for it.",
    race_legend: "One cell per message: filled arrived, hollow lost, dark waited.",
    try_it: "Try it",
    ws_carried: |n| format!("{n} WebSockets: {n} TCP connections, {n} handshakes"),
    wt_carried: |n| format!("one QUIC connection (UDP), one handshake, {n} streams"),
    echoed: |got, of| format!("{got} of {of} echoed their line"),
    bulk_done: |mb, ms, rate, ok| {
        let verdict = if ok {
            "every byte checked"
        } else {
            "bytes differ"
        };
        format!("{mb:.1} MB in {ms:.0} ms ({rate:.0} MB/s): {verdict}")
    },
    problem: |why| format!("stopped: {why}"),
    arrived: |got, of, waited, ms| {
        format!(
            "{got} of {of} arrived, {} lost; {waited} waited, the longest {ms:.0} ms",
            of - got
        )
    },
};

/// 简体中文.
pub const ZH: Transport = Transport {
    doors_title: "9 · 同一个服务，两扇门",
    doors_claim: "relay 的 TCP 回显服务，分别通过 WebSocket 和 WebTransport（基于 QUIC 的 \
        HTTP/3）访问：走的路不同，回来的字节一样。",
    handshake: "握手",
    carried: "承载方式",
    bulk: "8 MiB 往返",
    no_api: "这个浏览器没有 WebTransport（版本太旧，或页面不在安全上下文中）：\
        WebSocket 是它唯一的门。",
    no_door: "这个 relay 没有开启 WebTransport 入口。",
    race_title: "10 · 数据报与消息",
    race_claim: "向一个模拟丢包网络的服务发送 50 条编号消息：作为 WebTransport 数据报，\
        丢了的就没了，其余准时到达；作为走 TCP 的 WebSocket 消息，全部按序到达，\
        但排在丢包后面的消息要等它重传。",
    race_legend: "每格一条消息：实心为已到达，空心为丢失，深色为等待过。",
    try_it: "试一试",
    ws_carried: |n| format!("{n} 个 WebSocket：{n} 条 TCP 连接，{n} 次握手"),
    wt_carried: |n| format!("一条 QUIC 连接（UDP），一次握手，{n} 个流"),
    echoed: |got, of| format!("{of} 个连接中有 {got} 个回显了各自的一行"),
    bulk_done: |mb, ms, rate, ok| {
        let verdict = if ok {
            "每个字节都核对无误"
        } else {
            "字节不一致"
        };
        format!("{mb:.1} MB，用时 {ms:.0} 毫秒（{rate:.0} MB/s）：{verdict}")
    },
    problem: |why| format!("中止：{why}"),
    arrived: |got, of, waited, ms| {
        format!(
            "{of} 条中到达 {got} 条，丢失 {} 条；{waited} 条等待过，最长 {ms:.0} 毫秒",
            of - got
        )
    },
};

#[cfg(test)]
impl Transport {
    /// Every fixed string, to check none is missing.
    pub(super) fn fixed(&self) -> Vec<&'static str> {
        every_string!(all = Transport from self;
            strings: doors_title, doors_claim, handshake, carried, bulk, no_api, no_door, race_title, race_claim, race_legend, try_it;
            other: ;
            skip: ws_carried, wt_carried, echoed, bulk_done, problem, arrived);
        all
    }

    /// Every formatted string, with sample values.
    pub(super) fn formatted(&self) -> Vec<String> {
        vec![
            (self.ws_carried)(4),
            (self.wt_carried)(4),
            (self.echoed)(4, 4),
            (self.bulk_done)(8.4, 120.0, 70.0, true),
            (self.bulk_done)(8.4, 120.0, 70.0, false),
            (self.problem)("x"),
            (self.arrived)(41, 50, 0, 2.0),
        ]
    }
}
