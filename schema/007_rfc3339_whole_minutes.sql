-- SPDX-License-Identifier: Apache-2.0
-- rfc3339() for every instant a body may hold (years 1 to 9999 in UTC).
-- Before standard time (Helsinki until 1921: +01:39:49) a zone's offset has
-- seconds, which RFC 3339 cannot write: the offset was cut to +01:39 while
-- the wall time kept its 49 seconds, so the text named another instant. The
-- offset is now whole minutes (cut toward zero, as calendars/ does) and the
-- wall time is the one that matches it. An instant whose local year is not
-- 1 to 9999 (9999-12-31T23:59:59Z is year 10000 in Helsinki) is written in
-- UTC, so the year always has four digits.
CREATE OR REPLACE FUNCTION rfc3339(ts timestamptz, tz text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char((ts AT TIME ZONE 'UTC') + off, 'YYYY-MM-DD"T"HH24:MI:SS') ||
           CASE WHEN off < interval '0' THEN '-' ELSE '+' END ||
           to_char(abs(extract(epoch FROM off))::int / 3600, 'FM00') || ':' ||
           to_char((abs(extract(epoch FROM off))::int % 3600) / 60, 'FM00')
    FROM (SELECT CASE WHEN extract(year FROM ts AT TIME ZONE tz) BETWEEN 1 AND 9999
                      THEN date_trunc('minute', (ts AT TIME ZONE tz) - (ts AT TIME ZONE 'UTC'))
                      ELSE interval '0' END AS off) o
$$;
