package org.mailroom.protocol.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The pieces of a MAIL or RCPT argument: the path after its keyword, and the ESMTP parameters behind it. */
final class SmtpParameters {

    private SmtpParameters() {}

    /** The text after {@code FROM:} or {@code TO:} (case-insensitive), spaces after the colon allowed. */
    static String afterKeyword(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
        return arg.substring(keyword.length()).stripLeading(); // XXX: RFC 5321 has no space; many clients send one
    }

    static List<String> parameters(String rest) {
        List<String> params = new ArrayList<>();
        for (String p : rest.trim().split(" +")) if (!p.isEmpty()) params.add(p);
        return params;
    }

    static String keyOf(String param) {
        int eq = param.indexOf('=');
        return (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
    }

    static String valueOf(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? null : param.substring(eq + 1);
    }
}
