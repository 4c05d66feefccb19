-- GET /pushers with each token in turn.
--   BENCH_TOKENS  comma-separated access tokens
--   BENCH_PATH    the route (default /_matrix/client/v3/pushers)
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or "/_matrix/client/v3/pushers"
local tokens = common.tokens()
local counter = 0

setup = common.setup
response = common.response
done = common.done

function request()
  counter = counter + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1] })
end
