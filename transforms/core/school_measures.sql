-- The counts every mart and indicator is built from, per period, school and level, one row per
-- measure (long form, so forms/indicators.json can name numerators and denominators as data).
-- level_code: for counts of pupils and classes the level of their grade (DM_KHOI); for counts that
-- belong to a school as a whole (schools, sites, staff, computers, and the school's pupils as the
-- numerator of per-teacher and per-computer ratios) the school's main level (DM_NHOM_CAP_HOC "Cấp":
-- a TH&THCS school counts under THCS), since staff and computer lists do not say which level.
with schools as (
    select
        school_id,
        main_level_code,
        is_public,
        sites
    from core.schools
),

pupil_counts as (
    select
        pupils.period,
        pupils.school_id,
        pupils.level_code,
        count(*) filter (where is_enrolled) as pupils,
        count(*) filter (where is_enrolled and not coalesce(schools.is_public, true)) as pupils_non_public,
        count(*) filter (where is_enrolled and is_female) as pupils_female,
        count(*) filter (where is_enrolled and is_ethnic_minority) as pupils_ethnic_minority,
        count(*) filter (where is_enrolled and has_disability) as pupils_disability,
        count(distinct class_code) filter (where is_enrolled) as classes
    from core.pupils as pupils
    left join schools
        on schools.school_id = pupils.school_id
    group by all
),

result_counts as (
    select
        period,
        school_id,
        level_code,
        count(*) as results_pupils,
        count(*) filter (where is_dropout) as results_dropouts,
        count(*) filter (where is_promoted) as results_promoted,
        count(*) filter (where is_not_promoted) as results_not_promoted,
        count(*) filter (where is_last_grade) as last_grade_pupils,
        count(*) filter (where is_last_grade and is_promoted) as last_grade_completed
    from core.results
    group by all
),

graduation_counts as (
    select
        period,
        school_id,
        level_code,
        count(*) as graduation_candidates,
        count(*) filter (where is_graduated) as graduates
    from core.graduation
    group by all
),

school_pupils as (
    -- the school's enrolled pupils, every level together (from the counts above: one pass over
    -- the pupils, not two)
    select
        period,
        school_id,
        sum(pupils)::bigint as school_pupils
    from pupil_counts
    group by all
),

staff_counts as (
    select
        period,
        school_id,
        count(*) as staff,
        count(*) filter (where is_teacher) as teachers,
        count(*) filter (where is_teacher and is_female) as teachers_female,
        count(*) filter (where is_manager) as managers
    from core.staff
    group by all
),

computer_counts as (
    select
        period,
        school_id,
        sum(quantity) as computers
    from core.programme_facts
    where fact = 'computers'
    group by all
),

programme_counts as (
    select
        period,
        school_id,
        sum(pupils_needing_device) filter (where fact = 'device_need') as pupils_needing_device,
        sum(quantity) filter (where fact = 'device_need') as devices_handed_over,
        count(*) filter (where fact = 'device_handover') as handovers,
        count(*) filter (where fact = 'device_handover' and handover_days between 0 and 1) as handovers_within_1_day,
        count(*) filter (where fact = 'device_handover' and is_loan) as handovers_loan
    from core.programme_facts
    where fact in ('device_need', 'device_handover')
    group by all
),

by_grade_level as (
    unpivot (
        select
            coalesce(p.period, r.period, g.period) as period,
            coalesce(p.school_id, r.school_id, g.school_id) as school_id,
            coalesce(p.level_code, r.level_code, g.level_code) as level_code,
            p.pupils,
            p.pupils_non_public,
            p.pupils_female,
            p.pupils_ethnic_minority,
            p.pupils_disability,
            p.classes,
            r.results_pupils,
            r.results_dropouts,
            r.results_promoted,
            r.results_not_promoted,
            r.last_grade_pupils,
            r.last_grade_completed,
            g.graduation_candidates,
            g.graduates
        from pupil_counts as p
        full join result_counts as r
            using (period, school_id, level_code)
        full join graduation_counts as g
            using (period, school_id, level_code)
    )
    on columns(* exclude (period, school_id, level_code))
    into name measure value value
),

periods_of_schools as (
    select distinct period, school_id
    from core.school_periods
),

by_school_level as (
    unpivot (
        select
            periods_of_schools.period,
            periods_of_schools.school_id,
            schools.main_level_code as level_code,
            1 as schools,
            case when schools.is_public then 0 else 1 end as schools_non_public,
            schools.sites,
            school_pupils.school_pupils,
            staff_counts.staff,
            staff_counts.teachers,
            staff_counts.teachers_female,
            staff_counts.managers,
            computer_counts.computers,
            programme_counts.pupils_needing_device,
            programme_counts.devices_handed_over,
            -- what is left to hand over, per school (one school's surplus does not cover another's need)
            case when programme_counts.pupils_needing_device is not null
                then greatest(programme_counts.pupils_needing_device - coalesce(programme_counts.devices_handed_over, 0), 0)
            end as devices_still_needed,
            case when programme_counts.handovers > 0 then programme_counts.handovers end as handovers,
            case when programme_counts.handovers > 0 then programme_counts.handovers_within_1_day end as handovers_within_1_day,
            case when programme_counts.handovers > 0 then programme_counts.handovers_loan end as handovers_loan,
            -- the pupils of the schools that sent a list: the numerators of per-teacher and
            -- per-computer ratios count only schools whose denominator is known
            case when staff_counts.school_id is not null then school_pupils.school_pupils end as school_pupils_with_staff_list,
            case when computer_counts.school_id is not null then school_pupils.school_pupils end as school_pupils_with_computer_list
        from periods_of_schools
        inner join schools
            on schools.school_id = periods_of_schools.school_id
        left join school_pupils
            on school_pupils.period = periods_of_schools.period
            and school_pupils.school_id = periods_of_schools.school_id
        left join staff_counts
            on staff_counts.period = periods_of_schools.period
            and staff_counts.school_id = periods_of_schools.school_id
        left join computer_counts
            on computer_counts.period = periods_of_schools.period
            and computer_counts.school_id = periods_of_schools.school_id
        left join programme_counts
            on programme_counts.period = periods_of_schools.period
            and programme_counts.school_id = periods_of_schools.school_id
    )
    on columns(* exclude (period, school_id, level_code))
    into name measure value value
)

select period, school_id, level_code, measure, value::bigint as value
from by_grade_level
where value is not null
union all
select period, school_id, level_code, measure, value::bigint as value
from by_school_level
where value is not null
