package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The JVM image packages what `package` produced (no container engine here to build it), and both images run as a
 * numeric non-root user, which runAsNonRoot in the chart's restricted security context needs.
 */
class DockerfilesIT {

    private static final Path DOCKER = Path.of("src", "main", "docker");

    @Test
    void jvmImageCopiesTheFastJarLayoutThatPackageBuilds() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile.jvm"));
        Matcher copy = Pattern.compile("(?m)^COPY (?:--\\S+ )*(\\S+) (\\S+)$").matcher(dockerfile);
        int copies = 0;
        while (copy.find()) {
            if (copy.group().contains("--from=")) {
                continue; // from a build stage (the jlink'd runtime), not from the build context
            }
            copies++;
            String source = copy.group(1);
            if (source.contains("*")) {
                Path dir = Path.of(source).getParent();
                String glob = Path.of(source).getFileName().toString();
                try (Stream<Path> files = Files.list(dir)) {
                    assertThat(files.filter(f -> f.getFileName().toString().matches(glob.replace(".", "\\.").replace("*", ".*"))))
                            .as("files matching %s", source).isNotEmpty();
                }
            } else {
                assertThat(Path.of(source)).as("COPY source %s", source).exists();
            }
        }
        assertThat(copies).isEqualTo(4);
        assertThat(dockerfile).contains("ENV JAVA_APP_JAR=\"/deployments/quarkus-run.jar\"");
        assertThat(Path.of("target", "quarkus-app", "quarkus-run.jar")).exists();
    }

    @Test
    void jvmImageEntrypointStartsWithTheSharedJvmOptions() throws IOException {
        // hack/images.sh reads the same file; the harness starts its coordinators with it (testsupport/CoordinatorJvm)
        List<String> options = Files.readAllLines(DOCKER.resolve("jvm-options")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)]$").matcher(Files.readString(DOCKER.resolve("Dockerfile.jvm")));
        assertThat(entrypoint.find()).as("Dockerfile.jvm has an exec-form ENTRYPOINT").isTrue();
        List<String> args = Pattern.compile("\"([^\"]*)\"").matcher(entrypoint.group(1)).results().map(m -> m.group(1)).toList();
        assertThat(options).isNotEmpty();
        assertThat(args.get(0)).isEqualTo("java");
        assertThat(args.subList(1, 1 + options.size())).isEqualTo(options);
    }

    @Test
    void imagesRunAsNumericNonRootUsersAndExposeTheChartsPort() throws IOException {
        for (String name : new String[] {"Dockerfile.jvm", "Dockerfile.native"}) {
            String dockerfile = Files.readString(DOCKER.resolve(name));
            Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
            String last = null;
            while (user.find()) {
                last = user.group(1);
            }
            assertThat(last).as("%s: last USER", name).isNotNull().matches("[0-9]+").isNotEqualTo("0");
            assertThat(dockerfile).as(name).contains("EXPOSE 8080");
        }
        String port = Yaml.single(Chart.render(), "Deployment", "ferretdb-operator")
                .at("/spec/template/spec/containers/0/ports/0/containerPort").asText();
        assertThat(port).isEqualTo("8080");
    }
}
