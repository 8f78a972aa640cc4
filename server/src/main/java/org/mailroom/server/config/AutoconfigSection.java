package org.mailroom.server.config;

/**
 * {@code [autoconfig]}: the answers of {@code listen.autoconfig} to mail clients that set themselves up.
 *
 * @param hostname the name clients connect to for IMAP, POP3 and submission; "" means {@code server.hostname}
 * @param tls      HTTPS with the server certificate; false for plain HTTP (a proxy in front does TLS, or port 80
 *                 for Thunderbird's fallback)
 */
public record AutoconfigSection(String hostname, boolean tls) {

    void validate() {
        if (hostname.contains(" ") || hostname.contains("/") || hostname.contains(":")) {
            throw ConfigException.badValue("autoconfig.hostname", "expected a host name, got \"" + hostname + "\"");
        }
    }

    /** The host name to publish: this section's, else {@code serverHostname}. */
    public String hostnameOr(String serverHostname) {
        return hostname.isBlank() ? serverHostname : hostname;
    }
}
