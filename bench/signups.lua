-- wrk script for bench/signups.sh: a signup storm with a fixed number of requests.
-- SPDX-License-Identifier: Apache-2.0
--
--   wrk -tT -cC -d<cap> -s bench/signups.lua URL -- PATH TOKENS T DONE
--
-- PATH: the signup path (POST, {"adults": 1, "children": 0}). TOKENS: a file
-- of bearer tokens, one a line; each is sent exactly once (thread i of T takes
-- lines i, i+T, ...), so every signup is a different person. DONE: a scratch
-- file through which the threads tell each other they have finished.
--
-- wrk runs for a duration, not a count, so the script keeps the count: a
-- connection is given a request only while a token is left (delay() reserves
-- one; a connection with nothing to send waits an hour), and when a thread
-- has all its answers it stops its loop. The last thread to finish sends
-- SIGINT to wrk, which ends wrk's wait at once. The rate is timed here, from
-- the first request to the last answer (CLOCK_MONOTONIC through LuaJIT's
-- ffi), and done() prints one line for signups.sh:
--
--   storm: answered=N created=N confirmed=N waitlisted=N failed=N
--          positions=N pos_min=N pos_max=N seconds=S rate=R p50_ms=L p99_ms=L

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *tp);
int getpid(void);
int kill(int pid, int sig);
]]
local CLOCK_MONOTONIC, SIGINT = 1, 2

local function now()
    local ts = ffi.new("bench_timespec")
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

-- Setup (wrk's main Lua state): number the threads, keep them for done().
local threads, nthreads = {}, 0

function setup(thread)
    thread:set("tid", nthreads)
    nthreads = nthreads + 1
    threads[nthreads] = thread
end

-- Running (one Lua state per thread).
function init(args)
    -- args[0] is the URL; ours follow "--".
    local path, tokens, count = args[1], args[2], tonumber(args[3])
    done_file = args[4]
    peers = count
    reqs = {}
    local i = 0
    for token in io.lines(tokens) do
        if i % count == tid then
            reqs[#reqs + 1] = wrk.format("POST", path, {
                ["Authorization"] = "Bearer " .. token,
                ["Content-Type"] = "application/json",
            }, '{"adults": 1, "children": 0}')
        end
        i = i + 1
    end
    reserved, issued, answered = 0, 0, 0
    created, confirmed, waitlisted, failed = 0, 0, 0, 0
    positions = {}
    t_first, t_last = 0, 0
end

function delay()
    if reserved < #reqs then
        reserved = reserved + 1
        return 0
    end
    return 3600 * 1000 -- nothing left to send from this connection
end

function request()
    if issued < reserved then
        issued = issued + 1
        if issued == 1 then
            t_first = now()
        end
        return reqs[issued]
    end
    -- Only wrk's check of the request's format before the run: never sent.
    return reqs[1]
end

function response(status, headers, body)
    answered = answered + 1
    if status == 201 then
        created = created + 1
        local s = body:match('"status"%s*:%s*"(%a+)"')
        if s == "confirmed" then
            confirmed = confirmed + 1
        elseif s == "waitlisted" then
            waitlisted = waitlisted + 1
            positions[#positions + 1] = tonumber(body:match('"waitlist_position"%s*:%s*(%d+)'))
        end
    else
        failed = failed + 1
        if failed <= 3 then
            io.stderr:write(string.format("bench: signup answered %d: %s\n", status, body))
        end
    end
    if answered == #reqs then
        t_last = now()
        wrk.thread:stop()
        local f = assert(io.open(done_file, "a"))
        f:write("x")
        f:close()
        f = assert(io.open(done_file, "r"))
        local finished = f:seek("end")
        f:close()
        if finished >= peers then
            ffi.C.kill(ffi.C.getpid(), SIGINT)
        end
    end
end

-- Done (main Lua state again).
function done(summary, latency, requests)
    local sum = { answered = 0, created = 0, confirmed = 0, waitlisted = 0, failed = 0 }
    local first, last = math.huge, 0
    local seen, npos, pmin, pmax = {}, 0, math.huge, 0
    for _, t in ipairs(threads) do
        for k in pairs(sum) do
            sum[k] = sum[k] + t:get(k)
        end
        local f, l = t:get("t_first"), t:get("t_last")
        if f > 0 and f < first then first = f end
        if l > last then last = l end
        for _, p in pairs(t:get("positions")) do
            if not seen[p] then
                seen[p] = true
                npos = npos + 1
                pmin, pmax = math.min(pmin, p), math.max(pmax, p)
            end
        end
    end
    local seconds = (last > 0 and first < last) and last - first or 0
    if npos == 0 then pmin = 0 end
    io.write(string.format(
        "storm: answered=%d created=%d confirmed=%d waitlisted=%d failed=%d positions=%d pos_min=%d pos_max=%d "
        .. "seconds=%.6f rate=%.0f p50_ms=%.1f p99_ms=%.1f\n",
        sum.answered, sum.created, sum.confirmed, sum.waitlisted, sum.failed, npos, pmin, pmax,
        seconds, seconds > 0 and sum.answered / seconds or 0,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
