-- Readiness surveys: a unit's survey with its statements (a JSON list, editable until the first
-- answer), the people asked (each with the SHA-256 of their personal link's secret and whether
-- it was used) and the answers. Answers are kept apart from the people asked: no column ties an
-- answer to a respondent, an answer's id is random (not time-ordered) and it carries no time.
CREATE TABLE surveys (
    id TEXT PRIMARY KEY,
    org_unit_id TEXT NOT NULL REFERENCES org_units(id),
    title TEXT NOT NULL,
    statements TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX surveys_by_unit ON surveys (org_unit_id, created_at);

CREATE TABLE survey_respondents (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    answered INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX survey_respondents_by_survey ON survey_respondents (survey_id);

CREATE TABLE survey_answers (
    id TEXT PRIMARY KEY,
    survey_id TEXT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    answers TEXT NOT NULL
);
CREATE INDEX survey_answers_by_survey ON survey_answers (survey_id);
