-- Reporting periods (issue 7). The state of a period lives in Temporal (workflows/periods/); these
-- tables are what outlives the workflow history: the periods opened, every transition (append-only
-- audit), and the messages to people (reminders, overdue and lock notices) that dashboards show.
-- Rows are written only by the `warehouse` worker, idempotently by id (an activity retried after a
-- commit writes nothing twice).

-- one row per period opened
create table if not exists ops.periods (
    period varchar primary key,
    chain_id varchar not null,
    forms varchar[] not null,
    data_date date not null,
    deadline_at timestamptz not null,
    lock_at timestamptz not null,
    opened_by varchar not null,
    opened_at timestamptz not null
);

-- every transition of every unit: who, which unit, which period, from, to, why, when
create table if not exists audit.period_events (
    event_id varchar primary key,       -- <workflow id>#<seq>
    period varchar not null,
    unit_id varchar not null,           -- school:<code> | commune:<code> | district:<code> | province:<code> | nation:BGDDT
    unit_name varchar not null,
    unit_level varchar not null,        -- school | commune | district | province | nation | period
    action varchar not null,            -- open | submit | approve | return | unlock | reopen | deadline | lock
    actor varchar not null,
    from_status varchar,                -- open | submitted | reviewed | approved | returned
    to_status varchar,
    reason varchar,
    is_late boolean not null,
    occurred_at timestamptz not null,
    recorded_at timestamptz not null default current_timestamp
);

-- messages to units: reminders before the deadline, overdue and lock notices
create table if not exists ops.period_outbox (
    message_id varchar primary key,     -- <workflow id>/<moment>/<unit id>
    period varchar not null,
    unit_id varchar not null,
    recipient varchar not null,
    kind varchar not null,              -- reminder | overdue | locked
    message varchar not null,
    due_at timestamptz not null,
    created_at timestamptz not null default current_timestamp,
    sent_at timestamptz                 -- set by whatever sends it (e-mail is optional)
);
