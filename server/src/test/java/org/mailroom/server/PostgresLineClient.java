package org.mailroom.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain line-by-line client for the two-node tests: SMTP, POP3 and IMAP spoken by hand over a real socket. */
final class PostgresLineClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    PostgresLineClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(60_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String line() throws IOException {
        String line = in.readLine();
        if (line == null) throw new IOException("connection closed");
        return line;
    }

    /** Reads an SMTP reply, multi-line ones whole; returns its last line. */
    String smtpReply() throws IOException {
        String line;
        do {
            line = line();
        } while (line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    String command(String line) throws IOException {
        send(line);
        return smtpReply();
    }

    /** One message in an open SMTP session; returns the reply to the end of data (or the first refusal). */
    String sendMail(String from, String to, String subject, String body) throws IOException {
        String reply = command("MAIL FROM:<" + from + ">");
        if (!reply.startsWith("250")) return reply;
        reply = command("RCPT TO:<" + to + ">");
        if (!reply.startsWith("250")) {
            command("RSET");
            return reply;
        }
        reply = command("DATA");
        if (!reply.startsWith("354")) return reply;
        send("Subject: " + subject + "\r\n\r\n" + body + "\r\n.");
        return smtpReply();
    }

    /** Opens an SMTP session (greeting and EHLO read). */
    static PostgresLineClient smtp(InetSocketAddress address) throws IOException {
        PostgresLineClient c = new PostgresLineClient(address);
        c.smtpReply();
        c.command("EHLO client.example.test");
        return c;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
