package org.mailroom.protocol.tls;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import org.mailroom.core.auth.SaslChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a login may use on one connection, the same for SMTP, POP3 and IMAP: whether passwords may cross in the
 * clear, and what the shared SASL mechanisms need to know of the channel (TLS, the channel binding of
 * SCRAM-SHA-256-PLUS, RFC 5929 tls-server-end-point).
 */
public final class LoginSecurity {

    private static final Logger log = LoggerFactory.getLogger(LoginSecurity.class);

    private LoginSecurity() {}

    /**
     * Passwords in the clear only under TLS, or from this machine where allowed (loopback cannot be sniffed, as
     * Dovecot also holds), or where the settings allow them everywhere.
     */
    public static boolean plaintextAllowed(Channel channel, boolean everywhere, boolean fromLoopback) {
        return StartTls.isActive(channel) || everywhere || (fromLoopback && isLoopback(channel));
    }

    /** The channel as SASL sees it: without TLS, whether plaintext is allowed; with it, the channel binding. */
    public static SaslChannel saslChannel(Channel channel, boolean plaintextAllowed) {
        if (!StartTls.isActive(channel)) return SaslChannel.cleartext(plaintextAllowed);
        try {
            return SaslChannel.encrypted(ChannelBinding.tlsServerEndPoint(channel).orElse(null));
        } catch (GeneralSecurityException e) {
            log.debug("no channel binding: {}", e.toString());
            return SaslChannel.encrypted(null);
        }
    }

    private static boolean isLoopback(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a && a.getAddress().isLoopbackAddress();
    }
}
