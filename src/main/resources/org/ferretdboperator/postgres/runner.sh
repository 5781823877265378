#!/usr/bin/env bash
# Runner of the postgres container. It executes the PostgreSQL programs that pg-coordinator requests through the
# shared control directory, and nothing else; the coordinator decides, this loop only carries out.
#
# Protocol (the Java side documents the same in org.ferretdboperator.contract.PodContract):
#   requests/<id>.cmd      one invocation as NUL-separated argv, program name first; the coordinator writes
#                          <id>.cmd.tmp and renames it, so a request is never seen half-written
#   requests/<id>.running  the claim while it runs; a claim left by a dead runner is answered with 137, never re-run
#   responses/<id>.out     the last 64 KiB of combined stdout/stderr (atomic rename)
#   responses/<id>.rc      the exit code, written last (atomic rename); 126 = refused
#   requests/<id>.cancel   the coordinator gave up on <id> (timeout, lost Lease): a running program gets SIGTERM, and
#                          SIGKILL after CANCEL_GRACE_SECONDS; it is still answered (.out/.rc), then the file removed.
#                          A request not yet claimed is withdrawn by the coordinator itself (it deletes <id>.cmd).
# Requests run one at a time in lexical order of their ids. Program names must be in ALLOWED_PROGRAMS, resolved on
# PATH (the PostgreSQL bin dir first), stdin /dev/null, working directory the control directory.
#
# Dead-man's switch: primary-heartbeat is rewritten (new content) by the coordinator after every Lease renew while its
# PostgreSQL is primary, and deleted when it stops being primary. When its content has not changed for
# RENEW_DEADLINE_MS, on this runner's own clock, while a postmaster runs on PGDATA without standby.signal, the
# coordinator is frozen or gone while PostgreSQL still takes writes: the runner stops it at once (SIGQUIT: immediate
# shutdown, every session cut), as the coordinator's own fencing would, so it cannot go on acknowledging writes once
# a standby may take the Lease over. Off when RENEW_DEADLINE_MS or PGDATA is unset.
#
# Usage: runner.sh          the loop (the container's command)
#        runner.sh --alive  exit 0 if the loop turned within ALIVE_WITHIN_SECONDS (the liveness probe)
#
# The loop polls every 50 ms with bash's own read timeout, so an idle runner forks no process at all; inotifywait is
# not in the official images, and polling a glob has no lost-wakeup race to handle.

CONTROL_DIR="${PG_CONTROL_DIR:-/var/run/pg-control}"
REQUESTS="$CONTROL_DIR/requests"
RESPONSES="$CONTROL_DIR/responses"
HEARTBEAT="$CONTROL_DIR/runner.heartbeat"
PRIMARY_HEARTBEAT="$CONTROL_DIR/primary-heartbeat"
LOG_LINK="$CONTROL_DIR/server.log"
SERVER_LIBRARIES="$CONTROL_DIR/server-libraries"
OUTPUT_LIMIT=65536
POLL_SECONDS=0.05
ALIVE_WITHIN_SECONDS=30
RC_REFUSED=126
RC_INTERRUPTED=137
CANCEL_GRACE_SECONDS=5
ALLOWED_PROGRAMS=(initdb pg_ctl pg_basebackup pg_rewind pg_controldata postgres)
ID_PATTERN='^[A-Za-z0-9][A-Za-z0-9._-]*$'

now() {
  printf -v NOW '%(%s)T' -1
}

if [[ "${1:-}" == "--alive" ]]; then
  for _ in 1 2; do
    last=""
    read -r last < "$HEARTBEAT" 2>/dev/null
    if [[ "$last" =~ ^[0-9]+$ ]]; then
      now
      (( NOW - last < ALIVE_WITHIN_SECONDS ))
      exit
    fi
    sleep 0.2 # the runner may be rewriting the file at this very moment
  done
  exit 1
fi

if [[ -n "${PG_BIN:-}" ]]; then
  PATH="$PG_BIN:$PATH"
elif [[ -n "${PG_MAJOR:-}" && -d "/usr/lib/postgresql/$PG_MAJOR/bin" ]]; then
  PATH="/usr/lib/postgresql/$PG_MAJOR/bin:$PATH"
fi
export PATH

umask 077
shopt -s nullglob
if ! mkdir -p "$REQUESTS" "$RESPONSES"; then
  echo "runner: cannot create $REQUESTS and $RESPONSES; is the control volume mounted writable?" >&2
  exit 1
fi
# pg_ctl start -l <this link> sends the server log to the container log.
ln -sfn "/proc/$$/fd/1" "$LOG_LINK"

