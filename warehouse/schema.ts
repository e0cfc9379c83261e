// Row types of the warehouse tables the TypeScript code queries (Kysely). Written by hand for
// now; they mirror warehouse/migrations and transforms/marts.

export interface OpsFiles {
  file_sha256: string;
  file_name: string;
  form: string | null;
  period: string | null;
  school_code: string | null;
  status: 'loaded' | 'rejected' | 'superseded';
  is_current: boolean;
  message: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  rows_ignored: number;
}

export interface OpsRejects {
  file_sha256: string;
  file_name: string;
  sheet: string | null;
  row_number: number | null;
  column_letter: string | null;
  column_header: string | null;
  value: string | null;
  reason: string;
}

export interface MartPupilsBySchoolGrade {
  period: string;
  school_code: string;
  school_name: string;
  level_code: string | null;
  grade_code: string;
  grade_name: string | null;
  count_pupils: bigint;
  count_pupils_female: bigint;
  count_pupils_ethnic_minority: bigint;
  count_pupils_disability: bigint;
  count_dropouts: bigint;
  count_transferred_out: bigint;
  count_classes: bigint;
}

export interface Database {
  'ops.files': OpsFiles;
  'ops.rejects': OpsRejects;
  'marts.mart_pupils_by_school_grade': MartPupilsBySchoolGrade;
}
