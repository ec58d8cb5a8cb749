"""Tests that tools/bench works: real runs of crun, hull and runc on a real busybox bundle with
tiny counts, checking the shape of the report (every table and row, no failure, nothing left
behind), and that failing and hung runtimes are caught. No timing is asserted: only that numbers
are there. Needs root, crun, runc, busybox and /usr/bin/time (tools/setup)."""

import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader

from tools import junit_main

_HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.join(_HERE, "bench")
HULL = os.path.join(os.path.dirname(_HERE), "cli", "hull")
SBIN_PATH = os.environ.get("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin"
RUNC = shutil.which("runc", path=SBIN_PATH)
RUNTIMES = ("crun", "hull", "runc")
_spec = spec_from_loader("bench", SourceFileLoader("bench", BENCH))
bench = module_from_spec(_spec)
_spec.loader.exec_module(bench)

NUMBER = r"\d+(?:\.\d+)?"
# A line of the per-command table: kind/phase, runtime, n, fail, median, min, max, ratio, ...
COMMAND_ROW = re.compile(rf"^\s*(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+({NUMBER})\s+({NUMBER})\s+"
                         rf"({NUMBER})\s+({NUMBER})\s+({NUMBER}|-)\s+({NUMBER}|-)$")


def run_bench(*args, timeout=300):
    """Runs tools/bench with the //cli:hull of this test; returns (exit status, stdout, stderr,
    its pid). One that outlives `timeout` is stopped (SIGTERM: it cleans up), then killed."""
    env = dict(os.environ, HULL_BIN=HULL)
    proc = subprocess.Popen([sys.executable, BENCH, *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        raise AssertionError(f"tools/bench {' '.join(args)} ran past {timeout} s:\n{out}{err}")
    return proc.returncode, out, err, proc.pid


def write_script(folder, name, text):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, stat.S_IRWXU)
    return path


class PureTest(unittest.TestCase):

    def test_ratio_is_the_median_over_the_rounds_both_have(self):
        base = {1: 10.0, 2: 20.0, 3: 10.0}
        mine = {1: 5.0, 2: 40.0, 3: 10.0, 4: 1000.0}  # round 4 failed for the yardstick
        self.assertEqual(bench.median_ratio(mine, base), 1.0)
        self.assertIsNone(bench.median_ratio({4: 1.0}, base))

    def test_usage(self):
        rc, out, err, _ = run_bench("-h")
        self.assertEqual(rc, 0, err)
        for text in ("usage: tools/bench", "-n N", "-w W", "-k KINDS", "-r FILE", "-T SECS",
                     "RUNTIME", "yardstick"):
            self.assertIn(text, out)

    def test_bad_usage_exits_2_naming_the_value(self):
        for args, text in ((["-n", "0"], "not a positive integer: 0"),
                           (["-k", "run,nap"], "unknown kind nap")):
            rc, _, err, _ = run_bench(*args)
            self.assertEqual(rc, 2, args)
            self.assertIn(text, err)


@unittest.skipUnless(os.geteuid() == 0, "needs root")
class BenchTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bench-test.")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_nothing_left(self, out, bench_pid):
        work = re.search(r"work dir (\S+)", out).group(1)
        self.assertFalse(os.path.exists(work), work)
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read().decode(errors="replace")
            except OSError:
                continue
            self.assertNotIn(work, cmd, f"process {pid} left running")
        left, stuck = bench.sweep_cgroups(f"hb{bench_pid}-")
        self.assertEqual(left + stuck, [], "cgroups left behind")

    def test_default_runtimes(self):
        # crun, hull and runc: crun works only because the benchmark's namespace hides the
        # cgroup2 mount of a hybrid host, as this machine's.
        raw = os.path.join(self.tmp, "raw.tsv")
        rc, out, err, pid = run_bench("-n", "2", "-w", "1", "-S", "3", "-C", "2", "-R", "1",
                                      "-m", "1", "-t", "60", "-T", "240", "-r", raw)
        self.assertEqual(rc, 0, out + err)
        lines = out.splitlines()

        # Header: kernel, CPUs, date, load average at start and end, runtime versions.
        self.assertIn(platform.release(), lines[0])
        self.assertIn(f"{os.cpu_count()} CPUs", lines[0])
        self.assertRegex(lines[0], r"\d{4}-\d\d-\d\d \d\d:\d\d UTC")
        self.assertRegex(lines[0], rf"load average {NUMBER} {NUMBER} {NUMBER} .* at start")
        self.assertRegex(out, rf"load average {NUMBER} {NUMBER} {NUMBER} at end")
        self.assertRegex(out, r"runtime 1 \(yardstick\): crun = \S+ \[crun version ")
        self.assertRegex(out, r"runtime 2: hull = \S+ \(HULL_BIN\) \[hull version ")
        self.assertRegex(out, r"runtime 3: runc = \S+ \[runc version ")
        self.assertIn("one private mount namespace", out)

        # Per-command table: every kind and phase for both runtimes, 2 samples, no failure.
        rows = {}
        for line in lines:
            m = COMMAND_ROW.match(line)
            if m:
                rows[(m.group(1), m.group(2))] = m
        for kind in ("run", "csd", "csd.create", "csd.start", "csd.wait", "csd.delete", "exec"):
            for rt in RUNTIMES:
                m = rows.get((kind, rt))
                self.assertIsNotNone(m, f"no {kind} row for {rt}:\n{out}")
                self.assertEqual((m.group(3), m.group(4)), ("2", "0"), m.group(0))
                self.assertGreater(float(m.group(5)), 0, m.group(0))
        self.assertEqual(rows[("run", "crun")].group(8), "1.00")

        # Batches and peak RSS.
        for name, runs in (("sequential", 3), ("concurrent", 2)):
            for rt in RUNTIMES:
                self.assertRegex(out, rf"(?m)^{runs} {name}\s+{rt}\s+1\s+0\s+{NUMBER}\s+{NUMBER}")
        for command in ("run", "create", "exec"):
            for rt in RUNTIMES:
                m = re.search(rf"(?m)^{command}\s+{rt}\s+1\s+0\s+(\d+)\s+\d+", out)
                self.assertIsNotNone(m, f"no peak RSS of {command} for {rt}:\n{out}")
                self.assertGreater(int(m.group(1)), 0)

        # The Markdown summary: one row per measure, a cell per runtime, hull's with a ratio.
        summary = lines[lines.index("| measure | crun | hull | runc |"):]
        self.assertEqual(summary[1], "|---|---|---|---|")
        measures = [row.split(" | ")[0].lstrip("| ") for row in summary[2:] if row.startswith("|")]
        self.assertEqual(measures, [
            "run, ms", "create+start+delete, ms", "exec, ms", "3 sequential runs, s",
            "2 concurrent runs, s", "run, CPU ms", "create+start+delete, CPU ms", "exec, CPU ms",
            "peak RSS of run, MiB", "peak RSS of create, MiB", "peak RSS of exec, MiB"])
        for row in summary[2:2 + len(measures)]:
            self.assertRegex(row, rf"^\| [^|]+ \| {NUMBER}( \| {NUMBER} \({NUMBER}×\)){{2}} \|$")
        self.assertRegex(summary[-1], r"^_\d{4}-\d\d-\d\d .*load average .* at end")

        # Raw samples: warm-ups (round 0) and 2 timed rounds of each per-command kind.
        with open(raw) as f:
            samples = [line.rstrip("\n").split("\t") for line in f]
        self.assertEqual(samples[0], ["runtime", "kind", "phase", "round", "wall_us", "rc",
                                      "cpu_us", "rss_kib"])
        for rt in RUNTIMES:
            for kind in ("run", "csd", "exec"):
                rounds = sorted(int(s[3]) for s in samples[1:] if s[:3] == [rt, kind, "total"])
                self.assertEqual(rounds, [0, 1, 2], (rt, kind))
        self.assertTrue(all(s[5] == "0" for s in samples[1:]), "a failed sample")
        self.assert_nothing_left(out, pid)

    def test_failures_are_counted(self):
        # runc, except that exec fails: the exec row reports every failure and the exit is 1.
        broken = write_script(self.tmp, "noexec", f"""#!/bin/sh
[ "$3" = exec ] && {{ echo "noexec: exec refused" >&2; exit 1; }}
exec {RUNC} "$@"
""")
        rc, out, err, pid = run_bench("-k", "run,exec", "-n", "2", "-w", "0", "-t", "60",
                                      "runc", f"noexec={broken}")
        self.assertEqual(rc, 1, out + err)
        self.assertRegex(out, r"(?m)^exec\s+noexec\s+0\s+2\s+FAILED")
        self.assertRegex(out, r"(?m)^\| exec, ms \| [\d.]+ \| failed \|$")
        self.assertRegex(out, r"(?m)^run\s+noexec\s+2\s+0\s")
        self.assertIn("some commands failed", out)
        self.assertIn("noexec: exec refused", err)
        self.assert_nothing_left(out, pid)

    def test_a_hung_runtime_is_killed_and_counted(self):
        marker = f"98765{os.getpid()}"
        hang = write_script(self.tmp, "hang", f"""#!/bin/sh
case " $* " in *" run "*) exec sleep {marker} ;; esac
exit 0
""")
        rc, out, err, pid = run_bench("-k", "run", "-n", "1", "-w", "0", "-t", "2", "-T", "60",
                                      f"hang={hang}", timeout=60)
        self.assertEqual(rc, 1, out + err)
        self.assertIn("hang fails a plain run: left out", out)
        self.assertRegex(err, r"killed after 2 s: \S+/hang --root ")
        self.assertRegex(out, r"(?m)^\| run, ms \| failed \|$")
        self.assertNotIn(marker, subprocess.run(["ps", "-eo", "args"], capture_output=True,
                                                text=True).stdout)
        self.assert_nothing_left(out, pid)


if __name__ == "__main__":
    junit_main.main("bench_test")
