# A small JUnit writer for the guest's shell tests (sourced; bash). Each case is
#   t_begin NAME; t_run DESC CMD...; t_eq DESC WANT GOT; t_end
# and junit_finish writes $HULL_JUNIT (tools/vm counts it) and exits 1 if a case failed.
_junit_cases=()
_junit_failed_cases=0
_junit_case=""
_junit_msgs=""

_junit_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }

t_begin() {
  _junit_case="$1"
  _junit_msgs=""
  _junit_start=$(date +%s)
  echo "[ RUN      ] $1"
}

_t_fail() {
  _junit_msgs+="$1"$'\n'
  echo "  FAILED: $1"
}

# Runs CMD; it must exit 0. Its output is kept in $T_OUT for later checks.
t_run() {
  local desc="$1"
  shift
  T_OUT="$("$@" 2>&1)"
  local rc=$?
  (( rc == 0 )) || _t_fail "$desc: exit status $rc: $(tail -c 600 <<<"$T_OUT")"
  return $rc
}

# Runs CMD; it must fail.
t_fails() {
  local desc="$1"
  shift
  T_OUT="$("$@" 2>&1)"
  local rc=$?
  (( rc != 0 )) || _t_fail "$desc: succeeded but should have failed: $(tail -c 600 <<<"$T_OUT")"
}

t_eq() {
  [[ "$2" == "$3" ]] || _t_fail "$1: expected \"$2\", got \"$3\""
}

t_contains() {
  [[ "$3" == *"$2"* ]] || _t_fail "$1: \"$2\" not in \"$(tail -c 600 <<<"$3")\""
}

t_end() {
  local secs=$(( $(date +%s) - _junit_start ))
  local xml="<testcase classname=\"$JUNIT_SUITE\" name=\"$_junit_case\" time=\"$secs\""
  if [[ -n "$_junit_msgs" ]]; then
    _junit_failed_cases=$((_junit_failed_cases + 1))
    xml+="><failure message=\"failed\">$(_junit_escape <<<"$_junit_msgs")</failure></testcase>"
    echo "[  FAILED  ] $_junit_case ($secs s)"
  else
    xml+="/>"
    echo "[       OK ] $_junit_case ($secs s)"
  fi
  _junit_cases+=("$xml")
}

junit_finish() {
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"$JUNIT_SUITE\" tests=\"${#_junit_cases[@]}\"" \
      "failures=\"$_junit_failed_cases\">"
    printf '%s\n' "${_junit_cases[@]}"
    echo "</testsuite></testsuites>"
  } >"${HULL_JUNIT:?HULL_JUNIT is not set}"
  (( _junit_failed_cases == 0 ))
}

# A busybox root filesystem in $1.
make_busybox_rootfs() {
  local r="$1" applet
  mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/etc" "$r/root"
  cp /bin/busybox "$r/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [[ "$applet" == busybox ]] || ln -sf busybox "$r/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$r/etc/passwd"
  echo "root:x:0:" >"$r/etc/group"
}
