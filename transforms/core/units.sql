-- The administrative-unit registry, dated: one row per version of a province, district or commune
-- (shared/domain.md §4). Sources: reference/admin/, loaded as-is into ref.admin_* (warehouse/reference.ts).
--   Before 1/7/2025, three tiers: the GSO danhmuchanhchinh list of 18/07/2025, the last state of the
--     old system: 63 provinces (taken from the district file), 696 districts, 10,035 communes.
--     valid_to = 2025-06-30; when each came into being is not in the list, so valid_from is null
--     ("since before the registry begins"). Communes merged before 2025 are not here.
--   From 1/7/2025, two tiers (QĐ 19/2025/QĐ-TTg): 34 provinces and 3,321 communes, from two snapshots
--     (2025-07-01 and 2026-07-25). A unit whose name, type or parent differs from the snapshot before
--     opens a new version on the later snapshot's date and the earlier version closes the day
--     before; otherwise one row spans both, with the spelling of the snapshot that opened it.
--     valid_to null = still valid. (Every code is in both snapshots; a unit missing from a later
--     snapshot would need closing here.)
-- unit_id = <p|d|c>:<code>@<start>, start = `pre2025` for the GSO list, else valid_from:
--   p:24@pre2025 is old Bắc Giang, p:24@2025-07-01 new Bắc Ninh, p:75@2026-07-25 Thành phố Đồng Nai.
--   Codes are reused across the reorganisation, so never join old and new on the code alone.
-- parent_id = the parent's version valid on the child's last day (or now, for an open row), so the
--   units valid on any one date form a tree.
-- Names are trimmed and inner runs of spaces folded, otherwise as published (GSO writes some
-- types with a capital, `Thị Xã Buôn Hồ`, and has `Phường 5` with type Xã).
with pre2025_districts as (
    select
        -- ids
        "Mã" as code,
        "Mã TP" as province_code,
        -- names
        regexp_replace(trim("Tên"), '\s+', ' ', 'g') as name,
        "Cấp" as unit_type,
        regexp_replace(trim("Tỉnh / Thành Phố"), '\s+', ' ', 'g') as province_name
    from ref.admin_pre2025_districts
),

pre2025_provinces as (
    select distinct
        province_code as code,
        province_name as name,
        case
            when province_name like 'Tỉnh %' then 'Tỉnh'
            when province_name like 'Thành phố %' then 'Thành phố trực thuộc trung ương'
        end as unit_type
    from pre2025_districts
),

pre2025_communes as (
    select
        "Mã" as code,
        "Mã QH" as district_code,
        regexp_replace(trim("Tên"), '\s+', ' ', 'g') as name,
        "Cấp" as unit_type
    from ref.admin_pre2025_communes
),

pre2025 as (
    select
        'province' as level,
        code,
        name,
        unit_type,
        null as parent_level,
        null as parent_code
    from pre2025_provinces
    union all
    select
        'district' as level,
        code,
        name,
        unit_type,
        'province' as parent_level,
        province_code as parent_code
    from pre2025_districts
    union all
    select
        'commune' as level,
        code,
        name,
        unit_type,
        'district' as parent_level,
        district_code as parent_code
    from pre2025_communes
),

snapshot_rows as (
    select
        date '2025-07-01' as snapshot_date,
        province_code,
        province_full_name,
        province_type,
        ward_code,
        ward_full_name,
        ward_type
    from ref.admin_two_tier_2025
    union all
    select
        date '2026-07-25' as snapshot_date,
        province_code,
        province_full_name,
        province_type,
        ward_code,
        ward_full_name,
        ward_type
    from ref.admin_two_tier_2026
),

