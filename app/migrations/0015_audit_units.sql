-- The audit history made readable and filterable: the org unit each row belongs to (when it
-- belongs to one; sign-ins, users and API tokens do not), and indexes for the audit page, which
-- reads newest first by unit or by person.
ALTER TABLE audit_log ADD COLUMN unit_id TEXT;

UPDATE audit_log SET unit_id = entity_id WHERE entity = 'org_unit';
UPDATE audit_log SET unit_id = (SELECT m.org_unit_id FROM maps m WHERE m.id = audit_log.entity_id)
    WHERE entity = 'map';
UPDATE audit_log SET unit_id = (
        SELECT m.org_unit_id FROM objectives o JOIN maps m ON m.id = o.map_id
        WHERE o.id = audit_log.entity_id)
    WHERE entity = 'objective';
UPDATE audit_log SET unit_id = (
        SELECT m.org_unit_id FROM measures x JOIN objectives o ON o.id = x.objective_id
        JOIN maps m ON m.id = o.map_id WHERE x.id = audit_log.entity_id)
    WHERE entity = 'measure';

CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_unit_at ON audit_log(unit_id, at);
CREATE INDEX audit_user_at ON audit_log(user_id, at);
