package org.mailroom.server.http;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.server.autoconfig.AppleProfile;
import org.mailroom.server.autoconfig.Autodiscover;
import org.mailroom.server.autoconfig.MailEndpoints;
import org.mailroom.server.autoconfig.ThunderbirdConfig;

/**
 * The routes of {@code listen.autoconfig}, all open (clients ask before they have credentials), on one screen.
 * Guards first: the address must parse and its domain be one of ours, else 404, so the listener says nothing
 * about other domains; then the document, built by {@code server/autoconfig}.
 */
final class AutoconfigRoutes {

    private static final String XML = "application/xml; charset=utf-8";

    private final Directory directory;
    private final MailEndpoints endpoints;

    AutoconfigRoutes(Directory directory, MailEndpoints endpoints) {
        this.directory = directory;
        this.endpoints = endpoints;
    }

    List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        // Thunderbird asks autoconfig.<domain>/mail/... first, then <domain>/.well-known/autoconfig/mail/...
        routes.add(new Route(GET, "/mail/config-v1.1.xml", Route.Access.OPEN, this::thunderbird));
        routes.add(new Route(GET, "/.well-known/autoconfig/mail/config-v1.1.xml", Route.Access.OPEN, this::thunderbird));
        // Outlook POSTs; the path's case varies between versions, and some tools GET with the address as a query.
        for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
            routes.add(new Route(POST, path, Route.Access.OPEN, this::autodiscover));
            routes.add(new Route(GET, path, Route.Access.OPEN, this::autodiscover));
        }
        routes.add(new Route(GET, "/mobileconfig", Route.Access.OPEN, this::mobileconfig));
        return routes;
    }

    private ApiResponse thunderbird(ApiRequest r) throws IOException, ApiError {
        MailAddress address = localAddress(r.query("emailaddress"));
        return ApiResponse.text(XML, ThunderbirdConfig.document(address.domain(), endpoints));
    }

    private ApiResponse autodiscover(ApiRequest r) throws IOException, ApiError {
        String text;
        if (r.method().equals(POST)) {
            try {
                text = Autodiscover.emailAddress(r.body());
            } catch (Autodiscover.BadRequest e) {
                throw ApiError.badRequest(e.getMessage());
            }
        } else {
            text = r.query("emailaddress");
        }
        MailAddress address = localAddress(text);
        return ApiResponse.text(XML, Autodiscover.response(address.canonical(), endpoints));
    }

    private ApiResponse mobileconfig(ApiRequest r) throws IOException, ApiError {
        MailAddress address = localAddress(r.query("emailaddress"));
        String file = address.canonical().replaceAll("[^A-Za-z0-9.@_-]", "_") + ".mobileconfig";
        return new ApiResponse(HttpResponseStatus.OK, AppleProfile.MEDIA_TYPE,
                AppleProfile.document(address.canonical(), endpoints).getBytes(StandardCharsets.UTF_8),
                java.util.Map.of("Content-Disposition", "attachment; filename=\"" + file + "\""));
    }

    /**
     * The address, when it is one and its domain is ours. Accounts are not looked up: any address of a local
     * domain gets the same settings, so the answers tell nobody which accounts exist.
     */
    private MailAddress localAddress(String text) throws IOException, ApiError {
        if (text == null || text.isBlank()) throw ApiError.badRequest("the emailaddress parameter is required");
        MailAddress address;
        try {
            address = MailAddress.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("not a valid address: " + e.getMessage());
        }
        if (address.domain().startsWith("[") || !directory.isLocalDomain(address.asciiDomain())) {
            throw new ApiError(HttpResponseStatus.NOT_FOUND, "no configuration for that domain");
        }
        return address;
    }
}
