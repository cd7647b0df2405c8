-- R-REPORT-1 per insurer: each insurer (a pool by its lead) closes its own lines of a
-- quarter; an admin's closing (organisation '') covers the whole installation. A closing
-- is in force until reopened (reopened_on); revisions stay numbered per period.
ALTER TABLE quarter_reports ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
CREATE INDEX quarter_reports_in_force ON quarter_reports (period, organisation)
  WHERE reopened_on IS NULL;
