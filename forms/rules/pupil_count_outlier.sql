-- code: pupil_count_outlier
-- title: Số học sinh bất thường so với kỳ trước hoặc với các trường cùng cấp
-- severity: warning
-- scope: warehouse
-- forms: hs_danh_sach, csdl_truong
-- regulation: Kiểm tra chất lượng số liệu kiểu DHIS2 (tăng trưởng, z-score, ngưỡng min–max); Luật Thống kê 2015 Đ.4 (số liệu trung thực, chính xác)
-- message: danh sách học sinh năm học {period} của trường {school_code} có {value} học sinh — {test}: {detail}. Hãy kiểm tra danh sách có đủ và đúng kỳ không.
-- Three tests over the current pupil lists, one finding per failing test (on the list, no row):
--   growth: more than ±50 % against the previous school year (same school; its code before 2025
--           from the csdl school registry), when the previous list had at least 20 pupils;
--   z-score: the growth is more than 3 standard deviations from the mean growth of the schools of
--           the same level (cấp học of its grades, DM_KHOI) in the period (at least 5 schools);
--   min–max: the count is outside [Q1 − 3·IQR, Q3 + 3·IQR] of the schools of the same level.
with lists as (
    select f.file_sha256, f.school_code, f.period, min(p.sheet) as sheet, count(*) as pupils,
        mode(k.extra ->> 'Mã cấp học') as level
    from raw.hs_danh_sach p
    join ops.files f using (file_sha256)
    left join ref.codelist_entries k on k.codelist = 'DM_KHOI' and k.code = p.grade
    where f.is_current and f.status = 'loaded'
    group by all
),
previous_code as (
    select distinct f.period, t.school_code, t.previous_code
    from raw.csdl_truong t
    join ops.files f using (file_sha256)
    where f.is_current and f.status = 'loaded' and t.previous_code is not null
),
growth as (
    select l.*, p.pupils as previous, p.period as previous_period, l.pupils / p.pupils - 1 as growth
    from lists l
    left join previous_code c on c.period = l.period and c.school_code = l.school_code
    left join lists p on p.school_code = coalesce(c.previous_code, l.school_code)
        and p.period = (split_part(l.period, '-', 1)::integer - 1)::varchar || '-' || split_part(l.period, '-', 1)
),
peers as (
    select *,
        avg(growth) over w as growth_mean, stddev_samp(growth) over w as growth_sd, count(growth) over w as growth_n,
        quantile_cont(pupils, 0.25) over w as q1, quantile_cont(pupils, 0.75) over w as q3, count(*) over w as n
    from growth
    window w as (partition by period, level)
),
tests as (
    select *, 'tăng trưởng bất thường' as test,
        'năm học ' || previous_period || ' có ' || previous || ' học sinh, thay đổi ' || round(100 * growth)::integer || '% (ngưỡng ±50%)' as detail
    from peers where previous >= 20 and abs(growth) > 0.5
    union all
    select *, 'z-score tăng trưởng' as test,
        'thay đổi ' || round(100 * growth)::integer || '% so với năm học ' || previous_period || ', z = ' || round((growth - growth_mean) / growth_sd, 1)
            || ' so với ' || growth_n || ' trường cùng cấp (ngưỡng |z| > 3)' as detail
    from peers where growth_n >= 5 and growth_sd > 0 and abs((growth - growth_mean) / growth_sd) > 3
    union all
    select *, 'ngoài khoảng min–max' as test,
        'khoảng hợp lý của ' || n || ' trường cùng cấp là ' || greatest(0, round(q1 - 3 * (q3 - q1)))::bigint || '–' || round(q3 + 3 * (q3 - q1))::bigint || ' học sinh' as detail
    from peers where n >= 5 and (pupils < q1 - 3 * (q3 - q1) or pupils > q3 + 3 * (q3 - q1))
)
select file_sha256, sheet, null::integer as row_number, null::varchar as column_key, pupils as value, period, school_code, test, detail
from tests
