-- wrk script for the bridge single-user call: every request a new userId, so each one creates a subscriber.
--   wrk -t2 -c64 -d20s -s bench/intake-wrk.lua http://127.0.0.1:5190/bridge/demo-untrusted/users
-- INTAKE_AUTH (user:password, default the demo seed's provisioning account) and INTAKE_PREFIX (to keep runs apart).
local auth = os.getenv("INTAKE_AUTH") or "bwprov:Demo-Prov-2026!"
local prefix = os.getenv("INTAKE_PREFIX") or tostring(os.time())
local counter = 0
local thread_id = 0
local threads = {}

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return b64chars:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Basic " .. base64(auth)
  non2xx = 0
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"userId":"u%s-%d-%d@bench.example","serviceProviderId":"sp-bench","groupId":"g%d","firstName":"Zofia",' ..
    '"lastName":"Zak","primaryPhoneNumber":"+48225550101","isActive":true}', prefix, id, counter, counter % 100)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  io.write(string.format("non-2xx: %d\n", bad))
  for _, p in ipairs({ 50, 90, 99, 99.9 }) do
    io.write(string.format("p%s: %.2f ms\n", p, latency:percentile(p) / 1000))
  end
end
