-- Sieve (issue 15): each owner's scripts (an account, or "@domain" for a domain's global scripts), at most one
-- active per owner (the partial unique index). sieve_version holds each owner's version, taken from one sequence
-- on every write so that it never repeats on any node, even for an account removed and made again: a node caching
-- compiled scripts compares it. sieve_seen: the marks of vacation and the duplicate test (epoch ms), pruned once
-- expired.
CREATE TABLE sieve_script (
    owner text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    text text NOT NULL,
    active boolean NOT NULL DEFAULT false,
    PRIMARY KEY (owner, name)
);
CREATE UNIQUE INDEX sieve_script_active ON sieve_script (owner) WHERE active;

CREATE SEQUENCE sieve_version_seq;
CREATE TABLE sieve_version (
    owner text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL
);

CREATE TABLE sieve_seen (
    owner text COLLATE "C" NOT NULL,
    key text COLLATE "C" NOT NULL,
    at bigint NOT NULL,
    expires bigint NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX sieve_seen_expires ON sieve_seen (expires);
