"""Tests tools/count-results.py on fake Bazel testlogs and fake stage output."""

import contextlib
import importlib.util
import io
import os
import tempfile
import unittest

from tools import junit_main

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("count_results",
                                               os.path.join(_HERE, "count-results.py"))
cr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cr)

# A gtest report: 2 passed, 1 failed, 1 skipped (GTEST_SKIP), 1 disabled (not run).
GTEST_XML = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="5" failures="1" disabled="1" errors="0" name="AllTests">
  <testsuite name="LoadState" tests="5" failures="1" disabled="1" skipped="1" errors="0">
    <testcase name="Ok" status="run" result="completed" classname="LoadState" />
    <testcase name="Missing" status="run" result="completed" classname="LoadState" />
    <testcase name="Bad" status="run" result="completed" classname="LoadState">
      <failure message="x" type=""><![CDATA[a_test.cc:3 Expected equality]]></failure>
    </testcase>
    <testcase name="Root" status="run" result="skipped" classname="LoadState"><skipped message="no root"/></testcase>
    <testcase name="DISABLED_Slow" status="notrun" result="suppressed" classname="LoadState" />
  </testsuite>
</testsuites>
"""
# What Bazel writes for a test that wrote no XML.
BAZEL_PASS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites><testsuite name="sh/t" tests="1" failures="0" errors="0">
<testcase name="sh/t" status="run" duration="0" time="0"></testcase></testsuite></testsuites>
"""
BAZEL_FAIL_XML = BAZEL_PASS_XML.replace(
    "></testcase>", "><error message=\"exited with error code 1\"></error></testcase>")


def pad(label):
    return f"{label}{' ' * (60 - len(label))}"


class CountBazelTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.logs = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, rel, text):
        path = os.path.join(self.logs, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)

    def test_gtest_cases_are_counted_one_by_one(self):
        self.write("a/a_test/test.xml", GTEST_XML)
        log = pad("//a:a_test") + "FAILED in 0.2s\n"
        p, f, s, problems = cr.count_bazel(self.logs, ["//a:a_test"], log)
        self.assertEqual((p, f, s), (2, 1, 1))
        self.assertIn("//a:a_test: LoadState.Bad failed", problems)

    def test_shards_are_summed(self):
        self.write("a/s_test/shard_1_of_2/test.xml", BAZEL_PASS_XML)
        self.write("a/s_test/shard_2_of_2/test.xml", BAZEL_FAIL_XML)
        log = (pad("//a:s_test") + "(1/2 cached) FAILED in 1 out of 2 in 0.1s\n"
               "  Stats over 2 runs: max = 0.1s\n")
        self.assertEqual(cr.count_bazel(self.logs, ["//a:s_test"], log)[:3], (1, 1, 0))

    def test_cached_pass_reads_the_xml(self):
        self.write("b/t/test.xml", BAZEL_PASS_XML)
        log = pad("//b:t") + "(cached) PASSED in 0.1s\n"
        self.assertEqual(cr.count_bazel(self.logs, ["//b:t"], log)[:3], (1, 0, 0))

    def test_stale_xml_of_unbuilt_target_is_ignored(self):
        self.write("b/t/test.xml", GTEST_XML.replace("<failure", "<x").replace("</failure>", "</x>"))
        for status in ("FAILED TO BUILD", "NO STATUS", "TIMEOUT in 60.0s"):
            log = pad("//b:t") + status + "\n"
            self.assertEqual(cr.count_bazel(self.logs, ["//b:t"], log)[:3], (0, 1, 0), status)

    def test_target_missing_from_summary_fails(self):
        p, f, _, problems = cr.count_bazel(self.logs, ["//c:gone"], "ERROR: build aborted\n")
        self.assertEqual((p, f), (0, 1))
        self.assertIn("not built or not run", problems[0])

    def test_only_listed_targets_count(self):
        self.write("a/a_test/test.xml", GTEST_XML)
        self.write("old/old_test/test.xml", BAZEL_PASS_XML)
        log = pad("//a:a_test") + "FAILED in 0.2s\n" + pad("//old:old_test") + "PASSED in 1s\n"
        self.assertEqual(cr.count_bazel(self.logs, ["//a:a_test"], log)[:3], (2, 1, 1))

    def test_failed_binary_with_passing_cases_counts_one_failure(self):
        self.write("d/leak_test/test.xml", BAZEL_PASS_XML)
        log = pad("//d:leak_test") + "FAILED in 0.3s\n"
        self.assertEqual(cr.count_bazel(self.logs, ["//d:leak_test"], log)[:3], (1, 1, 0))

    def test_passed_without_xml_fails(self):
        log = pad("//e:t") + "PASSED in 0.3s\n"
        self.assertEqual(cr.count_bazel(self.logs, ["//e:t"], log)[:3], (0, 1, 0))


