package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.mailroom.core.mime.MessageStructure;

/** What SEARCH BODY and TEXT see of a message: decoded text parts, no attachments, decoded header fields. */
class SearchTextTest {

    private static String body(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return SearchText.body(bytes, MessageStructure.parse(bytes).root());
    }

    private static String text(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return SearchText.text(bytes, MessageStructure.parse(bytes).root());
    }

    /** UTF-8 text as the octets of a message (each char one octet, as ISO-8859-1 maps them). */
    private static String utf8Octets(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void base64Utf8PartIsDecoded() {
        String encoded = Base64.getMimeEncoder().encodeToString("Zürich: Grüße aus der Schweiz".getBytes(StandardCharsets.UTF_8));
        String body = body("Subject: b64\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n" + encoded + "\r\n");
        assertThat(body).contains("Zürich: Grüße aus der Schweiz");
    }

    @Test
    void quotedPrintableLatin1PartIsDecodedAndConverted() {
        String body = body("Subject: qp\r\nContent-Type: text/plain; charset=\"ISO-8859-1\"\r\n"
                + "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me, tr=\r\n=E8s bon\r\n");
        assertThat(body).contains("Café crème, très bon");
    }

    @Test
    void unlabelledOrUnknownCharsetsReadAsUtf8() {
        assertThat(body("Subject: 8bit\r\n\r\n" + utf8Octets("naïve") + "\r\n")).contains("naïve");
        assertThat(body("Subject: x\r\nContent-Type: text/plain; charset=x-unknown-42\r\n\r\nplain words\r\n"))
                .contains("plain words");
    }

    @Test
    void multipartAlternativeSearchesBothTextsButNoAttachment() {
        String pdf = Base64.getMimeEncoder().encodeToString("%PDF secretword".getBytes(StandardCharsets.US_ASCII));
        String html = Base64.getMimeEncoder().encodeToString(utf8Octets("<p>Grüße in HTML</p>")
                .getBytes(StandardCharsets.ISO_8859_1));
        String message = "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: multipart/mixed; boundary=outer\r\n\r\n"
                + "--outer\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
                + "--alt\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "plain =E4rger\r\n"
                + "--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + html + "\r\n--alt--\r\n"
                + "--outer\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + pdf + "\r\n"
                + "--outer--\r\n";
        String body = body(message);
        assertThat(body).contains("plain ärger").contains("Grüße in HTML").doesNotContain("secretword")
                .doesNotContain("Subject");
        String text = text(message);
        assertThat(text).contains("Subject: Grüße").contains("plain ärger").doesNotContain("secretword");
    }

    @Test
    void textSeesTheHeadersOfAnEnclosedMessage() {
        String message = "Subject: fwd\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: =?ISO-8859-1?Q?Pr=FCfung?=\r\nContent-Type: text/plain\r\n\r\ninner words\r\n";
        assertThat(text(message)).contains("Subject: Prüfung").contains("inner words");
        assertThat(body(message)).contains("inner words").doesNotContain("Prüfung");
    }
}
