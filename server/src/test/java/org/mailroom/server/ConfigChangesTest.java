package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mailroom.server.config.Config;
import org.mailroom.server.config.ConfigFile;

class ConfigChangesTest {

    private static Config with(Map<String, String> sets) {
        return Config.load(Optional.empty(), sets);
    }

    @Test
    void everyKeyIsComparedAndEveryLiveKeyExists() {
        assertThat(ConfigChanges.flatten(Config.defaults()).keySet()).containsExactlyInAnyOrderElementsOf(ConfigFile.keys());
        assertThat(ConfigFile.keys()).containsAll(ConfigChanges.LIVE);
    }

    @Test
    void liveKeysAgainstTheLastApplyRestartKeysAgainstTheStart() {
        Config started = Config.defaults();
        Config first = with(Map.of("limits.recipients", "200", "listen.smtp", "\":2525\""));
        ConfigChanges once = ConfigChanges.between(started, started, first);
        assertThat(once.applied()).containsExactly("limits.recipients");
        assertThat(once.needRestart()).containsExactly("listen.smtp");
        assertThat(once.describe()).isEqualTo(
                "configuration reloaded: applied limits.recipients; needs a restart: listen.smtp");

        // The same file again: nothing new is applied, and the listener still waits for a restart.
        ConfigChanges again = ConfigChanges.between(started, first, first);
        assertThat(again.applied()).isEmpty();
        assertThat(again.needRestart()).isEqualTo(List.of("listen.smtp"));
        assertThat(ConfigChanges.between(started, started, started).describe())
                .isEqualTo("configuration reloaded: nothing changed that applies live");
    }
}
