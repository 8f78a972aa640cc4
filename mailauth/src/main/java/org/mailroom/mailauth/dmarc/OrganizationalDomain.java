package org.mailroom.mailauth.dmarc;

import com.google.common.net.InternetDomainName;
import java.util.Locale;

/**
 * The organizational domain of RFC 7489 section 3.2: the public suffix of a name plus one label
 * ({@code mail.example.co.uk} -> {@code example.co.uk}), found with the Public Suffix List Guava ships.
 *
 * <p>Which section of the list: both, ICANN and private ({@link InternetDomainName#topPrivateDomain()}).
 * RFC 7489 names the list without choosing; the private section holds shared platforms ({@code github.io},
 * {@code blogspot.com}) whose customers are separate organizations, so treating {@code alice.github.io} and
 * {@code bob.github.io} as one organization would let one pass DMARC alignment for the other. OpenDMARC reads the
 * whole list too. The list is as fresh as the Guava release (updated with each one).
 *
 * <p>A name that is itself a public suffix, or that the list does not cover, or that is not a valid domain
 * name, is its own organizational domain.
 */
public final class OrganizationalDomain {

    private OrganizationalDomain() {
    }

    /** The organizational domain of {@code domain}, lower case, without a trailing dot. */
    public static String of(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) d = d.substring(0, d.length() - 1);
        try {
            InternetDomainName name = InternetDomainName.from(d);
            if (!name.isUnderPublicSuffix()) return d;
            return name.topPrivateDomain().toString();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return d; // not a name the list can speak for
        }
    }

    /** Relaxed alignment (RFC 7489 section 3.1): both names have the same organizational domain. */
    public static boolean sameOrganization(String a, String b) {
        return of(a).equals(of(b));
    }
}
