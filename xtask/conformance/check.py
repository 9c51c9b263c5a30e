"""Summarises an Autobahn TestSuite report and fails on unexpected results.

usage: check.py INDEX_JSON AGENT [EXPECTED_CASES_FILE]

Without a list, every case in the report must pass; with one, every listed
case must be in the report and pass. Passing means behavior OK, NON-STRICT
or INFORMATIONAL, and closing behaviour OK or INFORMATIONAL.
"""
import collections
import json
import sys

PASS = {"OK", "NON-STRICT", "INFORMATIONAL"}
PASS_CLOSE = {"OK", "INFORMATIONAL"}


def key(case):
    return [int(part) for part in case.split(".")]


def main():
    index_path, agent = sys.argv[1], sys.argv[2]
    cases = json.load(open(index_path))[agent]
    if len(sys.argv) > 3:
        lines = open(sys.argv[3]).read().splitlines()
        wanted = [l.strip() for l in lines if l.strip() and not l.startswith("#")]
    else:
        wanted = sorted(cases, key=key)
    counts = collections.Counter()
    failed = []
    for case in wanted:
        result = cases.get(case)
        if result is None:
            failed.append((case, "not run", ""))
            continue
        counts[result["behavior"]] += 1
        if result["behavior"] not in PASS or result["behaviorClose"] not in PASS_CLOSE:
            failed.append((case, result["behavior"], result["behaviorClose"]))
    summary = ", ".join(f"{n} {b}" for b, n in sorted(counts.items()))
    print(f"{agent}: {len(wanted)} cases checked: {summary}")
    for case, behavior, close in failed:
        print(f"  FAILED {case}: {behavior} / close {close}")
    print(f"conformance: {len(wanted) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
