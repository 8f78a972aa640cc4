-- Mailroom on PostgreSQL: the schema of the embedded store (storage/.../embedded/Schema.java, steps 1 to 4) in
-- one step, plus the blob table. Times are milliseconds since the epoch (bigint), as in the embedded store, so
-- both backends agree to the millisecond and `migrate` copies numbers as they are. Names that are listed in
-- order are COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
-- Flyway applies this under its own lock: several nodes starting at once run it once.

-- Counters that must never go back, e.g. the last UIDVALIDITY handed out.
CREATE TABLE meta (key text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO meta (key, value) VALUES ('uidvalidity', 0);

-- bigserial ids are never reused, so a session holding a deleted mailbox's id never sees another's messages.
-- uidnext and highestmodseq are updated with UPDATE ... RETURNING inside the delivering transaction: the row
-- lock orders concurrent deliveries from every node, and a rolled-back delivery gives its UID back.
CREATE TABLE mailbox (
    id bigserial PRIMARY KEY,
    account text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    uidvalidity bigint NOT NULL,
    uidnext bigint NOT NULL,
    highestmodseq bigint NOT NULL,
    messages integer NOT NULL DEFAULT 0,
    size bigint NOT NULL DEFAULT 0,
    special_use text,
    UNIQUE (account, name)
);

CREATE TABLE message (
    mailbox_id bigint NOT NULL REFERENCES mailbox (id),
    uid bigint NOT NULL,
    blob_id text NOT NULL,
    size bigint NOT NULL,
    internal_date bigint NOT NULL,
    flags text NOT NULL,
    modseq bigint NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX message_blob ON message (blob_id);
CREATE INDEX message_modseq ON message (mailbox_id, modseq);

-- For QRESYNC (RFC 7162 section 3.2.10): which UIDs vanished, at which MODSEQ.
CREATE TABLE expunged (
    mailbox_id bigint NOT NULL REFERENCES mailbox (id) ON DELETE CASCADE,
    uid bigint NOT NULL,
    modseq bigint NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);
CREATE INDEX expunged_modseq ON expunged (mailbox_id, modseq);

-- Subscriptions name mailboxes that may not exist (RFC 9051 section 6.3.7): names, not ids.
CREATE TABLE subscription (
    account text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    PRIMARY KEY (account, name)
);

CREATE TABLE domain (name text COLLATE "C" PRIMARY KEY, created bigint NOT NULL);

CREATE TABLE account (
    address text COLLATE "C" PRIMARY KEY,
    domain text NOT NULL REFERENCES domain (name),
    password text NOT NULL,
    created bigint NOT NULL,
    scram_salt bytea,
    scram_iterations integer,
    scram_stored_key bytea,
    scram_server_key bytea
);
CREATE INDEX account_domain ON account (domain);

CREATE TABLE app_password (
    account text NOT NULL REFERENCES account (address) ON DELETE CASCADE,
    name text COLLATE "C" NOT NULL,
    digest text NOT NULL,
    created bigint NOT NULL,
    PRIMARY KEY (account, name)
);
CREATE INDEX app_password_digest ON app_password (account, digest);

-- seq keeps the order aliases were added in (the embedded store uses SQLite's rowid).
CREATE TABLE alias (
    seq bigserial PRIMARY KEY,
    source text COLLATE "C" NOT NULL,
    target text NOT NULL,
    domain text NOT NULL REFERENCES domain (name),
    created bigint NOT NULL,
    UNIQUE (source, target)
);
CREATE INDEX alias_domain ON alias (domain);

CREATE TABLE queue (
    id text COLLATE "C" PRIMARY KEY,
    blob_id text NOT NULL,
    sender text,
    created bigint NOT NULL,
    next_attempt bigint NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    lease_until bigint,
    envid text,
    ret text,
    warned boolean NOT NULL DEFAULT false
);
CREATE INDEX queue_due ON queue (next_attempt);
CREATE INDEX queue_blob ON queue (blob_id);

CREATE TABLE queue_recipient (
    queue_id text NOT NULL REFERENCES queue (id) ON DELETE CASCADE,
    position integer NOT NULL,
    address text NOT NULL,
    state text NOT NULL,
    last_reply text,
    notify text,
    orcpt text,
    PRIMARY KEY (queue_id, position)
);

CREATE TABLE queue_attempt (
    queue_id text NOT NULL REFERENCES queue (id) ON DELETE CASCADE,
    seq integer NOT NULL,
    at bigint NOT NULL,
    destination text NOT NULL,
    dns text NOT NULL,
    host text,
    tls text,
    log text NOT NULL,
    result text NOT NULL,
    PRIMARY KEY (queue_id, seq)
);

-- Message bytes, one row per blob (PgBlobStore). Not referenced by foreign keys, so that blobs can move to
-- object storage later without touching the mail tables.
CREATE TABLE blob (
    id text PRIMARY KEY,
    size bigint NOT NULL,
    content bytea NOT NULL,
    created bigint NOT NULL
);
