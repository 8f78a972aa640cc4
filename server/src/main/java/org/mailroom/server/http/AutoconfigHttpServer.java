package org.mailroom.server.http;

import org.mailroom.core.store.Directory;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.server.autoconfig.MailEndpoints;

/**
 * The autoconfiguration listener ({@code listen.autoconfig}): the admin listener's HTTP machinery (codec, limits,
 * {@link RequestHandler}) with the open routes of {@link AutoconfigRoutes} and no tokens. A separate listener
 * because it faces the Internet (clients ask on ports 80/443 of autoconfig.&lt;domain&gt;) while the admin API
 * stays on loopback.
 */
public final class AutoconfigHttpServer extends HttpListener {

    /** @param tls the server certificate for HTTPS, or null for plain HTTP */
    public AutoconfigHttpServer(EventLoops loops, TlsContext tls, Directory directory, MailEndpoints endpoints) {
        // Every route is OPEN: BearerAuth never reaches for tokens.
        super(loops, tls,
                new RequestHandler(new AutoconfigRoutes(directory, endpoints).routes(), new BearerAuth(null, false)));
    }
}
