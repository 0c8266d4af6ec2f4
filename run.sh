#!/usr/bin/env bash
# Builds and runs Flowthrough on its embedded defaults (SQLite file under data/, mail as .eml files
# under data/mail/, demo data seeded), so nothing but the .NET SDK is needed:
#   ./run.sh [--port N] [--sim-port N]
# The app prints its URLs and the demo credentials at start-up (DESIGN.md §6); this script leaves
# that output untouched so other scripts can read it. Ctrl-C stops the app.
set -euo pipefail

# Work from the repository root, so the --project path below is right whatever the caller's cwd.
cd "$(dirname "$(readlink -f "$0")")"

usage() {
  echo "usage: ./run.sh [--port N] [--sim-port N]" >&2
  exit 2
}

port=5080
sim_port=""

while [[ $# -gt 0 ]]; do
  case $1 in
    --port) [[ $# -ge 2 ]] || usage; port=$2; shift 2 ;;
    --port=*) port=${1#*=}; shift ;;
    # Accepted now so that callers can already pass it: the BroadWorks simulator
    # (tools/BroadWorksSimulator) does not exist yet, so the value is not used.
    --sim-port) [[ $# -ge 2 ]] || usage; sim_port=$2; shift 2 ;;
    --sim-port=*) sim_port=${1#*=}; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument: $1" >&2; usage ;;
  esac
done

valid_port() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 65535 )); }
valid_port "$port" || { echo "run.sh: --port must be a number from 1 to 65535, got '$port'" >&2; exit 2; }
if [[ -n $sim_port ]]; then
  valid_port "$sim_port" || { echo "run.sh: --sim-port must be a number from 1 to 65535, got '$sim_port'" >&2; exit 2; }
fi

command -v dotnet >/dev/null || { echo "run.sh: the .NET SDK (dotnet) is not on PATH; install it first." >&2; exit 1; }

# Fail early and plainly, instead of after the build with Kestrel's "address already in use" stack
# trace. bash's /dev/tcp connect succeeds only if something is listening there.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_in_use "$port"; then
  echo "run.sh: port $port on 127.0.0.1 is already in use; stop whatever listens there or pick another with --port N" >&2
  exit 1
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# No ASPNETCORE_ENVIRONMENT here: the app runs in the default Production environment with the
# embedded defaults from appsettings.json. --no-launch-profile keeps a Properties/launchSettings.json
# (which usually sets Development) from changing that. exec: Ctrl-C and signals go straight to dotnet.
# The embedded data (SQLite file, picked-up mail) lives in data/ at the repository root, wherever dotnet runs.
exec dotnet run --project src/Flowthrough -c Release --no-launch-profile -- --urls "http://127.0.0.1:$port" \
  --Database:ConnectionString="Data Source=$PWD/data/flowthrough.db" --Email:PickupDirectory="$PWD/data/mail"
