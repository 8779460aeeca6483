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
