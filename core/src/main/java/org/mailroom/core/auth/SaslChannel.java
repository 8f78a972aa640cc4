package org.mailroom.core.auth;

/**
 * What the SASL mechanisms need to know about the connection an exchange runs on.
 *
 * @param tls               the connection is encrypted (STARTTLS done, or an implicit-TLS port)
 * @param plaintextAllowed  PLAIN and LOGIN may be offered: true under TLS, or without it where a setting allows
 *                          (for example on loopback); the protocol decides from its settings
 * @param tlsServerEndPoint the RFC 5929 {@code tls-server-end-point} channel binding data of this connection
 *                          (org.mailroom.protocol.tls.ChannelBinding computes it), or null: then SCRAM-SHA-256-PLUS
 *                          is not offered
 */
public record SaslChannel(boolean tls, boolean plaintextAllowed, byte[] tlsServerEndPoint) {

    public SaslChannel {
        tlsServerEndPoint = tlsServerEndPoint == null ? null : tlsServerEndPoint.clone();
        if (tlsServerEndPoint != null && !tls) throw new IllegalArgumentException("channel binding without TLS");
    }

    @Override
    public byte[] tlsServerEndPoint() {
        return tlsServerEndPoint == null ? null : tlsServerEndPoint.clone();
    }

    /** A connection without TLS; plaintext mechanisms only if {@code plaintextAllowed}. */
    public static SaslChannel cleartext(boolean plaintextAllowed) {
        return new SaslChannel(false, plaintextAllowed, null);
    }

    /** A TLS connection with its channel binding data (null if it has none). */
    public static SaslChannel encrypted(byte[] tlsServerEndPoint) {
        return new SaslChannel(true, true, tlsServerEndPoint);
    }

    boolean hasChannelBinding() {
        return tlsServerEndPoint != null;
    }
}
