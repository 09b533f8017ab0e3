/// The PostgreSQL schema as an ordered list of named migrations (the tables and meaning of docs/store.md,
/// plus the work queue). A released migration is never edited: a change is a new migration at the end.
/// Applied names are kept in `vigil_migrations`; each missing migration runs in its own transaction under
/// an advisory lock, so several workers starting at once migrate the database once.
enum PostgresSchema {
    /// A migration: its name and its statements (one statement each: the extended query protocol runs one at a time).
    struct Migration: Sendable {
        let name: String
        let statements: [String]
    }

    /// Key of the advisory lock held while migrating.
    static let migrationLock: Int64 = 0x5649_4749_4C00_0017  // "VIGIL" … issue 17

    /// Migrations in order; the last is the current schema.
    static let migrations: [Migration] = [
        Migration(name: "v1-initial", statements: v1),
        Migration(name: "v2-work-queue", statements: v2),
        Migration(name: "v3-service-access", statements: v3),
        Migration(name: "v4-token-expiry", statements: v4),
        Migration(name: "v5-input-sites", statements: v5),
    ]

    static var migrationNames: [String] { migrations.map(\.name) }

    /// Times are `timestamptz` (written at millisecond precision, as DetectorKit keeps them); JSON columns
    /// are `jsonb` holding VigilJSON; keys are identity columns.
    static let v1: [String] = [
        """
        CREATE TABLE inputs (
            id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            content_sha256  text        NOT NULL UNIQUE CHECK (length(content_sha256) = 64),
            path            text        NOT NULL,
            kind            text        NOT NULL,
            patient_id      text,
            study_id        text,
            acquired_at     timestamptz,
            registered_at   timestamptz NOT NULL,
            source_metadata jsonb
        )
        """,
        "CREATE INDEX inputs_patient ON inputs (patient_id)",
        "CREATE INDEX inputs_study ON inputs (study_id)",
        "CREATE INDEX inputs_kind ON inputs (kind, id)",
        """
        CREATE TABLE runs (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            detector_id      text        NOT NULL,
            detector_version text        NOT NULL,
            model_name       text,
            model_version    text,
            model_sha256     text,
            settings         jsonb       NOT NULL,
            started_at       timestamptz NOT NULL,
            finished_at      timestamptz,
            inputs_count     bigint      NOT NULL DEFAULT 0,
            scored_count     bigint      NOT NULL DEFAULT 0,
            abstained_count  bigint      NOT NULL DEFAULT 0,
            error_count      bigint      NOT NULL DEFAULT 0
        )
        """,
        // One row per (input, detector id, detector version): the exactly-once key.
        """
        CREATE TABLE outcomes (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            input_id         bigint      NOT NULL REFERENCES inputs (id),
            detector_id      text        NOT NULL,
            detector_version text        NOT NULL,
            run_id           bigint      NOT NULL REFERENCES runs (id),
            status           text        NOT NULL CHECK (status IN ('scored', 'abstained', 'error')),
            recorded_at      timestamptz NOT NULL,
            UNIQUE (input_id, detector_id, detector_version)
        )
        """,
        "CREATE INDEX outcomes_run ON outcomes (run_id, status)",
        """
        CREATE TABLE findings (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            outcome_id  bigint           NOT NULL REFERENCES outcomes (id),
            input_id    bigint           NOT NULL REFERENCES inputs (id),
            run_id      bigint           NOT NULL REFERENCES runs (id),
            code        text             NOT NULL,
            probability double precision,
            decision    text             NOT NULL CHECK (decision IN ('positive', 'negative', 'indeterminate')),
            json        jsonb            NOT NULL
        )
        """,
        "CREATE INDEX findings_input ON findings (input_id)",
        "CREATE INDEX findings_run ON findings (run_id)",
        "CREATE INDEX findings_outcome ON findings (outcome_id)",
        "CREATE INDEX findings_code_probability ON findings (code, probability)",
        """
        CREATE TABLE abstentions (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            outcome_id bigint NOT NULL UNIQUE REFERENCES outcomes (id),
            input_id   bigint NOT NULL REFERENCES inputs (id),
            run_id     bigint NOT NULL REFERENCES runs (id),
            reason     text   NOT NULL,
            json       jsonb  NOT NULL
        )
        """,
        "CREATE INDEX abstentions_input ON abstentions (input_id)",
        "CREATE INDEX abstentions_run ON abstentions (run_id)",
        "CREATE INDEX abstentions_reason ON abstentions (reason)",
        """
        CREATE TABLE input_errors (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            outcome_id bigint NOT NULL UNIQUE REFERENCES outcomes (id),
            input_id   bigint NOT NULL REFERENCES inputs (id),
            run_id     bigint NOT NULL REFERENCES runs (id),
            reason     text   NOT NULL
        )
        """,
        "CREATE INDEX input_errors_run ON input_errors (run_id)",
        "CREATE INDEX input_errors_input ON input_errors (input_id)",
        """
        CREATE TABLE worklist_entries (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            study_id      text        NOT NULL UNIQUE,
            input_id      bigint      REFERENCES inputs (id),
            arrived_at    timestamptz NOT NULL,
            tag           text,
            priority      bigint,
            score         double precision,
            model_version text,
            tagged_at     timestamptz
        )
        """,
        "CREATE INDEX worklist_order ON worklist_entries (priority DESC, arrived_at)",
        // Every tag ever given, so re-tagging after a model update keeps the history.
        """
        CREATE TABLE worklist_tags (
            id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            entry_id      bigint           NOT NULL REFERENCES worklist_entries (id),
            tag           text             NOT NULL,
            priority      bigint           NOT NULL,
            score         double precision,
            model_version text,
            tagged_at     timestamptz      NOT NULL
        )
        """,
        "CREATE INDEX worklist_tags_entry ON worklist_tags (entry_id)",
        """
        CREATE TABLE audit_log (
            id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at      timestamptz NOT NULL,
            actor   text        NOT NULL,
            action  text        NOT NULL,
            object  text        NOT NULL,
            details jsonb       NOT NULL
        )
        """,
        "CREATE INDEX audit_log_object ON audit_log (object, id)",
        """
        CREATE FUNCTION vigil_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'audit_log is append-only: entries cannot be %',
                CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END;
        END
        $$
        """,
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION vigil_audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION vigil_audit_log_append_only()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_log_append_only()",
        // Also revoked from the role that owns the table (the trigger still guards a superuser).
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER",
    ]

