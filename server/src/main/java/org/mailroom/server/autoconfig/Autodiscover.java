package org.mailroom.server.autoconfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Outlook's "plain old XML" Autodiscover ([MS-OXDSCLI]): the client POSTs a request naming its address, we answer
 * with the Outlook response schema (2006a): one {@code Protocol} per service, IMAP, POP3 and SMTP, each with
 * server, port, encryption and login name.
 *
 * <p>The request comes from anyone on the network, so it is read by a parser that refuses any DOCTYPE: no
 * external entities, no entity expansion bombs, no DTD fetched (XXE, OWASP's JAXP settings).
 */
public final class Autodiscover {

    static final String REQUEST_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    static final String RESPONSE_NS = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    static final String OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    /** A request we cannot read; the message is short and safe to send back. */
    public static final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message);
        }
    }

    private Autodiscover() {}

    /** The {@code EMailAddress} of a request document. @throws BadRequest when it is not XML or has none */
    public static String emailAddress(byte[] request) throws BadRequest {
        if (request.length == 0) throw new BadRequest("an Autodiscover request document is required");
        Document doc;
        try {
            doc = parser().parse(new ByteArrayInputStream(request));
        } catch (SAXException e) {
            throw new BadRequest("the request is not acceptable XML: " + shortMessage(e));
        } catch (IOException e) {
            throw new BadRequest("the request could not be read");
        }
        NodeList found = doc.getElementsByTagNameNS("*", "EMailAddress");
        if (found.getLength() == 0) throw new BadRequest("the request has no EMailAddress");
        String address = found.item(0).getTextContent().trim();
        if (address.isEmpty()) throw new BadRequest("the request's EMailAddress is empty");
        return address;
    }

    /** The response for {@code address} (already checked to be in a local domain). */
    public static String response(String address, MailEndpoints at) {
        String login = XmlText.escape(address);
        String host = XmlText.escape(at.hostname());
        StringBuilder out = new StringBuilder(1024);
        out.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
           .append("<Autodiscover xmlns=\"").append(RESPONSE_NS).append("\">\n")
           .append("  <Response xmlns=\"").append(OUTLOOK_NS).append("\">\n")
           .append("    <Account>\n")
           .append("      <AccountType>email</AccountType>\n")
           .append("      <Action>settings</Action>\n");
        // One Protocol per type: the implicit TLS port when there is one (RFC 8314), else STARTTLS.
        protocol(out, "IMAP", host, at.imaps(), at.imap(), login);
        protocol(out, "POP3", host, at.pop3s(), at.pop3(), login);
        protocol(out, "SMTP", host, at.submissions(), at.submission(), login);
        out.append("    </Account>\n")
           .append("  </Response>\n")
           .append("</Autodiscover>\n");
        return out.toString();
    }

    private static void protocol(StringBuilder out, String type, String host, int implicitTls, int startTls, String login) {
        if (implicitTls == 0 && startTls == 0) return;
        boolean implicit = implicitTls != 0;
        out.append("      <Protocol>\n")
           .append("        <Type>").append(type).append("</Type>\n")
           .append("        <Server>").append(host).append("</Server>\n")
           .append("        <Port>").append(implicit ? implicitTls : startTls).append("</Port>\n")
           .append("        <DomainRequired>off</DomainRequired>\n")
           .append("        <LoginName>").append(login).append("</LoginName>\n")
           .append("        <SPA>off</SPA>\n")
           .append("        <SSL>on</SSL>\n")
           // Encryption overrides SSL where the client knows it: SSL = implicit TLS, TLS = STARTTLS.
           .append("        <Encryption>").append(implicit ? "SSL" : "TLS").append("</Encryption>\n")
           .append("        <AuthRequired>on</AuthRequired>\n");
        if (type.equals("SMTP")) out.append("        <UsePOPAuth>on</UsePOPAuth>\n");
        out.append("      </Protocol>\n");
    }

    /** A namespace-aware DOM parser that refuses DTDs and every external resource. */
    static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(QUIET); // the default prints "[Fatal Error]" to stderr
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's parser lacks a security feature: " + e.getMessage(), e);
        }
    }

    private static String shortMessage(SAXException e) {
        String m = String.valueOf(e.getMessage());
        return m.length() > 160 ? m.substring(0, 160) + "..." : m;
    }

    private static final ErrorHandler QUIET = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };
}
