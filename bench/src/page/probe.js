// Runs in the page under test (WebDriver executeScript). arguments[0] says
// what to do:
//   "counts": what the page shows: log entries, frame rows, timeline rows.
//   "start":  record every requestAnimationFrame and every long task from now.
//   "stop":   stop recording; return the frame timestamps (ms) and the long
//             tasks' durations (ms).
const digits = (el) => (el ? Number((el.textContent || "").replace(/\D/g, "")) || 0 : 0);
const len = (css) => {
  const el = document.querySelector(css);
  return el ? Number(el.dataset.len || el.dataset.count || 0) : 0;
};
switch (arguments[0]) {
  case "counts":
    return {
      log: digits(document.getElementById("log-count")),
      frames: len("#frame-count"),
      timeline: len("#side-by-side .vlist"),
    };
  case "start": {
    const probe = { times: [], long: [], running: true, observer: null };
    const tick = (t) => {
      probe.times.push(t);
      if (probe.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    if (PerformanceObserver.supportedEntryTypes.includes("longtask")) {
      probe.observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) probe.long.push(entry.duration);
      });
      probe.observer.observe({ type: "longtask" });
    }
    window.__frameProbe = probe;
    return true;
  }
  case "stop": {
    const probe = window.__frameProbe;
    probe.running = false;
    if (probe.observer) {
      for (const entry of probe.observer.takeRecords()) probe.long.push(entry.duration);
      probe.observer.disconnect();
    }
    return { times: probe.times, long: probe.long };
  }
  default:
    throw new Error("probe: unknown command " + arguments[0]);
}
