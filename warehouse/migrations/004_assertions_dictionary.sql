-- Assertions (transforms/assertions/*.sql and the keys declared in transforms/dictionary.json):
-- one row per run and assertion, with the count of failing rows even when it passes.
create table if not exists ops.assertion_results (
    run_id varchar not null,
    assertion varchar not null,          -- file name without .sql, or unique__<table>__<cols> / not_null__<table>
    severity varchar not null,           -- error | warning
    models varchar[] not null,           -- the models it tests
    description varchar not null,        -- what it checks (Vietnamese)
    status varchar not null,             -- pass | fail | skipped (a model it tests was not built this run)
    failing_rows bigint,                 -- null when skipped
    sample json,                         -- up to 5 failing rows
    message varchar,                     -- why it was skipped, or which models a failing error stopped (Vietnamese)
    started_at timestamptz not null,
    finished_at timestamptz not null
);

-- a model downstream of a failing error-level assertion is not rebuilt in that run: it keeps its
-- previous contents and the run says which assertion stopped it
alter table ops.transform_runs add column if not exists status varchar default 'built';   -- built | skipped
alter table ops.transform_runs add column if not exists blocked_by varchar;               -- the assertion(s) that stopped it
alter table ops.transform_runs alter column row_count drop not null;

-- the data dictionary (every table and column of the warehouse, with description and source),
-- refreshed at the end of every transform run; docs/data-dictionary.md is written from it
create table if not exists ops.data_dictionary (
    table_schema varchar not null,
    table_name varchar not null,
    column_name varchar,                 -- null: the row describes the table
    ordinal_position integer,
    data_type varchar,
    description varchar,                 -- null: not described yet
    source varchar not null,             -- where the rows come from (file, model and what it reads)
    described_in varchar                 -- the one home of the description
);
