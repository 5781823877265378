#!/usr/bin/env bash
# Measures the backup tool candidates (pgBackRest, barman-cloud) against a real S3 server (versitygw from
# hack/tools.sh, TLS on loopback, generated credentials) and a real PostgreSQL: WAL archive throughput while a
# pgbench database is loaded, base backup time, restore time (restore + replay to the end of the archive), and whether
# the restored instance, once promoted onto a new timeline, archives that timeline and its history file so that a
# second restore (recovery_target_timeline=latest) sees the writes made after the switch.
# Prints one `result <tool> <key> <value>` line per figure; docs/backup-tools.md quotes them.
#
#   hack/bench-backup-tools.sh [pgbackrest|barman ...]    (as root; needs pgbackrest, a barman venv: BARMAN_VENV)
#   SCALE=20 (pgbench scale, ~300 MB)  PG_BIN_DIR=/usr/lib/postgresql/15/bin  WORK=/tmp/bench-backup-tools
set -euo pipefail

SCALE=${SCALE:-20}
PG_BIN_DIR=${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}
WORK=${WORK:-/tmp/bench-backup-tools}
BARMAN_VENV=${BARMAN_VENV:-/tmp/backup-barman-venv}
PORT_S3=${PORT_S3:-19071}
PORT_PG=${PORT_PG:-25432}
PORT_RESTORED=${PORT_RESTORED:-25433}
HERE=$(cd "$(dirname "$0")" && pwd)

