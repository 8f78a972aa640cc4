package org.mailroom.mailauth.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.EdECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.mailroom.mailauth.dkim.DkimKey;

/**
 * dkimpy (Debian's python3-dkim, run by {@code /usr/bin/python3}: pyenv's python3 lacks it) as an independent
 * signer and verifier: one Python process (src/test/resources/dkim/dkimpy_tool.py) serving requests until
 * {@link #close()}. Where dkimpy is missing the test is skipped with the reason, except under CI (env CI set),
 * where it fails: CI must install python3-dkim and python3-nacl.
 */
public final class Dkimpy implements AutoCloseable {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private final Process process;
    private final OutputStream requests;
    private final BufferedReader replies;

    /** Starts dkimpy; skips (or under CI fails) the calling test when it cannot run. */
    public Dkimpy(Path dir) throws IOException {
        requireAvailable();
        Path script = dir.resolve("dkimpy_tool.py");
        try (InputStream in = Dkimpy.class.getResourceAsStream("/dkim/dkimpy_tool.py")) {
            Files.copy(in, script);
        }
        process = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        requests = process.getOutputStream();
        replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Why dkimpy cannot run ("" when it can), found once per test JVM. */
    private static String problem;

    /** Skips (or under CI fails) the calling test when dkimpy cannot be run. */
    public static synchronized void requireAvailable() {
        if (problem == null) {
            problem = findProblem();
        }
        if (!problem.isEmpty()) {
            if (System.getenv("CI") != null) {
                fail("dkimpy cross-check needs Debian's python3-dkim and python3-nacl under CI: " + problem);
            }
            Assumptions.abort("dkimpy cross-check skipped: " + problem);
        }
    }

    private static String findProblem() {
        String found = "";
        if (!Files.isExecutable(PYTHON)) {
            found = PYTHON + " is missing";
        } else {
            try {
                Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import dkim, nacl.signing")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    found = "python3-dkim or python3-nacl is not installed for " + PYTHON + ": " + out.strip();
                }
            } catch (IOException | InterruptedException e) {
                found = "cannot run " + PYTHON + ": " + e;
            }
        }
        return found;
    }

    /** dkimpy's verdict on each DKIM-Signature, top first: "pass" or "fail ...". */
    public List<String> verify(String message, Map<String, String> zone) throws IOException {
        return call("verify", message, zone).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** A DKIM-Signature made by dkimpy. */
    public String sign(String message, DkimKey key, String canonicalization) throws IOException {
        return call("sign", message, Map.of(), key.selector(), key.domain(), keyText(key), key.algorithm().tag(),
                canonicalization);
    }

    /** dkimpy's ARC chain validation: "pass", "fail ..." or "none". */
    public String arcVerify(String message, Map<String, String> zone) throws IOException {
        return call("arc_verify", message, zone).strip();
    }

    /** The ARC set dkimpy adds (rsa-sha256), using the Authentication-Results of {@code srvId}. */
    public String arcSign(String message, DkimKey key, String srvId, long timestamp) throws IOException {
        return call("arc_sign", message, Map.of(), key.selector(), key.domain(), keyText(key), srvId,
                Long.toString(timestamp));
    }

    @Override
    public void close() throws IOException {
        requests.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** dkimpy's private key forms: PEM for RSA, base64 of the 32-octet seed for Ed25519. */
    private static String keyText(DkimKey key) {
        if (key.privateKey() instanceof EdECPrivateKey ed) {
            return Base64.getEncoder().encodeToString(ed.getBytes().orElseThrow());
        }
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private String call(String command, String message, Map<String, String> zone, String... args) throws IOException {
        StringBuilder z = new StringBuilder();
        zone.forEach((name, value) -> z.append(name).append('\t').append(value).append('\n'));
        List<String> fields = new ArrayList<>();
        fields.add(command);
        fields.add(b64(message));
        fields.add(b64(z.toString()));
        for (String a : args) {
            fields.add(b64(a));
        }
        requests.write((String.join("\t", fields) + "\n").getBytes(StandardCharsets.US_ASCII));
        requests.flush();
        String reply = replies.readLine();
        if (reply == null) {
            throw new IOException("dkimpy exited");
        }
        String[] parts = reply.split("\t", 2);
        String payload = new String(Base64.getDecoder().decode(parts.length > 1 ? parts[1] : ""), StandardCharsets.ISO_8859_1);
        if (!parts[0].equals("OK")) {
            throw new IOException("dkimpy " + command + " failed: " + payload);
        }
        return payload;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
