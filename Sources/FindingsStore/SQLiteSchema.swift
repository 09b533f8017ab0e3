import GRDB

/// The SQLite schema as an ordered list of named migrations. A migration, once released, is never
/// edited: a change is a new migration appended at the end. GRDB records the applied names in
/// `grdb_migrations`, so opening a file applies exactly the missing ones, in one transaction each.
enum SQLiteSchema {
    /// Migration names in order; the last is the current schema.
    static let migrationNames = ["v1-initial", "v2-input-source", "v3-service-access", "v4-token-expiry", "v5-input-sites"]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2-input-source") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3-service-access") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4-token-expiry") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5-input-sites") { db in
            try db.execute(sql: v5)
        }
        return migrator
    }

    /// Times are INTEGER milliseconds since 1970 (UTC). JSON columns hold VigilJSON (sorted keys).
    static let v1 = """
        CREATE TABLE inputs (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            content_sha256 TEXT    NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
            path           TEXT    NOT NULL,
            kind           TEXT    NOT NULL,
            patient_id     TEXT,
            study_id       TEXT,
            acquired_at    INTEGER,
            registered_at  INTEGER NOT NULL
        );
        CREATE INDEX inputs_patient ON inputs(patient_id);
        CREATE INDEX inputs_study ON inputs(study_id);

        CREATE TABLE runs (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            detector_id      TEXT    NOT NULL,
            detector_version TEXT    NOT NULL,
            model_name       TEXT,
            model_version    TEXT,
            model_sha256     TEXT,
            settings         TEXT    NOT NULL,
            started_at       INTEGER NOT NULL,
            finished_at      INTEGER,
            inputs_count     INTEGER NOT NULL DEFAULT 0,
            scored_count     INTEGER NOT NULL DEFAULT 0,
            abstained_count  INTEGER NOT NULL DEFAULT 0,
            error_count      INTEGER NOT NULL DEFAULT 0
        );

        -- One row per (input, detector id, detector version): the exactly-once key.
        CREATE TABLE outcomes (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            input_id         INTEGER NOT NULL REFERENCES inputs(id),
            detector_id      TEXT    NOT NULL,
            detector_version TEXT    NOT NULL,
            run_id           INTEGER NOT NULL REFERENCES runs(id),
            status           TEXT    NOT NULL CHECK (status IN ('scored', 'abstained', 'error')),
            recorded_at      INTEGER NOT NULL,
            UNIQUE (input_id, detector_id, detector_version)
        );
        CREATE INDEX outcomes_run ON outcomes(run_id, status);

        CREATE TABLE findings (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            outcome_id  INTEGER NOT NULL REFERENCES outcomes(id),
            input_id    INTEGER NOT NULL REFERENCES inputs(id),
            run_id      INTEGER NOT NULL REFERENCES runs(id),
            code        TEXT    NOT NULL,
            probability REAL,
            decision    TEXT    NOT NULL CHECK (decision IN ('positive', 'negative', 'indeterminate')),
            json        TEXT    NOT NULL
        );
        CREATE INDEX findings_input ON findings(input_id);
        CREATE INDEX findings_run ON findings(run_id);
        CREATE INDEX findings_code_probability ON findings(code, probability);

        CREATE TABLE abstentions (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            outcome_id INTEGER NOT NULL UNIQUE REFERENCES outcomes(id),
            input_id   INTEGER NOT NULL REFERENCES inputs(id),
            run_id     INTEGER NOT NULL REFERENCES runs(id),
            reason     TEXT    NOT NULL,
            json       TEXT    NOT NULL
        );
        CREATE INDEX abstentions_input ON abstentions(input_id);
        CREATE INDEX abstentions_run ON abstentions(run_id);
        CREATE INDEX abstentions_reason ON abstentions(reason);

        CREATE TABLE input_errors (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            outcome_id INTEGER NOT NULL UNIQUE REFERENCES outcomes(id),
            input_id   INTEGER NOT NULL REFERENCES inputs(id),
            run_id     INTEGER NOT NULL REFERENCES runs(id),
            reason     TEXT    NOT NULL
        );
        CREATE INDEX input_errors_run ON input_errors(run_id);

        CREATE TABLE worklist_entries (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            study_id      TEXT    NOT NULL UNIQUE,
            input_id      INTEGER REFERENCES inputs(id),
            arrived_at    INTEGER NOT NULL,
            tag           TEXT,
            priority      INTEGER,
            score         REAL,
            model_version TEXT,
            tagged_at     INTEGER
        );
        CREATE INDEX worklist_order ON worklist_entries(priority DESC, arrived_at);

        -- Every tag ever given, so re-tagging after a model update keeps the history.
        CREATE TABLE worklist_tags (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            entry_id      INTEGER NOT NULL REFERENCES worklist_entries(id),
            tag           TEXT    NOT NULL,
            priority      INTEGER NOT NULL,
            score         REAL,
            model_version TEXT,
            tagged_at     INTEGER NOT NULL
        );
        CREATE INDEX worklist_tags_entry ON worklist_tags(entry_id);

        CREATE TABLE audit_log (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      INTEGER NOT NULL,
            actor   TEXT    NOT NULL,
            action  TEXT    NOT NULL,
            object  TEXT    NOT NULL,
            details TEXT    NOT NULL
        );
        CREATE INDEX audit_log_object ON audit_log(object);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be updated'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: entries cannot be deleted'); END;
        """

    /// What the source says about an input that standard outputs must copy (for a DICOM study: the
    /// Study/Series/SOP Instance UIDs and the patient and study module values, never names), as JSON;
    /// NULL for inputs registered before this migration or without such metadata.
    static let v2 = """
        ALTER TABLE inputs ADD COLUMN source_metadata TEXT;
        """

    /// The HTTP service's access: bearer tokens (only their SHA-256 is kept, never the token) with one role
    /// each, and the answers given under an `Idempotency-Key` (per token, the key kept as a SHA-256) so that a
    /// retried request gets the same answer instead of a second record.
    static let v3 = """
        CREATE TABLE api_tokens (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            token_sha256 TEXT    NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
            role         TEXT    NOT NULL CHECK (role IN ('scorer', 'reader', 'assistant', 'admin')),
            name         TEXT,
            created_at   INTEGER NOT NULL,
            revoked_at   INTEGER
        );

        CREATE TABLE idempotency_keys (
            scope          TEXT    NOT NULL,
            key_sha256     TEXT    NOT NULL CHECK (length(key_sha256) = 64),
            request_sha256 TEXT    NOT NULL CHECK (length(request_sha256) = 64),
            status         INTEGER NOT NULL,
            content_type   TEXT    NOT NULL,
            body           BLOB    NOT NULL,
            created_at     INTEGER NOT NULL,
            PRIMARY KEY (scope, key_sha256)
        );
        """

    /// An API token may carry an expiry time (INTEGER ms; NULL: valid until revoked).
    static let v4 = """
        ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
        """

    /// Sites (access partitions): an API token may be limited to one (`site`; NULL: hospital-wide), and
    /// `input_sites` says which sites may see which stored inputs (a site-scoped scorer's inputs are granted to
    /// its site). One input may belong to several sites.
    static let v5 = """
        ALTER TABLE api_tokens ADD COLUMN site TEXT;
        CREATE TABLE input_sites (
            input_id   INTEGER NOT NULL REFERENCES inputs(id),
            site       TEXT    NOT NULL,
            granted_at INTEGER NOT NULL,
            PRIMARY KEY (site, input_id)
        );
        """
}
