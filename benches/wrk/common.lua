-- Shared by the wrk scripts: thread numbering, a count of response statuses in every thread,
-- and a one-line JSON summary that the harness reads (latencies in microseconds).
local common = {}
local threads = {}

function common.tokens()
  local list = {}
  for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do
    table.insert(list, token)
  end
  return list
end

function common.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
  thread:set("statuses", {})
end

function common.response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function common.done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(counts) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d},"statuses":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    table.concat(parts, ",")))
end

return common
