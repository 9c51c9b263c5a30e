use super::*;
use crate::record::RunRecord;

fn record(scenario: &str, contender: &str, round: u32, metric: &str, value: f64) -> RunRecord {
    RunRecord {
        scenario: scenario.into(),
        contender: contender.into(),
        round,
        metrics: [(metric.to_owned(), value)].into_iter().collect(),
        client_cpu_pct: 50.0,
        client_threads: 1,
        ..RunRecord::default()
    }
}

fn args() -> ReportArgs {
    ReportArgs {
        raw: "raw.jsonl".into(),
        out: "out".into(),
        command: "cargo xtask bench".into(),
        rounds: 3,
        runtime_secs: Some(12.0),
        page_files: vec![],
        page_frames: None,
        commit: None,
        notes: vec![],
    }
}

fn test_machine() -> Machine {
    Machine {
        nproc: 2,
        cpu: "Test CPU".into(),
        kernel: "6.0".into(),
        memory_gib: 24.0,
        load_average: "1.00 2.00 3.00".into(),
    }
}

fn sample() -> Vec<RunRecord> {
    let mut records = Vec::new();
    for (round, (direct, ours, websocat)) in [
        (1000.0, 600.0, 300.0),
        (900.0, 700.0, 350.0),
        (1100.0, 650.0, 400.0),
    ]
    .into_iter()
    .enumerate()
    {
        let round = round as u32 + 1;
        records.push(record(
            "throughput",
            "direct-tcp",
            round,
            metric::MIB_PER_S,
            direct,
        ));
        records.push(record(
            "throughput",
            "relay",
            round,
            metric::MIB_PER_S,
            ours,
        ));
        records.push(record(
            "throughput",
            "websocat",
            round,
            metric::MIB_PER_S,
            websocat,
        ));
    }
    let mut failed = record("throughput", "websockify", 1, metric::MIB_PER_S, 1.0);
    failed.failure = Some("timed out after 60 s".into());
    failed.client_cpu_pct = 99.0;
    records.push(failed);
    records
}

#[test]
fn medians_and_ratios() {
    let report = build(&sample(), test_machine(), &args(), None);
    let row = &report.rows[0];
    assert_eq!(row.values["direct-tcp"], 1000.0);
    assert_eq!(row.values["relay"], 650.0);
    assert_eq!(row.values["websocat"], 350.0);
    // A failed run gives no value, only a failure line.
    assert!(!row.values.contains_key("websockify"));
    assert_eq!(report.failures.len(), 1);
    assert!((row.ratios["relay/direct-tcp"] - 0.65).abs() < 1e-9);
    assert!((row.ratios["relay/websocat"] - 650.0 / 350.0).abs() < 1e-9);
    assert!(!row.ratios.contains_key("relay/websockify"));
    let target = |goal: &str| report.targets.iter().find(|t| t.goal == goal).unwrap();
    let beats_websocat = target("throughput ≥ websocat's");
    assert_eq!(beats_websocat.met, Some(true));
    assert_eq!(beats_websocat.measured, "1.86× (650)");
    // No hop measured: not met, not failed.
    assert_eq!(target("throughput ≥ 0.95× the hop").met, None);
    assert_eq!(target("CPU per GiB ≤ 1.1× the hop's").met, None);
}

#[test]
fn errors_are_totals_including_failed_runs() {
    let mut records = Vec::new();
    for round in 1..=3 {
        let mut r = record(
            "sessions-1000",
            "relay",
            round,
            metric::ROUND_TRIPS_PER_S,
            10.0,
        );
        r.errors = round as u64;
        records.push(r);
    }
    let report = build(&records, test_machine(), &args(), None);
    let errors = find(&report.rows, "sessions-1000", metric::ERRORS).unwrap();
    assert_eq!(errors.values["relay"], 6.0);
}

#[test]
fn table_line_formatting() {
    let report = build(&sample(), test_machine(), &args(), None);
    assert_eq!(
        markdown::row_line(&report.rows[0]),
        "| throughput | MiB/s ↑ | 1000 | 650 | 350 | — | 0.65× | 1.86× | — |"
    );
    assert_eq!(markdown::number(12.345), "12.3");
    assert_eq!(markdown::number(1.2345), "1.23");
    assert_eq!(markdown::number(0.0), "0");
    assert_eq!(markdown::ratio(None), "—");
    let md = markdown::render(&report);
    assert!(md.contains("reproduce: `cargo xtask bench`"));
    assert!(md.contains("2 × Test CPU, Linux 6.0"));
    assert!(
        md.contains("| throughput ≥ websocat's | 1.86× (650) | yes | tcp-proxy —, websocat 350 |")
    );
    assert!(md.contains("| throughput | MiB/s ↑ | 650 | — | 350 | — | 1.86× |"));
    // No reference server measured: no table for them.
    assert!(!md.contains("## Reference servers"));
}

