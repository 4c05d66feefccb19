-- POST /pushers/set, each request with a pushkey never used before, so that every request is a
-- real write. The same body shape goes to the worker and to Synapse.
--   BENCH_TOKENS  comma-separated access tokens, used in turn
--   BENCH_RUN     a label that makes this run's pushkeys distinct from every other run's
--   BENCH_PATH    the route (default /_matrix/client/v3/pushers/set)
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or "/_matrix/client/v3/pushers/set"
local run = os.getenv("BENCH_RUN") or "0"
local tokens = common.tokens()
local counter = 0

setup = common.setup
response = common.response
done = common.done

function request()
  counter = counter + 1
  local pushkey = string.format("bench-%s-%d-%d", run, thread_id, counter)
  local body = string.format(
    '{"kind":"http","app_id":"com.example.bench.ios","pushkey":"%s",' ..
    '"app_display_name":"Bench","device_display_name":"Bench device %d","lang":"en",' ..
    '"data":{"url":"https://push.example.com/_matrix/push/v1/notify","format":"event_id_only"},' ..
    '"append":false}', pushkey, thread_id)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1],
  }
  return wrk.format("POST", path, headers, body)
end
