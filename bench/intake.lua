-- wrk script for ./bench.sh intake: POST one new user per request to BENCH_PATH (the bridge, or the bare echo for
-- the ceiling), Basic auth from BENCH_AUTH. Every request carries a userId no other request used: each wrk thread
-- numbers its own requests and BENCH_RUN keeps runs on the same database apart.
local run = os.getenv("BENCH_RUN") or "r"
local path = os.getenv("BENCH_PATH")
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

function init(args)
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_AUTH")
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"userId":"%s-%d-%d@bench.sp.example","serviceProviderId":"sp","groupId":"group%d","firstName":"Zofia",' ..
    '"lastName":"Wójcik","primaryPhoneNumber":"+48225550100","isActive":true}',
    run, thread_id, counter, counter % 500)
  return wrk.format(nil, path, nil, body)
end
