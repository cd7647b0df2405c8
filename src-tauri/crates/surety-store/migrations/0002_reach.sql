-- Each reader sees their own organisation's cases (a bank's, an insurer's) or the
-- applications they took in: the case list filters on these first.
CREATE INDEX cases_by_bank_date ON cases(bank_id, application_date);
CREATE INDEX cases_by_insurer_date ON cases(insurer_id, application_date);
CREATE INDEX cases_by_creator_date ON cases(created_by, application_date);
