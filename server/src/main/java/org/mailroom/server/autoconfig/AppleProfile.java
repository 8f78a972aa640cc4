package org.mailroom.server.autoconfig;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * An Apple configuration profile ({@code .mobileconfig}, served as {@code application/x-apple-aspen-config}) that
 * sets up one mail account on iOS, iPadOS and macOS: one {@code com.apple.mail.managed} payload with the IMAP
 * server (POP3 when IMAP is off) and the submission server, the address as user name, and no password (the device
 * asks for it).
 *
 * <p>The UUIDs are derived from the host name and the address (name-based, RFC 9562 version 3), so downloading
 * the profile again replaces the installed one instead of adding a second account. The profile is not signed:
 * devices show it as "Not Verified" (signing needs a certificate from a CA the devices trust).
 */
public final class AppleProfile {

    /** The media type devices install profiles from. */
    public static final String MEDIA_TYPE = "application/x-apple-aspen-config";

    private AppleProfile() {}

    public static String document(String address, MailEndpoints at) {
        String identifier = "mailroom." + reverse(at.hostname());
        UUID profile = uuid("profile", at.hostname(), address);
        UUID payload = uuid("mail", at.hostname(), address);
        boolean imap = at.imaps() != 0 || at.imap() != 0;
        int inPort = imap ? first(at.imaps(), at.imap()) : first(at.pop3s(), at.pop3());
        boolean inTls = imap ? at.imaps() != 0 : at.pop3s() != 0;
        int outPort = first(at.submissions(), at.submission());
        String a = XmlText.escape(address);
        String host = XmlText.escape(at.hostname());
        StringBuilder out = new StringBuilder(2048);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
           .append("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")
           .append("<plist version=\"1.0\">\n<dict>\n")
           .append("  <key>PayloadContent</key>\n  <array>\n    <dict>\n");
        string(out, "EmailAccountDescription", a);
        string(out, "EmailAccountType", imap ? "EmailTypeIMAP" : "EmailTypePOP");
        string(out, "EmailAddress", a);
        string(out, "IncomingMailServerAuthentication", "EmailAuthPassword");
        string(out, "IncomingMailServerHostName", host);
        integer(out, "IncomingMailServerPortNumber", inPort);
        bool(out, "IncomingMailServerUseSSL", inTls);
        string(out, "IncomingMailServerUsername", a);
        string(out, "OutgoingMailServerAuthentication", "EmailAuthPassword");
        string(out, "OutgoingMailServerHostName", host);
        integer(out, "OutgoingMailServerPortNumber", outPort);
        // For 587 the device upgrades with STARTTLS when UseSSL is set; the server asks for TLS before AUTH anyway.
        bool(out, "OutgoingMailServerUseSSL", true);
        string(out, "OutgoingMailServerUsername", a);
        bool(out, "OutgoingPasswordSameAsIncomingPassword", true);
        string(out, "PayloadDescription", "Mail account " + a);
        string(out, "PayloadDisplayName", a);
        string(out, "PayloadIdentifier", XmlText.escape(identifier + ".mail." + payload));
        string(out, "PayloadType", "com.apple.mail.managed");
        string(out, "PayloadUUID", payload.toString().toUpperCase(java.util.Locale.ROOT));
        integer(out, "PayloadVersion", 1);
        out.append("    </dict>\n  </array>\n");
        outer(out, "PayloadDescription", "Sets up the mail account " + a + " on " + host);
        outer(out, "PayloadDisplayName", "Mail: " + a);
        outer(out, "PayloadIdentifier", XmlText.escape(identifier + "." + profile));
        out.append("  <key>PayloadRemovalDisallowed</key>\n  <false/>\n");
        outer(out, "PayloadType", "Configuration");
        outer(out, "PayloadUUID", profile.toString().toUpperCase(java.util.Locale.ROOT));
        out.append("  <key>PayloadVersion</key>\n  <integer>1</integer>\n");
        out.append("</dict>\n</plist>\n");
        return out.toString();
    }

    /** Stable per host and address: the same download twice is the same profile. */
    static UUID uuid(String what, String hostname, String address) {
        String name = "mailroom:mobileconfig:" + what + ":" + hostname.toLowerCase(java.util.Locale.ROOT) + ":"
                + address.toLowerCase(java.util.Locale.ROOT);
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    private static int first(int preferred, int other) {
        return preferred != 0 ? preferred : other;
    }

    /** mail.example.org -> org.example.mail: profile identifiers are reverse-DNS by convention. */
    private static String reverse(String hostname) {
        String[] labels = hostname.toLowerCase(java.util.Locale.ROOT).split("\\.");
        StringBuilder out = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            if (out.length() > 0) out.append('.');
            out.append(labels[i]);
        }
        return out.toString();
    }

    private static void string(StringBuilder out, String key, String escapedValue) {
        out.append("      <key>").append(key).append("</key>\n      <string>").append(escapedValue).append("</string>\n");
    }

    private static void integer(StringBuilder out, String key, int value) {
        out.append("      <key>").append(key).append("</key>\n      <integer>").append(value).append("</integer>\n");
    }

    private static void bool(StringBuilder out, String key, boolean value) {
        out.append("      <key>").append(key).append("</key>\n      <").append(value).append("/>\n");
    }

    private static void outer(StringBuilder out, String key, String escapedValue) {
        out.append("  <key>").append(key).append("</key>\n  <string>").append(escapedValue).append("</string>\n");
    }
}
