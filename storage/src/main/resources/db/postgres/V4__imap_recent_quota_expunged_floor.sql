-- IMAP (issue 12), the same as the "(IMAP, issue 12)" step of the embedded schema (storage/.../embedded/Schema.java).
-- recent_uid: the highest UID some session has claimed as \Recent (RFC 3501 section 2.3.2); a SELECT raises it
-- with one conditional UPDATE, so two nodes never both claim a message. Mail already here counts as seen.
ALTER TABLE mailbox ADD COLUMN recent_uid bigint NOT NULL DEFAULT 0;
UPDATE mailbox SET recent_uid = uidnext - 1;
-- expunged_floor: the highest MODSEQ of an expunge record pruned away; QRESYNC from an older MODSEQ cannot be
-- answered from the expunged table and is answered from the UIDs still present (RFC 7162 section 3.2.5.2).
ALTER TABLE mailbox ADD COLUMN expunged_floor bigint NOT NULL DEFAULT 0;
-- An account's own storage limit in bytes (0: none); NULL: limits.mailbox_quota applies.
ALTER TABLE account ADD COLUMN quota bigint;