class TallyTest(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.tally = os.path.join(self.tmp.name, "tally")
        self.log = os.path.join(self.tmp.name, "log")

    def tearDown(self):
        self.tmp.cleanup()

    def stage(self, output, code):
        with open(self.log, "w") as f:
            f.write(output)
        cr.main(["stage", "--log", self.log, "--exit-code", str(code), "--tally", self.tally,
                 "--name", "s"])

    def last_tally(self):
        with open(self.tally) as f:
            return f.read().splitlines()[-1]

    def test_stage_line_is_taken_from_the_output(self):
        self.stage("fuzz a ok\n1 passed, 0 failed\nfuzz b\n3 passed, 1 failed\n", 1)
        self.assertEqual(self.last_tally(), "3 1 0 s")

    def test_stage_items_count_one_each(self):
        self.stage("fuzz-campaign: config_fuzz (-runs=20000)\nfuzz-campaign summary:\n"
                   "  config_fuzz: ok (20000 runs, 0 new corpus input(s))\n"
                   "  netlink_fuzz: FAILED (exit 1, 3 runs, 1 new crash file(s))\n"
                   "  seccomp_fuzz: ok (20000 runs, 2 new corpus input(s))\n", 1)
        self.assertEqual(self.last_tally(), "2 1 0 s")

    def test_stage_without_line_is_one_test(self):
        self.stage("ok\n", 0)
        self.assertEqual(self.last_tally(), "1 0 0 s")
        self.stage("boom\n", 2)
        self.assertEqual(self.last_tally(), "0 1 0 s")

    def test_nonzero_exit_without_failures_fails(self):
        self.stage("4 passed, 0 failed\n", 1)
        self.assertEqual(self.last_tally(), "4 1 0 s")

    def test_total_sums_stages_and_exits_nonzero_on_failure(self):
        with open(self.tally, "w") as f:
            f.write("17 0 2 bazel test //...\n3 1 0 fuzz smoke\n")
        self.assertEqual(cr.main(["total", "--tally", self.tally]), 1)
        with open(self.tally, "w") as f:
            f.write("17 0 0 bazel test //...\n")
        self.assertEqual(cr.main(["total", "--tally", self.tally]), 0)


class CountJunitDirTest(unittest.TestCase):
    """tools/vm's guest suite: one XML (and maybe a status file) per expected name."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(text)

    def test_cases_of_each_expected_xml_are_counted(self):
        self.write("a.xml", GTEST_XML)
        self.write("a.status", "1\n")
        self.write("b.xml", BAZEL_PASS_XML)
        p, f, s, problems = cr.count_junit_dir(self.dir, ["a", "b"])
        self.assertEqual((p, f, s), (3, 1, 1))
        self.assertEqual(problems, ["a: LoadState.Bad failed"])

    def test_missing_xml_is_one_failure_with_its_status(self):
        self.write("a.status", "124\n")
        p, f, s, problems = cr.count_junit_dir(self.dir, ["a", "never"])
        self.assertEqual((p, f, s), (0, 2, 0))
        self.assertEqual(problems, ["a: no results (exited with status 124)",
                                    "never: no results (did not finish)"])

    def test_nonzero_status_after_passing_cases_is_one_failure(self):
        self.write("b.xml", BAZEL_PASS_XML)
        self.write("b.status", "139")
        p, f, s, problems = cr.count_junit_dir(self.dir, ["b"])
        self.assertEqual((p, f), (1, 1))
        self.assertIn("exited with status 139", problems[0])

    def test_command_prints_the_line_the_stage_counter_reads(self):
        self.write("b.xml", BAZEL_PASS_XML)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = cr.main(["junit", "--dir", self.dir, "--expect", "b,c"])
        self.assertEqual(rc, 1)
        self.assertEqual(out.getvalue().splitlines()[-1], "1 passed, 1 failed")


if __name__ == "__main__":
    junit_main.main("count_results_test")
