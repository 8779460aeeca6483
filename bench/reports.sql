-- SPDX-License-Identifier: Apache-2.0
-- The reports bench's data (bench/reports.sh): an org of 200 groups with a
-- year of history, made in SQL. Half the groups are closed peer groups, ten
-- members signed up for each series (one with two children); half are open
-- family cafés, nobody signed up. Every group met weekly for the 52 weeks
-- before today and meets once more next week: 10,600 sessions, each of the
-- past ones marked (six of the group's ten present, two absent, walk-ins,
-- the coordinator's two hours) but every tenth week's, left unrecorded.
-- psql variables: pw (a password hash for the coordinator), slug.
\set org '''40000000-0000-4000-8000-000000000001'''
\set coord '''40000000-0000-4000-8000-000000000002'''

INSERT INTO persons (id, email, display_name, password_hash, email_verified_at) VALUES
    (:coord::uuid, 'bench-coordinator@piiri.example', 'Bench Coordinator', :'pw', now());
INSERT INTO organizations (id, slug, name, timezone) VALUES (:org::uuid, :'slug', 'Mittausyhdistys ry', 'Europe/Helsinki');
INSERT INTO memberships (org_id, person_id, role) VALUES (:org::uuid, :coord::uuid, 'coordinator');

CREATE TEMP TABLE bench_members AS
    SELECT i, md5('bench member ' || i)::uuid AS id FROM generate_series(0, 1999) i;
INSERT INTO persons (id, email, display_name)
SELECT id, 'bench-member-' || i || '@piiri.example', 'Jäsen ' || i FROM bench_members;
INSERT INTO memberships (org_id, person_id, role) SELECT :org::uuid, id, 'member' FROM bench_members;

CREATE TEMP TABLE bench_groups AS
    SELECT g, md5('bench group ' || g)::uuid AS id, g % 2 = 0 AS closed FROM generate_series(0, 199) g;
INSERT INTO groups (org_id, id, title, kind, access, modality, capacity, location_name, municipality, seats_taken)
SELECT :org::uuid, id, CASE WHEN closed THEN 'Vertaisryhmä ' ELSE 'Perhekahvila ' END || to_char(g + 1, 'FM000'),
       CASE WHEN closed THEN 'peer_group' ELSE 'family_cafe' END, CASE WHEN closed THEN 'closed' ELSE 'open' END,
       'in_person', 20, 'Asukastupa', 'Tampere', CASE WHEN closed THEN 10 ELSE 0 END
FROM bench_groups;

-- The group's ten people: members 10g .. 10g+9.
CREATE TEMP TABLE bench_people AS
    SELECT b.id AS group_id, b.closed, b.g, k, m.id AS person_id
    FROM bench_groups b CROSS JOIN generate_series(0, 9) k JOIN bench_members m ON m.i = (b.g * 10 + k) % 2000;
INSERT INTO signups (org_id, group_id, person_id, adults, children, status)
SELECT :org::uuid, group_id, person_id, 1, CASE WHEN k = 0 THEN 2 ELSE 0 END, 'confirmed'
FROM bench_people WHERE closed;

-- Week 0 is next week's meeting; 1..52 the year's, 18:00 in Helsinki.
CREATE TEMP TABLE bench_sessions AS
    SELECT b.id AS group_id, b.g, w, md5('bench session ' || b.g || ' ' || w)::uuid AS id,
           ((now() AT TIME ZONE 'Europe/Helsinki')::date + 7 - 7 * w - b.g % 7 + time '18:00')
               AT TIME ZONE 'Europe/Helsinki' AS starts_at
    FROM bench_groups b CROSS JOIN generate_series(0, 52) w;
INSERT INTO sessions (org_id, id, group_id, origin, starts_at, ends_at)
SELECT :org::uuid, id, group_id, 'extra', starts_at, starts_at + interval '2 hours' FROM bench_sessions;

CREATE TEMP VIEW bench_marked AS SELECT * FROM bench_sessions WHERE w > 0 AND w % 10 <> 0;
INSERT INTO attendance (org_id, session_id, person_id, status, marked_by)
SELECT :org::uuid, s.id, p.person_id, CASE WHEN (p.k + s.w) % 10 < 6 THEN 'present' ELSE 'absent' END, :coord::uuid
FROM bench_marked s JOIN bench_people p ON p.group_id = s.group_id
WHERE (p.k + s.w) % 10 < 8;
INSERT INTO session_tallies (org_id, session_id, walk_ins, updated_by)
SELECT :org::uuid, id, (g + w) % 5, :coord::uuid FROM bench_marked;
INSERT INTO volunteer_hours (org_id, session_id, person_id, hours)
SELECT :org::uuid, id, :coord::uuid, 2 FROM bench_marked;
ANALYZE;
