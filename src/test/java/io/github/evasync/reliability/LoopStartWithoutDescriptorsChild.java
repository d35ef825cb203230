package io.github.evasync.reliability;

import io.github.evasync.EventLoop;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link LoopStartWithoutDescriptorsTest}: with 0 to 3 descriptors left free,
 * a loop is started; each start must be refused with an exception, and the JVM must live on
 * (libevent exits the process when its base cannot make its signal socketpair).
 */
public final class LoopStartWithoutDescriptorsChild {
    private LoopStartWithoutDescriptorsChild() {
    }

    public static void main(String[] args) throws Exception {
        EventLoop.start().close(); // classes loaded and bindings linked while descriptors are plenty
        for (int free = 0; free <= 3; free++) {
            List<FileInputStream> held = new ArrayList<>();
            try {
                while (true) {
                    try {
                        held.add(new FileInputStream("/dev/null"));
                    } catch (IOException full) {
                        break;
                    }
                }
                for (int i = 0; i < free && !held.isEmpty(); i++) {
                    held.remove(held.size() - 1).close();
                }
                try {
                    EventLoop loop = EventLoop.start();
                    System.out.println("free=" + free + " started");
                    loop.close();
                } catch (IllegalStateException refused) {
                    System.out.println("free=" + free + " refused: " + refused.getMessage());
                }
            } finally {
                for (FileInputStream f : held) {
                    f.close();
                }
            }
        }
        EventLoop.run(loop -> loop.delay(() -> System.out.println("alive, and loops still start")));
    }
}
