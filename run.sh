#!/usr/bin/env bash
# Builds and runs Flowthrough on its embedded defaults (SQLite file under data/, mail as .eml files
# under data/mail/, demo data seeded) beside the BroadWorks simulator, so nothing but the .NET SDK is needed:
#   ./run.sh [--port N] [--sim-port N] [--ocip-port N] [--scim [--scim-port N]]   (defaults 5080, 5090, 2208, 5100)
# The simulator also answers OCI-P on --ocip-port (TCP) and the next port (TLS); the demo cluster syncs from it.
# --scim also starts the SCIM 2.0 test server (tools/ScimServer, Node.js) and points the demo templates at it,
# so that provisioned subscribers become SCIM users there; it prints "SCIM server: URL".
# Both apps print their URLs and the demo credentials at start-up (DESIGN.md §6); this script leaves
# that output untouched so other scripts can read it. Ctrl-C stops both.
set -euo pipefail

# Work from the repository root, so the --project path below is right whatever the caller's cwd.
cd "$(dirname "$(readlink -f "$0")")"

usage() {
  echo "usage: ./run.sh [--port N] [--sim-port N] [--ocip-port N] [--scim [--scim-port N]]" >&2
  exit 2
}

port=5080
sim_port=5090
ocip_port=2208
scim=false
scim_port=5100

while [[ $# -gt 0 ]]; do
  case $1 in
    --port) [[ $# -ge 2 ]] || usage; port=$2; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    --sim-port) [[ $# -ge 2 ]] || usage; sim_port=$2; shift 2 ;;
    --sim-port=*) sim_port=${1#*=}; shift ;;
    --ocip-port) [[ $# -ge 2 ]] || usage; ocip_port=$2; shift 2 ;;
    --ocip-port=*) ocip_port=${1#*=}; shift ;;
    --scim) scim=true; shift ;;
    --scim-port) [[ $# -ge 2 ]] || usage; scim_port=$2; shift 2 ;;
    --scim-port=*) scim_port=${1#*=}; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage ;;
  esac
done

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }
valid_port "$port" || { echo "run.sh: --port must be a number from 1 to 65535, got '$port'" >&2; exit 2; }
valid_port "$sim_port" || { echo "run.sh: --sim-port must be a number from 1 to 65535, got '$sim_port'" >&2; exit 2; }
[[ $port != "$sim_port" ]] || { echo "run.sh: --port and --sim-port must differ" >&2; exit 2; }
valid_port "$ocip_port" && (( ocip_port < 65535 )) || { echo "run.sh: --ocip-port must be a number from 1 to 65534 (TLS takes the next port), got '$ocip_port'" >&2; exit 2; }
valid_port "$scim_port" || { echo "run.sh: --scim-port must be a number from 1 to 65535, got '$scim_port'" >&2; exit 2; }

command -v dotnet >/dev/null || { echo "run.sh: the .NET SDK (dotnet) is not on PATH; install it first." >&2; exit 1; }

# Fail early and plainly, instead of after the build with Kestrel's "address already in use" stack
# trace. bash's /dev/tcp connect succeeds only if something is listening there.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$port" "$sim_port" "$ocip_port" "$((ocip_port + 1))")
if $scim; then
  command -v node >/dev/null || { echo "run.sh: --scim needs Node.js (node) on PATH; install it first (Debian: apt-get install nodejs npm)." >&2; exit 1; }
  ports+=("$scim_port")
fi
for p in "${ports[@]}"; do
  if port_in_use "$p"; then
    echo "run.sh: port $p on 127.0.0.1 is already in use; stop whatever listens there or pick another with --port N / --sim-port N / --ocip-port N" >&2
    exit 1
  fi
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# One build for both apps, so the two never start half-built.
dotnet build Flowthrough.slnx -c Release -v quiet -nologo
if $scim; then
  tools/ScimServer/install.sh
fi

app_url="http://127.0.0.1:$port"
sim_url="http://127.0.0.1:$sim_port"
pids=()
stop_all() {
  trap - INT TERM EXIT
  [[ ${#pids[@]} -gt 0 ]] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# No ASPNETCORE_ENVIRONMENT here: both apps run in the default Production environment with the embedded
# defaults from appsettings.json; --no-launch-profile keeps a launchSettings.json from changing that.
# The simulator plays BroadWorks: its groups call this app's bridge, and the app's demo cluster checks
# passwords against the simulator's Xsi-Actions.
dotnet run --no-build --project tools/BroadWorksSimulator -c Release --no-launch-profile -- --urls "$sim_url" \
  --Simulator:AppUrl="$app_url" --Simulator:OcipPort="$ocip_port" --Simulator:OcipTlsPort="$((ocip_port + 1))" &
pids+=($!)

scim_args=()
if $scim; then
  # The SCIM test server prints its own "SCIM server: URL" line; the demo templates provision into it.
  scim_url="http://127.0.0.1:$scim_port/scim/v2"
  node tools/ScimServer/server.js --port "$scim_port" &
  pids+=($!)
  scim_args=(--Seed:ScimUrl="$scim_url")
fi

# The embedded data (SQLite file, picked-up mail) lives in data/ at the repository root, wherever dotnet runs.
# The development mailbox (/dev/mailbox) is off by default, since it shows every verification code to anyone;
# this local demo switches it on (Dev:Mailbox, env form Dev__Mailbox).
# The simulator and the SCIM test server listen on loopback, which Flowthrough refuses to call unless
# Outbound:AllowedNetworks allows it (README, Security).
dotnet run --no-build --project src/Flowthrough -c Release --no-launch-profile -- --urls "$app_url" \
  --Database:ConnectionString="Data Source=$PWD/data/flowthrough.db" --Email:PickupDirectory="$PWD/data/mail" \
  --Seed:ClusterXsiActionsUrl="$sim_url/com.broadsoft.xsi-actions" --Seed:ClusterOcipPort="$ocip_port" --Dev:Mailbox=true \
  --Outbound:AllowedNetworks="127.0.0.0/8;::1/128" "${scim_args[@]}" &
pids+=($!)

# Ctrl-C stops them all; if one stops on its own, the others are stopped too.
status=0
wait -n "${pids[@]}" || status=$?
echo "run.sh: one of the apps stopped (exit $status); stopping the others." >&2
exit "$status"
