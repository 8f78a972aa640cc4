package org.mailroom.server.config;

/**
 * {@code [smtp]}: how the SMTP server treats what clients send.
 *
 * @param bareLineEndings {@code "reject"}: a message with a CR or LF outside a CRLF pair is refused with
 *                        554 5.5.2 (SMTP smuggling, CVE-2023-51764); {@code "normalize"}: such line breaks are
 *                        stored as CRLF. Either way only {@code <CRLF>.<CRLF>} ends the data.
 * @param submissionPlaintextAuth allow AUTH on the submission port before STARTTLS (only for test setups on
 *                        loopback: the password would cross the network in clear)
 * @param submissionHideClient leave the submitting client's IP address out of the Received header
 */
public record SmtpSection(String bareLineEndings, boolean submissionPlaintextAuth, boolean submissionHideClient) {

    public boolean normalizeBareLineEndings() {
        return bareLineEndings.equals("normalize");
    }

    void validate() {
        if (!bareLineEndings.equals("reject") && !bareLineEndings.equals("normalize")) {
            throw ConfigException.badValue("smtp.bare_line_endings",
                    "expected \"reject\" or \"normalize\", got \"" + bareLineEndings + "\"");
        }
    }
}
