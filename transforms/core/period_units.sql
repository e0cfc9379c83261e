-- Reporting periods: each unit's state in each period, from the append-only audit trail (the
-- state itself lives in the Temporal workflows; audit.period_events is what outlives them).
with events as (
    select *
    from audit.period_events
    where unit_level <> 'period'
),

last_event as (
    select *
    from events
    qualify row_number() over (partition by period, unit_id order by occurred_at desc, event_id desc) = 1
)

select
    last_event.period,
    periods.chain_id,
    periods.data_date,
    periods.deadline_at,
    periods.lock_at,
    last_event.unit_id,
    last_event.unit_name,
    last_event.unit_level,
    coalesce(last_event.to_status, last_event.from_status) as status,
    last_event.occurred_at as status_since,
    bool_or(events.is_late) as is_late,
    count(*) filter (where events.action = 'return') as times_returned
from last_event
left join ops.periods as periods
    on periods.period = last_event.period
left join events
    on events.period = last_event.period
    and events.unit_id = last_event.unit_id
group by all
