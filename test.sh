#!/usr/bin/env bash
# Runs every test on both database providers, on a fresh Debian 12 machine or a warm one:
#   ./test.sh                                  all tests, SQLite then PostgreSQL
#   ./test.sh --filter-class 'Flowthrough.Tests.Subscribers.*'   extra args go to both test runs
#
# What it does, in order:
#   1. installs the Debian packages the tests need, and only those that are missing (a warm machine
#      never touches apt), and the SCIM test server's npm packages (tools/ScimServer/install.sh);
#   2. starts a throwaway PostgreSQL 15 cluster on a free port (unless FLOWTHROUGH_TEST_POSTGRES
#      already names a server), and removes it on any exit;
#   3. restores and builds the solution once (Release);
#   4. runs the test project twice, FLOWTHROUGH_TEST_DB=Sqlite then Postgres, both runs even if the
#      first fails, with results under artifacts/test-results/<provider>/.
# Exit status is non-zero if either run failed.
set -euo pipefail

# Every path below is relative to the repository, whatever directory the caller is in.
cd "$(dirname "$(readlink -f "$0")")"
repo_root=$PWD

pg_bin=/usr/lib/postgresql/15/bin
results_root=$repo_root/artifacts/test-results

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Test hosts watch files by polling, not inotify (FlowthroughApplication sets it); the simulator hosts and the
# production-recipe processes inherit this, so a busy machine's inotify limit (128) never turns pages into 500s.
export DOTNET_USE_POLLING_FILE_WATCHER=true

log() { printf '==> %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# apt and initdb need root or the postgres user; allow running as a normal user with sudo too.
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# ---------------------------------------------------------------------------------------------
# 1. Debian packages. Each want_* function only records a package when it is missing, so that
#    a warm machine makes no apt call at all; apt_install_wanted then installs them in one go.
# ---------------------------------------------------------------------------------------------
wanted_packages=()

package_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]
}

# aiosmtpd is the SMTP sink the email tests send real mail to.
want_smtp_sink() {
  package_installed python3-aiosmtpd || wanted_packages+=(python3-aiosmtpd)
}

# The PostgreSQL 15 server binaries, for the throwaway cluster below. Not needed when the caller
# supplies a server through FLOWTHROUGH_TEST_POSTGRES.
want_postgres_server() {
  [[ -x $pg_bin/initdb && -x $pg_bin/pg_ctl ]] || wanted_packages+=(postgresql-15)
  # psql is only used to check the cluster answers; it comes with postgresql-client-15.
  command -v psql >/dev/null || wanted_packages+=(postgresql-client-15)
}

# Chromium for the browser (Playwright) journeys. Installed now, even before those tests exist,
# because it takes about a minute and a CI image should be complete from the start.
want_chromium_for_browser_tests() {
  command -v chromium >/dev/null || wanted_packages+=(chromium)
  # A font with Polish letters, so the layout checks (nothing wider than the window) measure real text.
  package_installed fonts-dejavu-core || wanted_packages+=(fonts-dejavu-core)
}

# Node.js runs the SCIM test server (tools/ScimServer). Debian's nodejs only when no node is on PATH:
# a newer Node installed another way is kept.
want_node_for_scim_server() {
  command -v node >/dev/null || wanted_packages+=(nodejs)
  command -v npm >/dev/null || wanted_packages+=(npm)
}

