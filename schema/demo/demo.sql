-- SPDX-License-Identifier: Apache-2.0
-- Demo data for `make run` (private demo database only; never loaded into a
-- database given with PIIRI_DATABASE_URL). Idempotent: safe to load again.
-- Every demo account's password is "vertaistuki-demo".

\set pw '$argon2id$v=19$m=65536,t=2,p=1$B5RCSXMkG8zgBuYAQkLaGA$4QgLaLwTTLM74wV3AfyJiOy8X/iM/mxWLm7A1LHyzRo'

INSERT INTO persons (id, email, display_name, password_hash, is_admin) VALUES
    ('00000000-0000-4000-8000-000000000001', 'admin@piiri.example', 'Piirin ylläpitäjä', :'pw', true),
    ('00000000-0000-4000-8000-000000000002', 'kaisa@piiri.example', 'Kaisa Koordinaattori', :'pw', false),
    ('00000000-0000-4000-8000-000000000003', 'lauri@piiri.example', 'Lauri Vertaisohjaaja', :'pw', false),
    ('00000000-0000-4000-8000-000000000004', 'minna@piiri.example', 'Minna Mäkinen', :'pw', false),
    ('00000000-0000-4000-8000-000000000005', 'oona@piiri.example', 'Oona Oululainen', :'pw', false),
    ('00000000-0000-4000-8000-000000000006', 'tuomas@piiri.example', 'Tuomas Työnantajakumppani', :'pw', false)
ON CONFLICT DO NOTHING;
-- The demo's addresses count as verified, so `make run` shows their mail.
UPDATE persons SET email_verified_at = created_at
WHERE id::text LIKE '00000000-0000-4000-8000-%' AND email_verified_at IS NULL;

INSERT INTO organizations (id, slug, name, parent_id, timezone) VALUES
    ('10000000-0000-4000-8000-000000000001', 'vertaistukiliitto', 'Vertaistukiliitto ry', NULL, 'Europe/Helsinki'),
    ('10000000-0000-4000-8000-000000000002', 'perhekahvilat-tampere', 'Tampereen perhekahvilat ry',
        '10000000-0000-4000-8000-000000000001', 'Europe/Helsinki'),
    ('10000000-0000-4000-8000-000000000003', 'perheyhdistys-oulu', 'Oulun seudun perheyhdistys ry',
        '10000000-0000-4000-8000-000000000001', 'Europe/Helsinki'),
    ('10000000-0000-4000-8000-000000000004', 'avustajatyonantajat', 'Avustajatyönantajien liitto ry',
        NULL, 'Europe/Helsinki')
ON CONFLICT DO NOTHING;

INSERT INTO memberships (org_id, person_id, role) VALUES
    ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'coordinator'),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'coordinator'),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', 'leader'),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000004', 'member'),
    ('10000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000005', 'member'),
    ('10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000006', 'leader')
ON CONFLICT DO NOTHING;

-- Groups. Their sessions are materialised by piirid's horizon timer within
-- seconds of start (the camp, a one-off, gets its session here). The
-- employers' monthly group, under way since September, takes newcomers
-- (join_late); the preemies' group begins in January and takes them until then.
INSERT INTO groups (org_id, id, title, title_sv, title_en, description, kind, access, audience, modality,
    location_name, location_address, municipality, accessibility, online_url, capacity, languages,
    topics, target_groups, leader_type, anonymous_ok, cost, registration_opens, registration_closes,
    schedule_start, schedule_duration, schedule_rrule,
    join_late) VALUES
('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001',
    'Perhekahvila Hervanta', 'Familjekafé Hervanta', 'Family café Hervanta',
    'Avoin kohtaamispaikka vauva- ja taaperoperheille. Tule juttelemaan, leikkimään ja jakamaan arjen kokemuksia muiden vanhempien kanssa. Kahvia ja mehua tarjolla.',
    'family_cafe', 'open', 'public', 'in_person', 'Hervannan asukastupa', 'Insinöörinkatu 38',
    'Tampere', 'Esteetön sisäänkäynti, lastenvaunuille tilaa.', NULL, NULL, '{fi,en}',
    '{vauvaperheet,vertaistuki}', '{families}', 'peer', true, 'Maksuton', NULL, NULL,
    '2026-09-01T09:30', 120, 'FREQ=WEEKLY;BYDAY=TU',
    false),
