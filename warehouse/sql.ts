// Tiny safe-SQL helpers: for identifiers and literals that cannot be bound as parameters
// (table names, COPY targets). Everything else uses bound parameters.

export function quotedIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quotedString(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL string literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** schema.table, each part quoted. */
export function qualified(schema: string, table: string): string {
  return `${quotedIdentifier(schema)}.${quotedIdentifier(table)}`;
}
