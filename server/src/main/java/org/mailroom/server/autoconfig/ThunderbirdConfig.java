package org.mailroom.server.autoconfig;

/**
 * Thunderbird's autoconfig document, clientConfig version 1.1 (the format Thunderbird reads from
 * {@code autoconfig.<domain>/mail/config-v1.1.xml} and {@code <domain>/.well-known/autoconfig/mail/config-v1.1.xml}).
 *
 * <p>Servers are listed in order of preference, which is how Thunderbird reads them: IMAP before POP3, implicit
 * TLS before STARTTLS (RFC 8314 section 3). The user name is the whole address ({@code %EMAILADDRESS%}, which
 * Thunderbird replaces), the authentication {@code password-cleartext} (PLAIN/LOGIN, always inside TLS here).
 */
public final class ThunderbirdConfig {

    private ThunderbirdConfig() {}

    public static String document(String domain, MailEndpoints at) {
        String d = XmlText.escape(domain);
        String host = XmlText.escape(at.hostname());
        StringBuilder out = new StringBuilder(1024);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
           .append("<clientConfig version=\"1.1\">\n")
           .append("  <emailProvider id=\"").append(d).append("\">\n")
           .append("    <domain>").append(d).append("</domain>\n")
           .append("    <displayName>").append(d).append(" mail</displayName>\n")
           .append("    <displayShortName>").append(d).append("</displayShortName>\n");
        server(out, "incomingServer", "imap", host, at.imaps(), "SSL");
        server(out, "incomingServer", "imap", host, at.imap(), "STARTTLS");
        server(out, "incomingServer", "pop3", host, at.pop3s(), "SSL");
        server(out, "incomingServer", "pop3", host, at.pop3(), "STARTTLS");
        server(out, "outgoingServer", "smtp", host, at.submissions(), "SSL");
        server(out, "outgoingServer", "smtp", host, at.submission(), "STARTTLS");
        out.append("  </emailProvider>\n")
           .append("</clientConfig>\n");
        return out.toString();
    }

    private static void server(StringBuilder out, String element, String type, String host, int port, String socket) {
        if (port == 0) return;
        out.append("    <").append(element).append(" type=\"").append(type).append("\">\n")
           .append("      <hostname>").append(host).append("</hostname>\n")
           .append("      <port>").append(port).append("</port>\n")
           .append("      <socketType>").append(socket).append("</socketType>\n")
           .append("      <username>%EMAILADDRESS%</username>\n")
           .append("      <authentication>password-cleartext</authentication>\n");
        if (type.equals("pop3")) {
            // Leave mail on the server: a POP3 client must not empty a mailbox that IMAP clients share.
            out.append("      <pop3>\n        <leaveMessagesOnServer>true</leaveMessagesOnServer>\n      </pop3>\n");
        }
        out.append("    </").append(element).append(">\n");
    }
}
