-- SPDX-License-Identifier: Apache-2.0
-- bench/mail.sh's steady load: GET /healthz on every connection, each pausing
-- BENCH_MAIL_DELAY_MS (passed as the first argument) between requests, so that
-- the cores are left to the delivery process too; prints the latencies.
local pause = 5

function init(args)
    pause = tonumber(args[1] or "5")
end

function delay()
    return pause
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("healthz: requests=%d seconds=%.2f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d\n",
        summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
