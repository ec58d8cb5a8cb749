# shellcheck shell=bash
# Shared pieces of the engine tests (podman_test.sh, containerd_test.sh, docker_test.sh): one
# private work folder per run, one "PASS|FAIL <check>" line per check, the offline busybox image,
# and cleanup that undoes what a daemon left behind (processes, mounts, cgroups, iptables chains).
#
# A test script sources this file, calls `engine_init NAME HULL`, runs `check`/`check_eq`/
# `check_contains`, and ends with `engine_finish` (exit 1 if any check failed).
set -uo pipefail
# Bazel runs tests with a minimal PATH; the engines live in /usr/sbin and /usr/bin.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Every engine client call is bounded so a hang fails the check instead of the whole test.
CMD_TIMEOUT=${CMD_TIMEOUT:-45}
# After this many timed-out commands the runtime is taken to hang and the test stops early.
MAX_TIMEOUTS=3
N_TIMEOUTS=0

ENGINE_NAME=""
HULL=""
WORK=""
N_PASS=0
N_FAIL=0
CLEANUPS=()
ENGINE_CGROUPS=()  # top-level cgroups the engine creates (set by the test script)
ENGINE_CHAINS=()   # iptables chain prefixes the engine may add
CGROUP_PARENTS_BEFORE=""
IPTABLES_BEFORE=""
START_SECONDS=$SECONDS

die() {
  echo "FATAL $ENGINE_NAME: $*" >&2
  exit 1
}

# engine_init NAME HULL [PROGRAM...]: checks that HULL and the engine programs exist, makes $WORK.
engine_init() {
  ENGINE_NAME="$1"
  HULL="$(readlink -f "$2" 2>/dev/null || true)"
  shift 2
  [[ $EUID -eq 0 ]] || die "needs root (engines run containers as root)"
  [[ -n "$HULL" && -x "$HULL" ]] || die "hull binary not executable: $HULL"
  local p
  for p in "$@"; do
    [[ -x "$p" ]] || die "$p is missing: run tools/setup --engines"
  done
  # Short path: unix sockets (daemon, shims, exec.sock) live under it and sun_path has 108 bytes.
  WORK="$(mktemp -d "/tmp/hull-$ENGINE_NAME.XXXXXX")" || die "mktemp failed"
  chmod 755 "$WORK"
  CGROUP_PARENTS_BEFORE="$(ls -p /sys/fs/cgroup/*/ 2>/dev/null | sort -u)"
  IPTABLES_BEFORE="$(iptables_chains)"
  trap engine_cleanup EXIT
  echo "== $ENGINE_NAME with hull $HULL ($("$HULL" --version | head -n 1)); work dir $WORK"
}

# remove_dir_if_new DIR [FILE...]: DIR (e.g. /run/containerd, hard-wired in the shim) does not
# exist now; at exit the FILEs (relative to DIR) and then DIR's empty directories are removed.
# Anything else left there is reported, not deleted.
remove_dir_if_new() {
  local dir="$1" f files=""
  shift
  [[ -e "$dir" ]] && return 0
  for f in "$@"; do files+=" $dir/$f"; done
  on_cleanup "rm -f $files; find $dir -depth -type d -empty -delete 2>/dev/null; [[ ! -e $dir ]] || echo \"cleanup: $dir not empty, left\" >&2"
}

# on_cleanup CMD...: runs CMD (as one eval'd string) at exit, most recent first.
on_cleanup() { CLEANUPS=("$*" "${CLEANUPS[@]}"); }

pass() {
  N_PASS=$((N_PASS + 1))
  echo "PASS $ENGINE_NAME: $1"
}

fail() {
  N_FAIL=$((N_FAIL + 1))
  echo "FAIL $ENGINE_NAME: $1"
  if [[ -n "${2:-}" ]]; then
    printf '%s\n' "$2" | tail -n 15 | sed 's/^/    | /'
  fi
}

# run_cmd CMD...: runs CMD bounded by CMD_TIMEOUT; sets OUT (stdout+stderr) and RC.
run_cmd() {
  OUT="$(timeout -k 5 "$CMD_TIMEOUT" "$@" 2>&1 </dev/null)"
  RC=$?
  if ((RC == 124)); then
    N_TIMEOUTS=$((N_TIMEOUTS + 1))
    OUT+="${OUT:+$'\n'}(timed out after $CMD_TIMEOUT s: $*)"
    if ((N_TIMEOUTS >= MAX_TIMEOUTS)); then
      fail "$N_TIMEOUTS commands timed out; giving up" "$OUT"
      engine_finish
    fi
  fi
}

# check NAME CMD...: passes if CMD exits 0.
check() {
  local name="$1"
  shift
  run_cmd "$@"
  if ((RC == 0)); then pass "$name"; else fail "$name (exit $RC: $*)" "$OUT"; fi
}

# check_rc NAME WANT CMD...: passes if CMD exits with status WANT.
check_rc() {
  local name="$1" want="$2"
  shift 2
  run_cmd "$@"
  if ((RC == want)); then pass "$name"; else fail "$name (exit $RC, want $want: $*)" "$OUT"; fi
}

# check_eq NAME WANT GOT
check_eq() {
  if [[ "$3" == "$2" ]]; then pass "$1"; else fail "$1 (got '$3', want '$2')"; fi
}

# check_contains NAME NEEDLE HAYSTACK
check_contains() {
  if [[ "$3" == *"$2"* ]]; then pass "$1"; else fail "$1 (output lacks '$2')" "$3"; fi
}

# wait_until SECONDS CMD...: polls CMD every 0.2 s; 0 once it succeeds, 1 on timeout.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  "$@" >/dev/null 2>&1
}

