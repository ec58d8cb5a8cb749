#!/usr/bin/env bash
# Docker 20.10 (Debian's docker.io) with hull as a runtime: a private dockerd (daemon.json with
# cgroupfs, no bridge, no iptables, `runtimes: {"hull": ...}` and hull as the default runtime) under
# `timeout`, Debian's /usr/bin/docker client, and an image imported from a busybox rootfs tar.
#
# usage: docker_test.sh HULL_BINARY
# Prints one PASS/FAIL line per check; exits 1 if any check failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
engine_init docker "${1:-}" /usr/sbin/dockerd /usr/bin/docker /usr/bin/containerd

# dockerd's own containerd puts shim sockets in /run/containerd/s; dockerd makes /run/docker.
remove_dir_if_new /run/containerd
remove_dir_if_new /run/docker
# dockerd 20.10 writes its libtrust key to /etc/docker/key.json whatever the config says.
[[ -e /etc/docker/key.json ]] || on_cleanup 'rm -f /etc/docker/key.json'
ENGINE_CGROUPS=(hull-engines-docker)
ENGINE_CHAINS=(DOCKER)
D="$WORK/docker"
mkdir -p "$D"
cat >"$D/daemon.json" <<EOF
{
  "data-root": "$D/root",
  "exec-root": "$D/exec",
  "pidfile": "$D/dockerd.pid",
  "hosts": ["unix://$D/docker.sock"],
  "storage-driver": "overlay2",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "bridge": "none",
  "iptables": false,
  "cgroup-parent": "/hull-engines-docker",
  "ip-masq": false,
  "runtimes": {"hull": {"path": "$HULL"}},
  "default-runtime": "hull"
}
EOF
start_daemon dockerd "$D/dockerd.log" dockerd --config-file "$D/daemon.json"
# Debian's 20.10 client: a newer docker earlier in PATH may not talk to this daemon's API.
DOCKER=(/usr/bin/docker -H "unix://$D/docker.sock")
on_cleanup 'ids=$("${DOCKER[@]}" ps -aq 2>/dev/null); [[ -z "$ids" ]] || timeout 60 "${DOCKER[@]}" rm -f $ids >/dev/null 2>&1'
if ! wait_until 60 "${DOCKER[@]}" version; then
  fail "dockerd starts" "$(tail -n 20 "$D/dockerd.log")"
  engine_finish
fi
pass "dockerd starts"

RUN=("${DOCKER[@]}" run --runtime hull)
IMG=busybox:local
make_rootfs_tar "$WORK/busybox-rootfs.tar"
check "docker import" "${DOCKER[@]}" import --change 'CMD ["/bin/sh"]' "$WORK/busybox-rootfs.tar" "$IMG"

# docker info runs `<default runtime> --version` and reads its `commit:` line.
want_commit="$("$HULL" --version | sed -n 's/^commit: *//p')"
run_cmd "${DOCKER[@]}" info --format '{{.DefaultRuntime}} {{.RuncCommit.ID}}'
check_eq "docker info: default runtime hull, commit from hull --version" "hull ${want_commit:-<none>}" "$OUT"

run_cmd "${RUN[@]}" --rm "$IMG" echo hello from hull
check_eq "run + echo" "hello from hull" "$OUT"

check_rc "exit code 42 passed back" 42 "${RUN[@]}" --rm "$IMG" sh -c 'exit 42'

run_cmd "${RUN[@]}" --rm "$IMG" /nonexistent
check_eq "missing executable: exit 127" 127 "$RC"
check_contains "missing executable: hull's error in docker's message" "$MISSING_EXE_MSG" "$OUT"

run_cmd "${RUN[@]}" --rm -t "$IMG" tty
check_contains "run -t gets a pty" "/dev/pts/" "$OUT"

run_cmd sh -c "echo piped | $(printf '%q ' "${RUN[@]}") --rm -i $IMG cat"
check_eq "run -i: stdin reaches the container" "piped" "$OUT"

check "run -d" "${RUN[@]}" -d --name t1 "$IMG" sh -c "$TICKER"
inspect() { timeout "$CMD_TIMEOUT" "${DOCKER[@]}" inspect -f "$1" "$2" 2>/dev/null; }
is_state() { [[ "$(inspect '{{.State.Status}}' "$1")" == "$2" ]]; }
if wait_until 10 is_state t1 running; then pass "t1 running"; else fail "t1 running (is '$(inspect '{{.State.Status}}' t1)')"; fi
init_pid="$(inspect '{{.State.Pid}}' t1)"

run_cmd "${DOCKER[@]}" exec t1 sh -c 'echo in-exec; exit 7'
check_eq "exec: exit code 7 passed back" 7 "$RC"
check_contains "exec: output" "in-exec" "$OUT"

run_cmd "${DOCKER[@]}" exec -t t1 tty
check_contains "exec -t gets a pty" "/dev/pts/" "$OUT"

run_cmd "${DOCKER[@]}" exec -u 65534 -w /tmp -e FOO=bar t1 sh -c 'echo $(id -u) $(pwd) $FOO'
check_eq "exec -u -w -e" "65534 /tmp bar" "$OUT"

run_cmd "${DOCKER[@]}" top t1
if ((RC == 0)) && grep -qw "$init_pid" <<<"$OUT"; then
  pass "top (runtime ps --format json) lists init $init_pid"
else
  fail "top lists init '$init_pid'" "$OUT"
fi

run_cmd "${DOCKER[@]}" logs t1
check_contains "logs" "started" "$OUT"

check "pause" "${DOCKER[@]}" pause t1
check_eq "paused: state" paused "$(inspect '{{.State.Status}}' t1)"
check_eq "paused: freezer.state FROZEN" FROZEN "$(cat "$(cgroup_file "$init_pid" freezer freezer.state)" 2>/dev/null)"
check "unpause" "${DOCKER[@]}" unpause t1
check_eq "unpaused: state" running "$(inspect '{{.State.Status}}' t1)"

run_cmd "${DOCKER[@]}" stats --no-stream --format '{{.MemUsage}}' t1
if ((RC == 0)) && [[ "$OUT" == *B\ /\ *B* ]]; then pass "stats: memory usage '$OUT'"; else fail "stats" "$OUT"; fi

check "update --memory 64m --memory-swap 128m" "${DOCKER[@]}" update --memory 64m --memory-swap 128m t1
check_eq "update: memory.limit_in_bytes" 67108864 \
  "$(cat "$(cgroup_file "$init_pid" memory memory.limit_in_bytes)" 2>/dev/null)"
check_eq "update: docker inspect Memory" 67108864 "$(inspect '{{.HostConfig.Memory}}' t1)"

check "stop (SIGTERM)" "${DOCKER[@]}" stop -t 10 t1
check_eq "stopped: exit code 0 from the TERM trap" "exited 0" \
  "$(inspect '{{.State.Status}} {{.State.ExitCode}}' t1)"
check "start again" "${DOCKER[@]}" start t1
if wait_until 10 is_state t1 running; then pass "t1 running again"; else fail "t1 running again"; fi
check "rm -f" "${DOCKER[@]}" rm -f t1

check_rc "OOM: killed (exit 137)" 137 "${RUN[@]}" --name oom1 -m 16m --memory-swap 16m "$IMG" \
  sh -c "$MEMORY_HOG"
check_eq "OOM: inspect .State.OOMKilled" true "$(inspect '{{.State.OOMKilled}}' oom1)"
check "rm oom1" "${DOCKER[@]}" rm oom1

left="$(ls -A "$D/exec/runtime-runc/moby" 2>/dev/null)"
check_eq "no hull state left behind" "" "$left"
engine_finish
