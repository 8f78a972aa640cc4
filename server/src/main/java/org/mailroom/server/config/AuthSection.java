package org.mailroom.server.config;

import java.util.List;
import org.mailroom.core.auth.TrustedNetworks;

/**
 * {@code [auth]}: the checks of mail received from other servers on port 25 (SPF, DKIM, ARC, DMARC) and what their
 * verdict does. Submitted mail (ports 587 and 465) is our users' and is not checked.
 *
 * @param verify             check every message and add one Authentication-Results field; false = neither
 * @param dmarcReject        refuse (550 5.7.1) mail that fails DMARC under {@code p=reject}; false = to Junk
 * @param spfReject          refuse mail whose SPF result is fail even without DMARC (forwarding breaks SPF)
 * @param tempfailOnDnsError answer 451 4.7.0 when a DNS look-up failed; false = accept, noting temperror
 * @param authservId         our name in Authentication-Results; "" = {@code server.hostname}
 * @param trustedNetworks    clients (CIDR) whose mail is checked and annotated but never refused, quarantined or
 *                           deferred: local programs sending through port 25 (OpenDMARC's IgnoreHosts does the same)
 */
public record AuthSection(boolean verify, boolean dmarcReject, boolean spfReject, boolean tempfailOnDnsError,
                          String authservId, List<String> trustedNetworks) {

    /** {@code trusted_networks} parsed. */
    public TrustedNetworks unenforced() {
        try {
            return TrustedNetworks.parse(trustedNetworks);
        } catch (IllegalArgumentException e) {
            throw ConfigException.badValue("auth.trusted_networks", e.getMessage());
        }
    }

    /** The authserv-id to use: the configured one, else the host name. */
    public String authservIdOr(String hostname) {
        return authservId.isBlank() ? hostname : authservId;
    }

    void validate() {
        if (authservId.contains(" ") || authservId.contains(";")) {
            throw ConfigException.badValue("auth.authserv_id", "expected a host name, got \"" + authservId + "\"");
        }
        unenforced();
    }
}
