-- wrk script: POSTs the JSON bodies of a file (one body per line) in turn, and prints one RESULT line.
-- Usage: wrk -t1 -c16 -d10s --latency -s post.lua http://127.0.0.1:5080/score -- bodies.txt
local requests = {}
local next_request = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, line)
    end
  end
  if #requests == 0 then
    error("no request bodies in " .. tostring(args[1]))
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_us=%d p99_us=%d requests=%d errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(99), summary.requests,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
