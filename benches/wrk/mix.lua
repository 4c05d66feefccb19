-- POST /pushers/set in the mix clients send: of every 20 requests, 17 re-send a pusher the user
-- already holds, unchanged (85 %), 1 changes one (5 %), 1 registers a new one (5 %) and 1 deletes
-- one this thread registered a cycle earlier (5 %). Users are taken in turn, each kind with its
-- own turn. Every user i holds, before the run, "mixa-i" (re-sent unchanged) and "mixc-i" (changed
-- each time), with the bodies benches/service.mjs seeds; the same requests go to every server.
--   BENCH_TOKENS  comma-separated access tokens; the i-th (from 0) is user i
--   BENCH_RUN     a label that makes this run's new pushkeys distinct from every other run's
--   BENCH_PATH    the route (default /_matrix/client/v3/pushers/set)
--   BENCH_MIX     "unchanged,changed,new,delete" out of their sum (default "17,1,1,1"), to
--                 load one kind alone when profiling
local common = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH") or "/_matrix/client/v3/pushers/set"
local run = os.getenv("BENCH_RUN") or "0"
local tokens = common.tokens()
local counter = 0
local turns = { unchanged = 0, changed = 0, new = 0 }
local shares = {}
for n in string.gmatch(os.getenv("BENCH_MIX") or "17,1,1,1", "%d+") do
  table.insert(shares, tonumber(n))
end
local cycle = shares[1] + shares[2] + shares[3] + shares[4]
local created = {} -- { token, pushkey } registered by this thread, oldest first
local first = 1

setup = common.setup
response = common.response
done = common.done

-- The body of benches/service.mjs's body(): the same members in the same order.
local function body(pushkey, device)
  return string.format(
    '{"kind":"http","app_id":"com.example.bench.ios","pushkey":"%s",' ..
    '"app_display_name":"Bench","device_display_name":"%s","lang":"en",' ..
    '"data":{"url":"https://push.example.com/_matrix/push/v1/notify","format":"event_id_only"},' ..
    '"append":false}', pushkey, device)
end

local function post(token, text)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, text)
end

-- The next user for a kind of request: its index (from 0) and token.
local function turn(kind)
  turns[kind] = turns[kind] + 1
  local i = (turns[kind] * 2 + thread_id) % #tokens
  return i, tokens[i + 1]
end

function request()
  counter = counter + 1
  local slot = counter % cycle
  if slot < shares[1] then
    local i, token = turn("unchanged")
    return post(token, body("mixa-" .. i, "Seed " .. i))
  elseif slot < shares[1] + shares[2] then
    local i, token = turn("changed")
    return post(token, body("mixc-" .. i, string.format("Changed %s %d %d", run, thread_id, counter)))
  elseif slot < shares[1] + shares[2] + shares[3] then
    local _, token = turn("new")
    local pushkey = string.format("mixn-%s-%d-%d", run, thread_id, counter)
    table.insert(created, { token, pushkey })
    return post(token, body(pushkey, "New"))
  else
    -- Delete the pusher registered a cycle before the last one: the last may still be in flight
    -- on another connection.
    local token, pushkey
    if #created - first >= 1 then
      token, pushkey = created[first][1], created[first][2]
      created[first] = nil
      first = first + 1
    else
      local _, t = turn("new")
      token, pushkey = t, string.format("mixd-%s-%d-%d", run, thread_id, counter)
    end
    return post(token, string.format('{"kind":null,"app_id":"com.example.bench.ios","pushkey":"%s"}', pushkey))
  end
end
