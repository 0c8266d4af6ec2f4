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
#      first fails, with results under artifacts/test-results/<provider>/;
#   5. runs every benchmark scenario at a tiny size on SQLite (./bench.sh all --size 200), so the
#      harness never rots: no figure is asserted, only that each scenario completes and the table prints.
#      Skipped when arguments (a filter) are given: a focused run wants its tests only.
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
# 2. PostgreSQL: a throwaway cluster in a temp dir (scripts/throwaway-postgres.sh, shared with
#    bench.sh), tuned for speed, not durability, and removed on any exit.
# ---------------------------------------------------------------------------------------------
# shellcheck source=scripts/throwaway-postgres.sh
source scripts/throwaway-postgres.sh
# Runs on every exit, including failures and Ctrl-C (the INT/TERM traps turn those into an exit).
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_test_postgres() {
  # fsync and friends off: the cluster dies with the run, so durability buys nothing here.
  # max_connections: tests run in parallel, each with its own database and connection pool.
  start_postgres -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
    || die "the throwaway PostgreSQL cluster did not start"
  FLOWTHROUGH_TEST_POSTGRES=$postgres_connection
}

if [[ -n ${FLOWTHROUGH_TEST_POSTGRES:-} ]]; then
  log "Using the PostgreSQL server in FLOWTHROUGH_TEST_POSTGRES (no cluster started)"
else
  start_test_postgres
fi

# ---------------------------------------------------------------------------------------------
# 3. Build once; both test runs reuse the same binaries.
# ---------------------------------------------------------------------------------------------
log "Restoring"
dotnet restore Flowthrough.slnx
log "Building (Release)"
dotnet build Flowthrough.slnx -c Release --no-restore

# The restore already audits every package (NuGetAudit, Directory.Build.props); this says so in the log, and
# fails the run on any known vulnerable package, direct or transitive.
log "Checking packages for known vulnerabilities"
vulnerable=$(dotnet list Flowthrough.slnx package --vulnerable --include-transitive 2>&1) || die "dotnet list package --vulnerable failed: $vulnerable"
if grep -q "has the following vulnerable packages" <<<"$vulnerable"; then
  printf '%s\n' "$vulnerable" >&2
  die "a package has a known vulnerability"
fi

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

# ---------------------------------------------------------------------------------------------
# 5. The benchmark harness at a tiny size. SQLite only: every scenario runs the same harness code on both providers
#    except the database set-up, which the PostgreSQL test run already covers; both would add ~2 minutes to CI.
# ---------------------------------------------------------------------------------------------
if [[ $# -eq 0 ]]; then
  log "Benchmark harness at a tiny size (./bench.sh all --size 200 --db sqlite)"
  code=0
  ./bench.sh all --db sqlite --size 200 --duration 1 --requests 3 --no-build \
    >"$results_root/bench.log" 2>&1 || code=$?
  if [[ $code -eq 0 ]]; then
    summary+=("$(printf '%-10s %s' "bench:" "completed (tables in artifacts/bench/results-*.md)")")
  else
    overall=1
    summary+=("$(printf '%-10s %s' "bench:" "FAILED: exit code $code (log in ${results_root#"$repo_root"/}/bench.log)")")
    tail -n 30 "$results_root/bench.log"
  fi
fi

# The failed tests by name, with the first lines of each message, last: CI shows the end of the output.
failed_tests() {
  local trx
  for trx in "$results_root"/*/*.trx; do
    [[ -f $trx ]] || continue
    python3 - "$trx" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
path = sys.argv[1]
for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
    if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
        continue
    message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=ns).strip().splitlines()
    print(f"  {path.rsplit('/', 1)[-1][:-4]}: {result.get('testName')} ({result.get('duration')})")
    for line in message[:6]:
        print(f"      {line[:300]}")
PY
  done
}

echo
echo "Test summary (results under ${results_root#"$repo_root"/}/):"
printf '  %s\n' "${summary[@]}"
if [[ $overall -ne 0 ]]; then
  echo "Failed tests:"
  failed_tests || true
fi
exit "$overall"
