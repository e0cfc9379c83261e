// Real published statistics (GSO 1995–2017 and provincial yearbooks), vendored unchanged in
// reference/gso/ (provenance and caveats: reference/README.md, shared/data/README.md §gso),
// loaded as ref.gso_* for the reality checks (transforms/assertions/reality_*.sql). Text columns
// stay text (province codes keep their zeros); the columns named here are numbers.
import { join } from 'node:path';
import type { Warehouse } from './db.js';
import { referenceDir } from './reference.js';
import { qualified, quotedIdentifier, quotedString } from './sql.js';

export const GSO_REFERENCE_FILES: Record<string, { file: string; numbers: string[] }> = {
  gso_general_education_by_province: { file: 'gso/gso_general_education_by_province_2002_2016.csv', numbers: ['value'] },
  gso_preschool_by_province: { file: 'gso/gso_preschool_by_province_2002_2016.csv', numbers: ['value'] },
  gso_national_education: { file: 'gso/gso_national_education_1995_2016.csv', numbers: ['value'] },
  gso_provincial_yearbook_education: { file: 'gso/provincial_yearbook_education_long.csv', numbers: ['value'] },
  gso_provincial_yearbook_by_year: { file: 'gso/general_education_by_province_year.csv', numbers: ['schools', 'classes', 'teachers', 'pupils'] },
  gso_provincial_vs_gso: { file: 'gso/crosscheck_provincial_vs_gso.csv', numbers: ['provincial_yearbook_value', 'gso_national_value', 'difference'] },
  gso_ratio_checks: { file: 'gso/ratio_checks.csv', numbers: ['numerator_pupils', 'denominator', 'computed', 'published'] },
};

/** (Re)load ref.gso_* from reference/gso/. */
export async function loadGsoReference(wh: Warehouse): Promise<void> {
  await wh.run('create schema if not exists ref');
  for (const [table, { file, numbers }] of Object.entries(GSO_REFERENCE_FILES)) {
    const replace = numbers.map((c) => `try_cast(${quotedIdentifier(c)} as double) as ${quotedIdentifier(c)}`).join(', ');
    await wh.run(`create or replace table ${qualified('ref', table)} as
    select * replace (${replace})
    from read_csv(${quotedString(join(referenceDir, file))}, header = true, all_varchar = true, delim = ',', quote = '"')`);
  }
}
