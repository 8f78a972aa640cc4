-- DKIM signing keys per local domain (DkimKeyRecord). private_key is PKCS#8 DER in base64: this database already
-- holds password hashes and must be kept secret anyway. state is 'published', 'active' or 'retired';
-- retire_after (epoch ms) is set only for retired keys, which are deleted once it has passed.
CREATE TABLE dkim_key (
    domain text COLLATE "C" NOT NULL REFERENCES domain (name),
    selector text COLLATE "C" NOT NULL,
    algorithm text NOT NULL,
    private_key text NOT NULL,
    created bigint NOT NULL,
    state text NOT NULL,
    retire_after bigint,
    PRIMARY KEY (domain, selector)
);
