#!/usr/bin/env python3
"""Counts test cases for tools/test from real results, stage by stage.

Each stage appends one line "<passed> <failed> <skipped> <name>" to a tally file; `total` sums
them and prints "N passed, N failed" as its last line.

  count-results.py bazel --testlogs DIR --targets FILE --log FILE --exit-code N --tally T --name S
      Counts the testcase elements of each target's test.xml (gtest's JUnit XML, or the one Bazel
      writes for other tests). The target list (from `bazel query`) limits the count to this run;
      the status comes from Bazel's summary lines in the log, so a stale test.xml of a target that
      failed to build, timed out or did not run is never read: such a target is 1 failure.
  count-results.py stage --log FILE --exit-code N --tally T --name S
      A stage that prints its own "N passed, N failed" line (the last one counts), or one
      "  NAME: ok ..." / "  NAME: FAILED ..." line per item (tools/fuzz-smoke's summary), each
      item one test; with neither, the stage is 1 test that passed iff it exited 0.
  count-results.py junit --dir DIR --expect NAME[,NAME...]
      Counts DIR/NAME.xml for each expected NAME (JUnit XML, as written by gtest's
      --gtest_output=xml or tools/vm-guest/junit.sh), prints the failures and "N passed, N failed".
      DIR/NAME.status holds NAME's exit status when known: a missing XML, or a non-zero status
      with no failed case in the XML, is one failure. tools/vm counts its guest suite this way.
  count-results.py total --tally T
      Prints each stage, then "N passed, N failed"; exits 1 if anything failed.

A stage whose command exited non-zero but showed no failure counts 1 extra failure, so the final
line never says "0 failed" for a broken run.
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

# Bazel's per-target summary line: "//pkg:t    (cached) PASSED in 0.1s", "//pkg:t   NO STATUS",
# "//pkg:t   (1/2 cached) FAILED in 1 out of 2 in 0.2s" (sharded).
_SUMMARY = re.compile(
    r"^(?P<label>(?:@\S*)?//\S+)\s+(?:\([^)]*cached\)\s+)?"
    r"(?P<status>PASSED|FLAKY|FAILED TO BUILD|FAILED|TIMEOUT|NO STATUS|INCOMPLETE|"
    r"REMOTE FAILURE|BUILD INTERRUPTED|SKIPPED)\b")
_TALLY_LINE = re.compile(r"(\d+) passed, (\d+) failed")
_ITEM_LINE = re.compile(r"^\s+\S+: (ok|FAILED)\b", re.MULTILINE)
_RUN_DIR = re.compile(r"^(shard|run)_\d+_of_\d+")


def parse_summary(log_text):
    """Maps each label in Bazel's test summary to its status; the last line for a label wins."""
    statuses = {}
    for line in log_text.splitlines():
        m = _SUMMARY.match(line)
        if m:
            statuses[m.group("label")] = m.group("status")
    return statuses


def target_xmls(testlogs, label):
    """test.xml files of one target: its own, or one per shard/run directory."""
    package, _, name = label.split("//", 1)[1].partition(":")
    base = os.path.join(testlogs, package, name)
    found = []
    direct = os.path.join(base, "test.xml")
    if os.path.isfile(direct):
        found.append(direct)
    if os.path.isdir(base):
        for entry in sorted(os.listdir(base)):
            xml = os.path.join(base, entry, "test.xml")
            if _RUN_DIR.match(entry) and os.path.isfile(xml):
                found.append(xml)
    return found


def count_xml(path):
    """(passed, failed, skipped, failed case names) of one JUnit XML file."""
    passed = failed = skipped = 0
    names = []
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as err:
        return 0, 1, 0, [f"{path}: unreadable test.xml ({err})"]
    for case in root.iter("testcase"):
        # gtest marks DISABLED_ tests status="notrun"; they were not run, so not counted.
        if case.get("status") == "notrun":
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
            names.append(f"{case.get('classname', '')}.{case.get('name', '')}".lstrip("."))
        elif case.find("skipped") is not None or case.get("result") == "skipped":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, names


