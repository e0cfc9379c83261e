-- code: handover_before_delivery
-- title: Bàn giao trước ngày trường nhận thiết bị
-- severity: error
-- scope: file
-- forms: may_tinh_cho_em
-- regulation: Chương trình "Sóng và máy tính cho em": trường bàn giao thiết bị cho học sinh sau khi nhận
-- message: ngày bàn giao cho học sinh {value} trước ngày trường nhận thiết bị {delivered_on} — không thể bàn giao thiết bị trường chưa nhận; dòng bị từ chối.
select
    file_sha256, sheet, row_number::integer as row_number, 'handed_over_on' as column_key,
    strftime(try_cast(handed_over_on as date), '%d/%m/%Y') as value, strftime(try_cast(delivered_on as date), '%d/%m/%Y') as delivered_on
from raw.may_tinh_cho_em
where try_cast(handed_over_on as date) < try_cast(delivered_on as date)
