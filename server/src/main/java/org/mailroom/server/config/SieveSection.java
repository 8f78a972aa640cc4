package org.mailroom.server.config;

import java.time.Duration;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * {@code [sieve]}: the users' mail filters run at local delivery (issue 15).
 *
 * @param enabled           run the scripts; false = every local copy goes to the INBOX as if none were stored
 * @param maxRedirects      redirects carried out per script run (the others are logged and dropped)
 * @param srsSecret         the key of SRS addresses (forwarded mail's reverse paths); "" = a random key made once
 *                          and kept in the data directory ({@code srs.secret}). Several nodes on one PostgreSQL
 *                          database must set the same value here, so that each takes the others' bounces.
 * @param vacationMinPeriod the shortest time between two vacation replies to one sender, whatever the script says
 * @param vacationMaxPeriod the longest
 * @param maxScriptSize     largest script a user may upload (ManageSieve, CLI), in octets
 * @param maxScripts        scripts one account may keep (ManageSieve)
 */
public record SieveSection(boolean enabled, int maxRedirects, String srsSecret, Duration vacationMinPeriod,
                           Duration vacationMaxPeriod,
                           @JsonDeserialize(using = ConfigReader.SizeDeserializer.class) long maxScriptSize,
                           int maxScripts) {

    void validate() {
        if (maxRedirects < 0) throw ConfigException.badValue("sieve.max_redirects", "must not be negative");
        if (!srsSecret.isEmpty() && srsSecret.length() < 16) {
            throw ConfigException.badValue("sieve.srs_secret", "at least 16 characters");
        }
        if (maxScriptSize < 1 || maxScriptSize > Integer.MAX_VALUE / 16) {
            throw ConfigException.badValue("sieve.max_script_size", "between 1 and 128MiB");
        }
        if (maxScripts < 1) throw ConfigException.badValue("sieve.max_scripts", "at least 1");
        if (vacationMinPeriod.isNegative()) throw ConfigException.badValue("sieve.vacation_min_period", "must not be negative");
        if (vacationMaxPeriod.compareTo(vacationMinPeriod) < 0) {
            throw ConfigException.badValue("sieve.vacation_max_period", "must not be shorter than sieve.vacation_min_period");
        }
    }
}