('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002',
    'Perhekahvila Kaleva', NULL, NULL,
    'Viikoittainen perhekahvila Kalevan kirkon alakerrassa. Ilmoittaudu etukäteen, tilaa on rajoitetusti.',
    'family_cafe', 'open', 'public', 'in_person', 'Kalevan kirkon kerhotila', 'Liisanpuisto 1',
    'Tampere', 'Hissi pääovelta.', NULL, 20, '{fi}', '{vauvaperheet}', '{families}', 'both',
    true, 'Maksuton', NULL, NULL, '2026-09-03T10:00', 120, 'FREQ=WEEKLY;BYDAY=TH',
    false),
('10000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000003',
    'Isien perhekahvila', NULL, 'Fathers'' family café',
    'Joka toinen lauantai isille ja lapsille: leikkiä, kahvia ja vertaistukea isyyteen.',
    'family_cafe', 'open', 'public', 'in_person', 'Perhetalo Villa Tuira', 'Tuiran puistokatu 2',
    'Oulu', NULL, NULL, NULL, '{fi}', '{isyys,vertaistuki}', '{families}', 'peer', true, 'Maksuton',
    NULL, NULL, '2026-09-05T10:00', 150, 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA',
    false),
('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000004',
    'Digipuu – etäperhekahvila', 'Digipuu – distansfamiljekafé', 'Digipuu – remote family café',
    'Perhekahvila verkossa: tule mukaan kotisohvalta, kamera päällä tai ilman. Keskustelemme vuorovaikutuksesta, arjen jaksamisesta ja vanhemmuudesta.',
    'remote_group', 'open', 'public', 'remote', NULL, NULL, NULL, NULL,
    'https://meet.example/digipuu', NULL, '{fi,sv}', '{vanhemmuus,jaksaminen}',
    '{families,relatives}', 'both', true, 'Maksuton', NULL, NULL, '2026-09-02T19:00', 90,
    'FREQ=WEEKLY;BYDAY=WE',
    false),
('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000005',
    'Vertaisryhmä keskosvauvojen vanhemmille', NULL, NULL,
    'Suljettu kymmenen tapaamisen ryhmä keskosena syntyneiden vauvojen vanhemmille. Ryhmään sitoudutaan koko ajaksi; mitä ryhmässä kerrotaan, jää ryhmään.',
    'peer_group', 'closed', 'public', 'in_person', 'Perhekeskus Tammela', 'Itsenäisyydenkatu 21',
    'Tampere', 'Esteetön.', 'https://meet.example/keskosryhma-varalla', 8, '{fi}',
    '{keskosuus,vertaistuki}', '{affected,families}', 'peer', false, 'Maksuton',
    '2026-11-01T00:00:00+02:00', '2027-01-10T23:59:00+02:00', '2027-01-11T18:00', 120,
    'FREQ=WEEKLY;BYDAY=MO;COUNT=10',
    false),
('10000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000006',
    'Jäsenten vauvaryhmä', NULL, NULL,
    'Yhdistyksen jäsenperheille: vauvahierontaa, lauluja ja juttutuokio.',
    'family_cafe', 'open', 'members', 'in_person', 'Perhetalo Villa Tuira', 'Tuiran puistokatu 2',
    'Oulu', NULL, NULL, 12, '{fi}', '{vauvaperheet}', '{families}', 'professional', false,
    '2 € / perhe', NULL, NULL, '2026-09-04T10:00', 90, 'FREQ=WEEKLY;BYDAY=FR',
    false),
('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000007',
    'Perheleiri 2027', 'Familjeläger 2027', 'Family camp 2027',
    'Kolmen päivän leiri koko perheelle: vertaiskeskusteluja aikuisille, ohjattua ohjelmaa lapsille, saunaa ja yhdessäoloa järven rannalla.',
    'camp', 'closed', 'public', 'in_person', 'Leirikeskus Kalliosaari', 'Kalliosaarentie 5',
    'Kangasala', 'Päärakennus esteetön, rantasauna ei.', NULL, 40, '{fi}', '{perheet,leiri}',
    '{families}', 'both', false, '60 € / aikuinen, lapset maksutta', '2027-01-15T09:00:00+02:00',
    '2027-05-15T23:59:00+03:00', '2027-06-14T14:00', 4320, NULL,
    false),
