-- Warehouse layers (architecture.md): raw (as loaded from the lake), staging, core, marts;
-- ops (what was received and how it went); audit (append-only).
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists core;
create schema if not exists marts;
create schema if not exists ops;
create schema if not exists audit;

-- one row per received file (content hash); a file is current until a newer file for the
-- same form, period and school supersedes it
create table if not exists ops.files (
    file_sha256 varchar primary key,
    file_name varchar not null,
    form varchar,
    form_version varchar,
    period varchar,
    school_code varchar,
    status varchar not null,            -- loaded | rejected | superseded
    is_current boolean not null,
    message varchar,                    -- why a whole file was rejected (Vietnamese)
    rows_read integer not null,
    rows_accepted integer not null,
    rows_rejected integer not null,
    rows_ignored integer not null,
    raw_path varchar not null,
    staging_path varchar,
    rejects_path varchar,
    load_seq bigint not null,
    superseded_by varchar,
    loaded_at timestamptz not null default current_timestamp
);

create sequence if not exists ops.load_seq;

-- every rejected cell of every file, with its place and reason
create table if not exists ops.rejects (
    file_sha256 varchar not null,
    file_name varchar not null,
    sheet varchar,
    row_number integer,
    column_letter varchar,
    column_header varchar,
    value varchar,
    reason varchar not null
);

-- one row per transform run and model
create table if not exists ops.transform_runs (
    run_id varchar not null,
    model varchar not null,
    row_count bigint not null,
    started_at timestamptz not null,
    finished_at timestamptz not null
);
