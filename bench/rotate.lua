-- wrk script for bench/run.py: rotates through pre-generated requests and prints one JSON line.
--
--   wrk -s bench/rotate.lua http://127.0.0.1:PORT/api/v1/reports -- FILE POST [START THREADS]
--   wrk -s bench/rotate.lua http://127.0.0.1:PORT/ -- FILE GET
--
-- FILE holds one request per line: a JSON body (POST, sent to the URL's path) or a path (GET).
-- Thread t begins at line START + t * (lines / THREADS): each walks its own share, and a later run given
-- a later START goes on with requests not sent yet (a repeated report body is a certain duplicate).
-- done() prints "BENCH_JSON {...}" with the summary, latency percentiles (µs), the HTTP status
-- counts and how many requests were sent (sent - answered = in flight when wrk stopped).

-- Globals, not locals: done() reads them from each thread's Lua state with thread:get().
sent = 0
statuses = {}
thread_index = 0

local threads = {}
local requests = {}
local position = 0

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function init(args)
   local file, method = args[1], args[2]
   local headers = { ["Content-Type"] = "application/json" }
   for line in io.lines(file) do
      if method == "POST" then
         requests[#requests + 1] = wrk.format("POST", wrk.path, headers, line)
      else
         requests[#requests + 1] = wrk.format("GET", line)
      end
   end
   assert(#requests > 0, "no requests in " .. file)
   -- Threads start at different places so they do not send the same sequence.
   local start, thread_count = tonumber(args[3] or "0"), tonumber(args[4] or "1")
   position = (start + thread_index * math.floor(#requests / thread_count)) % #requests
end

function request()
   sent = sent + 1
   position = position % #requests + 1
   return requests[position]
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, _)
   -- wrk calls request() once on the first thread before the run to check for pipelining
   -- (script_verify_request); that request is never sent.
   local total_sent = -1
   local totals = {}
   for _, thread in ipairs(threads) do
      total_sent = total_sent + thread:get("sent")
      for code, count in pairs(thread:get("statuses")) do
         totals[code] = (totals[code] or 0) + count
      end
   end
   local codes = {}
   for code, count in pairs(totals) do
      codes[#codes + 1] = string.format('"%d": %d', code, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, "sent": %d, '
         .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
         .. '"latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, '
         .. '"p50": %d, "p90": %d, "p99": %d, "p999": %d}, "statuses": {%s}}\n',
      summary.duration, summary.requests, summary.bytes, total_sent,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      table.concat(codes, ", ")
   ))
end
