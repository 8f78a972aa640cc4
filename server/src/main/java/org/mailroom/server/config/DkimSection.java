package org.mailroom.server.config;

import java.time.Duration;
import org.mailroom.core.dkim.DkimRotation;

/**
 * {@code [dkim]}: signing of outgoing mail and the rotation of keys (see {@link DkimRotation}).
 *
 * @param sign         sign mail that leaves through the outbound queue (and ARC-seal forwarded mail)
 * @param publishDelay how long a key made by {@code mailroom dkim rotate} is only published before it signs:
 *                     time to paste it into the zone and for every name server of it to serve it
 * @param retireAfter  how long a key that stopped signing stays in {@code dns records} (and may be verified)
 *                     before it is deleted: mail signed with it may be queued elsewhere for days
 */
public record DkimSection(boolean sign, Duration publishDelay, Duration retireAfter) {

    public DkimRotation.Settings rotation() {
        return new DkimRotation.Settings(publishDelay, retireAfter);
    }

    void validate() {
        if (publishDelay.isNegative()) throw ConfigException.badValue("dkim.publish_delay", "must not be negative");
        if (retireAfter.isNegative()) throw ConfigException.badValue("dkim.retire_after", "must not be negative");
    }
}
