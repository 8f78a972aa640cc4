package org.mailroom.protocol.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's private key and its certificate chain, leaf first (the order a TLS server sends them).
 *
 * @param privateKey the key matching {@code chain.get(0)}
 * @param chain the leaf certificate followed by any intermediates; never empty
 */
public record TlsCredentials(PrivateKey privateKey, List<X509Certificate> chain) {

    public TlsCredentials {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least the server's certificate");
        }
        chain = List.copyOf(chain);
    }

    /** The server's own certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }
}
