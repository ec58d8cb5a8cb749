"""unittest.main for a py_test: also writes one JUnit testcase per test to Bazel's
XML_OUTPUT_FILE, so tools/count-results.py counts each case (passed, failed or skipped)."""

import os
import unittest
import xml.etree.ElementTree as ET


class _RecordingResult(unittest.TextTestResult):
    def startTest(self, test):
        super().startTest(test)
        self.test_ids = getattr(self, "test_ids", []) + [test.id()]


def write_junit(result, path, suite_name):
    outcome = {t.id(): kind for kind, items in (("failure", result.failures),
                                                ("error", result.errors),
                                                ("skipped", result.skipped))
               for t, _ in items}
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name=suite_name)
    for test_id in getattr(result, "test_ids", []):
        cls, _, name = test_id.rpartition(".")
        case = ET.SubElement(suite, "testcase", name=name, classname=cls, status="run")
        if test_id in outcome:
            ET.SubElement(case, outcome[test_id], message=outcome[test_id])
    ET.ElementTree(suites).write(path, encoding="UTF-8", xml_declaration=True)


def main(suite_name):
    """Runs the tests of __main__; exits 0 if all passed (or were skipped), else 1."""
    program = unittest.main(module="__main__", exit=False,
                            testRunner=unittest.TextTestRunner(resultclass=_RecordingResult))
    if os.environ.get("XML_OUTPUT_FILE"):
        write_junit(program.result, os.environ["XML_OUTPUT_FILE"], suite_name)
    raise SystemExit(0 if program.result.wasSuccessful() else 1)
