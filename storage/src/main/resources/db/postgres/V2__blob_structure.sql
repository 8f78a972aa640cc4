-- The MIME structure of each blob (ENVELOPE, BODYSTRUCTURE, part offsets, decoded headers), parsed once when
-- the blob is first delivered, so IMAP FETCH and header SEARCH never read message content. Blobs stored
-- before this step get theirs on first use. Removed with the blob (PgBlobStore.deleteIfUnreferenced).
CREATE TABLE blob_structure (
    blob_id text PRIMARY KEY,
    data bytea NOT NULL
);