('10000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000008',
    'Työnantajakumppanien vertaisryhmä', NULL, 'Peer group for employers of personal assistants',
    'Henkilökohtaisten avustajien työnantajien vertaisryhmä Teamsissa kerran kuussa. Keskustelemme työnantajan arjesta luottamuksellisesti; vertaistuki ei ole lakineuvontaa.',
    'peer_group', 'closed', 'public', 'remote', NULL, NULL, NULL, NULL,
    'https://teams.example/tyonantajakumppanit', 10, '{fi}',
    '{henkilökohtainen apu,työnantajuus}', '{affected}', 'peer', false, 'Maksuton', NULL, NULL,
    '2026-09-01T17:00', 90, 'FREQ=MONTHLY;BYDAY=1TU',
    true)
ON CONFLICT DO NOTHING;

-- The preemies' group asks the people who sign up to agree that the group
-- shares their first names and phone numbers (the members keep in touch
-- between meetings); the camp, that its photos go in the newsletter.
UPDATE groups SET consent_text = 'Suostun siihen, että etunimeni ja puhelinnumeroni jaetaan ryhmän muille jäsenille, jotta voimme pitää yhteyttä tapaamisten välillä.'
WHERE id = '20000000-0000-4000-8000-000000000005' AND consent_text IS NULL;
UPDATE groups SET consent_text = 'Leirillä otetaan kuvia. Suostun siihen, että kuvia, joissa perheeni näkyy, käytetään yhdistyksen uutiskirjeessä.',
    consent_text_sv = 'Det tas bilder på lägret. Jag samtycker till att bilder där min familj syns används i föreningens nyhetsbrev.',
    consent_text_en = 'Photos are taken at the camp. I agree that photos showing my family are used in the association''s newsletter.'
WHERE id = '20000000-0000-4000-8000-000000000007' AND consent_text IS NULL;

INSERT INTO group_leaders (org_id, group_id, person_id) VALUES
    ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003'),
    ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'),
    ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000003'),
    ('10000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000008', '00000000-0000-4000-8000-000000000006')
ON CONFLICT DO NOTHING;

INSERT INTO sessions (org_id, id, group_id, origin, original_start, starts_at, ends_at) VALUES
    ('10000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     '20000000-0000-4000-8000-000000000007', 'series', '2027-06-14 14:00+03', '2027-06-14 14:00+03',
     '2027-06-17 14:00+03')
ON CONFLICT DO NOTHING;
UPDATE groups SET horizon_until = '2028-01-01' WHERE id = '20000000-0000-4000-8000-000000000007';

-- One-to-one matching: Tuomas is a trained Työnantajakumppani with a public
-- introduction, Kaisa coordinates, and Minna has asked for support.
INSERT INTO memberships (org_id, person_id, role) VALUES
    ('10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000002', 'coordinator')
ON CONFLICT DO NOTHING;

INSERT INTO supporters (org_id, id, person_id, public_name, bio, topics, municipalities, languages,
    contact_modes, max_active, training_course, training_completed_on, training_refresher_due,
    pledge_version, pledge_signed_on) VALUES
    ('10000000-0000-4000-8000-000000000004', '40000000-0000-4000-8000-000000000001',
     '00000000-0000-4000-8000-000000000006', 'Tuomas',
     'Olen itsekin henkilökohtaisten avustajien työnantaja. Jutellaan työnantajuudesta kahvikupin ääressä, '
     'puhelimessa tai Teamsissa.',
     '{työnantajuus,rekrytointi,perehdytys,työsopimus}', '{Helsinki,Espoo,Vantaa}', '{fi}',
     '{in_person,phone,whatsapp,teams}', 3, 'Työnantajakumppani-koulutus', '2025-11-15', '2027-11-15',
     '2025-1', '2025-11-15')
ON CONFLICT DO NOTHING;

INSERT INTO support_requests (org_id, id, requester_id, topics, municipality, languages, contact_modes,
    message, preferences, consent_at) VALUES
    ('10000000-0000-4000-8000-000000000004', '50000000-0000-4000-8000-000000000001',
     '00000000-0000-4000-8000-000000000004', '{rekrytointi,työsopimus}', 'Espoo', '{fi}', '{phone,teams}',
     'Palkkaan ensimmäistä avustajaani. Mitä työsopimukseen kannattaa kirjoittaa?',
     'Mieluiten iltaisin.', now())
ON CONFLICT DO NOTHING;

