-- wrk script for bench/soak.sh: mixed traffic for as long as wrk runs.
-- SPDX-License-Identifier: Apache-2.0
--
--   wrk -tT -cC -dD -s bench/soak.lua URL -- DIR DELAY_MS
--
-- DIR holds what soak.sh set up, one item a line: slug, admin (a bearer token
-- that may cancel any signup), groups (ids), sessions (ids of sessions one
-- can sign up for), tokens (people's bearer tokens), feeds (their calendar
-- tokens), logins ("email password" of people with a password). Each
-- connection waits DELAY_MS between its requests (wrk's delay()), so the
-- load is steady rather than as much as the machine takes.
--
-- Each request is drawn at random (weights in MIX): the group list, a
-- group's sessions, the org feed (half of them gzip), a group feed, a
-- personal feed (rendered every time), a signup by a random person for a
-- random session, a cancellation of a signup this thread made (the oldest
-- it has not cancelled yet; a read when there is none); now and then a
-- login (argon2id) and an edit of a group's description (every worker then
-- renders its feeds again). done() prints one line for soak.sh:
--
--   soak: requests=N seconds=S s2xx=N s409=N other=N signups=N cancels=N logins=N edits=N p50_ms=L p99_ms=L
--
-- 409s are signups of someone already signed up for that session: expected
-- now and then with random draws. Anything else not 2xx is counted in other
-- and the first few are printed on stderr.

local MIX = {
    { "groups", 24 }, { "sessions", 18 }, { "org_feed", 14 }, { "group_feed", 5 }, { "person_feed", 4 },
    { "signup", 17 }, { "cancel", 18 }, { "login", 0.05 }, { "edit", 0.1 },
}

local threads = {}

function setup(thread)
    thread:set("tid", #threads)
    threads[#threads + 1] = thread
end

local function lines(path)
    local t = {}
    for l in io.lines(path) do
        if l ~= "" then t[#t + 1] = l end
    end
    assert(#t > 0, path .. " is empty")
    return t
end

function init(args)
    local dir = args[1]
    think = tonumber(args[2])
    slug = lines(dir .. "/slug")[1]
    admin = "Bearer " .. lines(dir .. "/admin")[1]
    groups, sessions = lines(dir .. "/groups"), lines(dir .. "/sessions")
    tokens, feeds, logins = lines(dir .. "/tokens"), lines(dir .. "/feeds"), lines(dir .. "/logins")
    math.randomseed(os.time() * 100 + tid)
    total = 0
    for _, m in ipairs(MIX) do total = total + m[2] end
    pending, first_pending, last_pending = {}, 1, 0 -- signup ids to cancel, oldest first
    s2xx, s409, other = 0, 0, 0
    signups, cancels, logins_sent, edits = 0, 0, 0, 0
    edit_no = 0
end

function delay()
    return think
end

local function pick(t)
    return t[math.random(#t)]
end

local function kind()
    local r = math.random() * total
    for _, m in ipairs(MIX) do
        r = r - m[2]
        if r < 0 then return m[1] end
    end
    return MIX[1][1]
end

local json = { ["Content-Type"] = "application/json" }

function request()
    local k = kind()
    if k == "cancel" and first_pending > last_pending then
        k = "groups"
    end
    if k == "groups" then
        return wrk.format("GET", "/api/v1/groups?org=" .. slug)
    elseif k == "sessions" then
        return wrk.format("GET", "/api/v1/groups/" .. pick(groups) .. "/sessions")
    elseif k == "org_feed" then
        local h = math.random(2) == 1 and { ["Accept-Encoding"] = "gzip" } or nil
        return wrk.format("GET", "/calendars/orgs/" .. slug .. ".ics", h)
    elseif k == "group_feed" then
        return wrk.format("GET", "/calendars/groups/" .. pick(groups) .. ".ics")
    elseif k == "person_feed" then
        return wrk.format("GET", "/calendars/people/" .. pick(feeds) .. ".ics")
    elseif k == "signup" then
        signups = signups + 1
        return wrk.format("POST", "/api/v1/sessions/" .. pick(sessions) .. "/signups", {
            ["Authorization"] = "Bearer " .. pick(tokens), ["Content-Type"] = "application/json",
        }, '{"adults": 1, "children": 0}')
    elseif k == "cancel" then
        cancels = cancels + 1
        local id = pending[first_pending]
        pending[first_pending] = nil
        first_pending = first_pending + 1
        return wrk.format("DELETE", "/api/v1/signups/" .. id, { ["Authorization"] = admin })
    elseif k == "login" then
        logins_sent = logins_sent + 1
        local email, password = pick(logins):match("^(%S+) (%S+)$")
        return wrk.format("POST", "/api/v1/auth/login", json,
            string.format('{"email": "%s", "password": "%s"}', email, password))
    else
        edits = edits + 1
        edit_no = edit_no + 1
        return wrk.format("PATCH", "/api/v1/groups/" .. pick(groups), {
            ["Authorization"] = admin, ["Content-Type"] = "application/json",
        }, string.format('{"description": "Avoin vertaisryhmä, muutos %d/%d."}', tid, edit_no))
    end
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        s2xx = s2xx + 1
        if status == 201 then
            local id = body:match('"signup"%s*:%s*{[^}]-"id"%s*:%s*"([%x-]+)"')
            if id then
                last_pending = last_pending + 1
                pending[last_pending] = id
            end
        end
    elseif status == 409 then
        s409 = s409 + 1
    else
        other = other + 1
        if other <= 5 then
            io.stderr:write(string.format("bench: soak: answered %d: %s\n", status, body:sub(1, 200)))
        end
    end
end

function done(summary, latency, requests)
    local sum = { s2xx = 0, s409 = 0, other = 0, signups = 0, cancels = 0, logins_sent = 0, edits = 0 }
    for _, t in ipairs(threads) do
        for k in pairs(sum) do sum[k] = sum[k] + t:get(k) end
    end
    io.write(string.format(
        "soak: requests=%d seconds=%.1f s2xx=%d s409=%d other=%d signups=%d cancels=%d logins=%d edits=%d "
        .. "p50_ms=%.2f p99_ms=%.2f\n",
        summary.requests, summary.duration / 1e6, sum.s2xx, sum.s409, sum.other, sum.signups, sum.cancels,
        sum.logins_sent, sum.edits, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
