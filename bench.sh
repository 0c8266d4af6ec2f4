#!/usr/bin/env bash
# The performance harness of issue 13 (README "Benchmarks"):
#   ./bench.sh [scenario[,scenario...]|all] [--db sqlite|postgres|both] [--size N] [--duration S] [--no-build] [--profile]
# Scenarios: intake batch engine list export portal outbox storage (all = every one, in that order).
#
# For each provider it builds Release once, measures the ceilings (a raw batched insert into a scratch table; the
# bare echo endpoint, Bench:EchoEndpoint=true, on the same server as the scenario), then runs each scenario against
# the app (src/Flowthrough/bin/Release, --Seed:Demo=false, logging at Warning) on a FRESH database: a SQLite file
# under artifacts/bench/, or a database in a throwaway PostgreSQL 15 cluster (fsync on, random_page_cost=1.1)
# removed on exit. BENCH_POSTGRES="Host=...;Port=...;Username=..." uses an existing server instead (test.sh does).
# It prints one table (figure, goal, ratio to the ceiling, met) and writes it to artifacts/bench/results-<db>.md.
# --profile also records the app's CPU with perf during each scenario's measured phase and writes where it went
# (by component, and the hottest methods) to artifacts/bench/profile-<scenario>-<db>.md.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"
repo_root=$PWD
out=$repo_root/artifacts/bench

all_scenarios=(intake batch engine list export portal outbox storage)
scenario_arg=all; db_arg=sqlite; size=10000; duration=10; build=1; requests=""; profile=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --db) db_arg=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --profile) profile=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    *) scenario_arg=$1; shift ;;
  esac
done
if [[ $scenario_arg == all ]]; then scenarios=("${all_scenarios[@]}"); else IFS=, read -ra scenarios <<<"$scenario_arg"; fi
for s in "${scenarios[@]}"; do
  [[ " ${all_scenarios[*]} " == *" $s "* ]] || { echo "bench.sh: unknown scenario $s (one of: ${all_scenarios[*]})" >&2; exit 2; }
done
case $db_arg in
  sqlite) providers=(Sqlite) ;; postgres) providers=(Postgres) ;; both) providers=(Sqlite Postgres) ;;
  *) echo "bench.sh: --db is sqlite, postgres or both" >&2; exit 2 ;;
