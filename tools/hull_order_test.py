"""bazel/hull.order, the functions //cli:hull places first (tools/order-symbols), still names the
binary's functions: a profile that has gone stale no longer keeps the hot code together."""

import os
import subprocess
import unittest

from tools import junit_main

_RUNFILES = os.path.join(os.environ.get("TEST_SRCDIR", ""), os.environ.get("TEST_WORKSPACE", ""))


class HullOrderTest(unittest.TestCase):
    def test_most_listed_functions_are_in_hull(self):
        with open(os.path.join(_RUNFILES, "bazel", "hull.order")) as f:
            listed = [line.strip() for line in f if line.strip()]
        self.assertGreater(len(listed), 100, "bazel/hull.order is (nearly) empty")
        nm = subprocess.run(["nm", os.path.join(_RUNFILES, "cli", "hull")],
                            capture_output=True, text=True, check=True).stdout
        defined = {fields[2] for fields in (line.split() for line in nm.splitlines())
                   if len(fields) == 3}
        missing = [name for name in listed if name not in defined]
        # Functions the compiler inlines at other optimisation levels are missing here, and a
        # few always go with changes of code: only a large share means the list is stale.
        self.assertLess(len(missing), len(listed) // 5,
                        f"{len(missing)} of {len(listed)} functions of bazel/hull.order are not in "
                        f"hull, e.g. {missing[:5]}: regenerate it with tools/order-symbols")


if __name__ == "__main__":
    junit_main.main("hull_order_test")
