-- code: loaned_device_counted_owned
-- title: Máy cho mượn bị tính là máy đã trao cho học sinh
-- severity: warning
-- scope: warehouse
-- forms: may_tinh_nhu_cau, may_tinh_cho_em
-- regulation: Chương trình "Sóng và máy tính cho em": máy cho mượn không phải máy của học sinh, được đếm riêng
-- message: trường {school_code}, đối tượng {category}: số máy đã bàn giao ghi {value}, nhưng danh sách nhận thiết bị năm học {period} chỉ có {given} máy tặng (và {loaned} máy cho mượn) — máy cho mượn không tính là máy của học sinh.
-- Devices are computers (TK_THIET_BI 01–03; a SIM is not one); TK_HINH_THUC_TRAO 1 = tặng, 2 = cho mượn.
with lists as (
    select f.period, f.school_code, d.category,
        count(*) filter (where d.handover_mode = '1') as given,
        count(*) filter (where d.handover_mode = '2') as loaned
    from raw.may_tinh_cho_em d
    join ops.files f using (file_sha256)
    where f.is_current and f.status = 'loaded' and d.device_type in ('01', '02', '03')
    group by all
)
select
    n.file_sha256, n.sheet, n.row_number::integer as row_number, 'devices_handed_over' as column_key, n.devices_handed_over as value,
    n.school_code, coalesce(c.name, n.category) as category, f.period, l.given, l.loaned
from raw.may_tinh_nhu_cau n
join ops.files f using (file_sha256)
join lists l on l.period = f.period and l.school_code = n.school_code and l.category = n.category
left join ref.codelist_entries c on c.codelist = 'TK_DOI_TUONG_MAY_TINH' and c.code = n.category
where f.is_current and f.status = 'loaded'
  and l.loaned > 0 and try_cast(n.devices_handed_over as integer) > l.given
