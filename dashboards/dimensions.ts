// Dimensions a published table gets beside its own columns, so that a mart keyed by school can be
// drawn by commune or province and scoped to one Sở:
//   commune_* — the school's commune, from the title block of its current files (the forms whose
//     layout has school_code, school_year and commune_code in its meta), dated on 30/9 of the
//     school year (the count date) in core.units;
//   province_* — that commune's province, carried to the 34 provinces of 1/7/2025 through
//     core.unit_crosswalk; a school with no known commune falls back to its code's first two
//     digits (the 2025 rule: mã sở + mã xã + STT, domain.md §3.2);
//   level_name — the name of level_code in the MOET code list DM_CAP_HOC.
// When core.units or core.unit_crosswalk is not built yet, an empty relation of the same shape
// stands in and the names fall back to the codes.
import { listForms } from '../forms/layout.js';
import { qualified } from '../warehouse/sql.js';

export const GEOGRAPHY_COLUMNS = ['commune_code', 'commune_name', 'province_code', 'province_name'] as const;
export const LEVEL_COLUMNS = ['level_name'] as const;

/** What the warehouse has, as far as the derived dimensions care. */
export interface DimensionSources {
  tables: Set<string>;
}

const EMPTY_UNITS = `(select null::varchar as unit_id, null::varchar as code, null::varchar as name, null::varchar as level,
        null::varchar as parent_id, null::date as valid_from, null::date as valid_to where false)`;
const EMPTY_CROSSWALK = `(select null::varchar as old_unit_id, null::varchar as new_code, null::varchar as level where false)`;

const validOn = (alias: string, date: string) => `(${alias}.valid_from is null or ${alias}.valid_from <= ${date}) and (${alias}.valid_to is null or ${alias}.valid_to >= ${date})`;

/** select period, school_code, commune_code: one commune per school and period. */
export function schoolCommunesSql(src: DimensionSources): string {
  const parts = listForms()
    .filter((f) => ['school_code', 'school_year', 'commune_code'].every((k) => f.meta.some((m) => m.key === k)) && src.tables.has(`raw.${f.form}`))
    .map((f) => `select rows.school_year as period, rows.school_code, rows.commune_code
        from ${qualified('raw', f.form)} as rows
        inner join ops.files as files on files.file_sha256 = rows.file_sha256
        where files.is_current`);
  const from = parts.length ? parts.join('\n        union all\n        ') : 'select null::varchar as period, null::varchar as school_code, null::varchar as commune_code where false';
  return `select period, school_code, min(commune_code) as commune_code
    from (
        ${from}
    )
    group by period, school_code`;
}

/**
 * CTEs (without the leading `with`) ending in `located(period, school_code, commune_code,
 * commune_name, province_code, province_name)` for the (period, school_code) pairs of `keys`.
 */
export function locatedCtes(src: DimensionSources, keys: string): string {
  const units = src.tables.has('core.units') ? 'core.units' : EMPTY_UNITS;
  const crosswalk = src.tables.has('core.unit_crosswalk') ? 'core.unit_crosswalk' : EMPTY_CROSSWALK;
  return `school_communes as (
    ${schoolCommunesSql(src)}
),

school_keys as (
    select distinct
        period,
        school_code,
        make_date(cast(left(period, 4) as integer), 9, 30) as counted_on
    from ${keys}
),

school_units as (
    select
        school_keys.period,
        school_keys.school_code,
        school_keys.counted_on,
        coalesce(commune.code, school_communes.commune_code) as commune_code,
        coalesce(commune.name, school_communes.commune_code) as commune_name,
        coalesce(
            case when parent.level = 'province' then parent.code else grandparent.code end,
            left(school_keys.school_code, 2)
        ) as province_code_then
    from school_keys
    left join school_communes
        on school_communes.period = school_keys.period
        and school_communes.school_code = school_keys.school_code
    left join ${units} as commune
        on commune.level = 'commune'
        and commune.code = school_communes.commune_code
        and ${validOn('commune', 'school_keys.counted_on')}
    left join ${units} as parent
        on parent.unit_id = commune.parent_id
    left join ${units} as grandparent
        on grandparent.unit_id = parent.parent_id
),

located as (
    select
        school_units.period,
        school_units.school_code,
        school_units.commune_code,
        school_units.commune_name,
        coalesce(crosswalk.new_code, school_units.province_code_then) as province_code,
        coalesce(province_now.name, coalesce(crosswalk.new_code, school_units.province_code_then)) as province_name
    from school_units
    left join ${units} as province_then
        on province_then.level = 'province'
        and province_then.code = school_units.province_code_then
        and ${validOn('province_then', 'school_units.counted_on')}
    left join ${crosswalk} as crosswalk
        on crosswalk.level = 'province'
        and crosswalk.old_unit_id = province_then.unit_id
    left join ${units} as province_now
        on province_now.level = 'province'
        and province_now.code = coalesce(crosswalk.new_code, school_units.province_code_then)
        and province_now.valid_to is null
)`;
}

/** Provinces of 1/7/2025 as they are now (code, name), for the Sở sites and the map. */
export function currentProvincesSql(src: DimensionSources): string | null {
  return src.tables.has('core.units')
    ? `select code, name from core.units where level = 'province' and valid_from >= date '2025-07-01' and valid_to is null order by code`
    : null;
}

/** Name of a level code (DM_CAP_HOC), when the code lists are loaded. */
export function levelNameSql(src: DimensionSources, column: string): string {
  return src.tables.has('ref.codelist_entries')
    ? `(select name from ref.codelist_entries where codelist = 'DM_CAP_HOC' and code = ${column})`
    : column;
}

/** Labels of the derived columns in tables and charts. */
export const DIMENSION_LABELS: Record<string, string> = {
  commune_code: 'Mã xã, phường',
  commune_name: 'Xã, phường',
  province_code: 'Mã tỉnh',
  province_name: 'Tỉnh, thành phố',
  level_name: 'Cấp học',
};
