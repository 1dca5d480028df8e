-- wrk's request source for the benchmarks (docs/benchmarks.md, "How the server is measured"). bench/lib/load.ts
-- writes everything this script reads; wrk runs it once per thread and once more for setup() and done().
--
-- BENCH_WRK_SPEC names a Lua file returning
--   { targets = { { host = "127.0.0.1", port = "8080" }, ... }, pools = { "<file>", ... }, wrap = true|false }
-- Thread k sends the pre-built raw HTTP requests of pools[k] in order (each preceded in the file by a line with
-- its length in bytes) to targets[(k - 1) % #targets + 1]. With `wrap` it starts over at the end; without, it
-- marks itself exhausted, sends nothing more (an empty request writes no bytes) and stops; the harness then
-- discards the run. A create is never sent twice.
-- With no pools at all, wrk sends its own static `GET /`: the generator's ceiling, nothing to build per request.

local spec = dofile(os.getenv("BENCH_WRK_SPEC"))

local threads = {}

function setup(thread)
  local k = #threads + 1
  local target = spec.targets[(k - 1) % #spec.targets + 1]
  thread.addr = wrk.lookup(target.host, target.port)[1]
  thread:set("slice", k)
  threads[k] = thread
end

local requests = {}
local count = 0
local nextIndex = 1
exhausted = false

function init(args)
  if #spec.pools == 0 then
    return
  end
  local file = assert(io.open(spec.pools[slice], "rb"))
  local data = file:read("*a")
  file:close()
  local at = 1
  while at <= #data do
    local newline = data:find("\n", at, true)
    local length = tonumber(data:sub(at, newline - 1))
    count = count + 1
    requests[count] = data:sub(newline + 1, newline + length)
    at = newline + length + 1
  end
  assert(count > 0, "empty request pool " .. spec.pools[slice])
end

if #spec.pools > 0 then
  -- Defining request() is what makes wrk ask for a request per send; one table lookup keeps that cheap.
  function request()
    if nextIndex > count then
      if not spec.wrap then
        exhausted = true
        wrk.thread:stop()
        return ""
      end
      nextIndex = 1
    end
    local r = requests[nextIndex]
    nextIndex = nextIndex + 1
    return r
  end
end

function done(summary, latency, _)
  local ran_out = false
  for _, thread in ipairs(threads) do
    ran_out = ran_out or thread:get("exhausted") == true
  end
  local e = summary.errors
  io.write(string.format(
    'wrk-result {"durationUs":%.0f,"responses":%.0f,"bytes":%.0f,"connectErrors":%d,"readErrors":%d,' ..
      '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"exhausted":%s,' ..
      '"latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d,"mean":%.3f}}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    tostring(ran_out), latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean
  ))
end