log() { printf '[bench-backup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
result() { printf 'result %s %s %s\n' "$1" "$2" "$3"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

eval "$("$HERE/tools.sh" --print-env versitygw)"
[[ -x ${VERSITYGW:-} ]] || die "versitygw not built (hack/tools.sh versitygw)"
[[ $(id -u) == 0 ]] || die "run as root (PostgreSQL runs as the postgres user)"

as_pg() { runuser -u postgres -- "$@"; }
psql_() { as_pg "$PG_BIN_DIR/psql" -X -q -At -h "$WORK/sock" -p "$1" -d postgres -c "$2"; }

S3_PID=
cleanup() {
  for d in "$WORK/pg/data" "$WORK/pg/restored"; do
    [[ -f $d/postmaster.pid ]] && as_pg "$PG_BIN_DIR/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
  done
  [[ -n $S3_PID ]] && kill "$S3_PID" 2>/dev/null && wait "$S3_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_s3() {
  rm -rf "$WORK" && mkdir -p "$WORK/s3/root/bench" "$WORK/sock" && chmod 755 "$WORK" && chown postgres "$WORK/sock" && install -d -o postgres -m 700 "$WORK/pg"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/s3/key.pem" -out "$WORK/s3/cert.pem" 2>/dev/null
  chmod 644 "$WORK/s3/cert.pem"
  ACCESS_KEY=$(openssl rand -hex 10) SECRET_KEY=$(openssl rand -hex 20)
  # credentials to the server through its environment, to the tools through 0600 files: never on a command line
  ROOT_ACCESS_KEY=$ACCESS_KEY ROOT_SECRET_KEY=$SECRET_KEY "$VERSITYGW" --port "127.0.0.1:$PORT_S3" \
    --cert "$WORK/s3/cert.pem" --key "$WORK/s3/key.pem" posix "$WORK/s3/root" >"$WORK/s3/log" 2>&1 &
  S3_PID=$!
  for _ in $(seq 50); do curl -s -o /dev/null --cacert "$WORK/s3/cert.pem" "https://127.0.0.1:$PORT_S3/" && return; sleep 0.2; done
  die "versitygw did not start: $(cat "$WORK/s3/log")"
}

# configure_tool <tool>: ARCHIVE_COMMAND, RESTORE_COMMAND, backup_cmd, restore_cmd
configure_tool() {
  case $1 in
    pgbackrest)
      install -o postgres -m 600 /dev/null "$WORK/pgbackrest.conf"
      cat >"$WORK/pgbackrest.conf" <<EOF
[global]
repo1-type=s3
repo1-s3-endpoint=localhost
repo1-storage-port=$PORT_S3
repo1-s3-uri-style=path
repo1-s3-bucket=bench
repo1-s3-region=us-east-1
repo1-s3-key=$ACCESS_KEY
repo1-s3-key-secret=$SECRET_KEY
repo1-storage-ca-file=$WORK/s3/cert.pem
repo1-path=/pgbackrest
compress-type=lz4
process-max=${PROCESS_MAX:-2}
log-level-console=warn
log-level-file=off
lock-path=$WORK/sock
spool-path=$WORK/sock

[bench]
pg1-path=$WORK/pg/data
pg1-socket-path=$WORK/sock
pg1-port=$PORT_PG
EOF
      local pgb="pgbackrest --config=$WORK/pgbackrest.conf --stanza=bench"
      # the data directory is part of the command: a restored copy archives under its own path
      ARCHIVE_COMMAND="$pgb --pg1-path=$WORK/pg/data archive-push %p"
      RESTORE_COMMAND="$pgb archive-get %f \"%p\""
      backup_cmd() { as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench stanza-create >/dev/null 2>&1 || true
        as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench --type=full --start-fast backup; }
      restore_cmd() { as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench --pg1-path="$1" \
        --type=default --target-timeline=latest restore; }
      verify_cmd() { as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench verify; }
      history_in_store() { find "$WORK/s3/root/bench/pgbackrest/archive" -name "$1" | grep -q .; }
      ;;
    barman)
      install -o postgres -m 600 /dev/null "$WORK/aws-credentials"
      printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$ACCESS_KEY" "$SECRET_KEY" >"$WORK/aws-credentials"
      # boto3 reads the credentials from this file and the CA from this bundle; the env names files, not secrets
      local env="AWS_SHARED_CREDENTIALS_FILE=$WORK/aws-credentials AWS_CA_BUNDLE=$WORK/s3/cert.pem AWS_DEFAULT_REGION=us-east-1"
      local url="--endpoint-url https://127.0.0.1:$PORT_S3 s3://bench/barman bench"
      ARCHIVE_COMMAND="env $env $BARMAN_VENV/bin/barman-cloud-wal-archive --snappy $url %p"
      RESTORE_COMMAND="env $env $BARMAN_VENV/bin/barman-cloud-wal-restore $url %f %p"
      backup_cmd() { as_pg env AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" AWS_CA_BUNDLE="$WORK/s3/cert.pem" \
        AWS_DEFAULT_REGION=us-east-1 "$BARMAN_VENV/bin/barman-cloud-backup" --snappy --immediate-checkpoint -J "${PROCESS_MAX:-2}" \
        --endpoint-url "https://127.0.0.1:$PORT_S3" -h "$WORK/sock" -p "$PORT_PG" s3://bench/barman bench; }
      restore_cmd() { local id
        id=$(as_pg env AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" AWS_CA_BUNDLE="$WORK/s3/cert.pem" \
          AWS_DEFAULT_REGION=us-east-1 "$BARMAN_VENV/bin/barman-cloud-backup-list" --format json \
          --endpoint-url "https://127.0.0.1:$PORT_S3" s3://bench/barman bench | python3 -c \
          'import json,sys; print(json.load(sys.stdin)["backups_list"][-1]["backup_id"])')
        as_pg env AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" AWS_CA_BUNDLE="$WORK/s3/cert.pem" \
          AWS_DEFAULT_REGION=us-east-1 "$BARMAN_VENV/bin/barman-cloud-restore" \
          --endpoint-url "https://127.0.0.1:$PORT_S3" s3://bench/barman bench "$id" "$1"
        as_pg touch "$1/recovery.signal"
        printf "restore_command = '%s'\nrecovery_target_timeline = 'latest'\n" "${RESTORE_COMMAND//\'/\'\'}" \
          | as_pg tee -a "$1/postgresql.auto.conf" >/dev/null; }
      verify_cmd() { as_pg env AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials" AWS_CA_BUNDLE="$WORK/s3/cert.pem" \
        AWS_DEFAULT_REGION=us-east-1 "$BARMAN_VENV/bin/barman-cloud-check-wal-archive" \
        --endpoint-url "https://127.0.0.1:$PORT_S3" s3://bench/barman bench; }
      history_in_store() { find "$WORK/s3/root/bench/barman" -name "$1*" | grep -q .; }
      ;;
    *) die "unknown tool $1" ;;
  esac
}

server_conf() { # <datadir> <port>
  as_pg tee -a "$1/postgresql.conf" >/dev/null <<EOF
port = $2
listen_addresses = ''
unix_socket_directories = '$WORK/sock'
archive_mode = on
archive_command = '${ARCHIVE_COMMAND//\'/\'\'}'
archive_timeout = 0
max_wal_size = 1GB
EOF
}

wait_archived() { # <port>: switch the segment and wait until the archiver has shipped it
  local seg
  seg=$(psql_ "$1" "select pg_walfile_name(pg_switch_wal())")
  for _ in $(seq 480); do
    [[ $(psql_ "$1" "select coalesce(last_archived_wal, '') >= '$seg' from pg_stat_archiver") == t ]] && return
    sleep 0.25
  done
  die "segment $seg not archived: $(psql_ "$1" "select * from pg_stat_archiver")"
}

wait_writable() { # <port>
  for _ in $(seq 2400); do
    [[ $(psql_ "$1" "select not pg_is_in_recovery()" 2>/dev/null || true) == t ]] && return
    sleep 0.25
  done
  die "restored instance on $1 did not finish recovery"
}

bench() {
  local tool=$1 t0 wal0 wal1 rows
  log "$tool: start"
  start_s3
  configure_tool "$tool"
  as_pg "$PG_BIN_DIR/initdb" -D "$WORK/pg/data" -U postgres --data-checksums >/dev/null
  server_conf "$WORK/pg/data" "$PORT_PG"
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/data.log" -w start >/dev/null
  [[ $tool == pgbackrest ]] && as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench stanza-create >/dev/null

  wal0=$(psql_ "$PORT_PG" "select pg_current_wal_lsn()")
  t0=$(now)
  as_pg "$PG_BIN_DIR/pgbench" -q -i -s "$SCALE" -h "$WORK/sock" -p "$PORT_PG" postgres >/dev/null 2>&1
  wait_archived "$PORT_PG"
  wal1=$(psql_ "$PORT_PG" "select pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal0')")
  local secs; secs=$(since "$t0")
  result "$tool" load_and_archive_seconds "$secs"
  result "$tool" wal_archived_mb "$((wal1 / 1048576))"
  result "$tool" archive_throughput_mb_s "$(awk -v b="$wal1" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')"
  result "$tool" db_size_mb "$(($(psql_ "$PORT_PG" "select pg_database_size('postgres')") / 1048576))"

  t0=$(now); backup_cmd >/dev/null; result "$tool" base_backup_seconds "$(since "$t0")"
  result "$tool" store_size_mb "$(du -sm "$WORK/s3/root/bench" | cut -f1)"

  psql_ "$PORT_PG" "create table marks(id int primary key, tl text); insert into marks select g, 'before' from generate_series(1, 1000) g"
  wait_archived "$PORT_PG"
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null

  # restore 1: base backup + WAL to the end of the archive; the restored instance then promotes onto timeline 2
  t0=$(now)
  as_pg mkdir -m 700 "$WORK/pg/restored"
  restore_cmd "$WORK/pg/restored" >/dev/null
  result "$tool" restore_files_seconds "$(since "$t0")"
  as_pg sed -i -e "s/^port = $PORT_PG/port = $PORT_RESTORED/" -e "s|pg1-path=$WORK/pg/data|pg1-path=$WORK/pg/restored|" \
    "$WORK/pg/restored/postgresql.conf"
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/restored" -l "$WORK/pg/restored.log" -w -t 600 start >/dev/null
  wait_writable "$PORT_RESTORED"
  result "$tool" restore_total_seconds "$(since "$t0")"
  rows=$(psql_ "$PORT_RESTORED" "select count(*) from marks")
  result "$tool" restored_rows_of_1000 "$rows"
  local tli; tli=$(psql_ "$PORT_RESTORED" "select timeline_id from pg_control_checkpoint()")
  result "$tool" restored_timeline "$tli"

  # the timeline switch: writes on the new timeline, then is its history file and WAL in the store?
  psql_ "$PORT_RESTORED" "insert into marks select g, 'after' from generate_series(1001, 1500) g"
  wait_archived "$PORT_RESTORED"
  local hist; hist=$(printf '%08X.history' "$tli")
  if history_in_store "$hist"; then result "$tool" history_file_archived yes; else result "$tool" history_file_archived no; fi
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/restored" -m fast -w stop >/dev/null

  # restore 2: the same base backup, recovery_target_timeline=latest must follow the switch
  as_pg rm -rf "$WORK/pg/restored" && as_pg mkdir -m 700 "$WORK/pg/restored"
  restore_cmd "$WORK/pg/restored" >/dev/null
  as_pg sed -i -e "s/^port = $PORT_PG/port = $PORT_RESTORED/" -e "s|pg1-path=$WORK/pg/data|pg1-path=$WORK/pg/restored|" \
    "$WORK/pg/restored/postgresql.conf"
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/restored" -l "$WORK/pg/restored2.log" -w -t 600 start >/dev/null
  wait_writable "$PORT_RESTORED"
  result "$tool" rows_after_second_restore_of_1500 "$(psql_ "$PORT_RESTORED" "select count(*) from marks")"
  as_pg "$PG_BIN_DIR/pg_ctl" -D "$WORK/pg/restored" -m fast -w stop >/dev/null
  if verify_cmd >"$WORK/verify.log" 2>&1; then result "$tool" verify_command ok; else result "$tool" verify_command "failed:$(tail -c 200 "$WORK/verify.log" | tr '\n ' '_')"; fi
  kill "$S3_PID"; wait "$S3_PID" 2>/dev/null || true; S3_PID=
  log "$tool: done"
}

tools=("$@")
((${#tools[@]})) || tools=(pgbackrest barman)
for t in "${tools[@]}"; do bench "$t"; done
