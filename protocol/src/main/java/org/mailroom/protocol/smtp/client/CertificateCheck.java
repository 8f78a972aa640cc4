package org.mailroom.protocol.smtp.client;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailroom.core.dns.DnsResolver.Tlsa;

/**
 * How the certificate of one STARTTLS peer is judged when a policy names one: MTA-STS (RFC 8461 section 4.2:
 * WebPKI trust and the MX host name) or DANE (RFC 7672 section 3: the TLSA records of the MX host).
 *
 * <p>One object per connection: it remembers why it refused, as an RFC 8460 result type
 * ("certificate-host-mismatch", "certificate-expired", ...), for the delivery history and the TLS report. In
 * report-only mode (MTA-STS "testing") it notes the failure and lets the handshake go on.
 *
 * <p>Why our own trust manager rather than the JDK's endpoint identification: the JDK's failure is one message
 * string, and TLS-RPT needs to tell an untrusted certificate from an expired one or a wrong name.
 */
public final class CertificateCheck extends X509ExtendedTrustManager {

    private enum Mode { PKIX, DANE }

    /** A refusal with its RFC 8460 result type. */
    private static final class Refusal extends CertificateException {
        final String resultType;

        Refusal(String resultType, String message) {
            super(message);
            this.resultType = resultType;
        }
    }

    private final Mode mode;
    private final String hostName;
    private final List<X509TrustManager> anchors;
    private final List<Tlsa> tlsa;
    private final boolean enforce;
    private volatile String failureType;
    private volatile String failure;

    private CertificateCheck(Mode mode, String hostName, List<X509TrustManager> anchors, List<Tlsa> tlsa,
                             boolean enforce) {
        this.mode = mode;
        this.hostName = hostName.toLowerCase(Locale.ROOT);
        this.anchors = List.copyOf(anchors);
        this.tlsa = List.copyOf(tlsa);
        this.enforce = enforce;
    }

    /**
     * WebPKI: a chain to one of {@code trust}'s anchors, within its dates, with a DNS name matching {@code hostName}.
     *
     * @param enforce false to note a failure without refusing (MTA-STS testing mode)
     */
    public static CertificateCheck pkix(String hostName, List<X509TrustManager> trust, boolean enforce) {
        return new CertificateCheck(Mode.PKIX, hostName, trust, List.of(), enforce);
    }

    /**
     * DANE: the certificate matches a usable TLSA record, DANE-EE(3) without name or date checks (RFC 7672
     * section 3.1.1), DANE-TA(2) as the anchor of the chain presented, with a name check (section 3.1.2).
     */
    public static CertificateCheck dane(String hostName, List<Tlsa> records) {
        return new CertificateCheck(Mode.DANE, hostName, List.of(), records, true);
    }

    /** Whether a TLSA record is one an SMTP client uses (RFC 7672 section 3.1.3: PKIX-TA/EE are not). */
    public static boolean usable(Tlsa t) {
        return (t.usage() == 2 || t.usage() == 3) && (t.selector() == 0 || t.selector() == 1)
                && t.matchingType() >= 0 && t.matchingType() <= 2;
    }

    /** The RFC 8460 result type of the last refusal (or, report-only, of the failure noted), else null. */
    public String failureType() {
        return failureType;
    }

    /** Why, in words, else null. */
    public String failure() {
        return failure;
    }

    /** False in report-only mode: a failure is noted, the handshake goes on. */
    public boolean enforcing() {
        return enforce;
    }

    /** "sts" or "tlsa": which policy this check stands for. */
    public String policyType() {
        return mode == Mode.DANE ? "tlsa" : "sts";
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType);
    }

    private void check(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            if (chain == null || chain.length == 0) throw new Refusal("validation-failure", "no certificate presented");
            if (mode == Mode.DANE) dane(chain);
            else pkix(chain, authType);
        } catch (Refusal r) {
            failureType = r.resultType;
            failure = r.getMessage();
            if (enforce) throw r;
        }
    }

    private void pkix(X509Certificate[] chain, String authType) throws Refusal {
        try {
            chain[0].checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new Refusal("certificate-expired", "certificate of " + hostName + " is outside its validity: "
                    + e.getMessage());
        }
        CertificateException last = null;
        boolean trusted = false;
        for (X509TrustManager anchor : anchors) {
            try {
                anchor.checkServerTrusted(chain, authType);
                trusted = true;
                break;
            } catch (CertificateException e) {
                last = e;
            }
        }
        if (!trusted) {
            throw new Refusal("certificate-not-trusted", "certificate of " + hostName + " is not trusted"
                    + (last == null ? "" : ": " + last.getMessage()));
        }
        checkName(chain[0]);
    }

    private void dane(X509Certificate[] chain) throws Refusal {
        for (Tlsa t : tlsa) {
            if (usable(t) && t.usage() == 3 && matches(chain[0], t)) return;
        }
        for (int i = 0; i < chain.length; i++) {
            for (Tlsa t : tlsa) {
                if (!usable(t) || t.usage() != 2 || !matches(chain[i], t)) continue;
                if (i > 0) validateUpTo(chain, i);
                checkName(chain[0]);
                return;
            }
        }
        throw new Refusal("validation-failure", "certificate of " + hostName + " matches none of its TLSA records "
                + tlsa);
    }

    /** The chain below {@code chain[anchor]} must lead to it (RFC 7672 section 3.1.2: a trust anchor by DNS). */
    private void validateUpTo(X509Certificate[] chain, int anchor) throws Refusal {
        try {
            CertPath path = CertificateFactory.getInstance("X.509")
                    .generateCertPath(Arrays.asList(Arrays.copyOfRange(chain, 0, anchor)));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(path, parameters);
        } catch (GeneralSecurityException e) {
            throw new Refusal("validation-failure", "certificate chain of " + hostName
                    + " does not lead to its DANE-TA certificate: " + e.getMessage());
        }
    }

    private static boolean matches(X509Certificate certificate, Tlsa t) {
        try {
            byte[] selected = t.selector() == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] value = switch (t.matchingType()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                default -> MessageDigest.getInstance("SHA-512").digest(selected);
            };
            return MessageDigest.isEqual(value, t.data());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 6125 DNS-ID: a subjectAltName dNSName equal to the host, or a wildcard for its left-most label only. */
    private void checkName(X509Certificate leaf) throws Refusal {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alt : alternatives) {
                    if (Integer.valueOf(2).equals(alt.get(0))) names.add(String.valueOf(alt.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            throw new Refusal("certificate-host-mismatch", "certificate of " + hostName + " has unreadable names");
        }
        for (String name : names) if (nameMatches(name, hostName)) return;
        throw new Refusal("certificate-host-mismatch", "certificate names " + names + " do not match " + hostName);
    }

    static boolean nameMatches(String pattern, String host) {
        if (pattern.endsWith(".")) pattern = pattern.substring(0, pattern.length() - 1);
        if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
        if (pattern.equalsIgnoreCase(host)) return true;
        if (!pattern.startsWith("*.")) return false;
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equalsIgnoreCase(pattern.substring(2));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client's certificate is not checked here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client's certificate is not checked here");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client's certificate is not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
