package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Client autoconfiguration on {@code listen.autoconfig} (HTTPS with the server certificate, the default), fetched
 * with java.net.http and curl: the Thunderbird document validated against our XSD of clientConfig 1.1 and read
 * element by element, the Autodiscover answer's structure, the Apple profile read by Python's plistlib. Every port
 * in the answers is one the server really bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoconfigTest {

    private static final String OUTLOOK_NS = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    private TestServer server;
    private HttpClient https;
    private String base;
    private Path dir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        server = TestServer.start(dir, Map.of("listen.autoconfig", "\"127.0.0.1:0\"",
                "autoconfig.hostname", "\"mail.example.test\""));
        base = "https://127.0.0.1:" + server.server.addresses().get("autoconfig").getPort();
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        https = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void thunderbirdConfigIsValidAndNamesTheBoundPortsInOrderOfPreference() throws Exception {
        for (String path : List.of("/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml")) {
            HttpResponse<String> r = get(path + "?emailaddress=" + URLEncoder.encode("Alice@Example.test", StandardCharsets.UTF_8));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/xml");
            Document doc = parse(r.body());
            SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                    .newSchema(getClass().getResource("/autoconfig/config-v1.1.xsd")).newValidator()
                    .validate(new DOMSource(doc));

            Element root = doc.getDocumentElement();
            assertThat(root.getTagName()).isEqualTo("clientConfig");
            assertThat(root.getAttribute("version")).isEqualTo("1.1");
            Element provider = child(root, "emailProvider");
            assertThat(provider.getAttribute("id")).isEqualTo("example.test");
            assertThat(texts(provider, "domain")).containsExactly("example.test");
            assertThat(text(provider, "displayName")).isNotBlank();

            List<String> incoming = new ArrayList<>();
            for (Element s : children(provider, "incomingServer")) {
                incoming.add(s.getAttribute("type") + " " + text(s, "port") + " " + text(s, "socketType"));
                assertThat(text(s, "hostname")).isEqualTo("mail.example.test");
                assertThat(text(s, "username")).isEqualTo("%EMAILADDRESS%");
                assertThat(text(s, "authentication")).isEqualTo("password-cleartext");
            }
            assertThat(incoming).containsExactly(
                    "imap " + server.imaps().getPort() + " SSL", "imap " + server.imap().getPort() + " STARTTLS",
                    "pop3 " + server.pop3s().getPort() + " SSL", "pop3 " + server.pop3().getPort() + " STARTTLS");
            List<String> outgoing = new ArrayList<>();
            for (Element s : children(provider, "outgoingServer")) {
                outgoing.add(s.getAttribute("type") + " " + text(s, "port") + " " + text(s, "socketType"));
                assertThat(text(s, "hostname")).isEqualTo("mail.example.test");
                assertThat(text(s, "username")).isEqualTo("%EMAILADDRESS%");
                assertThat(text(s, "authentication")).isEqualTo("password-cleartext");
            }
            assertThat(outgoing).containsExactly("smtp " + server.submissions().getPort() + " SSL",
                    "smtp " + server.submission().getPort() + " STARTTLS");
        }
    }

    @Test
    void onlyLocalDomainsAreAnswered() throws Exception {
        assertThat(get("/mail/config-v1.1.xml?emailaddress=someone%40elsewhere.test").statusCode()).isEqualTo(404);
        assertThat(get("/mobileconfig?emailaddress=someone%40elsewhere.test").statusCode()).isEqualTo(404);
        assertThat(post("/autodiscover/autodiscover.xml", request("x@elsewhere.test")).statusCode()).isEqualTo(404);
        HttpResponse<String> missing = get("/mail/config-v1.1.xml");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("emailaddress");
        assertThat(get("/mail/config-v1.1.xml?emailaddress=not-an-address").statusCode()).isEqualTo(400);
        // Any address of a local domain gets the settings: the answers say nothing about which accounts exist.
        assertThat(get("/mail/config-v1.1.xml?emailaddress=nobody%40example.test").statusCode()).isEqualTo(200);
        assertThat(get("/api/domains").statusCode()).isEqualTo(404); // the admin API is not on this listener
    }

    @Test
    void autodiscoverAnswersTheOutlookSchema() throws Exception {
        for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
            HttpResponse<String> r = post(path, request("Bob@example.test"));
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            Document doc = parse(r.body());
            Element root = doc.getDocumentElement();
            assertThat(root.getLocalName()).isEqualTo("Autodiscover");
            assertThat(root.getNamespaceURI()).isEqualTo("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
            Element response = child(root, "Response");
            assertThat(response.getNamespaceURI()).isEqualTo(OUTLOOK_NS);
            Element account = child(response, "Account");
            assertThat(account.getNamespaceURI()).isEqualTo(OUTLOOK_NS);
            assertThat(text(account, "AccountType")).isEqualTo("email");
            assertThat(text(account, "Action")).isEqualTo("settings");
            List<String> protocols = new ArrayList<>();
            for (Element p : children(account, "Protocol")) {
                assertThat(text(p, "Server")).isEqualTo("mail.example.test");
                assertThat(text(p, "LoginName")).isEqualTo("bob@example.test");
                assertThat(text(p, "SSL")).isEqualTo("on");
                assertThat(text(p, "AuthRequired")).isEqualTo("on");
                assertThat(text(p, "SPA")).isEqualTo("off");
                protocols.add(text(p, "Type") + " " + text(p, "Port") + " " + text(p, "Encryption"));
            }
            assertThat(protocols).containsExactly("IMAP " + server.imaps().getPort() + " SSL",
                    "POP3 " + server.pop3s().getPort() + " SSL", "SMTP " + server.submissions().getPort() + " SSL");
        }
        HttpResponse<String> byGet = get("/autodiscover/autodiscover.xml?emailaddress=alice%40example.test");
        assertThat(byGet.statusCode()).isEqualTo(200);
        assertThat(byGet.body()).contains("<LoginName>alice@example.test</LoginName>");
    }

    @Test
    void badOrHostileAutodiscoverRequestsAre400AndNoEntityIsRead() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET-CONTENT");
        String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">"
                + "<Request><EMailAddress>alice@example.test&x;</EMailAddress></Request></Autodiscover>";
        HttpResponse<String> hostile = post("/autodiscover/autodiscover.xml", xxe);
        assertThat(hostile.statusCode()).isEqualTo(400);
        assertThat(hostile.body()).doesNotContain("TOP-SECRET").contains("DOCTYPE");
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
                + "<Autodiscover><Request><EMailAddress>&b;</EMailAddress></Request></Autodiscover>";
        assertThat(post("/autodiscover/autodiscover.xml", bomb).statusCode()).isEqualTo(400);
        HttpResponse<String> broken = post("/autodiscover/autodiscover.xml", "<Autodiscover><Request>");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("not acceptable XML");
        assertThat(post("/autodiscover/autodiscover.xml", "").statusCode()).isEqualTo(400);
        HttpResponse<String> noAddress = post("/autodiscover/autodiscover.xml", "<Autodiscover><Request/></Autodiscover>");
        assertThat(noAddress.statusCode()).isEqualTo(400);
        assertThat(noAddress.body()).contains("EMailAddress");
    }

    @Test
    void appleProfileIsAPlistWithStableUuidsAndNoPassword() throws Exception {
        HttpResponse<String> first = get("/mobileconfig?emailaddress=alice%40example.test");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/x-apple-aspen-config");
        assertThat(first.headers().firstValue("Content-Disposition").orElseThrow()).contains("alice@example.test.mobileconfig");
        assertThat(get("/mobileconfig?emailaddress=Alice%40EXAMPLE.test").body()).isEqualTo(first.body());
        assertThat(first.body()).doesNotContain("<key>IncomingPassword<").doesNotContain("<key>OutgoingPassword<");
        Path file = Files.writeString(dir.resolve("alice.mobileconfig"), first.body());
        String python = "import plistlib, sys\n"
                + "p = plistlib.load(open(sys.argv[1], 'rb'))\n"
                + "m = p['PayloadContent'][0]\n"
                + "print(p['PayloadType'], p['PayloadVersion'], p['PayloadUUID'], m['PayloadUUID'])\n"
                + "for k in ['PayloadType', 'EmailAccountType', 'EmailAddress', 'IncomingMailServerHostName',"
                + " 'IncomingMailServerPortNumber', 'IncomingMailServerUseSSL', 'IncomingMailServerUsername',"
                + " 'OutgoingMailServerHostName', 'OutgoingMailServerPortNumber', 'OutgoingMailServerUseSSL',"
                + " 'OutgoingMailServerUsername']:\n"
                + "    print(k, m[k])\n"
                + "print('passwords', [k for k in m if 'Password' in k and k != 'OutgoingPasswordSameAsIncomingPassword'])\n";
        String out = Programs.run(null, "/usr/bin/python3", "-c", python, file.toString());
        assertThat(out).contains("PayloadType com.apple.mail.managed", "EmailAccountType EmailTypeIMAP",
                "EmailAddress alice@example.test", "IncomingMailServerHostName mail.example.test",
                "IncomingMailServerPortNumber " + server.imaps().getPort(), "IncomingMailServerUseSSL True",
                "IncomingMailServerUsername alice@example.test", "OutgoingMailServerHostName mail.example.test",
                "OutgoingMailServerPortNumber " + server.submissions().getPort(), "OutgoingMailServerUseSSL True",
                "OutgoingMailServerUsername alice@example.test", "passwords []");
        String[] ids = out.lines().findFirst().orElseThrow().split(" ");
        assertThat(ids[0]).isEqualTo("Configuration");
        assertThat(ids[2]).isNotEqualTo(ids[3]).matches("[0-9A-F-]{36}");
        String bob = get("/mobileconfig?emailaddress=bob%40example.test").body();
        assertThat(bob).doesNotContain(ids[2]).doesNotContain(ids[3]);
    }

    @Test
    void curlFetchesTheDocumentsOverHttps() throws Exception {
        String config = Programs.run(null, "curl", "-sS", "-k", "--fail",
                base + "/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=alice%40example.test");
        assertThat(parse(config).getDocumentElement().getTagName()).isEqualTo("clientConfig");
        String discovered = Programs.run(request("alice@example.test"), "curl", "-sS", "-k", "--fail",
                "-H", "Content-Type: text/xml", "--data-binary", "@-", base + "/autodiscover/autodiscover.xml");
        assertThat(discovered).contains("<Type>IMAP</Type>", "<LoginName>alice@example.test</LoginName>");
    }

    // ---- helpers ----

    private static String request(String address) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\">\n"
                + "  <Request>\n    <EMailAddress>" + address + "</EMailAddress>\n"
                + "    <AcceptableResponseSchema>" + OUTLOOK_NS + "</AcceptableResponseSchema>\n  </Request>\n"
                + "</Autodiscover>\n";
    }

    private HttpResponse<String> get(String path) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A secure, namespace-aware parse (no DTDs, nothing external), as any client should read these. */
    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element && name.equals(n.getLocalName() != null ? n.getLocalName() : n.getNodeName())) {
                found.add((Element) n);
            }
        }
        return found;
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertThat(found).as(name + " in " + parent.getTagName()).hasSize(1);
        return found.get(0);
    }

    private static String text(Element parent, String name) {
        return child(parent, name).getTextContent();
    }

    private static List<String> texts(Element parent, String name) {
        List<String> out = new ArrayList<>();
        for (Element e : children(parent, name)) out.add(e.getTextContent());
        return out;
    }
}