apt_install_wanted() {
  if [[ ${#wanted_packages[@]} -eq 0 ]]; then
    return
  fi
  log "Installing missing Debian packages: ${wanted_packages[*]}"
  # Only refresh the package lists when something must be installed: apt-get update is slow.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq -o DPkg::Lock::Timeout=300
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "${wanted_packages[@]}"
}

command -v dotnet >/dev/null \
  || die "the .NET SDK is not on PATH (global.json pins $(grep -o '"version": *"[^"]*"' global.json)); install it first."

want_smtp_sink
want_chromium_for_browser_tests
want_node_for_scim_server
if [[ -z ${FLOWTHROUGH_TEST_POSTGRES:-} ]]; then
  want_postgres_server
fi
apt_install_wanted

# The SCIM test server's npm packages (the tests start the server themselves, one per test class).
tools/ScimServer/install.sh

# ---------------------------------------------------------------------------------------------
# 2. PostgreSQL: a throwaway cluster in a temp dir, tuned for speed, not durability.
# ---------------------------------------------------------------------------------------------
pg_dir=""

# initdb and postgres refuse to run as root, so as root they run as the postgres user (created
# by the postgresql-common package). The cd keeps su from complaining about an unreadable cwd.
as_postgres() {
  if [[ $EUID -eq 0 ]]; then
    su postgres -s /bin/sh -c "cd / && $*"
  else
    sh -c "$*"
  fi
}

# shellcheck disable=SC2317  # only called from the EXIT trap
stop_postgres() {
  if [[ -n $pg_dir && -d $pg_dir ]]; then
    if [[ -f $pg_dir/data/postmaster.pid ]]; then
      as_postgres "$pg_bin/pg_ctl -D '$pg_dir/data' stop -m immediate" >/dev/null 2>&1 || true
    fi
    rm -rf "$pg_dir"
  fi
}
# Runs on every exit, including failures and Ctrl-C (the INT/TERM traps turn those into an exit).
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A port nobody listens on right now: the kernel picks one when binding to port 0.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_postgres() {
  pg_dir=$(mktemp -d -t flowthrough-pg.XXXXXX)
  if [[ $EUID -eq 0 ]]; then chown postgres:postgres "$pg_dir"; fi

  log "Creating a throwaway PostgreSQL cluster in $pg_dir"
  as_postgres "$pg_bin/initdb -D '$pg_dir/data' --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8" \
    >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; die "initdb failed"; }

  # Another process could take the port between free_port and the server's bind; retry a few times.
  local attempt
  for attempt in 1 2 3; do
    pg_port=$(free_port)
    # fsync and friends off: the cluster dies with the run, so durability buys nothing here.
    # max_connections: tests run in parallel, each with its own database and connection pool.
    if as_postgres "$pg_bin/pg_ctl -D '$pg_dir/data' -l '$pg_dir/server.log' -w -t 60 start -o \
        '-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300'" >/dev/null; then
      break
    fi
    if [[ $attempt -eq 3 ]]; then
      cat "$pg_dir/server.log" >&2
      die "PostgreSQL did not start"
    fi
    log "PostgreSQL could not start on port $pg_port; trying another port"
  done

  # Prove the server answers over TCP, as the tests will connect.
  psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -XAtq -c 'select 1' >/dev/null \
    || { cat "$pg_dir/server.log" >&2; die "PostgreSQL started but does not accept connections on port $pg_port"; }
  log "PostgreSQL 15 is up on 127.0.0.1:$pg_port"

  FLOWTHROUGH_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Include Error Detail=true"
}

if [[ -n ${FLOWTHROUGH_TEST_POSTGRES:-} ]]; then
  log "Using the PostgreSQL server in FLOWTHROUGH_TEST_POSTGRES (no cluster started)"
else
  start_postgres
fi

# ---------------------------------------------------------------------------------------------
# 3. Build once; both test runs reuse the same binaries.
# ---------------------------------------------------------------------------------------------
log "Restoring"
dotnet restore Flowthrough.slnx
log "Building (Release)"
dotnet build Flowthrough.slnx -c Release --no-restore

# ---------------------------------------------------------------------------------------------
# 4. Test on each provider. A failing run does not stop the next one; the summary says which.
# ---------------------------------------------------------------------------------------------

# Microsoft.Testing.Platform exit codes, so the summary says more than a number.
describe_exit_code() {
  case $1 in
    0) echo "passed" ;;
    2) echo "FAILED: at least one test failed" ;;
    3) echo "FAILED: the run was aborted" ;;
    5) echo "FAILED: invalid command line arguments" ;;
    7) echo "FAILED: the test process crashed" ;;
    8) echo "FAILED: zero tests ran (no tests, or the filter matched none)" ;;
    9) echo "FAILED: the minimum number of tests did not run" ;;
    13) echo "FAILED: too many retries" ;;
    *) echo "FAILED: exit code $1" ;;
  esac
}

summary=()
overall=0

run_tests() {
  local provider=$1; shift
  local results=$results_root/${provider,,}
  rm -rf "$results"
  mkdir -p "$results"
  log "Testing on $provider (results in ${results#"$repo_root"/})"

  local code=0
  # --report-xunit-trx: xunit.v3's own TRX writer, no extra package needed.
  # Arguments after -- (the caller's, e.g. a filter) go to the test application itself.
  env FLOWTHROUGH_TEST_DB="$provider" FLOWTHROUGH_TEST_POSTGRES="$FLOWTHROUGH_TEST_POSTGRES" \
    dotnet test --project tests/Flowthrough.Tests --no-build -c Release --no-progress \
      --results-directory "$results" \
      -- --report-xunit-trx --report-xunit-trx-filename "$provider.trx" "$@" \
    || code=$?

  summary+=("$(printf '%-10s %s' "$provider:" "$(describe_exit_code "$code")")")
  if [[ $code -ne 0 ]]; then
    overall=1
    # The cluster is deleted on exit: keep its log with the results so a server-side failure can be read.
    if [[ $provider == Postgres && -n ${pg_dir:-} && -f $pg_dir/server.log ]]; then
      cp "$pg_dir/server.log" "$results/postgres-server.log"
      echo "PostgreSQL server log (last lines; whole log in ${results#"$repo_root"/}/postgres-server.log):"
      tail -n 30 "$pg_dir/server.log"
    fi
  fi
}

run_tests Sqlite "$@"
run_tests Postgres "$@"

echo
echo "Test summary (results under ${results_root#"$repo_root"/}/):"
printf '  %s\n' "${summary[@]}"
exit "$overall"