-- A little history for the attendance report (coordinator kaisa, Oct 2026):
-- four Tuesdays of the Hervanta café, the one on 20 Oct cancelled. They are
-- occurrences of the group's rule, so the horizon timer leaves them be.
INSERT INTO sessions (org_id, id, group_id, origin, original_start, starts_at, ends_at, status, cancel_reason, sequence) VALUES
    ('10000000-0000-4000-8000-000000000002', '31000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
     'series', '2026-10-06 09:30+03', '2026-10-06 09:30+03', '2026-10-06 11:30+03', 'scheduled', NULL, 0),
    ('10000000-0000-4000-8000-000000000002', '31000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001',
     'series', '2026-10-13 09:30+03', '2026-10-13 09:30+03', '2026-10-13 11:30+03', 'scheduled', NULL, 0),
    ('10000000-0000-4000-8000-000000000002', '31000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000001',
     'series', '2026-10-20 09:30+03', '2026-10-20 09:30+03', '2026-10-20 11:30+03', 'cancelled', 'Tila varattu muuhun käyttöön', 1),
    ('10000000-0000-4000-8000-000000000002', '31000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000001',
     'series', '2026-10-27 09:30+02', '2026-10-27 09:30+02', '2026-10-27 11:30+02', 'scheduled', NULL, 0)
ON CONFLICT DO NOTHING;

UPDATE sessions SET status = 'cancelled', cancel_reason = 'Tila varattu muuhun käyttöön',
                    sequence = sequence + 1
WHERE group_id = '20000000-0000-4000-8000-000000000001' AND original_start = '2026-10-20 09:30+03'
  AND status = 'scheduled' AND sequence = 0;

-- Sessions are looked up by occurrence: the timer may have made them first.
CREATE TEMP VIEW demo_oct AS
    SELECT s.id, s.org_id, to_char(s.original_start AT TIME ZONE 'Europe/Helsinki', 'MM-DD') AS day
    FROM sessions s WHERE s.group_id = '20000000-0000-4000-8000-000000000001';

INSERT INTO signups (org_id, group_id, session_id, person_id, adults, children, status)
SELECT org_id, '20000000-0000-4000-8000-000000000001', id, '00000000-0000-4000-8000-000000000004', 1, 1, 'confirmed'
FROM demo_oct WHERE day IN ('10-06', '10-13')
ON CONFLICT DO NOTHING;

INSERT INTO attendance (org_id, session_id, person_id, status, marked_by)
SELECT org_id, id, '00000000-0000-4000-8000-000000000004',
       CASE day WHEN '10-06' THEN 'present' ELSE 'excused' END, '00000000-0000-4000-8000-000000000003'
FROM demo_oct WHERE day IN ('10-06', '10-13')
ON CONFLICT DO NOTHING;

INSERT INTO session_tallies (org_id, session_id, walk_ins, updated_by)
SELECT org_id, id, CASE day WHEN '10-06' THEN 6 WHEN '10-13' THEN 4 ELSE 9 END,
       '00000000-0000-4000-8000-000000000003'
FROM demo_oct WHERE day IN ('10-06', '10-13', '10-27')
ON CONFLICT DO NOTHING;

INSERT INTO volunteer_hours (org_id, session_id, person_id, hours)
SELECT org_id, id, '00000000-0000-4000-8000-000000000003', CASE day WHEN '10-27' THEN 3 ELSE 2.5 END
FROM demo_oct WHERE day IN ('10-06', '10-13', '10-27')
ON CONFLICT DO NOTHING;

-- Last year's history for the reports page (coordinator kaisa): a morning a
-- month at each of the two cafés (none in July), walk-ins counted and the
-- leader's hours, so that "last year" has a table and a chart. One-off
-- sessions (the horizon timer leaves them be), ids from the group and month.
CREATE TEMP VIEW demo_last_year AS
    SELECT g.id AS group_id, g.n, m,
           md5('demo last year ' || g.id || ' ' || m)::uuid AS id,
           (make_date(extract(year FROM now())::int - 1, m, 10 + g.n) + time '09:30')
               AT TIME ZONE 'Europe/Helsinki' AS starts_at
    FROM (VALUES ('20000000-0000-4000-8000-000000000001'::uuid, 1),
                 ('20000000-0000-4000-8000-000000000002'::uuid, 2)) g(id, n),
         generate_series(1, 12) m
    WHERE m <> 7;

INSERT INTO sessions (org_id, id, group_id, origin, starts_at, ends_at)
SELECT '10000000-0000-4000-8000-000000000002', id, group_id, 'extra', starts_at, starts_at + interval '2 hours'
FROM demo_last_year
ON CONFLICT DO NOTHING;

INSERT INTO session_tallies (org_id, session_id, walk_ins, updated_by)
SELECT '10000000-0000-4000-8000-000000000002', id, CASE n WHEN 1 THEN 5 + m * 7 % 9 ELSE 3 + m * 5 % 7 END,
       '00000000-0000-4000-8000-000000000003'
