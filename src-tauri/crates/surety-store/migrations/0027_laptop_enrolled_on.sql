-- The business date a field laptop was enrolled on (NULL for partner offices and for the
-- office as a laptop's peer): an application the laptop took cannot be older than that.
ALTER TABLE peers ADD COLUMN enrolled_on TEXT;