    /// The work queue: one row per (input, detector id, detector version) still to score. A worker takes
    /// rows with `FOR UPDATE SKIP LOCKED`, leases them (`lease_epoch` is the fencing token: each claim
    /// increments it, and a result is committed only by the holder of the current epoch), and deletes
    /// the row in the transaction that records the outcome. `parked` rows are poison inputs, kept with
    /// the reason. `item` holds what reading the input needs (CSV rate and units, manifest values).
    static let v2: [String] = [
        """
        CREATE TABLE jobs (
            id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            input_id         bigint      NOT NULL REFERENCES inputs (id),
            detector_id      text        NOT NULL,
            detector_version text        NOT NULL,
            state            text        NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'parked')),
            attempts         integer     NOT NULL DEFAULT 0,
            lease_epoch      bigint      NOT NULL DEFAULT 0,
            lease_owner      text,
            lease_expires_at timestamptz,
            available_at     timestamptz NOT NULL,
            enqueued_at      timestamptz NOT NULL,
            item             jsonb       NOT NULL,
            last_error       text,
            UNIQUE (input_id, detector_id, detector_version)
        )
        """,
        "CREATE INDEX jobs_ready ON jobs (id) WHERE state = 'queued'",
        "CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'leased'",
        "CREATE INDEX jobs_parked ON jobs (id) WHERE state = 'parked'",
    ]

    /// The HTTP service's access data, as the SQLite store's migration of the same name (docs/store.md): API
    /// tokens (only the SHA-256 of a secret is kept) and answers kept under an Idempotency-Key per token.
    static let v3: [String] = [
        """
        CREATE TABLE api_tokens (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            token_sha256 text        NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
            role         text        NOT NULL CHECK (role IN ('scorer', 'reader', 'assistant', 'admin')),
            name         text,
            created_at   timestamptz NOT NULL,
            revoked_at   timestamptz
        )
        """,
        """
        CREATE TABLE idempotency_keys (
            scope          text        NOT NULL,
            key_sha256     text        NOT NULL CHECK (length(key_sha256) = 64),
            request_sha256 text        NOT NULL CHECK (length(request_sha256) = 64),
            status         integer     NOT NULL,
            content_type   text        NOT NULL,
            body           bytea       NOT NULL,
            created_at     timestamptz NOT NULL,
            PRIMARY KEY (scope, key_sha256)
        )
        """,
    ]

    /// An API token may carry an expiry time (NULL: valid until revoked), as the SQLite migration of the same name.
    static let v4: [String] = [
        "ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz",
    ]

    /// Sites (access partitions) as the SQLite migration of the same name: a token may be limited to one site,
    /// and `input_sites` says which sites may see which stored inputs.
    static let v5: [String] = [
        "ALTER TABLE api_tokens ADD COLUMN site text",
        """
        CREATE TABLE input_sites (
            input_id   bigint      NOT NULL REFERENCES inputs(id),
            site       text        NOT NULL,
            granted_at timestamptz NOT NULL,
            PRIMARY KEY (site, input_id)
        )
        """,
    ]
}