FROM demo_last_year
ON CONFLICT DO NOTHING;

INSERT INTO volunteer_hours (org_id, session_id, person_id, hours)
SELECT '10000000-0000-4000-8000-000000000002', id, '00000000-0000-4000-8000-000000000003', 2.5
FROM demo_last_year
ON CONFLICT DO NOTHING;

-- One-to-one support in perhekahvilat-tampere, for the coordinator's
-- support pages: Lauri and Sari are trained supporters (Sari's refresher
-- training is due within the month), Minna and Oona have asked for support.
INSERT INTO persons (id, email, display_name, password_hash, is_admin) VALUES
    ('00000000-0000-4000-8000-000000000007', 'sari@piiri.example', 'Sari Sisarustuki', :'pw', false)
ON CONFLICT DO NOTHING;
UPDATE persons SET email_verified_at = created_at
WHERE id = '00000000-0000-4000-8000-000000000007' AND email_verified_at IS NULL;

INSERT INTO memberships (org_id, person_id, role) VALUES
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000007', 'member')
ON CONFLICT DO NOTHING;

INSERT INTO supporters (org_id, id, person_id, public_name, bio, topics, municipalities, languages,
    contact_modes, max_active, training_course, training_completed_on, training_refresher_due,
    pledge_version, pledge_signed_on) VALUES
    ('10000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000002',
     '00000000-0000-4000-8000-000000000003', 'Lauri',
     'Kolmen lapsen isä. Juttelen mielelläni vauva-arjesta ja isyydestä.',
     '{vauva-arki,isyys,uni}', '{Tampere,Nokia}', '{fi,sv}', '{in_person,phone,video}', 3,
     'Vertaistukijan peruskoulutus', '2025-03-20', '2027-03-20', '2025-1', '2025-03-20'),
    ('10000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000003',
     '00000000-0000-4000-8000-000000000007', 'Sari',
     'Kaksosten äiti. Tiedän, miltä uupumus tuntuu.',
     '{kaksoset,uupumus,vauva-arki}', '{Tampere,Kangasala}', '{fi}', '{phone,whatsapp}', 2,
     'Vertaistukijan peruskoulutus', '2024-01-15', current_date + 20, '2024-1', '2024-01-15')
ON CONFLICT DO NOTHING;

INSERT INTO support_requests (org_id, id, requester_id, topics, municipality, languages, contact_modes,
    message, preferences, consent_at, created_at) VALUES
    ('10000000-0000-4000-8000-000000000002', '50000000-0000-4000-8000-000000000002',
     '00000000-0000-4000-8000-000000000004', '{uupumus,uni}', 'Tampere', '{fi}', '{phone}',
     'Vauva herää öisin monta kertaa, ja olen aivan uupunut. Kaipaisin jonkun, jolle puhua.',
     'Puhelimessa päiväunien aikaan.', now() - interval '3 days', now() - interval '3 days'),
    ('10000000-0000-4000-8000-000000000002', '50000000-0000-4000-8000-000000000003',
     '00000000-0000-4000-8000-000000000005', '{isyys}', 'Nokia', '{fi,sv}', '{in_person,video}',
     'Olen tuore isä ja haluaisin jutella toisen isän kanssa.', NULL,
     now() - interval '1 day', now() - interval '1 day')
ON CONFLICT DO NOTHING;

-- A pairing under way: Sari has accepted Tuomas's request of last week.
INSERT INTO support_requests (org_id, id, requester_id, status, topics, municipality, languages, contact_modes,
    message, preferences, consent_at, created_at) VALUES
    ('10000000-0000-4000-8000-000000000002', '50000000-0000-4000-8000-000000000004',
     '00000000-0000-4000-8000-000000000006', 'active', '{kaksoset}', 'Tampere', '{fi}', '{phone}',
     'Meille syntyi kaksoset. Miten muut ovat jaksaneet ensimmäiset kuukaudet?', NULL,
     now() - interval '8 days', now() - interval '8 days')
ON CONFLICT DO NOTHING;

INSERT INTO pairings (org_id, id, request_id, supporter_id, status, note, created_at, accepted_at) VALUES
    ('10000000-0000-4000-8000-000000000002', '60000000-0000-4000-8000-000000000001',
     '50000000-0000-4000-8000-000000000004', '40000000-0000-4000-8000-000000000003', 'active',
     'Sarilla on itselläänkin kaksoset.', now() - interval '7 days', now() - interval '6 days')
ON CONFLICT DO NOTHING;
