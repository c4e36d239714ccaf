-- POST /api/contact with a valid JSON submission that differs on every request (and from every
-- earlier wrk run: bench/common.py passes a fresh run id), so the Worker's idempotency store
-- never replays an earlier answer: each request is a new write.
require("statuses")

local count_init = init
function init(args)
  run_id = args[1] or ""
  count_init(args)
end

local threads_made = 0
local count_statuses = setup
local counter = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_number", threads_made) -- a global in that thread's own Lua state
  count_statuses(thread)
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"name":"Bench","email":"bench@example.org","message":"load test %s-%d-%d"}', run_id, thread_number, counter)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
