#!/usr/bin/env bash
# containerd 1.6 + ctr with hull as the runc-v2 shim's runtime binary (`--runc-binary`, the shim
# option `BinaryName` that docs/ENGINES.md configures for Kubernetes). A private daemon (own
# config.toml, CRI disabled) under `timeout`; an OCI archive built offline by oci_image.py.
#
# usage: containerd_test.sh HULL_BINARY
# Prints one PASS/FAIL line per check; exits 1 if any check failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
engine_init containerd "${1:-}" /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2 \
  /usr/bin/script

# The shim's sockets (/run/containerd/s) and ctr's fifos (/run/containerd/fifo) are hard-wired.
remove_dir_if_new /run/containerd
C="$WORK/containerd"
mkdir -p "$C"
cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
[debug]
  level = "info"
EOF
start_daemon containerd "$C/containerd.log" containerd --config "$C/config.toml"
# A namespace of its own: cgroupsPath is /<namespace>/<id>, the runtime root <runc-root>/<namespace>.
NS=hull-engines
ENGINE_CGROUPS=("$NS")
CTR=(ctr -a "$C/containerd.sock" -n "$NS")
# ctr exits when a container is done; remove ours before the daemon stops, so no shim outlives it.
on_cleanup 'for id in $("${CTR[@]}" container ls -q 2>/dev/null); do
  "${CTR[@]}" task kill -s SIGKILL "$id" >/dev/null 2>&1; sleep 0.5
  "${CTR[@]}" task rm -f "$id" >/dev/null 2>&1; "${CTR[@]}" container rm "$id" >/dev/null 2>&1; done'
if ! wait_until 30 "${CTR[@]}" version; then
  fail "containerd starts" "$(tail -n 20 "$C/containerd.log")"
  engine_finish
fi
pass "containerd starts"

# hull through the runc-v2 shim; its state goes to a private root (<root>/hull-engines/<id>).
RUN=("${CTR[@]}" run --runtime io.containerd.runc.v2 --runc-binary "$HULL" --runc-root "$WORK/hull-root")
IMG=docker.io/library/busybox:local

make_rootfs_tar "$WORK/busybox-rootfs.tar"
check "build OCI archive offline" python3 "$(dirname "${BASH_SOURCE[0]}")/oci_image.py" \
  "$WORK/busybox-rootfs.tar" "$WORK/busybox-image.tar" busybox:local
check "ctr image import" "${CTR[@]}" image import "$WORK/busybox-image.tar"

run_cmd "${RUN[@]}" --rm "$IMG" r1 echo hello from hull
check_eq "run + echo" "hello from hull" "$OUT"

check_rc "exit code 42 passed back" 42 "${RUN[@]}" --rm "$IMG" r2 sh -c 'exit 42'

run_cmd "${RUN[@]}" --rm "$IMG" n1 /nonexistent
if ((RC != 0)); then
  check_contains "missing executable: hull's error in ctr's message" "$MISSING_EXE_MSG" "$OUT"
else
  fail "missing executable fails the run" "$OUT"
fi
"${CTR[@]}" container rm n1 >/dev/null 2>&1

run_cmd script -qec "$(printf '%q ' "${RUN[@]}" --rm -t "$IMG" r3 tty)" /dev/null
check_contains "run -t gets a pty" "/dev/pts/" "$OUT"

# Events in the background: the OOM check reads /tasks/oom from them.
timeout 600 "${CTR[@]}" events >"$C/events.log" 2>&1 &
events_pid=$!
on_cleanup "kill $events_pid 2>/dev/null"

check "run -d with a log file" "${RUN[@]}" -d --log-uri "file://$C/t1.log" "$IMG" t1 sh -c "$TICKER"
task_status() { timeout "$CMD_TIMEOUT" "${CTR[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
is_status() { [[ "$(task_status "$1")" == "$2" ]]; }
if wait_until 10 is_status t1 RUNNING; then pass "task t1 RUNNING"; else fail "task t1 RUNNING (is '$(task_status t1)')"; fi

run_cmd "${CTR[@]}" task exec --exec-id e1 t1 sh -c 'echo in-exec; exit 7'
check_eq "exec: exit code 7 passed back" 7 "$RC"
check_contains "exec: output" "in-exec" "$OUT"

run_cmd script -qec "$(printf '%q ' "${CTR[@]}" task exec -t --exec-id e2 t1 tty)" /dev/null
check_contains "exec -t gets a pty" "/dev/pts/" "$OUT"

run_cmd "${CTR[@]}" task ps t1
init_pid="$("${CTR[@]}" task ls 2>/dev/null | awk '$1 == "t1" { print $2 }')"
if ((RC == 0)) && [[ -n "$init_pid" ]] && grep -qw "$init_pid" <<<"$OUT"; then
  pass "task ps (runtime ps --format json) lists init $init_pid"
else
  fail "task ps lists init '$init_pid'" "$OUT"
fi

check "task pause" "${CTR[@]}" task pause t1
if wait_until 5 is_status t1 PAUSED; then pass "task t1 PAUSED"; else fail "task t1 PAUSED (is '$(task_status t1)')"; fi
freezer="$(cgroup_file "$init_pid" freezer freezer.state)"
check_eq "paused: freezer.state FROZEN" FROZEN "$(cat "$freezer" 2>/dev/null)"
check "task resume" "${CTR[@]}" task resume t1
if wait_until 5 is_status t1 RUNNING; then pass "task t1 RUNNING again"; else fail "task t1 RUNNING again (is '$(task_status t1)')"; fi

run_cmd "${CTR[@]}" task metrics t1
check_contains "task metrics: memory usage" "memory.usage_in_bytes" "$OUT"

ticks_logged() { grep -q "tick 3" "$C/t1.log"; }
if wait_until 5 ticks_logged && grep -q started "$C/t1.log"; then pass "logs (log-uri file)"; else fail "logs (log-uri file)" "$(cat "$C/t1.log" 2>/dev/null)"; fi

check "task kill (SIGTERM)" "${CTR[@]}" task kill t1
if wait_until 10 is_status t1 STOPPED; then pass "task t1 STOPPED after SIGTERM"; else fail "task t1 STOPPED after SIGTERM (is '$(task_status t1)')"; fi
check "task rm (runtime delete, then delete --force)" "${CTR[@]}" task rm t1
check "container rm" "${CTR[@]}" container rm t1

check "run -d for kill -a" "${RUN[@]}" -d --null-io "$IMG" t2 sh -c 'sleep 100 & sleep 100 & wait'
wait_until 10 is_status t2 RUNNING
check "task kill -a -s SIGKILL" "${CTR[@]}" task kill -a -s SIGKILL t2
if wait_until 10 is_status t2 STOPPED; then pass "task t2 STOPPED after SIGKILL to all"; else fail "task t2 STOPPED (is '$(task_status t2)')"; fi
check "task rm + container rm" sh -c "$(printf '%q ' "${CTR[@]}") task rm t2 && $(printf '%q ' "${CTR[@]}") container rm t2"

check_rc "OOM: killed by the kernel (exit 137)" 137 "${RUN[@]}" --rm --memory-limit 16777216 "$IMG" oom1 \
  sh -c "$MEMORY_HOG"
oom_seen() { grep -q "/tasks/oom" "$C/events.log"; }
if wait_until 5 oom_seen; then pass "OOM: /tasks/oom event"; else fail "OOM: /tasks/oom event" "$(cat "$C/events.log")"; fi

left="$(ls -A "$WORK/hull-root/$NS" 2>/dev/null)"
check_eq "no hull state left behind" "" "$left"
engine_finish
