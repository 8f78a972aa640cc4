package org.mailroom.protocol.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PSSParameterSpec;
import java.util.Locale;
import java.util.Optional;

/**
 * Channel binding data for SCRAM-*-PLUS (RFC 5802 section 6, RFC 5929).
 *
 * <p>Only {@code tls-server-end-point} is offered. {@code tls-exporter} (RFC 9266, the type TLS 1.3 wants)
 * needs the TLS keying-material exporter of RFC 5705 / RFC 8446 section 7.5, which Java 17's
 * {@code SSLSession} does not expose (only much later JDKs, or OpenSSL through netty-tcnative, have it).
 * {@code tls-unique} does not exist for TLS 1.3 (RFC 9266 section 3).
 */
public final class ChannelBinding {

    private ChannelBinding() {
    }

    /** The tls-server-end-point data of the connection's TLS session; empty if it has no TLS. */
    public static Optional<byte[]> tlsServerEndPoint(Channel channel) throws GeneralSecurityException {
        SslHandler handler = channel.pipeline().get(SslHandler.class);
        if (handler == null || !handler.handshakeFuture().isSuccess()) {
            return Optional.empty();
        }
        Certificate[] local = handler.engine().getSession().getLocalCertificates();
        if (local == null || local.length == 0 || !(local[0] instanceof X509Certificate)) {
            return Optional.empty();
        }
        return tlsServerEndPoint((X509Certificate) local[0]);
    }

    /**
     * RFC 5929 section 4.1: the hash of the server certificate's DER encoding, with the hash function of its
     * signature algorithm, except that MD5 and SHA-1 become SHA-256. Empty when the signature algorithm has no
     * single hash function (Ed25519), where the RFC leaves the binding undefined.
     */
    public static Optional<byte[]> tlsServerEndPoint(X509Certificate certificate) throws GeneralSecurityException {
        String hash = hashOfSignature(certificate);
        if (hash == null) {
            return Optional.empty();
        }
        return Optional.of(MessageDigest.getInstance(hash).digest(certificate.getEncoded()));
    }

    private static String hashOfSignature(X509Certificate certificate) throws GeneralSecurityException {
        String algorithm = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        if (algorithm.equals("RSASSA-PSS")) {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("RSASSA-PSS");
            try {
                parameters.init(certificate.getSigAlgParams());
            } catch (IOException e) {
                throw new GeneralSecurityException("bad RSASSA-PSS parameters in " + certificate.getSubjectX500Principal(), e);
            }
            algorithm = parameters.getParameterSpec(PSSParameterSpec.class).getDigestAlgorithm()
                    .toUpperCase(Locale.ROOT).replace("-", "");
        }
        if (algorithm.startsWith("MD5") || algorithm.startsWith("SHA1")) {
            return "SHA-256";
        }
        for (String bits : new String[] {"224", "256", "384", "512"}) {
            if (algorithm.startsWith("SHA" + bits)) {
                return "SHA-" + bits;
            }
        }
        return null;
    }
}
