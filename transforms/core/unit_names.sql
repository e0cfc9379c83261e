-- One name per administrative unit on each geography: the name of its newest version (core.units).
-- 'new' = the two tiers from 1/7/2025 (a unit renamed later, Tỉnh → Thành phố Đồng Nai on
-- 25/7/2026, takes the later name); 'old' = the three tiers before. Codes are reused between the
-- two geographies (24 old = Bắc Giang, 24 new = Bắc Ninh), so a name is looked up by both.
-- Every mart that names a unit reads it here.
select
    case when valid_from >= date '2025-07-01' then 'new' else 'old' end as geography,
    level,
    code,
    arg_max(name, coalesce(valid_from, date '1900-01-01')) as name
from core.units
group by all
