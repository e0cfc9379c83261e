-- The network report (báo cáo mạng lưới): schools, school sites, classes, pupils and staff per
-- period, unit (both geographies), level, ownership (công lập / ngoài công lập) and area.
-- level_code, ownership_group, area_code '*' = all together. Counts only (published).
with levels as (
    select
        json_extract_string(extra, '$."Cấp"') as level_code,
        -- the level's own name: the school group whose only level it is (Tiểu học, THCS, THPT …)
        arg_min(name, code) as level_name
    from ref.codelist_entries
    where codelist = 'DM_NHOM_CAP_HOC'
        and json_extract_string(extra, '$."DS_Cấp"') = json_extract_string(extra, '$."Cấp"')
    group by all
),

pivoted as (
    pivot marts.mart_unit_measures
    on measure in ('schools', 'schools_non_public', 'sites', 'classes', 'pupils', 'pupils_female', 'pupils_ethnic_minority',
        'pupils_disability', 'staff', 'teachers', 'teachers_female', 'managers')
    using sum(value)
    group by period, geography, unit_level, province_code, province_name, unit_code, unit_name, level_code, ownership_group, area_code
)

select
    pivoted.period,
    pivoted.geography,
    pivoted.unit_level,
    pivoted.province_code,
    pivoted.province_name,
    pivoted.unit_code,
    coalesce(pivoted.unit_name, 'Chưa rõ đơn vị') as unit_name,
    pivoted.level_code,
    coalesce(levels.level_name, 'Mọi cấp học') as level_name,
    pivoted.ownership_group,
    pivoted.area_code,
    coalesce(pivoted.schools, 0)::bigint as count_schools,
    coalesce(pivoted.schools_non_public, 0)::bigint as count_schools_non_public,
    coalesce(pivoted.sites, 0)::bigint as count_sites,
    coalesce(pivoted.classes, 0)::bigint as count_classes,
    coalesce(pivoted.pupils, 0)::bigint as count_pupils,
    coalesce(pivoted.pupils_female, 0)::bigint as count_pupils_female,
    coalesce(pivoted.pupils_ethnic_minority, 0)::bigint as count_pupils_ethnic_minority,
    coalesce(pivoted.pupils_disability, 0)::bigint as count_pupils_disability,
    coalesce(pivoted.staff, 0)::bigint as count_staff,
    coalesce(pivoted.teachers, 0)::bigint as count_teachers,
    coalesce(pivoted.teachers_female, 0)::bigint as count_teachers_female,
    coalesce(pivoted.managers, 0)::bigint as count_managers
from pivoted
left join levels
    on levels.level_code = pivoted.level_code
order by all
