-- code: handover_late
-- title: Bàn giao chậm quá 1 ngày
-- severity: warning
-- scope: file
-- forms: may_tinh_cho_em
-- regulation: Chương trình "Sóng và máy tính cho em": bàn giao cho học sinh trong 1 ngày kể từ khi trường nhận thiết bị
-- message: thiết bị trường nhận ngày {delivered_on}, bàn giao cho học sinh ngày {value}, sau {days} ngày (quy định: trong 1 ngày).
select
    file_sha256, sheet, row_number::integer as row_number, 'handed_over_on' as column_key,
    strftime(try_cast(handed_over_on as date), '%d/%m/%Y') as value, strftime(try_cast(delivered_on as date), '%d/%m/%Y') as delivered_on,
    date_diff('day', try_cast(delivered_on as date), try_cast(handed_over_on as date)) as days
from raw.may_tinh_cho_em
where try_cast(handed_over_on as date) > try_cast(delivered_on as date) + interval 1 day
