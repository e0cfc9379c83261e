-- Programme facts per school and period, one row per fact, from the programme lists:
--   device_handover: a device handed to a pupil ("Sóng và máy tính cho em"), with its delay;
--   device_need: the Sở's needs and receipts per category of pupil;
--   computers: computers for teaching (QĐ 4725/2022);
--   vaccination: a dose given to a pupil.
-- `fact` distinguishes them; the columns a fact does not have are null.
select
    'device_handover' as fact,
    devices.period,
    school_codes.school_id,
    devices.category_code,
    devices.device_code,
    null as vaccine_code,
    null::integer as dose,
    1 as quantity,
    devices.handover_days,
    devices.is_loan,
    devices.is_sim,
    null::integer as pupils_needing_device,
    null::integer as devices_received
from staging.stg_programme__thiet_bi as devices
inner join core.school_codes as school_codes
    on school_codes.code = devices.school_code
union all by name
select
    'device_need' as fact,
    needs.period,
    school_codes.school_id,
    needs.category_code,
    needs.devices_handed_over as quantity,
    needs.pupils_needing_device,
    needs.devices_received
from staging.stg_programme__nhu_cau_thiet_bi as needs
inner join core.school_codes as school_codes
    on school_codes.code = needs.school_code
union all by name
select
    'computers' as fact,
    computers.period,
    school_codes.school_id,
    computers.computers_teaching as quantity
from staging.stg_programme__may_tinh_truong as computers
inner join core.school_codes as school_codes
    on school_codes.code = computers.school_code
union all by name
select
    'vaccination' as fact,
    doses.period,
    school_codes.school_id,
    doses.vaccine_code,
    doses.dose,
    1 as quantity
from staging.stg_programme__tiem_chung as doses
inner join core.school_codes as school_codes
    on school_codes.code = doses.school_code