esac
# Timed requests per view in list: enough for a p95 at real sizes, few at a tiny one.
[[ -n $requests ]] || requests=$(( size < 5000 ? 10 : 40 ))

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_USE_POLLING_FILE_WATCHER=true
log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench.sh: %s\n' "$*" >&2; exit 1; }
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# ---------------------------------------------------------------------------------------------
# Tools: installed from apt only when missing (test.sh's pattern).
# ---------------------------------------------------------------------------------------------
wanted_packages=()
package_installed() { [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true) == installed ]]; }
want_wrk() { command -v wrk >/dev/null || wanted_packages+=(wrk); }
want_smtp_sink() { package_installed python3-aiosmtpd || wanted_packages+=(python3-aiosmtpd); }
want_postgres_server() {
  [[ -x /usr/lib/postgresql/15/bin/initdb ]] || wanted_packages+=(postgresql-15)
  command -v psql >/dev/null || wanted_packages+=(postgresql-client-15)
}
want_wrk
[[ " ${scenarios[*]} " == *" outbox "* ]] && want_smtp_sink
[[ $profile -eq 1 ]] && { command -v perf >/dev/null || wanted_packages+=(linux-perf); }
# engine also provisions into the SCIM test server (Node.js).
[[ " ${scenarios[*]} " == *" engine "* ]] && { command -v npm >/dev/null || wanted_packages+=(nodejs npm); }
[[ " ${providers[*]} " == *" Postgres "* ]] && want_postgres_server
if [[ ${#wanted_packages[@]} -gt 0 ]]; then
  log "Installing missing Debian packages: ${wanted_packages[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq -o DPkg::Lock::Timeout=300
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "${wanted_packages[@]}"
fi

# ---------------------------------------------------------------------------------------------
# Processes this script starts, stopped on any exit.
# ---------------------------------------------------------------------------------------------
# shellcheck source=scripts/throwaway-postgres.sh
source scripts/throwaway-postgres.sh
app_pid=""; sink_pid=""; sim_pid=""; scim_pid=""; perf_pid=""; more_app_pids=()
cleanup() {
  local pid
  for pid in $perf_pid $app_pid "${more_app_pids[@]}" $sink_pid $sim_pid $scim_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $perf_pid $app_pid "${more_app_pids[@]}" $sink_pid $sim_pid $scim_pid; do wait "$pid" 2>/dev/null || true; done
  stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$out"
if [[ $build -eq 1 ]]; then
  log "Building (Release)"
  dotnet build bench/Flowthrough.Bench -c Release -v quiet -nologo 2>&1 | tail -3
  if [[ " ${scenarios[*]} " == *" portal "* ]]; then
    dotnet build tools/BroadWorksSimulator -c Release -v quiet -nologo 2>&1 | tail -3
  fi
fi
app_dll=$repo_root/src/Flowthrough/bin/Release/net10.0/Flowthrough.dll
bench_dll=$repo_root/bench/Flowthrough.Bench/bin/Release/net10.0/Flowthrough.Bench.dll
[[ -f $app_dll && -f $bench_dll ]] || die "the Release build is missing (run without --no-build)"
bench_tool() { dotnet "$bench_dll" "$@"; }
# "Name: value" from a bench_tool answer.
field() { sed -n "s/^$1: //p" <<<"$2" | head -1; }

# ---------------------------------------------------------------------------------------------
# Databases: every scenario gets a fresh one.
# ---------------------------------------------------------------------------------------------
provider=""; connection=""
pg_server=""
fresh_db() {
  local name=$1
  if [[ $provider == Sqlite ]]; then
    rm -f "$out/$name.db" "$out/$name.db-wal" "$out/$name.db-shm"
    connection="Data Source=$out/$name.db"
  else
    if [[ -z $pg_server ]]; then
      if [[ -n ${BENCH_POSTGRES:-} ]]; then
        pg_server=$BENCH_POSTGRES
      else
        # Durable, as production runs: fsync on; random_page_cost for an SSD (DESIGN §7).
        start_postgres -c fsync=on -c random_page_cost=1.1 -c max_connections=200 >&2 \
          || die "the throwaway PostgreSQL cluster did not start"
        pg_server=$postgres_connection
      fi
    fi
    local host port user
    host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"$pg_server"); port=$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$pg_server")
    user=$(sed -n 's/.*Username=\([^;]*\).*/\1/p' <<<"$pg_server")
    psql -h "$host" -p "${port:-5432}" -U "${user:-postgres}" -d postgres -XAtq \
      -c "SET client_min_messages = warning" \
      -c "DROP DATABASE IF EXISTS bench_$name WITH (FORCE)" -c "CREATE DATABASE bench_$name" >/dev/null
    connection="$(sed 's/Database=[^;]*;\?//' <<<"$pg_server");Database=bench_$name"
    connection=${connection//;;/;}
  fi
}

# ---------------------------------------------------------------------------------------------
# The app: started per scenario on its database, with the echo endpoint on and the engine off unless asked.
# ---------------------------------------------------------------------------------------------
base=""
start_app() {
  local name=$1; shift
  local port; port=$(free_port)
  base="http://127.0.0.1:$port"
  (cd src/Flowthrough && exec env "${profile_env[@]}" dotnet "$app_dll" --urls "$base" --Database:Provider="$provider" \
    --Database:ConnectionString="$connection" --Seed:Demo=false --Logging:LogLevel:Default=Warning \
    --Bench:EchoEndpoint=true --Outbound:AllowedNetworks="127.0.0.0/8;::1/128" --Engine:Workers=0 --Email:PickupDirectory="$out/mail-$name" "$@") \
    >>"$out/app-$name-${provider,,}.log" 2>&1 &
  # A second call while one runs starts another node on the same database (engine's two-node run).
  local pid=$!
  if [[ -z $app_pid ]]; then app_pid=$pid; else more_app_pids+=("$pid"); fi
  local _
  for _ in $(seq 240); do
    curl -sf "$base/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  tail -20 "$out/app-$name-${provider,,}.log" >&2
  die "the app did not start (log: artifacts/bench/app-$name-${provider,,}.log)"
}
stop_app() {
  [[ -n $app_pid ]] || return 0
  local pid
  for pid in "$app_pid" "${more_app_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$app_pid" "${more_app_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  app_pid=""; more_app_pids=()
}

# With --profile the runtime names its JIT-compiled methods for perf (/tmp/perf-PID.map) and keeps that code in plain
# anonymous memory (W^X double mapping hides it from perf); ReadyToRun framework code stays as it is and is attributed
# to its assembly. The perf sampling itself costs a little: a profiled run's figures are not the table's.
profile_env=()
[[ $profile -eq 1 ]] && profile_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)

# --profile: perf samples the app's CPU between profile_begin and profile_end; the report says where it went and how
# the machine's CPU was shared between the app, the other processes this script started and the load driver.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
profile_scenario=""; profile_started=""; cpu_summary=""
declare -A profile_cpu=()
cpu_notes=()
# Always: the CPU each process used in the measured phase (from /proc), so the table says what one unit of work cost.
profile_begin() {
  profile_scenario=$1
  profile_started=$(date +%s.%N)
  profile_cpu=([app]=$(cpu_ticks "$app_pid") [simulator]=$(cpu_ticks "${sim_pid:-0}") [sink]=$(cpu_ticks "${sink_pid:-0}")
    [machine]=$(machine_ticks))
  if [[ $profile -eq 1 ]]; then
    perf record -F 499 -p "$app_pid" -o "$out/perf-$1-${provider,,}.data" 2>/dev/null &
    perf_pid=$!
  fi
}
# profile_end ITEMS UNIT: the phase's CPU split, and the app's CPU per unit when ITEMS > 0.
profile_end() {
  local items=${1:-0} unit=${2:-item}
  local seconds app simulator sink machine hz
  seconds=$(awk -v a="$profile_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  hz=$(getconf CLK_TCK)
  app=$(( $(cpu_ticks "$app_pid") - profile_cpu[app] )); machine=$(( $(machine_ticks) - profile_cpu[machine] ))
  simulator=$(( $(cpu_ticks "${sim_pid:-0}") - profile_cpu[simulator] ))
  sink=$(( $(cpu_ticks "${sink_pid:-0}") - profile_cpu[sink] ))
  cpu_summary=$(awk -v s="$seconds" -v hz="$hz" -v n="$(nproc)" -v a="$app" -v sim="$simulator" -v k="$sink" -v m="$machine" \
    -v items="$items" -v unit="$unit" 'BEGIN {
      printf "%.1f s on %d cores (%.1f CPU-s): machine busy %.1f CPU-s; the app %.1f CPU-s", s, n, s * n, m / hz, a / hz
      if (items > 0) printf " (%.2f ms a %s)", a / hz * 1000 / items, unit
      if (sim > 0) printf ", the BroadWorks simulator %.1f CPU-s", sim / hz
      if (k > 0) printf ", the SMTP sink %.1f CPU-s", k / hz
      printf ", the load driver, database server and the rest %.1f CPU-s", (m - a - sim - k) / hz }')
  cpu_notes+=("$profile_scenario: $cpu_summary")
  [[ $profile -eq 1 && -n $perf_pid ]] || return 0
  local report=$out/profile-$profile_scenario-${provider,,}.md
  kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; perf_pid=""
  {
    echo "Profile of \`$profile_scenario\` on $provider, size $size, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    echo "Measured phase $cpu_summary."
    echo
    python3 bench/profile-report.py "$out/perf-$profile_scenario-${provider,,}.data" 25
  } >"$report" 2>&1 || true
  rm -f "$out/perf-$profile_scenario-${provider,,}.data"
  log "profile: ${report#"$repo_root"/}"
}

# Partner Hub sign-in into a cookie jar, as a browser does (antiforgery token from the form).
jar=$out/cookies.txt
partner_signin() {
  local email=$1 password=$2 token
  rm -f "$jar"
  token=$(curl -s -c "$jar" -b "$jar" "$base/partner/signin" \
    | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "Email=$email" --data-urlencode "Password=$password" \
    --data-urlencode "__RequestVerificationToken=$token" "$base/partner/signin"
}

# p95 in ms of R sequential requests (after 3 warm-ups); extra curl arguments after the URL.
p95_ms() {
  local url=$1; shift
  local _
  for _ in 1 2 3; do curl -s -o /dev/null "$@" "$url"; done
  for _ in $(seq "$requests"); do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url"; done | sort -n |
    awk '{ t[NR] = $1 * 1000 } END { i = int(NR * 0.95 + 0.5); if (i < 1) i = 1; if (i > NR) i = NR; printf "%.1f", t[i] }'
}

# wrk with the intake script: sets wrk_rps, wrk_p99_ms, wrk_non2xx (including socket errors).
run_wrk() {
  local path=$1 auth=$2 run=$3 output
  output=$(BENCH_PATH=$path BENCH_AUTH=$auth BENCH_RUN=$run wrk -t2 -c64 -d"${duration}s" --timeout 10s --latency \
    -s bench/intake.lua "$base") || true
  echo "$output" >>"$out/wrk-${provider,,}.log"
  wrk_rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$output")
  wrk_p99_ms=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.2f", v * f }' <<<"$output")
  local non2xx errors
  non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$output")
  errors=$(awk -F'[ ,]+' '/Socket errors:/ { print $4 + $6 + $8 + $10 }' <<<"$output")
  wrk_non2xx=$(( ${non2xx:-0} + ${errors:-0} ))
}

# Ceilings, measured once per provider in the same run: echo on whichever app is up first.
echo_rps=""; echo_p95=""; insert_rps=""; insert_bytes=""
measure_echo() {
  [[ -z $echo_rps ]] || return 0
  log "Ceiling: bare echo endpoint, 64 connections, ${duration} s"
  local warm=$duration; duration=1
  run_wrk /bench/echo "$(printf 'echo:echo' | base64)" warm
  duration=$warm
  run_wrk /bench/echo "$(printf 'echo:echo' | base64)" echo
  echo_rps=$wrk_rps
  echo_p95=$(p95_ms "$base/bench/echo" -X POST -H 'Content-Type: application/json' -d '{"userId":"x"}')
}
measure_insert_ceiling() {
  local rows=$(( size < 20000 ? 20000 : (size > 200000 ? 200000 : size) )) answer
  log "Ceiling: raw insert of $rows rows in batches of 1,000"
  fresh_db ceiling
  answer=$(bench_tool ceiling --provider "$provider" --connection "$connection" --count "$rows") || true
  insert_rps=$(field RowsPerSecond "$answer"); insert_bytes=$(field BytesPerRow "$answer")
}

# ---------------------------------------------------------------------------------------------
# Results: one row per figure. record SCENARIO FIGURE VALUE UNIT OP GOAL RATIO [MET]
# OP is >= or <= (the goal side); MET overrides the comparison (e.g. "no: 3 failed").
# ---------------------------------------------------------------------------------------------
results=()
# Scenarios that did not complete (a failure, not a missed goal): the exit status says so, so test.sh's tiny run
# catches a harness that rots while a slow figure never fails anything.
broken=()
record() {
  local scenario=$1 figure=$2 value=$3 unit=$4 op=$5 goal=$6 ratio=$7 met=${8:-}
  # A portal run where only some activations failed is overload (a missed goal), not rot; BROKEN=0 says so.
  [[ $met == no:* && ${BROKEN:-1} == 1 ]] && broken+=("$provider $scenario: ${met#no: }")
  if [[ -z $met ]]; then
    met=$(awk -v v="$value" -v g="$goal" -v op="$op" 'BEGIN { ok = (op == ">=") ? (v >= g) : (v <= g); print ok ? "yes" : "no" }')
  fi
  results+=("$scenario|$figure|$(fmt "$value") $unit|$op $(fmt "$goal") $unit|$ratio|$met")
}
fmt() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else if (v >= 100) printf "%\047.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'; }
ratio() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else { r = a / b;
  printf (r < 0.01 && r > 0) ? "%.4f × %s" : "%.2f × %s", r, s } }'; }

# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
# The seed answer of the current database: template, provisioning ID, bridge account, API token, admin.
seed=""
seed_db() {
  seed=$(bench_tool seed --provider "$provider" --connection "$connection" "$@")
  log "$(field Seeded "$seed")"
}

scenario_intake() {
  fresh_db intake
  seed_db --count "$size"
  start_app intake
  measure_echo
  local auth; auth=$(printf '%s' "$(field Account "$seed")" | base64 -w0)
  # Warm-up: the first call of each connection would otherwise pay the password hash check all at once (the bridge
  # caches a verified account) and the JIT; BroadWorks keeps its connections, so the steady state is what counts.
  curl -s -o /dev/null -w 'first bridge call: HTTP %{http_code} in %{time_total} s\n' -X POST -H "Authorization: Basic $auth" \
    -H 'Content-Type: application/json' -d '{"userId":"first@bench.sp.example","serviceProviderId":"sp","groupId":"g",
    "firstName":"A","lastName":"B","primaryPhoneNumber":"+48225550100","isActive":true}' \
    "$base/bridge/$(field ProvisioningId "$seed")/users" >&2
  local warm=$duration; duration=1
  run_wrk "/bridge/$(field ProvisioningId "$seed")/users" "$auth" "warm$RANDOM"
  duration=$warm
  log "intake: bridge POST …/users, unique userIds, 64 connections, ${duration} s, $size subscribers already stored"
  profile_begin intake
  run_wrk "/bridge/$(field ProvisioningId "$seed")/users" "$auth" "intake$RANDOM"
  profile_end "$(awk -v r="$wrk_rps" -v d="$duration" 'BEGIN { printf "%.0f", r * d }')" call
  stop_app
  record intake "bridge accepts/s (64 connections)" "$wrk_rps" "req/s" ">=" 20000 "$(ratio "$wrk_rps" "$echo_rps" echo)"
  record intake "bridge p99" "$wrk_p99_ms" ms "<=" 10 "-"
  record intake "bridge non-2xx answers" "$wrk_non2xx" "" "<=" 0 "-"
}

scenario_batch() {
  fresh_db batch
  seed_db --count 0
  start_app batch
  log "batch: $size users through users:batch of 1,000, 4 in flight"
  local answer code=0
  profile_begin batch
  answer=$(bench_tool batch --url "$base" --provisioning-id "$(field ProvisioningId "$seed")" \
    --account "$(field Account "$seed")" --count "$size" --concurrency 4) || code=$?
  profile_end "$(field Accepted "$answer")" user
  stop_app
  local rate seconds accepted met=""
  rate=$(field AcceptedPerSecond "$answer"); seconds=$(field Seconds "$answer"); accepted=$(field Accepted "$answer")
  [[ $code -eq 0 && $accepted == "$size" ]] || met="no: $(( size - ${accepted:-0} )) not accepted"
  # Goal: 1M subscribers in < 15 s, i.e. ≥ 66,667 accepted/s at any size.
  record batch "users:batch accepts/s ($size in $(fmt "$seconds") s)" "$rate" "/s" ">=" 66667 \
    "$(ratio "$rate" "$insert_rps" "raw insert")" "$met"
}

# One engine run: N trusted subscribers, NODES app processes on one database (2 workers each); sets engine_rate and
# engine_met ("" or why the run did not complete).
engine_run() {
  local nodes=$1 count=${2:-$size} node
  shift $(( $# < 2 ? $# : 2 ))
  fresh_db engine
  seed_db --count "$count" --mix engine --trusted true "$@"
  for node in $(seq "$nodes"); do start_app engine --Engine:Workers=2 --Engine:PollInterval=00:00:00.100; done
  log "engine: $count trusted subscribers from provisioning to provisioned (${target_name:-built-in directory}), $nodes node(s)"
  local answer code=0
  [[ $nodes -eq 1 ]] && profile_begin "${engine_profile:-engine}"
  answer=$(bench_tool engine-run --provider "$provider" --connection "$connection") || code=$?
  [[ $nodes -eq 1 ]] && profile_end "$(field Provisioned "$answer")" subscriber
  stop_app
  engine_rate=$(field ProvisionedPerSecond "$answer"); engine_seconds=$(field Seconds "$answer"); engine_met=""
  [[ $code -eq 0 && $(field Provisioned "$answer") == "$count" ]] \
    || engine_met="no: $(field Provisioned "$answer") of $count provisioned, $(field Left "$answer") left"
}

scenario_engine() {
  engine_run 1
  local one=$engine_rate
  local goal=5000; [[ $provider == Postgres ]] && goal=10000
  record engine "provisioned/s ($size in $(fmt "$engine_seconds") s)" "$engine_rate" "/s" ">=" "$goal" \
    "$(ratio "$engine_rate" "$insert_rps" "raw insert")" "$engine_met"
  # Two nodes on one PostgreSQL (SQLite is one node's database by design).
  if [[ $provider == Postgres ]]; then
    engine_run 2
    local gain; gain=$(awk -v a="$engine_rate" -v b="$one" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b }')
    record engine "two nodes ÷ one node ($(fmt "$engine_rate")/s vs $(fmt "$one")/s)" "$gain" "×" ">=" 1.6 "-" "$engine_met"
  fi
  engine_scim
}

# The engine into the SCIM test server (tools/ScimServer, scimmy) answering after 5 ms: at most 2,000 subscribers,
# since the test server evaluates every filter over all the users it holds.
engine_scim() {
  tools/ScimServer/install.sh >&2
  local port; port=$(free_port)
  node tools/ScimServer/server.js --port "$port" --token bench-scim-token >"$out/scim-${provider,,}.log" 2>&1 &
  scim_pid=$!
  local _
  for _ in $(seq 60); do curl -sf "http://127.0.0.1:$port/_control/faults" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -sf -X PUT -H 'Content-Type: application/json' -d '{"latencyMs":5}' "http://127.0.0.1:$port/_control/faults" >/dev/null \
    || die "the SCIM test server did not start (log: artifacts/bench/scim-${provider,,}.log)"
  local count=$(( size < 2000 ? size : 2000 ))
  engine_profile=engine-scim target_name="SCIM test server, 5 ms latency" engine_run 1 "$count" \
    --scim "http://127.0.0.1:$port/scim/v2" --scim-token bench-scim-token
  kill "$scim_pid" 2>/dev/null || true; wait "$scim_pid" 2>/dev/null || true; scim_pid=""
  local goal=5000; [[ $provider == Postgres ]] && goal=10000
  record engine "provisioned/s into the SCIM test server at 5 ms latency ($count in $(fmt "$engine_seconds") s)" \
    "$engine_rate" "/s" ">=" "$goal" "-" "$engine_met"
}

# list, export and storage read the same data: N subscribers over every status, seeded once per provider.
mixed_seed=""; mixed_connection=""
mixed_db() {
  if [[ -z $mixed_seed ]]; then
    fresh_db mixed
    seed_db --count "$size"
    mixed_seed=$seed; mixed_connection=$connection
  fi
  seed=$mixed_seed; connection=$mixed_connection
}

scenario_list() {
  mixed_db
  start_app list
  measure_echo
  local token template admin password
  token=$(field ApiToken "$seed"); template=$(field Template "$seed")
  admin=$(field Admin "$seed" | sed 's| / .*||'); password=$(field Admin "$seed" | sed 's|.* / ||')
  partner_signin "$admin" "$password"
  # Search terms that match the same share of rows at any size: ~10 rows, and a 10% prefix deep in the sort order.
  local middle few deep
  middle=$(printf 'user%07d' $(( size / 2 )))
  few=${middle:0:10}
  deep=$(awk -v n="$size" -v m="$middle" 'BEGIN { k = 7 - int(log(n / 10) / log(10) + 0.5); if (k < 1) k = 1; print substr(m, 1, 4 + k) }')
  log "list: REST list and User Status, $requests requests a view, at $size subscribers"
  local api="$base/v1/broadworks/subscribers" users="$base/partner/templates/$template/users"
  local auth=(-H "Authorization: Bearer $token") view p api_worst=0 page_worst=0
  : >"$out/list-${provider,,}.md"
  profile_begin list
  for view in "?max=100" "?status=error&max=100" "?email=$middle@firma.example" "?userId=$middle@bench.sp.example"; do
    p=$(p95_ms "$api$view" "${auth[@]}")
    echo "| REST $view | $p |" >>"$out/list-${provider,,}.md"
    api_worst=$(awk -v a="$api_worst" -v b="$p" 'BEGIN { print (b > a) ? b : a }')
  done
  for view in "" "?status=error" "?exclude=true" "?q=$few" "?q=$middle@firma.example" "?q=%C5%BBak" "?q=$deep" \
      "?sort=userid&dir=asc"; do
    p=$(p95_ms "$users$view" -b "$jar")
    echo "| User Status ${view:-(first page)} | $p |" >>"$out/list-${provider,,}.md"
    page_worst=$(awk -v a="$page_worst" -v b="$p" 'BEGIN { print (b > a) ? b : a }')
  done
  profile_end $(( 12 * (requests + 3) )) request
  stop_app
  record list "REST list p95, worst of 4 views, $size rows" "$api_worst" ms "<=" 10 "$(ratio "$api_worst" "$echo_p95" "echo p95")"
  record list "User Status p95, worst of 8 views, $size rows" "$page_worst" ms "<=" 50 "$(ratio "$page_worst" "$echo_p95" "echo p95")"
}

scenario_export() {
  mixed_db
  start_app export
  local template admin password answer
  template=$(field Template "$seed")
  admin=$(field Admin "$seed" | sed 's| / .*||'); password=$(field Admin "$seed" | sed 's|.* / ||')
  partner_signin "$admin" "$password"
  log "export: Partner Hub CSV of all $size rows"
  profile_begin export
  answer=$(curl -s -b "$jar" -o "$out/export.csv" -w '%{http_code} %{time_total}' "$base/partner/templates/$template/users/export") || true
  profile_end "$size" row
  local status=${answer% *} seconds=${answer#* } rows hwm_kb met=""
  rows=$(( $(wc -l <"$out/export.csv") - 1 ))
  hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$app_pid/status")
  stop_app
  rm -f "$out/export.csv"
  [[ $status == 200 && $rows -ge $size ]] || met="no: HTTP $status, $rows rows"
  local rate; rate=$(awk -v n="$rows" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
  # Goal: 1M rows in < 8 s on SQLite, < 6 s on PostgreSQL: a rate at any size.
  local goal=125000; [[ $provider == Postgres ]] && goal=166667
  record export "CSV rows/s ($rows rows in $(fmt "$seconds") s)" "$rate" "/s" ">=" "$goal" \
    "$(ratio "$rate" "$insert_rps" "raw insert")" "$met"
  record export "app peak RSS (VmHWM) after the export" "$(awk -v k="$hwm_kb" 'BEGIN { printf "%.1f", k / 1024 }')" MB "<=" 150 "-"
}

scenario_storage() {
  mixed_db
  local answer
  answer=$(bench_tool storage --provider "$provider" --connection "$connection" --count "$size") || true
  local per; per=$(field BytesPerSubscriber "$answer")
  record storage "bytes per subscriber ($size rows, whole database)" "$per" B "<=" 600 \
    "$(ratio "$per" "$insert_bytes" "scratch row")"
}

scenario_outbox() {
  fresh_db outbox
  bench_tool outbox-seed --provider "$provider" --connection "$connection" --count "$size" >/dev/null
  local sink_port; sink_port=$(free_port)
  # Debian's python3 has aiosmtpd; a pyenv python on PATH may not.
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$sink_port" >/dev/null 2>&1 &
  sink_pid=$!
  start_app outbox --Email:Mode=Smtp --Email:Smtp:Host=127.0.0.1 --Email:Smtp:Port="$sink_port" \
    --Email:PollInterval=00:00:00.100
  log "outbox: $size queued messages to the aiosmtpd sink"
  local answer code=0 met=""
  profile_begin outbox
  answer=$(bench_tool outbox-run --provider "$provider" --connection "$connection") || code=$?
  profile_end "$(field Sent "$answer")" message
  stop_app
  kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; sink_pid=""
  [[ $code -eq 0 ]] || met="no: $(field Sent "$answer") of $size sent"
  local rate; rate=$(field SentPerSecond "$answer")
  record outbox "messages/s to the SMTP sink ($size in $(fmt "$(field Seconds "$answer")") s)" "$rate" "/s" ">=" 500 "-" "$met"
}

# Portal activations against the BroadWorks simulator (its Xsi-Actions answers at once), codes read from the pickup
# directory; a self-activation template without flow-through, so a simulator user needs no bridge call first.
# BENCH_PORTAL_RATE finds the rate the machine sustains; the goal is set at 200/s.
portal_rate=${BENCH_PORTAL_RATE:-200}
scenario_portal() {
  # At most 20 s of activations at the target rate: the simulator holds its users in memory.
  local count=$(( size < 20 * portal_rate ? size : 20 * portal_rate ))
  # Warm-up: untimed activations at 20/s for up to 30 s, so the timed ones meet a JIT-warm app, as a portal that has
  # been up a while is (the app compiles ~40,000 methods in its first minute of portal traffic).
  local warmup=$(( size < 600 ? (size < 20 ? 1 : size / 20) : 600 ))
  fresh_db portal
  local sim_port; sim_port=$(free_port)
  (cd tools/BroadWorksSimulator && exec dotnet bin/Release/net10.0/BroadWorksSimulator.dll --urls "http://127.0.0.1:$sim_port" \
    --Simulator:GenerateUsers="$(( count + warmup + 2 ))" --Simulator:GenerateGroups=10 --Simulator:OcipPort=0 --Simulator:OcipTlsPort=-1 \
    --Logging:LogLevel:Default=Warning) >"$out/simulator-${provider,,}.log" 2>&1 &
  sim_pid=$!
  local _
  for _ in $(seq 120); do curl -sf "http://127.0.0.1:$sim_port/api/faults" >/dev/null 2>&1 && break; sleep 0.5; done
  seed_db --count 0 --xsi "http://127.0.0.1:$sim_port/com.broadsoft.xsi-actions" --flow-through false --self-activation true
  rm -rf "$out/mail-portal"
  start_app portal
  measure_echo
  local answer code=0 met=""
  log "portal: warm-up, $warmup activations at 20/s (untimed)"
  bench_tool portal-run --url "$base" --slug "$(field Slug "$seed")" --mail "$out/mail-portal" --count "$warmup" \
    --rate 20 --first "$(( count + 2 ))" >/dev/null 2>&1 || true
  log "portal: $count activations (sign-in, email, code) at $portal_rate/s"
  profile_begin portal
  answer=$(bench_tool portal-run --url "$base" --slug "$(field Slug "$seed")" --mail "$out/mail-portal" --count "$count" \
    --rate "$portal_rate") || code=$?
  profile_end "$(field Completed "$answer")" activation
  stop_app
  kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; sim_pid=""
  [[ $code -eq 0 ]] || met="no: $(field Failed "$answer") of $count failed"
  local p95; p95=$(field P95Request "$answer")
  local partial=1; [[ -n $(field Failed "$answer") && $(field Failed "$answer") -lt $count ]] && partial=0
  BROKEN=$partial record portal "request p95 at $(fmt "$(field ActivationsPerSecond "$answer")") activations/s (step p95: sign-in $(fmt "$(field P95SignIn "$answer")"), email $(fmt "$(field P95Email "$answer")"), code $(fmt "$(field P95Code "$answer")") ms)" \
    "$p95" ms "<=" 30 "$(ratio "$p95" "$echo_p95" "echo p95")" "$met"
}

# ---------------------------------------------------------------------------------------------
# Run and print
# ---------------------------------------------------------------------------------------------
for provider in "${providers[@]}"; do
  results=(); cpu_notes=(); echo_rps=""; echo_p95=""; mixed_seed=""; rm -f "$out/wrk-${provider,,}.log" "$out"/app-*-"${provider,,}".log
  started=$(date -u '+%Y-%m-%d %H:%M UTC'); load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  log "$provider: ${scenarios[*]} at size $size"
  measure_insert_ceiling
  for s in "${scenarios[@]}"; do "scenario_$s"; done
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)

  table=$out/results-${provider,,}.md
  {
    echo "$provider, size $size, $started, $(nproc) cores, load average $load_before before / $load_after after," \
      "commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
    [[ $profile -eq 1 ]] && echo "Profiled run (perf attached): take the figures from a run without --profile."
    echo "Ceilings in this run: raw insert $(fmt "$insert_rps") rows/s ($(fmt "$insert_bytes") B a row);" \
      "bare echo $(fmt "$echo_rps") req/s at 64 connections, p95 $(fmt "$echo_p95") ms one at a time."
    echo
    echo "| Scenario | Figure | Measured | Goal | Ratio to ceiling | Met |"
    echo "|---|---|---|---|---|---|"
    for row in "${results[@]}"; do echo "| ${row//|/ | } |"; done
    echo
    echo "CPU in each measured phase:"
    for note in "${cpu_notes[@]}"; do echo "- $note."; done
    if [[ -s $out/list-${provider,,}.md && " ${scenarios[*]} " == *" list "* ]]; then
      echo
      echo "| list view | p95 ms |"
      echo "|---|---|"
      cat "$out/list-${provider,,}.md"
    fi
  } >"$table"
  echo
  cat "$table"
  echo
  echo "(written to ${table#"$repo_root"/})"
done

if [[ ${#broken[@]} -gt 0 ]]; then
  printf 'bench.sh: %d scenario(s) did not complete:\n' "${#broken[@]}" >&2
  printf '  %s\n' "${broken[@]}" >&2
  exit 1
fi