# The libraries this image's PostgreSQL can load, for the coordinator to check before it preloads any (once: an
# image does not change under a running container).
if libdir=$(pg_config --pkglibdir 2>/dev/null) && [[ -d "$libdir" ]]; then
  libraries=("$libdir"/*)
  printf '%s\n' "${libraries[@]##*/}" > "$SERVER_LIBRARIES.tmp" && mv -f -- "$SERVER_LIBRARIES.tmp" "$SERVER_LIBRARIES"
else
  echo "runner: pg_config --pkglibdir failed; the coordinator cannot check which server libraries this image has" >&2
fi

# A read-write fd on a pipe nobody writes to: read -t on it is a sleep without a fork. (The braces keep the
# 2>/dev/null from becoming permanent as exec's own redirections do.)
if { exec {NAP_FD}<> <(:); } 2>/dev/null; then
  nap() { read -r -t "$POLL_SECONDS" -u "$NAP_FD" _; }
else
  exec {NAP_FD}</dev/null
  nap() { sleep "$POLL_SECONDS"; }
fi

LAST_BEAT=0
beat() {
  now
  if (( NOW != LAST_BEAT )); then
    printf '%s\n' "$NOW" > "$HEARTBEAT" && LAST_BEAT=$NOW
  fi
}

# Milliseconds since boot, from /proc/uptime (centiseconds; a monotonic clock, read without a fork).
uptime_ms() {
  local up=""
  read -r up _ < /proc/uptime
  up=${up/./}
  UPTIME_MS=$(( 10#${up:-0} * 10 ))
}

# Whether pid $1 is a postmaster: a live process named postgres. postmaster.pid outlives a postmaster that died with its
# container or node, and in the pod's shared process namespace its pid may by then be another container's program
# (the coordinator's JVM, which a SIGQUIT makes print a thread dump: it was signalled every turn of this loop).
is_postgres_process() {
  local comm=""
  [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null || return 1
  read -r comm < "/proc/$1/comm" 2>/dev/null
  [[ "$comm" == postgres ]]
}

PRIMARY_SEEN=$'\x01'   # the heartbeat content last seen (\x01: none yet)
PRIMARY_CHANGED_MS=0
PRIMARY_FENCED_PID=""
# The dead-man's switch (see the header); runs every turn of the loop, also while a request runs.
watch_primary() {
  [[ "${RENEW_DEADLINE_MS:-}" =~ ^[0-9]+$ && -n "${PGDATA:-}" ]] || return 0
  local content="" pid=""
  uptime_ms
  if [[ ! -e "$PRIMARY_HEARTBEAT" ]]; then
    PRIMARY_SEEN=$'\x01'
    return 0
  fi
  read -r content < "$PRIMARY_HEARTBEAT" 2>/dev/null
  if [[ "$content" != "$PRIMARY_SEEN" ]]; then
    PRIMARY_SEEN=$content
    PRIMARY_CHANGED_MS=$UPTIME_MS
    return 0
  fi
  (( UPTIME_MS - PRIMARY_CHANGED_MS > RENEW_DEADLINE_MS )) || return 0
  [[ -e "$PGDATA/standby.signal" ]] && return 0
  read -r pid < "$PGDATA/postmaster.pid" 2>/dev/null
  is_postgres_process "$pid" || return 0
  if [[ "$pid" != "$PRIMARY_FENCED_PID" ]]; then
    echo "runner: primary heartbeat unchanged for $(( UPTIME_MS - PRIMARY_CHANGED_MS )) ms (renew deadline" \
      "$RENEW_DEADLINE_MS ms): immediate shutdown of PostgreSQL (postmaster $pid)"
    PRIMARY_FENCED_PID=$pid
  fi
  kill -QUIT "$pid" 2>/dev/null
}

# Publishes <id>.out, then <id>.rc, each by atomic rename.
publish() {
  local id=$1 rc=$2 output=$3
  if ! mv -f -- "$output" "$RESPONSES/$id.out"; then
    echo "runner: $id: cannot write its output" >&2
  fi
  if ! { printf '%s\n' "$rc" > "$RESPONSES/$id.rc.tmp" && mv -f -- "$RESPONSES/$id.rc.tmp" "$RESPONSES/$id.rc"; }; then
    echo "runner: $id: cannot write its exit code" >&2
  fi
}

refuse() {
  local id=$1 rc=$2 message=$3
  printf 'runner: %s\n' "$message" > "$RESPONSES/$id.out.tmp"
  publish "$id" "$rc" "$RESPONSES/$id.out.tmp"
  echo "runner: $id: $message" >&2
}

is_allowed() {
  local p
  for p in "${ALLOWED_PROGRAMS[@]}"; do
    [[ "$1" == "$p" ]] && return 0
  done
  return 1
}

# pg_ctl start|restart leave a postmaster behind that keeps its stdout: without -l that is the response file.
starts_server_without_log() {
  local a starts=1
  for a in "$@"; do
    case "$a" in
      start|restart) starts=0 ;;
      -l|-l?*|--log|--log=*) return 1 ;;
    esac
  done
  return $starts
}

postmaster_running() {
  local pid=""
  [[ -n "${PGDATA:-}" && -r "$PGDATA/postmaster.pid" ]] || return 1
  read -r pid < "$PGDATA/postmaster.pid" 2>/dev/null
  is_postgres_process "$pid"
}

run_request() {
  local request=$1 id claim cancel log output size pid rc killed_at
  local -a argv=()
  id=${request##*/}
  id=${id%.cmd}
  if [[ ! "$id" =~ $ID_PATTERN ]]; then
    echo "runner: dropped a request whose id is not a safe file name" >&2
    rm -f -- "$request"
    return
  fi
  claim="$REQUESTS/$id.running"
  cancel="$REQUESTS/$id.cancel"
  if ! mv -f -- "$request" "$claim"; then
    echo "runner: $id: cannot claim the request" >&2
    return
  fi
  mapfile -d '' -t argv < "$claim"
  if (( ${#argv[@]} == 0 )) || ! is_allowed "${argv[0]}"; then
    refuse "$id" "$RC_REFUSED" "refused: program '${argv[0]:-}' is not one of: ${ALLOWED_PROGRAMS[*]}"
  elif [[ "${argv[0]}" == pg_ctl ]] && starts_server_without_log "${argv[@]:1}"; then
    refuse "$id" "$RC_REFUSED" "refused: pg_ctl start/restart needs -l <file> (e.g. -l $LOG_LINK)"
  else
    # Arguments may carry connection strings with passwords: only the program name is logged.
    echo "runner: $id: running ${argv[0]}"
    log="$RESPONSES/$id.log"
    (cd -- "$CONTROL_DIR" && exec "${argv[@]}" {NAP_FD}<&-) < /dev/null > "$log" 2>&1 &
    pid=$!
    # bash reaps the child in its SIGCHLD handler, so kill -0 fails as soon as the program has exited.
    killed_at=""
    while kill -0 "$pid" 2>/dev/null; do
      beat
      watch_primary
      if [[ -e "$cancel" ]]; then
        now
        if [[ -z "$killed_at" ]]; then
          echo "runner: $id: cancelled by the coordinator; stopping ${argv[0]}"
          kill -TERM "$pid" 2>/dev/null
          killed_at=$NOW
        elif (( NOW - killed_at >= CANCEL_GRACE_SECONDS )); then
          kill -KILL "$pid" 2>/dev/null
        fi
      fi
      nap
    done
    wait "$pid"
    rc=$?
    output="$RESPONSES/$id.out.tmp"
    size=$(wc -c < "$log" 2>/dev/null)
    if (( ${size:-0} > OUTPUT_LIMIT )); then
      { printf '[runner: output truncated to its last %d bytes]\n' "$OUTPUT_LIMIT"; tail -c "$OUTPUT_LIMIT" -- "$log"; } > "$output"
    else
      cat -- "$log" > "$output"
    fi
    rm -f -- "$log"
    publish "$id" "$rc" "$output"
    echo "runner: $id: ${argv[0]} exited with $rc"
  fi
  rm -f -- "$claim" "$cancel"
}

# A claim left behind means the runner died while the program ran: answer it, never run it twice.
for claim in "$REQUESTS"/*.running; do
  id=${claim##*/}
  id=${id%.running}
  if [[ "$id" =~ $ID_PATTERN ]]; then
    refuse "$id" "$RC_INTERRUPTED" "interrupted: the runner restarted while this request ran; it was not run again"
    rm -f -- "$RESPONSES/$id.log" "$REQUESTS/$id.cancel"
  fi
  rm -f -- "$claim"
done

TERMINATING=0
trap 'TERMINATING=1' TERM INT
echo "runner: serving requests in $REQUESTS"
while :; do
  beat
  watch_primary
  for request in "$REQUESTS"/*.cmd; do
    run_request "$request"
    beat
  done
  # On shutdown keep serving until the coordinator has stopped PostgreSQL (or the grace period ends).
  if (( TERMINATING )) && ! postmaster_running; then
    echo "runner: no postmaster left; exiting"
    exit 0
  fi
  nap
done
