package org.mailroom.core.auth;

import java.io.IOException;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SASL exchange at the level of protocol lines, the part SMTP, IMAP and POP3 share: base64 in both
 * directions, "*" to cancel, "=" as an empty initial response, and additional data with success sent as a last
 * challenge that the client answers with an empty line (SMTP RFC 4954 section 4, POP3 RFC 5034 section 4 and
 * IMAP4rev1 have no room for it in the success reply).
 *
 * <pre>
 *   SaslExchange x = new SaslExchange(mechanisms.start(name, channel));
 *   SaslStep step = x.begin(initialResponseOrNull);     // then, while step is a Challenge:
 *   send("334 " + ((SaslStep.Challenge) step).base64()); step = x.respond(nextLine);
 * </pre>
 * A directory error becomes {@link SaslStep.Reason#TEMPORARY} (logged here). Never logs payloads.
 */
public final class SaslExchange {

    private static final Logger LOG = LoggerFactory.getLogger(SaslExchange.class);

    private final SaslServer server;
    /** The success held back while its final data is out as a challenge. */
    private SaslStep.Success pendingSuccess;
    private boolean finished;

    public SaslExchange(SaslServer server) {
        this.server = server;
    }

    public String mechanism() {
        return server.mechanism();
    }

    /** The login name claimed so far, for logs; null if none. */
    public String claimedLogin() {
        return server.claimedLogin();
    }

    /** True once a Success or Failure has been returned. */
    public boolean finished() {
        return finished;
    }

    /**
     * Starts the exchange. {@code initialResponse}: the SASL-IR argument as sent (base64, "=" for empty), or null
     * when the client sent none.
     */
    public SaslStep begin(String initialResponse) {
        if (initialResponse == null) return step(null);
        if (initialResponse.equals("=")) return step(new byte[0]);
        return respond(initialResponse);
    }

    /** The client's next line: base64, or "*" to cancel. */
    public SaslStep respond(String line) {
        if (finished) throw new IllegalStateException("exchange finished");
        if (line.equals("*")) return finish(new SaslStep.Failure(SaslStep.Reason.CANCELLED));
        byte[] response;
        try {
            response = Base64.getDecoder().decode(line);
        } catch (IllegalArgumentException e) {
            return finish(new SaslStep.Failure(SaslStep.Reason.MALFORMED));
        }
        if (pendingSuccess != null) {
            // The client's answer to the final data must be empty (RFC 4422 section 5 item 4).
            return finish(response.length == 0 ? pendingSuccess : new SaslStep.Failure(SaslStep.Reason.MALFORMED));
        }
        return step(response);
    }

    private SaslStep step(byte[] response) {
        SaslStep step;
        try {
            step = server.step(response);
        } catch (IOException e) {
            LOG.warn("SASL {} for {}: directory unavailable: {}", server.mechanism(), server.claimedLogin(), e.toString());
            return finish(new SaslStep.Failure(SaslStep.Reason.TEMPORARY));
        }
        if (step instanceof SaslStep.Success) {
            SaslStep.Success success = (SaslStep.Success) step;
            if (success.finalData() != null) {
                pendingSuccess = new SaslStep.Success(success.account(), null);
                return new SaslStep.Challenge(success.finalData());
            }
        }
        return step instanceof SaslStep.Challenge ? step : finish(step);
    }

    private SaslStep finish(SaslStep step) {
        finished = true;
        return step;
    }
}