# start_daemon NAME LOG CMD...: starts CMD in its own session under `timeout`, records its pid.
start_daemon() {
  local name="$1" log="$2"
  shift 2
  setsid timeout -k 10 1200 "$@" >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$WORK/$name.pid"
  on_cleanup "stop_pid $pid $name"
}

# stop_pid PID NAME: TERM, wait up to 20 s, then KILL the pid (the `timeout` wrapper passes TERM on).
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "cleanup: $2 (pid $pid) ignored SIGTERM; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# pids_mentioning TEXT: pids whose command line contains TEXT (our unique work dir), e.g. shims.
pids_mentioning() {
  local d
  for d in /proc/[0-9]*; do
    [[ "${d#/proc/}" == "$$" ]] && continue
    { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -qF -- "$1" && echo "${d#/proc/}"
  done
}

# kill_leftovers: processes started for this run that outlived their daemon (shims, conmon).
kill_leftovers() {
  local pid
  for pid in $(pids_mentioning "$WORK"); do
    echo "cleanup: killing leftover pid $pid: $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)" >&2
    kill -KILL "$pid" 2>/dev/null || true
  done
}

# umount_under DIR: unmounts every mount at or below DIR, deepest first.
umount_under() {
  local m
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
    sort -r | while read -r m; do
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "cleanup: cannot unmount $m" >&2
    done
}

# remove_new_cgroups NAME...: removes, if this run created them and they are empty now, the
# top-level cgroups NAME (the engine's parents, e.g. libpod_parent) in every hierarchy. Only the
# engine's own names: tests running at the same time must not lose each other's cgroups.
remove_new_cgroups() {
  local name base
  for name in "$@"; do
    grep -qx "$name/" <<<"$CGROUP_PARENTS_BEFORE" && continue
    for base in /sys/fs/cgroup/*/; do
      [[ -d "$base$name" ]] || continue
      # Children first (e.g. libpod_parent/conmon), then the parent; rmdir refuses busy ones.
      find "$base$name" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null
      rmdir "$base$name" 2>/dev/null || echo "cleanup: cgroup $base$name not empty, left" >&2
    done
  done
}

iptables_chains() {
  local t
  command -v iptables >/dev/null || return 0
  for t in filter nat; do
    iptables -w -t "$t" -S 2>/dev/null | awk -v t="$t" '$1 == "-N" { print t, $2 }'
  done
}

# remove_new_iptables_chains PREFIX...: chains named PREFIX* (DOCKER, NETAVARK...) this run's
# daemon added, with the rules jumping to them.
remove_new_iptables_chains() {
  local t c rule p ours
  comm -13 <(echo "$IPTABLES_BEFORE" | sort) <(iptables_chains | sort) | while read -r t c; do
    [[ -n "$c" ]] || continue
    ours=0
    for p in "$@"; do [[ "$c" == "$p"* ]] && ours=1; done
    ((ours)) || continue
    iptables -w -t "$t" -S | grep -E -- "-j $c( |\$)" | sed 's/^-A /-D /' | while read -r rule; do
      eval "iptables -w -t $t $rule" 2>/dev/null
    done
    iptables -w -t "$t" -F "$c" 2>/dev/null
    iptables -w -t "$t" -X "$c" 2>/dev/null || echo "cleanup: cannot remove iptables chain $t/$c" >&2
  done
}

engine_cleanup() {
  local c
  set +e
  for c in "${CLEANUPS[@]}"; do eval "$c"; done
  kill_leftovers
  umount_under "$WORK"
  remove_new_cgroups "${ENGINE_CGROUPS[@]}"
  remove_new_iptables_chains "${ENGINE_CHAINS[@]}"
  if [[ -n "${KEEP_WORK:-}" ]]; then
    echo "cleanup: kept $WORK" >&2
  else
    rm -rf "$WORK" 2>/dev/null || echo "cleanup: cannot remove $WORK" >&2
  fi
}

engine_finish() {
  echo "== $ENGINE_NAME: $N_PASS passed, $N_FAIL failed ($((SECONDS - START_SECONDS)) s)"
  ((N_FAIL == 0 && N_PASS > 0))
  exit $?
}

# make_rootfs_tar OUT: the busybox rootfs of ENGINES.md as a tar (busybox-static, passwd, group).
make_rootfs_tar() {
  local r="$WORK/rootfs" a
  local busybox
  busybox="$(command -v busybox)" || die "busybox not found: run tools/setup"
  mkdir -p "$r/bin" "$r/etc" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root" "$r/usr"
  chmod 1777 "$r/tmp"
  cp "$busybox" "$r/bin/busybox"
  for a in $("$busybox" --list); do
    [[ "$a" == busybox ]] || ln -sf busybox "$r/bin/$a"
  done
  ln -sfn ../bin "$r/usr/bin"
  ln -sfn bin "$r/sbin"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  tar --numeric-owner -C "$r" -cf "$1" . || die "tar of the busybox rootfs failed"
  rm -rf "$r"
}

# cgroup_file PID CONTROLLER FILE: the host path of FILE in PID's v1 CONTROLLER cgroup.
cgroup_file() {
  local rel
  rel="$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    "/proc/$1/cgroup")"
  echo "/sys/fs/cgroup/$2$rel/$3"
}

# The long-running container command: prints ticks, exits 0 on SIGTERM (pid 1 ignores signals
# without a handler).
TICKER='trap "exit 0" TERM; echo started; i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done'
# Allocates without bound (busybox tail buffers /dev/zero, which has no newline).
MEMORY_HOG='tail /dev/zero'
# hull's wording for a missing executable (runc's, too).
MISSING_EXE_MSG='exec: "/nonexistent": stat /nonexistent: no such file or directory'