-- What the snapshots get wrong, applied to both. Xã Ba Chẽ (Quảng Ninh) is 06970 in QĐ 19/2025 and in
-- the crosswalk; thanglequoc's data had 06978 until after the 2026 snapshot
-- (github.com/thanglequoc/vietnamese-provinces-database issue 197, pull 202). Xã Phố Bảng is spelt
-- Phó Bảng in the 2025 snapshot only (the 2026 one, the crosswalk and sapnhap.bando.com.vn have
-- Phố): a spelling fix, not a renaming, so it opens no version.
snapshot_fixes as (
    select
        snapshot_code,
        code,
        name
    from (
        values
            ('06978', '06970', null),
            ('00745', '00745', 'Xã Phố Bảng')
    ) as fixes (snapshot_code, code, name)
),

two_tier as (
    select distinct
        snapshot_date,
        'province' as level,
        province_code as code,
        regexp_replace(trim(province_full_name), '\s+', ' ', 'g') as name,
        province_type as unit_type,
        null as parent_code
    from snapshot_rows
    union all
    select
        snapshot_rows.snapshot_date,
        'commune' as level,
        coalesce(snapshot_fixes.code, snapshot_rows.ward_code) as code,
        coalesce(snapshot_fixes.name, regexp_replace(trim(snapshot_rows.ward_full_name), '\s+', ' ', 'g')) as name,
        snapshot_rows.ward_type as unit_type,
        snapshot_rows.province_code as parent_code
    from snapshot_rows
    left join snapshot_fixes
        on snapshot_fixes.snapshot_code = snapshot_rows.ward_code
),

-- A change of spelling convention is not a change of name: the 2026 snapshot writes about 190 names
-- with the tone on the other vowel (Hòa / Hoà, Thủy / Thuỷ, Thanh Hóa / Thanh Hoá) and one in lower
-- case (`xã Bắc Sơn`). Names are compared NFC, lower-cased, with the tone of oa / oe / uy moved onto
-- the second vowel; any other difference of spelling opens a version.
two_tier_keyed as (
    select
        *,
        list_reduce(
            [
                'òa>oà', 'óa>oá', 'ỏa>oả', 'õa>oã', 'ọa>oạ',
                'òe>oè', 'óe>oé', 'ỏe>oẻ', 'õe>oẽ', 'ọe>oẹ',
                'ùy>uỳ', 'úy>uý', 'ủy>uỷ', 'ũy>uỹ', 'ụy>uỵ'
            ],
            lambda folded, pair: replace(folded, split_part(pair, '>', 1), split_part(pair, '>', 2)),
            lower(nfc_normalize(name))
        ) as name_key
    from two_tier
),

two_tier_changes as (
    select
        *,
        lag(name_key) over history is distinct from name_key
            or lag(unit_type) over history is distinct from unit_type
            or lag(parent_code) over history is distinct from parent_code as opens_version
    from two_tier_keyed
    window history as (partition by level, code order by snapshot_date)
),

two_tier_versions as (
    select
        level,
        code,
        name,
        unit_type,
        case when level = 'commune' then 'province' end as parent_level,
        parent_code,
        -- dates
        snapshot_date as valid_from,
        lead(snapshot_date) over (partition by level, code order by snapshot_date) - 1 as valid_to
    from two_tier_changes
    where opens_version
),

versions as (
    select
        *,
        null::date as valid_from,
        date '2025-06-30' as valid_to
    from pre2025
    union all by name
    select *
    from two_tier_versions
),

identified as (
    select
        *,
        left(level, 1) || ':' || code || '@' || coalesce(strftime(valid_from, '%Y-%m-%d'), 'pre2025') as unit_id,
        coalesce(valid_to, 'infinity'::date) as last_day
    from versions
),

final as (
    select
        -- ids
        child.unit_id,
        child.code,
        -- names and kind
        child.name,
        child.level,
        child.unit_type,
        -- hierarchy
        parent.unit_id as parent_id,
        -- dates
        child.valid_from,
        child.valid_to
    from identified as child
    left join identified as parent
        on parent.level = child.parent_level
        and parent.code = child.parent_code
        and coalesce(parent.valid_from, '-infinity'::date) <= child.last_day
        and parent.last_day >= child.last_day
)

select * from final
