#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm executor's tests and for trying it:
#   bash src/setup/slurm-local.sh start    install Debian's slurm-wlm, slurmdbd, munge and
#                                          mariadb-server where missing, write a configuration
#                                          for this machine (its cores and memory) under
#                                          $SNAS_SLURM_DIR (default /var/tmp/snas-slurm), and
#                                          start munged, mariadbd, slurmdbd, slurmctld and slurmd
#                                          where they are not running
#   bash src/setup/slurm-local.sh stop     end the daemons this script started, nothing else
#   bash src/setup/slurm-local.sh status   the daemons, and the node as sinfo shows it
# Accounting (slurmdbd on a MariaDB of its own) is there so that sacct lists finished jobs.
# /etc/slurm/slurm.conf is linked to this configuration when no other one is there, so that
# sbatch, squeue, sacct and scancel find it without SLURM_CONF. Needs root. Exit codes: 0 done,
# 1 a daemon did not come up (its log is printed), 2 not root or a bad argument.
set -euo pipefail

DIR=${SNAS_SLURM_DIR:-/var/tmp/snas-slurm}
CONF=$DIR/slurm.conf
STARTED=$DIR/started
HOST=$(hostname -s)
CLUSTER=snaslab
DB_PORT=${SNAS_SLURM_DB_PORT:-3307}

say() { echo "slurm-local: $*" >&2; }

require_root() {
  if [ "$(id -u)" != 0 ]; then say "needs root (it installs packages and starts daemons)"; exit 2; fi
}

install_packages() {
  local missing=()
  command -v sbatch >/dev/null || missing+=(slurm-wlm)
  command -v slurmdbd >/dev/null || missing+=(slurmdbd)
  command -v munged >/dev/null || missing+=(munge)
  command -v mariadbd >/dev/null || missing+=(mariadb-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    apt-get update >/dev/null 2>&1
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  }
}

# Whether the daemon its pid file names is alive (a killed one that nobody has reaped yet, a
# zombie, is not).
alive() {
  [ -f "$1" ] || return 1
  local pid
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null && ! awk '{ exit $3 != "Z" }' "/proc/$pid/stat" 2>/dev/null
}

