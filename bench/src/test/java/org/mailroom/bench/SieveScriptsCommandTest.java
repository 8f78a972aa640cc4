package org.mailroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.mailroom.sieve.SieveCompiler;

class SieveScriptsCommandTest {

    @Test
    void theBenchScriptCompilesAndHasTwentyRules() throws Exception {
        assertThat(new SieveCompiler().compile("bench", SieveScriptsCommand.SCRIPT).name()).isEqualTo("bench");
        assertThat(SieveScriptsCommand.SCRIPT.lines().filter(l -> l.startsWith("if ")).count()).isEqualTo(20);
    }
}
