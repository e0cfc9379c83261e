// The totals `thongke demo` prints after publishing: schools, pupils and files of the latest period.
import { sql } from 'kysely';
import type { Warehouse } from '../warehouse/db.js';
import { kyselyFor } from '../warehouse/kysely.js';

export interface SiteTotals {
  period: string | null;
  schools: number;
  pupils: number;
  pupilsFemale: number;
  pupilsEthnicMinority: number;
  filesLoaded: number;
  filesRejected: number;
  rowsRejected: number;
}

export async function siteTotals(wh: Warehouse): Promise<SiteTotals> {
  const db = kyselyFor(wh.instance);
  const mart = 'marts.mart_pupils_by_school_grade' as const;
  const [latest] = await db.selectFrom(mart).select(sql<string>`max(period)`.as('period')).execute();
  const period = latest?.period ?? null;
  const [sums] = period
    ? await db.selectFrom(mart)
      .select([
        sql<number>`count(distinct school_code)::integer`.as('schools'),
        sql<number>`sum(count_pupils)::integer`.as('pupils'),
        sql<number>`sum(count_pupils_female)::integer`.as('female'),
        sql<number>`sum(count_pupils_ethnic_minority)::integer`.as('ethnic'),
      ])
      .where('period', '=', period).execute()
    : [];
  const files = await db.selectFrom('ops.files').select(['status', 'rows_rejected']).execute();
  // no db.destroy(): it would close the instance, which belongs to `wh`
  return {
    period,
    schools: sums?.schools ?? 0,
    pupils: sums?.pupils ?? 0,
    pupilsFemale: sums?.female ?? 0,
    pupilsEthnicMinority: sums?.ethnic ?? 0,
    filesLoaded: files.filter((f) => f.status === 'loaded').length,
    filesRejected: files.filter((f) => f.status === 'rejected').length,
    rowsRejected: files.filter((f) => f.status !== 'superseded').reduce((s, f) => s + Number(f.rows_rejected), 0),
  };
}
