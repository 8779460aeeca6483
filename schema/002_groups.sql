-- SPDX-License-Identifier: Apache-2.0
-- Groups, their leaders and their sessions (occurrences materialised from the
-- schedule by piirid with libical, up to a horizon that a timer extends).
-- The search columns call piiri_fold (schema/functions/base.sql).

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TABLE groups (
    org_id uuid NOT NULL REFERENCES organizations (id),
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    title text NOT NULL,
    title_sv text,
    title_en text,
    description text,
    description_sv text,
    description_en text,
    kind text NOT NULL CHECK (kind IN ('peer_group', 'family_cafe', 'remote_group', 'camp', 'self_help',
                                       'phone_line', 'other')),
    access text NOT NULL CHECK (access IN ('open', 'closed')),
    audience text NOT NULL DEFAULT 'public' CHECK (audience IN ('public', 'members')),
    modality text NOT NULL CHECK (modality IN ('in_person', 'remote', 'hybrid', 'phone')),
    location_name text,
    location_address text,
    municipality text,
    accessibility text,
    online_url text,
    capacity int CHECK (capacity IS NULL OR capacity > 0),
    languages text[] NOT NULL DEFAULT '{fi}',
    topics text[] NOT NULL DEFAULT '{}',
    target_groups text[] NOT NULL DEFAULT '{}',
    leader_type text CHECK (leader_type IN ('peer', 'professional', 'both')),
    anonymous_ok boolean NOT NULL DEFAULT false,
    cost text,
    registration_opens timestamptz,
    registration_closes timestamptz,
    schedule_start text,          -- local wall time in schedule_timezone
    schedule_duration int,        -- minutes
    schedule_timezone text NOT NULL DEFAULT 'Europe/Helsinki',
    schedule_rrule text,
    horizon_until timestamptz,    -- sessions exist for occurrences before this
    horizon_claimed_until timestamptz, -- a worker is extending the horizon
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    search tsvector GENERATED ALWAYS AS (
        to_tsvector('finnish', piiri_fold(title) || ' ' || piiri_fold(title_sv) || ' ' ||
                               piiri_fold(title_en) || ' ' || piiri_fold(description) || ' ' ||
                               piiri_fold(description_sv) || ' ' || piiri_fold(description_en))) STORED,
    search_text text GENERATED ALWAYS AS (
        piiri_fold(title) || ' ' || piiri_fold(title_sv) || ' ' || piiri_fold(title_en) || ' ' ||
        piiri_fold(description) || ' ' || piiri_fold(description_sv) || ' ' ||
        piiri_fold(description_en)) STORED,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX groups_id ON groups (id);
CREATE INDEX groups_listing ON groups (created_at, id) WHERE archived_at IS NULL;
CREATE INDEX groups_search ON groups USING gin (search);
CREATE INDEX groups_horizon ON groups (horizon_until) WHERE archived_at IS NULL AND schedule_rrule IS NOT NULL;

-- A leader must be a member of the group's organization; removing the
-- membership removes the leadership.
CREATE TABLE group_leaders (
    org_id uuid NOT NULL,
    group_id uuid NOT NULL,
    person_id uuid NOT NULL,
    PRIMARY KEY (org_id, group_id, person_id),
    FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id),
    FOREIGN KEY (org_id, person_id) REFERENCES memberships (org_id, person_id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    org_id uuid NOT NULL,
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    group_id uuid NOT NULL,
    origin text NOT NULL CHECK (origin IN ('series', 'extra')),
    original_start timestamptz,   -- series: the occurrence it stands for
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancel_reason text,
    sequence int NOT NULL DEFAULT 0,  -- raised by every change (calendar feeds)
    seats_taken int NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, id),
    UNIQUE (org_id, group_id, original_start),
    FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id),
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_id ON sessions (id);
CREATE INDEX sessions_group_time ON sessions (org_id, group_id, starts_at);
CREATE INDEX sessions_time ON sessions (starts_at);
