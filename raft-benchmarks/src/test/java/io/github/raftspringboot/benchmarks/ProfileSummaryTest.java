package io.github.raftspringboot.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProfileSummaryTest {

    @Test
    void threadGroupsKernelTimeSystemCallsAndLibrariesAreCounted() {
        ProfileSummary summary = new ProfileSummary()
            .addLine("[http-nio-127.0.0.1-8080-exec-3 tid=101];java/lang/Thread.run;org/apache/tomcat/util/net/"
                    + "NioEndpoint.run;io/github/raftspringboot/sample/web/KeyValueController.set;Unsafe_Park;"
                    + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_futex_[k];futex_wait_[k] 6")
            .addLine("[http-nio-127.0.0.1-8080-exec-12 tid=102];java/lang/Thread.run;org/apache/tomcat/util/net/"
                    + "NioEndpoint.run;tools/jackson/core/json/UTF8StreamJsonParser.nextToken_[j] 2")
            .addLine("[raft-server-node1 tid=7];io/atomix/storage/journal/MappedJournalSegmentWriter.flush;msync;"
                    + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__do_sys_msync_[k];vfs_fsync_range_[k] 2");

        assertThat(summary.total()).isEqualTo(10);
        assertThat(summary.kernelShare()).isCloseTo(0.8, within(1e-9));
        String text = summary.render("kv put-64-round2: 3 nodes", 10);
        assertThat(text).contains("10 samples; 80.0 % with the innermost frame in the kernel")
            .contains("| [http-nio-#.#.#.#-#-exec-#] | 80.0 % |")
            .contains("| [raft-server-node#] | 20.0 % |")
            .contains("| futex | 60.0 % |")
            .contains("| msync | 20.0 % |")
            .contains("| org.apache.tomcat | 80.0 % |")
            .contains("| io.github.raftspringboot | 60.0 % |")
            .contains("| io.atomix | 20.0 % |");
    }

    @Test
    void theSystemCallIsTheFrameAfterTheSyscallEntry() {
        assertThat(ProfileSummary.syscall(new String[] { "[t]", "entry_SYSCALL_64_after_hwframe_[k]",
            "do_syscall_64_[k]", "ksys_write_[k]", "vfs_write_[k]" })).isEqualTo("write");
        assertThat(ProfileSummary.syscall(new String[] { "[t]", "do_syscall_64_[k]", "do_writev_[k]" }))
            .isEqualTo("writev");
        assertThat(ProfileSummary.syscall(new String[] { "[t]", "do_syscall_64_[k]",
            "__raw_callee_save_pvm_irq_enable_[k]" })).isEqualTo("(entering or leaving a system call)");
        assertThat(ProfileSummary.syscall(new String[] { "[t]", "asm_exc_page_fault_[k]", "exc_page_fault_[k]" }))
            .isEqualTo("(interrupt or fault)");
    }
}
