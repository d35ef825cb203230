package io.github.evasync.reliability.leak;

import io.github.evasync.DnsError;
import io.github.evasync.EventLoop;
import io.github.evasync.LoopOptions;
import io.github.evasync.tcp.TcpOptions;

import java.time.Duration;
import java.util.List;

import static io.github.evasync.reliability.leak.LeakSettings.DNS_CONCURRENCY;
import static io.github.evasync.reliability.leak.LeakSettings.DNS_NAMES;
import static io.github.evasync.reliability.leak.LeakSettings.DNS_W;

/** Lookups against dnsmasq: names that exist, names that do not, futures, and connects to names that do not. */
final class DnsWorkload extends Workload {
    final String nameserver;

    DnsWorkload(String nameserver) {
        super("dns", DNS_W, DNS_CONCURRENCY);
        this.nameserver = nameserver;
    }

    @Override
    LoopOptions options() {
        return LoopOptions.defaults().nameservers(List.of(nameserver)).dnsTimeout(Duration.ofSeconds(2));
    }

    @Override
    void unit(EventLoop loop, int i, Runnable done) {
        int n = (i * 2) % DNS_NAMES;
        switch (i % 4) {
            case 0 -> {
                t.expect("found");
                String want = "10.8." + (n / 256) + "." + (n % 256);
                loop.dnsLookup("n" + n + ".your.test", (a, f) -> {
                    if (a.getHostAddress().equals(want)) {
                        t.got("found");
                    } else {
                        t.unexpected("n" + n + " resolved to " + a, null);
                    }
                    done.run();
                }, ev -> {
                    t.unexpected("lookup of n" + n, ev);
                    done.run();
                });
            }
            case 1 -> {
                t.expect("missing");
                loop.dnsLookup("missing" + i + ".your.test", (a, f) -> {
                    t.unexpected("missing" + i + " resolved to " + a, null);
                    done.run();
                }, ev -> {
                    if (ev instanceof DnsError) {
                        t.got("missing");
                    } else {
                        t.unexpected("lookup of missing" + i, ev);
                    }
                    done.run();
                });
            }
            case 2 -> {
                t.expect("resolved");
                loop.resolve("n" + n + ".your.test").whenComplete((all, err) -> {
                    if (err == null && all.size() == 1) {
                        t.got("resolved");
                    } else {
                        t.unexpected("resolve n" + n + ": " + all, err);
                    }
                    loop.execute(done);
                });
            }
            default -> {
                t.expect("connectDnsError");
                loop.tcpConnect("gone" + i + ".your.test", 80, null, ev -> {
                    if (ev instanceof DnsError) {
                        t.got("connectDnsError");
                    } else {
                        t.unexpected("connect to gone" + i, ev);
                    }
                    done.run();
                }, TcpOptions.defaults().data("queued before the lookup failed"));
            }
        }
    }
}