#[test]
fn reference_servers_get_their_own_table_and_bound_the_targets() {
    let mut records = sample();
    for (round, (hop, fws)) in [(500.0, 640.0), (550.0, 660.0), (520.0, 650.0)]
        .into_iter()
        .enumerate()
    {
        let round = round as u32 + 1;
        records.push(record(
            "throughput",
            "tcp-proxy",
            round,
            metric::MIB_PER_S,
            hop,
        ));
        records.push(record(
            "throughput",
            "fws-bridge",
            round,
            metric::MIB_PER_S,
            fws,
        ));
    }
    let report = build(&records, test_machine(), &args(), None);
    let row = &report.rows[0];
    assert_eq!(row.values["tcp-proxy"], 520.0);
    assert!((row.ratios["relay/fws-bridge"] - 1.0).abs() < 1e-9);
    // The products' table is unchanged by the references.
    assert_eq!(
        markdown::row_line(row),
        "| throughput | MiB/s ↑ | 1000 | 650 | 350 | — | 0.65× | 1.86× | — |"
    );
    let md = markdown::render(&report);
    assert!(md.contains(
        "| throughput ≥ 0.95× the hop | 1.25× (650) | yes | tcp-proxy 520, websocat 350 |"
    ));
    let (_, against) = md.split_once("## Against the hop").unwrap();
    assert!(against.contains("| throughput | MiB/s ↑ | 650 | 520 | 350 | 1.25× | 1.86× |"));
    let (_, references) = md.split_once("## Reference servers").unwrap();
    let (references, _) = references.split_once("\n## ").unwrap();
    assert!(
        references.contains("| throughput | MiB/s ↑ | 520 | — | 650 | 0.52× | 1.25× | — | 1.00× |")
    );
    // Only rows with a reference value are listed.
    assert!(!references.contains("| latency |"));
    // The chart shows the products only.
    let svg = svg::render(&report);
    assert!(!svg.contains("tcp-proxy"));
}

#[test]
fn saturated_client_is_flagged() {
    let mut records = sample();
    records[0].client_cpu_pct = 97.0;
    let report = build(&records, test_machine(), &args(), None);
    let direct = report
        .cpu
        .iter()
        .find(|c| c.scenario == "throughput" && c.contender == "direct-tcp")
        .unwrap();
    // Median of 97, 50, 50: not saturated overall.
    assert!(!direct.client_saturated);
    for r in records.iter_mut().filter(|r| r.contender == "relay") {
        r.client_cpu_pct = 95.0;
    }
    let report = build(&records, test_machine(), &args(), None);
    let ours = report.cpu.iter().find(|c| c.contender == "relay").unwrap();
    assert!(ours.client_saturated);
    assert!(markdown::render(&report).contains("may be the client's limit"));
}

#[test]
fn json_shape() {
    let page = parse_page(&["app.wasm=1000:400".into(), "app.js=200:80".into()]).unwrap();
    let report = build(&sample(), test_machine(), &args(), page);
    let json = serde_json::to_value(&report).unwrap();
    for key in [
        "machine",
        "command",
        "commit",
        "rounds",
        "runtime_secs",
        "contenders",
        "rows",
        "targets",
        "cpu",
        "page",
        "notes",
        "failures",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert_eq!(json["machine"]["nproc"], 2);
    assert_eq!(json["contenders"][1], "relay");
    assert_eq!(json["rows"][0]["scenario"], "throughput");
    assert_eq!(json["rows"][0]["metric"], "mib_per_s");
    assert_eq!(json["rows"][0]["values"]["relay"], 650.0);
    assert_eq!(json["rows"][0]["ratios"]["relay/direct-tcp"], 0.65);
    let targets = json["targets"].as_array().unwrap();
    let beats_websocat = targets
        .iter()
        .find(|t| t["goal"] == "throughput ≥ websocat's")
        .unwrap();
    assert_eq!(beats_websocat["met"], true);
    assert_eq!(json["page"]["gzip_total_bytes"], 480);
    assert_eq!(json["cpu"][0]["client_saturated"], false);
}

#[test]
fn bad_page_spec_is_an_error() {
    assert!(parse_page(&["app.wasm=12".into()]).is_err());
    assert!(parse_page(&[]).unwrap().is_none());
}

#[test]
fn svg_has_a_bar_per_measured_value() {
    let report = build(&sample(), test_machine(), &args(), None);
    let svg = svg::render(&report);
    assert!(svg.starts_with("<svg"));
    assert!(svg.trim_end().ends_with("</svg>"));
    let measured: usize = report
        .rows
        .iter()
        .map(|r| {
            CONTENDERS
                .iter()
                .filter(|c| r.values.contains_key(**c))
                .count()
        })
        .sum();
    assert_eq!(svg.matches("<rect x=").count(), measured);
}

#[test]
fn the_webtransport_table_sets_the_door_beside_the_websocket_one() {
    let mut records = sample();
    records.push(record(
        "throughput",
        WEBTRANSPORT,
        1,
        metric::MIB_PER_S,
        325.0,
    ));
    records.push(record(
        "streams-16",
        WEBTRANSPORT,
        1,
        metric::STREAMS_PER_S,
        900.0,
    ));
    records.push(record("streams-16", OURS, 1, metric::STREAMS_PER_S, 1800.0));
    let report = build(&records, test_machine(), &args(), None);
    let md = markdown::render(&report);
    let table = md
        .split("## WebTransport")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a WebTransport section");
    // relay-wt, relay (median 650), tcp-proxy, direct-tcp (median 1000); wt/ws.
    assert!(
        table.contains("| throughput | MiB/s ↑ | 325 | 650 | — | 1000 | 0.50× | — |"),
        "{table}"
    );
    assert!(
        table.contains("| streams-16 | opens/s ↑ | 900 | 1800 | — | — | 0.50× | — |"),
        "{table}"
    );
    // Rows the door was not measured in are left out.
    assert!(!table.contains("handshakes/s"), "{table}");
    // Without the door, no section.
    let plain = markdown::render(&build(&sample(), test_machine(), &args(), None));
    assert!(!plain.contains("## WebTransport"));
}
