package org.mailroom.bench;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The IMAP side of one simulated client (RFC 9051 / RFC 3501): tagged commands, responses read to the
 * tagged status line. Literals ({@code {n}} at a line end, section 4.3) are skipped by count, never scanned,
 * so message text that looks like a tagged line cannot confuse the reader. Untagged {@code * n EXISTS}
 * responses keep {@link #exists} up to date.
 */
final class ImapClient implements AutoCloseable {

    private final LineConnection c;
    private int tagNumber;
    int exists;

    ImapClient(InetSocketAddress address) throws IOException {
        c = new LineConnection(address);
        String greeting = c.readLine();
        if (!greeting.startsWith("* OK")) throw new IOException("IMAP greeting: " + greeting);
    }

    /** LOGIN then SELECT INBOX; the quoted strings of section 4.3 need no escaping for our names. */
    void login(String user, String password) throws IOException {
        command("LOGIN \"" + user + "\" \"" + password + "\"");
        command("SELECT INBOX");
    }

    /** Sends one command and reads its responses; fails unless the tagged status is OK. */
    void command(String command) throws IOException {
        String tag = "b" + (++tagNumber);
        c.write(tag + " " + command);
        c.flush();
        String prefix = tag + " ";
        while (true) {
            String line = c.readLine();
            if (line.startsWith(prefix)) {
                if (!line.startsWith(prefix + "OK")) {
                    throw new IOException(command.startsWith("LOGIN") ? "LOGIN: " + line : command + ": " + line);
                }
                return;
            }
            if (line.startsWith("* ") && line.endsWith(" EXISTS")) {
                exists = Integer.parseInt(line.substring(2, line.length() - 7));
            }
            // A response line may end in a literal; its octets follow, then the rest of the response.
            long literal;
            while ((literal = literalLength(line)) >= 0) {
                c.skip(literal);
                line = c.readLine();
            }
        }
    }

    /** The octet count of a literal announced at the end of {@code line}, or -1. */
    static long literalLength(String line) {
        if (!line.endsWith("}")) return -1;
        int open = line.lastIndexOf('{');
        if (open < 0) return -1;
        String n = line.substring(open + 1, line.length() - 1);
        if (n.endsWith("+") || n.endsWith("-")) n = n.substring(0, n.length() - 1); // RFC 7888 forms
        if (n.isEmpty() || !n.chars().allMatch(Character::isDigit)) return -1;
        return Long.parseLong(n);
    }

    void logout() {
        try {
            command("LOGOUT");
        } catch (IOException e) {
            // the session's work is done; a lost LOGOUT reply is not the server's figure
        }
        c.close();
    }

    @Override
    public void close() {
        c.close();
    }
}
