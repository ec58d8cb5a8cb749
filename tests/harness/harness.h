// Test harness for end-to-end tests that drive the real `hull` binary against real containers.
// Tests using it need `tags = ["no-sandbox"]` and data = ["//cli:hull"] (root, real mounts and
// cgroups). It checks hull independently of hull's own code: the kernel's state is read with libc
// and /proc, hull's JSON with simdjson, and nothing of //base, //sys or //container is used.
//
// One include for a test; each part has its own header:
//   command.h     run_command, hull_binary, runfile
//   bundle.h      TempDir, Bundle, Hull, edits:: for Bundle::edit
//   containers.h  unique_id, fresh_id, status_of, ContainerGuard, Running, ContainerIds
//   json.h        json_at and friends over hull's output
//   files.h       read_text, write_text, exists, trimmed, lines_of, lines_with
//   wait.h        wait_for, wait_for_file, wait_for_text
//   host.h        mounts, cgroup dirs, processes and fds of the host
//   processes.h   Spawned, Background
#pragma once

#include "tests/harness/bundle.h"
#include "tests/harness/command.h"
#include "tests/harness/containers.h"
#include "tests/harness/files.h"
#include "tests/harness/host.h"
#include "tests/harness/json.h"
#include "tests/harness/processes.h"
#include "tests/harness/wait.h"