def count_bazel(testlogs, labels, log_text):
    """(passed, failed, skipped, problem lines) for the given test targets."""
    statuses = parse_summary(log_text)
    passed = failed = skipped = 0
    problems = []
    for label in labels:
        status = statuses.get(label)
        if status is None:
            failed += 1
            problems.append(f"{label}: no result in bazel's summary (not built or not run)")
            continue
        if status not in ("PASSED", "FLAKY", "FAILED"):
            failed += 1
            problems.append(f"{label}: {status}")
            continue
        xmls = target_xmls(testlogs, label)
        if not xmls:
            failed += 1
            problems.append(f"{label}: {status} but no test.xml under {testlogs}")
            continue
        t_failed = 0
        for xml in xmls:
            p, f, s, names = count_xml(xml)
            passed += p
            t_failed += f
            skipped += s
            problems.extend(f"{label}: {n} failed" for n in names)
        if status == "FAILED" and t_failed == 0:
            # All cases passed but the binary failed (a crash after the XML, a leak report).
            t_failed = 1
            problems.append(f"{label}: FAILED after its test cases passed (see its test.log)")
        failed += t_failed
    return passed, failed, skipped, problems


def append_tally(tally, name, passed, failed, skipped):
    with open(tally, "a") as f:
        f.write(f"{passed} {failed} {skipped} {name}\n")


def read_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def cmd_bazel(args):
    with open(args.targets) as f:
        labels = [line.strip() for line in f if line.strip().startswith(("//", "@"))]
    passed, failed, skipped, problems = count_bazel(args.testlogs, labels, read_text(args.log))
    if args.exit_code != 0 and failed == 0:
        failed = 1
        problems.append(f"bazel exited with status {args.exit_code}")
    for p in problems:
        print(f"  {args.name}: {p}", file=sys.stderr)
    append_tally(args.tally, args.name, passed, failed, skipped)
    return 0


def cmd_stage(args):
    text = read_text(args.log)
    matches = _TALLY_LINE.findall(text)
    items = _ITEM_LINE.findall(text)
    if matches:
        passed, failed = int(matches[-1][0]), int(matches[-1][1])
    elif items:
        passed, failed = items.count("ok"), items.count("FAILED")
    else:
        passed, failed = (1, 0) if args.exit_code == 0 else (0, 1)
    if args.exit_code != 0 and failed == 0:
        failed = 1
    append_tally(args.tally, args.name, passed, failed, 0)
    return 0


def count_junit_dir(directory, names):
    """(passed, failed, skipped, problem lines) of DIR/NAME.xml for each expected NAME."""
    passed = failed = skipped = 0
    problems = []
    for name in names:
        xml = os.path.join(directory, name + ".xml")
        status_file = os.path.join(directory, name + ".status")
        status = None
        if os.path.isfile(status_file):
            text = read_text(status_file).strip()
            status = int(text) if re.fullmatch(r"-?\d+", text) else None
        if not os.path.isfile(xml):
            failed += 1
            why = f"exited with status {status}" if status is not None else "did not finish"
            problems.append(f"{name}: no results ({why})")
            continue
        p, f, s, names_failed = count_xml(xml)
        passed, skipped = passed + p, skipped + s
        problems.extend(f"{name}: {n} failed" for n in names_failed)
        if f == 0 and status not in (None, 0):
            f = 1
            problems.append(f"{name}: exited with status {status} after its cases passed")
        failed += f
    return passed, failed, skipped, problems


def cmd_junit(args):
    names = [n for n in args.expect.split(",") if n]
    passed, failed, skipped, problems = count_junit_dir(args.dir, names)
    for p in problems:
        print(f"  {p}")
    extra = f" ({skipped} skipped)" if skipped else ""
    print(f"{passed} passed, {failed} failed{extra}")
    return 1 if failed else 0


def cmd_total(args):
    passed = failed = skipped = 0
    if os.path.exists(args.tally):
        for line in read_text(args.tally).splitlines():
            p, f, s, name = line.split(" ", 3)
            passed, failed, skipped = passed + int(p), failed + int(f), skipped + int(s)
            extra = f", {s} skipped" if int(s) else ""
            print(f"  {name}: {p} passed, {f} failed{extra}")
    if skipped:
        print(f"  ({skipped} skipped test cases are not counted)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("bazel")
    b.add_argument("--testlogs", required=True)
    b.add_argument("--targets", required=True)
    s = sub.add_parser("stage")
    for p in (b, s):
        p.add_argument("--log", required=True)
        p.add_argument("--exit-code", type=int, required=True)
        p.add_argument("--tally", required=True)
        p.add_argument("--name", required=True)
    j = sub.add_parser("junit")
    j.add_argument("--dir", required=True)
    j.add_argument("--expect", required=True)
    t = sub.add_parser("total")
    t.add_argument("--tally", required=True)
    args = parser.parse_args(argv)
    commands = {"bazel": cmd_bazel, "stage": cmd_stage, "junit": cmd_junit, "total": cmd_total}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
