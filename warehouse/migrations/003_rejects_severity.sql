-- a finding is an error (the row is rejected) or a warning (the row is kept); `code` names the
-- rule (forms/cells.ts CellIssueCode, or a validation rule) so reports can group by it
alter table ops.rejects add column if not exists code varchar;
alter table ops.rejects add column if not exists severity varchar default 'error';
