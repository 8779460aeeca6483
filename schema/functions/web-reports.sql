-- SPDX-License-Identifier: Apache-2.0
-- What the coordinators' reports page reads (server/web-pages-reports.c):
-- the API's attendance report for the period, and for an umbrella its
-- roll-up (reports.sql: the same functions the API answers with), with the
-- quick choices of period in the org's time zone; one round trip. Who may
-- read it is decided before (authz).

-- The page: the org, the period (p_from and p_to as YYYY-MM-DD, this year
-- so far when NULL), the periods the page offers, and when p_report the
-- report and, for an org with associations under it, their roll-up. NULL
-- when the org is not there.
CREATE OR REPLACE FUNCTION web_reports_page(p_slug text, p_from text, p_to text, p_report boolean)
RETURNS json LANGUAGE sql STABLE AS $$
    WITH o AS (SELECT o.*, (now() AT TIME ZONE o.timezone)::date AS today FROM organizations o
               WHERE o.slug = p_slug),
    w AS (SELECT o.*, date_trunc('year', o.today)::date AS year_start,
                 date_trunc('month', o.today)::date AS month_start,
                 coalesce(p_from, to_char(date_trunc('year', o.today), 'YYYY-MM-DD')) AS f,
                 coalesce(p_to, to_char(o.today, 'YYYY-MM-DD')) AS t
          FROM o)
    SELECT json_build_object(
        'org', (SELECT org_json(x) FROM organizations x WHERE x.id = w.id),
        'from', w.f, 'to', w.t,
        'periods', json_build_array(
            json_build_object('key', 'this_year', 'from', w.year_start, 'to', w.today),
            json_build_object('key', 'last_month', 'from', (w.month_start - interval '1 month')::date,
                              'to', w.month_start - 1),
            json_build_object('key', 'this_month', 'from', w.month_start, 'to', w.today),
            json_build_object('key', 'last_year', 'from', (w.year_start - interval '1 year')::date,
                              'to', w.year_start - 1)),
        'report', CASE WHEN p_report THEN api_attendance_report(p_slug, w.f, w.t) END,
        'rollup', CASE WHEN p_report AND EXISTS (SELECT 1 FROM organizations c WHERE c.parent_id = w.id)
                       THEN api_attendance_rollup(p_slug, w.f, w.t) END)
    FROM w
$$;
