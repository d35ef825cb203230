package io.github.evasync.signal;

import io.github.evasync.internal.ffi.Native;
import io.github.evasync.internal.libevent.LibEvent;

import java.util.Set;

/**
 * Signal numbers of this platform, taken from its C headers through the bindings, for
 * {@code loop.signalHandler}.
 *
 * <p>Some signals belong to the JVM and are refused by {@code signalHandler}: on HotSpot for
 * Linux those are SIGSEGV, SIGBUS, SIGFPE and SIGILL (how it turns faults into exceptions and
 * deoptimizes code), SIGPIPE and SIGXFSZ (which it handles so that writes fail with an error
 * instead of killing the process), SIGQUIT (thread dumps) and SIGUSR2 (its thread
 * suspend/resume signal); SIGKILL and SIGSTOP cannot be caught at all. SIGINT, SIGTERM and SIGHUP
 * may be taken: while a handler holds them the JVM's shutdown hooks do not run for them, and
 * freeing the handler gives them back.
 */
public final class Signals {
    static {
        Native.ensureAvailable();
    }

    /** Hangup. */
    public static final int SIGHUP = LibEvent.SIGHUP();
    /** Interrupt (Ctrl-C). */
    public static final int SIGINT = LibEvent.SIGINT();
    /** Quit; the JVM's (thread dump). */
    public static final int SIGQUIT = LibEvent.SIGQUIT();
    /** Illegal instruction; the JVM's. */
    public static final int SIGILL = LibEvent.SIGILL();
    /** Trace trap. */
    public static final int SIGTRAP = LibEvent.SIGTRAP();
    /** Abort. */
    public static final int SIGABRT = LibEvent.SIGABRT();
    /** Bus error; the JVM's. */
    public static final int SIGBUS = LibEvent.SIGBUS();
    /** Floating-point exception; the JVM's. */
    public static final int SIGFPE = LibEvent.SIGFPE();
    /** Kill; cannot be caught. */
    public static final int SIGKILL = LibEvent.SIGKILL();
    /** User signal 1. */
    public static final int SIGUSR1 = LibEvent.SIGUSR1();
    /** Segmentation fault; the JVM's. */
    public static final int SIGSEGV = LibEvent.SIGSEGV();
    /** User signal 2; HotSpot's suspend/resume signal. */
    public static final int SIGUSR2 = LibEvent.SIGUSR2();
    /** Broken pipe; the JVM's. */
    public static final int SIGPIPE = LibEvent.SIGPIPE();
    /** Alarm clock. */
    public static final int SIGALRM = LibEvent.SIGALRM();
    /** Termination. */
    public static final int SIGTERM = LibEvent.SIGTERM();
    /** Child status changed. */
    public static final int SIGCHLD = LibEvent.SIGCHLD();
    /** Continue. */
    public static final int SIGCONT = LibEvent.SIGCONT();
    /** Stop; cannot be caught. */
    public static final int SIGSTOP = LibEvent.SIGSTOP();
    /** Terminal stop. */
    public static final int SIGTSTP = LibEvent.SIGTSTP();
    /** Background read from the terminal. */
    public static final int SIGTTIN = LibEvent.SIGTTIN();
    /** Background write to the terminal. */
    public static final int SIGTTOU = LibEvent.SIGTTOU();
    /** Urgent data on a socket. */
    public static final int SIGURG = LibEvent.SIGURG();
    /** CPU time limit exceeded. */
    public static final int SIGXCPU = LibEvent.SIGXCPU();
    /** File size limit exceeded; the JVM's. */
    public static final int SIGXFSZ = LibEvent.SIGXFSZ();
    /** Virtual alarm clock. */
    public static final int SIGVTALRM = LibEvent.SIGVTALRM();
    /** Profiling timer expired. */
    public static final int SIGPROF = LibEvent.SIGPROF();
    /** Window size change. */
    public static final int SIGWINCH = LibEvent.SIGWINCH();
    /** Bad system call. */
    public static final int SIGSYS = LibEvent.SIGSYS();

    private static final Set<Integer> RESERVED =
            Set.of(SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE, SIGXFSZ, SIGQUIT, SIGUSR2, SIGKILL, SIGSTOP);

    private Signals() {
    }

    /**
     * Why a handler for {@code signo} is refused, or null when it may be taken.
     *
     * @param signo a signal number
     * @return the reason, or null
     */
    public static String refusal(int signo) {
        if (signo <= 0 || signo >= 65) {
            return "signo " + signo + " is not a signal number";
        }
        if (signo == SIGKILL || signo == SIGSTOP) {
            return "signal " + signo + " cannot be caught by any process";
        }
        if (RESERVED.contains(signo)) {
            return "signal " + signo + " belongs to the JVM (it uses SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGPIPE, "
                    + "SIGXFSZ, SIGQUIT and SIGUSR2 itself); taking it could crash or hang the JVM";
        }
        return null;
    }
}
