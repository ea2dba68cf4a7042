-- wrk script: each connection sends GET paths drawn at random from a file (one path per line), so the
-- benchmark exercises many different queries rather than one cached plan and page.
-- Usage: wrk -t2 -c16 -d30s -s bench/catalogue/requests.lua http://127.0.0.1:8000 -- PATHS_FILE
-- At the end it prints one JSON line (prefixed RESULT_JSON) with latency percentiles in milliseconds.

local paths = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open paths file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  assert(#paths > 0, "the paths file is empty")
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'RESULT_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
