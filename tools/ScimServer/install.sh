#!/usr/bin/env bash
# Installs the SCIM test server's npm packages (scimmy, scimmy-routers, express) exactly as package-lock.json
# pins them. Does nothing when node_modules already matches the lock file, so test.sh and run.sh can call it
# on every start. Needs node and npm on PATH (Debian: apt-get install nodejs npm; test.sh installs them).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")"

command -v node >/dev/null || { echo "tools/ScimServer/install.sh: node is not on PATH; install Node.js 18 or later (apt-get install nodejs npm)" >&2; exit 1; }
command -v npm >/dev/null || { echo "tools/ScimServer/install.sh: npm is not on PATH; install it (apt-get install npm)" >&2; exit 1; }

# The lock file's hash, kept inside node_modules: a changed lock file (or a missing node_modules) reinstalls.
stamp=node_modules/.flowthrough-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f $stamp && $(cat "$stamp") == "$wanted" ]]; then
  exit 0
fi

echo "==> Installing the SCIM test server's npm packages (tools/ScimServer)"
npm ci --no-audit --no-fund --loglevel=error
echo "$wanted" > "$stamp"
