package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every alert the chart installs (its own rules and files/alerts) carries a runbook_url that points at its page under
 * docs/runbooks/, the page exists and is about that alert, and no page is left without an alert.
 */
class RunbooksTest {

    static final String BASE = "https://github.com/ferretdb-operator/ferretdb-operator/blob/main/";
    static final Path RUNBOOKS = Path.of("docs", "runbooks");

    @Test
    void everyAlertLinksItsRunbookAndEveryRunbookHasAnAlert() throws Exception {
        List<JsonNode> docs = Chart.render("--set", "monitoring.prometheusRule.enabled=true", "--set", "replicaCount=2");
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : Yaml.single(docs, "PrometheusRule", Chart.RELEASE).at("/spec/groups")) {
            for (JsonNode rule : group.path("rules")) {
                String alert = rule.path("alert").asText();
                assertThat(alert).as("a rule without alert name in " + group.path("name")).isNotEmpty();
                alerts.add(alert);
                String url = rule.at("/annotations/runbook_url").asText();
                assertThat(url).as(alert + " runbook_url").isEqualTo(BASE + "docs/runbooks/" + alert + ".md");
                Path page = RUNBOOKS.resolve(alert + ".md");
                assertThat(page).as(alert + " runbook").exists();
                assertThat(Files.readString(page)).as(page.toString()).startsWith("# " + alert + "\n")
                        .contains("**Diagnose.**").contains("**Fix.**");
            }
        }
        assertThat(alerts).contains("FerretDBOperatorDown", "FerretDBOperatorStandbyMissing", "FerretDBPostgresNoPrimary",
                "FerretDBPostgresFailover");
        Set<String> pages = new TreeSet<>();
        try (Stream<Path> files = Files.list(RUNBOOKS)) {
            files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md"))
                    .forEach(n -> pages.add(n.replaceFirst("\\.md$", "")));
        }
        assertThat(pages).as("runbooks in " + RUNBOOKS + " without an alert").isEqualTo(alerts);
    }
}
