package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.ferretdboperator.harness.ForeignCpu.Proc;
import org.junit.jupiter.api.Test;

/** Which CPU time the benchmark's quiet-machine measure counts as someone else's. */
class ForeignCpuTest {

    static final long SELF = ProcessHandle.current().pid();

    @Test
    void countsOnlyWhatOtherProcessesUsedBetweenSamples() {
        ForeignCpu f = new ForeignCpu(p -> p.cgroup().contains("/ferretdb-lc7-node-"));
        long child = SELF + 100_000;
        long other = SELF + 200_000;
        long node = SELF + 300_000;
        f.sample(List.of(proc(SELF, 1, 0, "/"), proc(child, SELF, 0, "/"), proc(other, 1, 500, "/"),
                proc(node, 1, 0, "/ferretdb-lc7-node-1/kubepods")));
        f.sample(List.of(proc(SELF, 1, 400, "/"), proc(child, SELF, 300, "/"), proc(other, 1, 650, "/"),
                proc(node, 1, 900, "/ferretdb-lc7-node-1/kubepods"),
                proc(SELF + 400_000, 1, 50, "/ferretdb-lc8-node-1/kubepods")));

        ForeignCpu.Share share = f.share();
        assertThat(share.foreignCpuSeconds()).as("150 ticks of the other process, 50 of another cluster's, none of ours")
                .isEqualTo(2.0);
        assertThat(share.topForeign()).containsOnlyKeys("other", "elsewhere");
    }

    @Test
    void aReusedPidIsANewProcess() {
        ForeignCpu f = new ForeignCpu(p -> false);
        long other = SELF + 500_000;
        f.sample(List.of(new Proc(other, 1, 10, 1_000, "/", "/usr/bin/other")));
        f.sample(List.of(new Proc(other, 1, 99, 30, "/", "/usr/bin/other")));

        assertThat(f.share().foreignCpuSeconds()).as("all 30 ticks of the new process, not -970").isEqualTo(0.3);
    }

    private static Proc proc(long pid, long ppid, long ticks, String cgroup) {
        String cmd = pid == SELF + 200_000 ? "/usr/bin/other --flag" : pid == SELF + 400_000 ? "/usr/bin/elsewhere" : "/bin/x";
        return new Proc(pid, ppid, 1, ticks, cgroup, cmd);
    }
}
