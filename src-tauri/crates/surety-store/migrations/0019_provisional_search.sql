-- Issue 16: an office finds a case by the provisional number its field laptop gave it.
CREATE INDEX cases_by_provisional_no ON cases(provisional_no) WHERE provisional_no IS NOT NULL;
