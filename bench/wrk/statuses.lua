-- Counts each HTTP status across wrk's threads; done() prints them as one JSON line that
-- bench/common.py reads ("STATUSES {...}"), so a run of 429s or 5xx cannot pass for speed.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write("STATUSES {" .. table.concat(parts, ", ") .. "}\n")
end
