-- The "Sóng và máy tính cho em" programme per period, unit (both geographies) and level ('*' = all):
-- pupils needing a device and devices handed over (the Sở's needs list), what is left to hand over
-- (summed over the schools' own shortfalls: one school's surplus does not cover another's need),
-- and the schools' handover lists: handovers, those within 1 day of delivery, those on loan (a
-- loaned device stays the school's: not a device the pupil has). Counts only, from the measures of
-- marts.mart_unit_measures (their one home); the rates are in marts.mart_indicators.
with pivoted as (
    pivot (
        select *
        from marts.mart_unit_measures
        where ownership_group = '*'
            and area_code = '*'
            and measure in ('pupils_needing_device', 'devices_handed_over', 'devices_still_needed', 'handovers', 'handovers_within_1_day', 'handovers_loan')
    )
    on measure in ('pupils_needing_device', 'devices_handed_over', 'devices_still_needed', 'handovers', 'handovers_within_1_day', 'handovers_loan')
    using sum(value)
    group by period, geography, unit_level, province_code, province_name, unit_code, unit_name, level_code
)

select
    period,
    geography,
    unit_level,
    province_code,
    province_name,
    unit_code,
    coalesce(unit_name, 'Chưa rõ đơn vị') as unit_name,
    level_code,
    coalesce(pupils_needing_device, 0)::bigint as count_pupils_needing_device,
    coalesce(devices_handed_over, 0)::bigint as count_devices_handed_over,
    coalesce(devices_still_needed, 0)::bigint as count_remaining_need,
    coalesce(handovers, 0)::bigint as count_handovers,
    coalesce(handovers_within_1_day, 0)::bigint as count_handovers_within_1_day,
    coalesce(handovers_loan, 0)::bigint as count_handovers_loan
from pivoted
order by all
