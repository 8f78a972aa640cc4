package org.mailroom.protocol.smtp;

import static org.mailroom.protocol.smtp.SmtpParameters.afterKeyword;
import static org.mailroom.protocol.smtp.SmtpParameters.keyOf;
import static org.mailroom.protocol.smtp.SmtpParameters.parameters;
import static org.mailroom.protocol.smtp.SmtpParameters.valueOf;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.SmtpPath;

/**
 * MAIL FROM (RFC 5321 section 4.1.1.2) with the parameters of SIZE (RFC 1870), BODY (RFC 6152, RFC 3030),
 * SMTPUTF8 (RFC 6531), RET and ENVID (RFC 3461) and AUTH (RFC 4954): starts the transaction.
 */
final class MailCommand implements SmtpCommand {

    /** RFC 3461 section 4.4: ENVID is at most 100 characters. */
    private static final int MAX_ENVID = 100;

    @Override
    public void execute(SmtpSession s, String arg) {
        if (s.state == SmtpSession.State.CONNECTED) {
            s.error("503 5.5.1 Error: send HELO/EHLO first");
            return;
        }
        if (s.state == SmtpSession.State.MAIL) {
            s.error("503 5.5.1 Error: nested MAIL command");
            return;
        }
        if (s.auth != null && s.user == null) {
            s.error("530 5.7.0 Authentication required");
            return;
        }
        String path = afterKeyword(arg, "FROM:");
        if (path == null) {
            s.error("501 5.5.4 Syntax: MAIL FROM:<address>");
            return;
        }
        SmtpPath.Parsed parsed;
        try {
            parsed = SmtpPath.parse(path, true);
        } catch (IllegalArgumentException e) {
            s.error("501 5.1.7 Bad sender address syntax: " + e.getMessage());
            return;
        }
        List<String> params = parameters(parsed.rest());
        if (!params.isEmpty() && !s.esmtp) {
            s.error("555 5.5.4 Parameters need EHLO");
            return;
        }
        boolean utf8 = false;
        boolean binary = false;
        String envidValue = null;
        Dsn.Ret retValue = null;
        Set<String> seen = new HashSet<>();
        for (String param : params) {
            String key = keyOf(param);
            String value = valueOf(param);
            if (!seen.add(key)) {
                s.error("501 5.5.4 Duplicate parameter " + key);
                return;
            }
            switch (key) {
                case "SIZE":
                    long declared;
                    try {
                        declared = Long.parseLong(value);
                    } catch (NumberFormatException | NullPointerException e) {
                        s.error("501 5.5.4 Bad SIZE parameter");
                        return;
                    }
                    if (declared > s.settings.maxMessageSize()) {
                        s.error("552 5.3.4 Message size exceeds fixed limit of " + s.settings.maxMessageSize() + " octets");
                        return;
                    }
                    break;
                case "BODY":
                    // RFC 6152: 8-bit text is stored as it comes; RFC 3030: BINARYMIME only with BDAT.
                    if ("BINARYMIME".equalsIgnoreCase(value)) {
                        binary = true;
                    } else if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        s.error("501 5.5.4 Bad BODY parameter");
                        return;
                    }
                    break;
                case "SMTPUTF8":
                    if (value != null) {
                        s.error("501 5.5.4 SMTPUTF8 takes no value");
                        return;
                    }
                    utf8 = true;
                    break;
                case "RET":
                    if ("FULL".equalsIgnoreCase(value)) {
                        retValue = Dsn.Ret.FULL;
                    } else if ("HDRS".equalsIgnoreCase(value)) {
                        retValue = Dsn.Ret.HDRS;
                    } else {
                        s.error("501 5.5.4 Bad RET parameter (FULL or HDRS)");
                        return;
                    }
                    break;
                case "AUTH":
                    // RFC 4954 section 5: the submitter's identity for the next hop; we know our user already.
                    break;
                case "ENVID":
                    envidValue = Xtext.decode(value);
                    if (envidValue == null || envidValue.length() > MAX_ENVID) {
                        s.error("501 5.5.4 Bad ENVID parameter");
                        return;
                    }
                    break;
                default:
                    s.error("555 5.5.4 Unsupported option: " + key);
                    return;
            }
        }
        if (parsed.address() != null && parsed.address().needsUtf8() && !utf8) {
            s.error("553 5.6.7 Sender address needs SMTPUTF8"); // RFC 6531 section 3.5
            return;
        }
        if (s.user != null && parsed.address() != null && !s.owns(parsed.address())) {
            s.error("553 5.7.1 <" + parsed.address() + ">: Sender address rejected: not owned by user " + s.user);
            return;
        }
        MailTransaction tx = s.tx;
        tx.sender = parsed.address();
        tx.smtpUtf8 = utf8;
        tx.binaryMime = binary;
        tx.envid = envidValue;
        tx.ret = retValue;
        tx.recipients.clear();
        tx.recipientDsn.clear();
        tx.start = s.clock.instant();
        s.state = SmtpSession.State.MAIL;
        s.reply("250 2.1.0 Ok");
    }
}
