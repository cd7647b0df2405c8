-- A field laptop this office enrolled: the business date of its enrolment (an application
-- it took cannot be older) and the agent it was enrolled for (the only one whose
-- applications and site visits it may send). NULL for partner offices and for the office
-- as a laptop's peer.
ALTER TABLE peers ADD COLUMN enrolled_on TEXT;
ALTER TABLE peers ADD COLUMN agent TEXT;
