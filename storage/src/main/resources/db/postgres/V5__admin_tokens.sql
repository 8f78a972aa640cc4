-- Bearer tokens of the admin HTTP API (issue 14): only the SHA-256 of each token (hex) is stored; the token itself
-- is shown once by "mailroom admin token add NAME".
CREATE TABLE admin_token (
    name text COLLATE "C" PRIMARY KEY,
    digest text NOT NULL,
    created bigint NOT NULL
);
