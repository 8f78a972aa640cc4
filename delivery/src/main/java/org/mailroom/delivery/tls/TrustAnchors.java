package org.mailroom.delivery.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities WebPKI checks trust (MTA-STS policies and MX certificates): the JDK's own, plus
 * those of an optional PEM bundle ({@code outbound.tls_trust}) for a private CA, or for tests.
 */
public final class TrustAnchors {

    private TrustAnchors() {}

    /** @param extraPem a PEM file of CA certificates, or null */
    public static List<X509TrustManager> load(Path extraPem) throws IOException {
        List<X509TrustManager> out = new ArrayList<>();
        try {
            out.add(x509(null));
            if (extraPem != null) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int n = 0;
                try (InputStream in = Files.newInputStream(extraPem)) {
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        store.setCertificateEntry("extra-" + n++, c);
                    }
                }
                if (n == 0) throw new IOException(extraPem + ": no PEM certificate in it");
                out.add(x509(store));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load trust anchors" + (extraPem == null ? "" : " from " + extraPem) + ": " + e, e);
        }
        return List.copyOf(out);
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager t : factory.getTrustManagers()) if (t instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
