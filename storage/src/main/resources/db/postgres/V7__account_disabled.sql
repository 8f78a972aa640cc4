-- Issue 14: a disabled account refuses every login (password, app passwords, SCRAM) but still receives its mail,
-- as disabling a login is not deleting a mailbox.
ALTER TABLE account ADD COLUMN disabled boolean NOT NULL DEFAULT false;
