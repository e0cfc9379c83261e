-- The reorganisation of 1/7/2025 as a mapping, old unit → new unit (shared/domain.md §4): one row
-- per (old unit, new unit) pair; level = the old unit's level.
--   commune: each of the 10,035 GSO communes → the new commune it went into. A divided commune
--     (is_divided) appears once per new commune that got part of it: there the mapping is
--     many-to-many, and counts of a divided commune cannot be carried over by a plain join.
--   district: the 5 island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn,
--     Côn Đảo) → the đặc khu that replaced each.
--   province: each of the 63 old provinces → one of the 34 new ones.
-- A new code is the old code of one constituent, not always of the one whose name survived (new 24
-- Bắc Ninh = old 24 Bắc Giang + old 27 Bắc Ninh): link old and new data through this table, never
-- on the code. Ids and names come from core.units (old: the version valid on 2025-06-30; new: the
-- version opened on 2025-07-01), not from the crosswalk file's own spelling.
-- Source: reference/admin/crosswalk_2025 (vietnamadminunits), old codes written as numbers (`1.0`).
with commune_pairs as (
    select
        -- ids
        case when "wardCode" is null then 'district' else 'commune' end as level,
        lpad(
            cast(cast(coalesce("wardCode", "districtCode") as double) as integer)::varchar,
            case when "wardCode" is null then 3 else 5 end,
            '0'
        ) as old_code,
        "newWardCode" as new_code,
        -- flags
        "isDividedWard" = 'True' as is_divided
    from ref.admin_crosswalk_2025_communes
),

province_pairs as (
    select
        'province' as level,
        old_province_code as old_code,
        new_province_code as new_code,
        false as is_divided
    from ref.admin_crosswalk_2025_provinces
),

pairs as (
    select * from commune_pairs
    union all
    select * from province_pairs
),

old_units as (
    select *
    from core.units
    where valid_to = date '2025-06-30'
),

new_units as (
    select *
    from core.units
    where valid_from = date '2025-07-01'
),

final as (
    select
        -- ids
        old_units.unit_id as old_unit_id,
        new_units.unit_id as new_unit_id,
        pairs.old_code,
        pairs.new_code,
        pairs.level,
        -- flags
        pairs.is_divided,
        -- names
        old_units.name as old_name,
        new_units.name as new_name,
        -- dates
        date '2025-07-01' as effective_date
    from pairs
    left join old_units
        on old_units.level = pairs.level
        and old_units.code = pairs.old_code
    left join new_units
        on new_units.level = case when pairs.level = 'province' then 'province' else 'commune' end
        and new_units.code = pairs.new_code
)

select * from final
