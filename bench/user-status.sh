#!/usr/bin/env bash
# Measures Partner Hub's User Status page (and the REST list) against a template with N subscribers.
#   bench/user-status.sh [--provider Sqlite|Postgres] [--connection CS] [--count N] [--requests R]
# SQLite uses a fresh file under artifacts/bench/ unless --connection is given; PostgreSQL needs --connection
# to an empty database. Prints p50/p95 per view, measured over loopback (the server's time plus ~0.2 ms).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

provider=Sqlite; connection=""; count=1000000; requests=30; port=5183
while [[ $# -gt 0 ]]; do
  case $1 in
    --provider) provider=$2; shift 2 ;;
    --connection) connection=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    *) echo "bench/user-status.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z $connection ]]; then
  [[ $provider == Sqlite ]] || { echo "bench/user-status.sh: --connection is required for $provider" >&2; exit 2; }
  mkdir -p artifacts/bench
  rm -f artifacts/bench/user-status.db*
  connection="Data Source=$PWD/artifacts/bench/user-status.db"
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build Flowthrough.slnx -c Release -v quiet -nologo >/dev/null
seed=$(dotnet run --no-build -c Release --project bench/Flowthrough.Bench -- --provider "$provider" --connection "$connection" --count "$count")
echo "$seed" | head -1
template=$(echo "$seed" | sed -n 's/^Template: //p')
admin=$(echo "$seed" | sed -n 's/^Admin: \(.*\) \/ .*/\1/p')
password=$(echo "$seed" | sed -n 's/^Admin: .* \/ //p')

app_log=$(mktemp)
(cd src/Flowthrough && exec dotnet bin/Release/net10.0/Flowthrough.dll --urls "http://127.0.0.1:$port" \
  --Database:Provider="$provider" --Database:ConnectionString="$connection" --Seed:Demo=false --Engine:Workers=0 \
  --Logging:LogLevel:Default=Warning) >"$app_log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; rm -f "$app_log" "$jar"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 60); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.5; done

jar=$(mktemp)
token() { grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
t=$(curl -s -c "$jar" -b "$jar" "$base/partner/signin" | token)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "Email=$admin" --data-urlencode "Password=$password" \
  --data-urlencode "__RequestVerificationToken=$t" "$base/partner/signin"

users="$base/partner/templates/$template/users"
# The cursor of a page far down the list: follow "next" links from the first page.
deep="$users"
for _ in $(seq 20); do
  next=$(curl -s -b "$jar" "$deep" | grep -o 'href="[^"]*after=[^"]*"' | head -1 | sed 's/href="//; s/"$//; s/&amp;/\&/g')
  [[ -n $next ]] || break
  deep="$base$next"
done

measure() {
  local label=$1 url=$2
  for _ in 1 2 3; do curl -s -b "$jar" -o /dev/null "$url"; done
  for _ in $(seq "$requests"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$url"; done | sort -n |
    awk -v label="$label" '{ t[NR] = $1 * 1000 } END { printf "| %-44s | %7.1f | %7.1f |\n", label, t[int((NR + 1) * 0.5)], t[int(NR * 0.95)] }'
}

printf '\n%s, %s subscribers in one template, %s requests each (ms)\n\n' "$provider" "$count" "$requests"
echo "| User Status view                             |     p50 |     p95 |"
echo "|----------------------------------------------|---------|---------|"
measure "first page (last change, newest first)" "$users"
measure "21st page (keyset cursor)" "$deep"
measure "status = error" "$users?status=error"
measure "Exclude provisioned users" "$users?exclude=true"
measure "search: BroadWorks ID prefix, 10 matches" "$users?q=user09999"
measure "search: email, 1 match" "$users?q=user0500000@firma.example"
measure "search: last name, 100,000 matches" "$users?q=%C5%BBak"
measure "search: ID prefix, 100,000 matches" "$users?q=user05"
measure "sort by BroadWorks ID" "$users?sort=userid&dir=asc"