# Waits up to $2 seconds for command $1 to succeed.
wait_for() {
  local i
  for ((i = 0; i < $2 * 5; i++)); do eval "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

fail() {
  say "$1 did not come up; the end of its log ($2):"
  tail -n 20 "$2" >&2 2>/dev/null || true
  exit 1
}

write_config() {
  local cpus mem
  cpus=$(nproc)
  mem=$(awk '/MemTotal/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
  mkdir -p "$DIR"/{state,spool,log,run,db}
  cat >"$CONF" <<EOF
# One-node Slurm for snas-lab (src/setup/slurm-local.sh); this machine: $cpus cores, $mem MB.
ClusterName=$CLUSTER
SlurmctldHost=$HOST
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
MinJobAge=300
KillWait=5
InactiveLimit=0
NodeName=$HOST CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=local Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$DIR/slurmdbd.conf" <<EOF
# slurmdbd for the one-node Slurm of snas-lab: accounting in a MariaDB of its own.
AuthType=auth/munge
DbdHost=localhost
SlurmUser=root
PidFile=$DIR/run/slurmdbd.pid
LogFile=$DIR/log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=root
StorageLoc=slurm_acct_db
EOF
  chmod 600 "$DIR/slurmdbd.conf"
  if [ ! -e /etc/slurm/slurm.conf ]; then
    mkdir -p /etc/slurm
    ln -s "$CONF" /etc/slurm/slurm.conf
    echo "link /etc/slurm/slurm.conf" >>"$STARTED"
  fi
}

# Starts daemon $1 with the command after $2 unless its pid file names a live process, waits
# until check $2 succeeds, and records it as started here. A pid file left by a daemon that was
# killed goes first: read before the new daemon writes its own, it would record the dead pid,
# and stop would then leave the new daemon running.
up() {
  local name=$1 check=$2
  shift 2
  alive "$DIR/run/$name.pid" && return 0
  rm -f "$DIR/run/$name.pid"
  "$@"
  wait_for "test -s $DIR/run/$name.pid" 30 && echo "$name $(cat "$DIR/run/$name.pid")" >>"$STARTED"
  wait_for "$check" 30 || fail "$name" "$DIR/log/$name.log"
}

# A controller started afresh recovers the jobs of its saved state, which outlive the daemons
# (a reboot, a machine restored from an image): the ones it calls running have no process
# left and would hold their cores until Slurm gives up on them, half an hour later, with the
# ones behind them pending. Nobody's job can be running on a node whose controller was down,
# so they are all cancelled here; a live submitter (the Slurm executor) resubmits its own.
cancel_stale() {
  local jobs
  jobs=$(squeue -h -o %i | tr '\n' ' ')
  [ -n "${jobs// /}" ] || return 0
  say "cancelling jobs left from before the controller last stopped: $jobs"
  # shellcheck disable=SC2086
  scancel $jobs
  wait_for "test -z \"\$(squeue -h -o %i)\"" 60 || say "jobs still in the queue after 60 s: $(squeue -h -o '%i %T' | tr '\n' ' ')"
}

start() {
  require_root
  install_packages
  mkdir -p "$DIR"
  touch "$STARTED"
  # Forget daemons that have ended since (a pid may be reused by another process later).
  local what pid kept=()
  while read -r what pid; do
    if [ "$what" = link ] || kill -0 "$pid" 2>/dev/null; then kept+=("$what $pid"); fi
  done <"$STARTED"
  printf '%s\n' "${kept[@]+"${kept[@]}"}" | sed '/^$/d' >"$STARTED"
  [ -f "$CONF" ] && alive "$DIR/run/slurmctld.pid" || write_config
  export SLURM_CONF=$CONF

  if ! pgrep -x munged >/dev/null; then
    mkdir -p /run/munge && chown munge:munge /run/munge
    runuser -u munge -- /usr/sbin/munged
    wait_for "test -s /run/munge/munged.pid" 10 || fail munged /var/log/munge/munged.log
    echo "munged $(cat /run/munge/munged.pid)" >>"$STARTED"
  fi

  if ! alive "$DIR/run/mariadb.pid"; then
    if [ ! -d "$DIR/db/mysql" ]; then
      mariadb-install-db --user=root --datadir="$DIR/db" --auth-root-authentication-method=normal --skip-test-db >"$DIR/log/mariadb-install.log" 2>&1
    fi
    mariadbd --user=root --datadir="$DIR/db" --socket="$DIR/run/mariadb.sock" --pid-file="$DIR/run/mariadb.pid" \
      --port="$DB_PORT" --bind-address=127.0.0.1 --log-error="$DIR/log/mariadb.log" --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
    wait_for "mariadb --socket=$DIR/run/mariadb.sock -uroot -e 'select 1'" 30 || fail mariadbd "$DIR/log/mariadb.log"
    echo "mariadbd $(cat "$DIR/run/mariadb.pid")" >>"$STARTED"
  fi

  up slurmdbd "sacctmgr -n show cluster" slurmdbd
  sacctmgr -n show cluster format=cluster | grep -qw "$CLUSTER" || sacctmgr -i add cluster "$CLUSTER" >/dev/null
  local fresh=0
  alive "$DIR/run/slurmctld.pid" || fresh=1
  up slurmctld "scontrol ping | grep -q UP" slurmctld
  up slurmd "sinfo -h -o %T | grep -Eq 'idle|mixed|alloc'" slurmd
  [ "$fresh" = 1 ] && cancel_stale
  say "up: node $HOST ($(sinfo -h -o '%c cores, %m MB, %T')), configuration $CONF"
}

stop() {
  require_root
  [ -f "$STARTED" ] || { say "nothing started by this script"; return 0; }
  # The last started first.
  tac "$STARTED" | while read -r what pid; do
    case "$what" in
      link) [ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$CONF" ] && rm -f /etc/slurm/slurm.conf ;;
      *) if kill -0 "$pid" 2>/dev/null; then
           kill "$pid"
           wait_for "! kill -0 $pid" 20 || kill -9 "$pid" 2>/dev/null || true
           say "stopped $what ($pid)"
         fi ;;
    esac
  done
  rm -f "$STARTED"
}

status() {
  export SLURM_CONF=$CONF
  local d
  for d in munged mariadbd slurmdbd slurmctld slurmd; do
    if pgrep -x "$d" >/dev/null; then echo "$d: running"; else echo "$d: not running"; fi
  done
  sinfo 2>/dev/null || echo "sinfo: no controller answers"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) say "usage: slurm-local.sh start|stop|status"; exit 2 ;;
esac
