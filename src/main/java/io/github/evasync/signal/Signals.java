package io.github.evasync.signal;

import java.util.Set;

/**
 * Signal numbers for {@code loop.signalHandler}: Linux's values (those of x86-64, arm64 and most
 * other Linux architectures), the only system evasync runs on for now. They are compile-time
 * constants, so reading one needs no native library.
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
    /** Hangup. */
    public static final int SIGHUP = 1;
    /** Interrupt (Ctrl-C). */
    public static final int SIGINT = 2;
    /** Quit; the JVM's (thread dump). */
    public static final int SIGQUIT = 3;
    /** Illegal instruction; the JVM's. */
    public static final int SIGILL = 4;
    /** Trace trap. */
    public static final int SIGTRAP = 5;
    /** Abort. */
    public static final int SIGABRT = 6;
    /** Bus error; the JVM's. */
    public static final int SIGBUS = 7;
    /** Floating-point exception; the JVM's. */
    public static final int SIGFPE = 8;
    /** Kill; cannot be caught. */
    public static final int SIGKILL = 9;
    /** User signal 1. */
    public static final int SIGUSR1 = 10;
    /** Segmentation fault; the JVM's. */
    public static final int SIGSEGV = 11;
    /** User signal 2; HotSpot's suspend/resume signal. */
    public static final int SIGUSR2 = 12;
    /** Broken pipe; the JVM's. */
    public static final int SIGPIPE = 13;
    /** Alarm clock. */
    public static final int SIGALRM = 14;
    /** Termination. */
    public static final int SIGTERM = 15;
    /** Child status changed. */
    public static final int SIGCHLD = 17;
    /** Continue. */
    public static final int SIGCONT = 18;
    /** Stop; cannot be caught. */
    public static final int SIGSTOP = 19;
    /** Terminal stop. */
    public static final int SIGTSTP = 20;
    /** Background read from the terminal. */
    public static final int SIGTTIN = 21;
    /** Background write to the terminal. */
    public static final int SIGTTOU = 22;
    /** Urgent data on a socket. */
    public static final int SIGURG = 23;
    /** CPU time limit exceeded. */
    public static final int SIGXCPU = 24;
    /** File size limit exceeded; the JVM's. */
    public static final int SIGXFSZ = 25;
    /** Virtual alarm clock. */
    public static final int SIGVTALRM = 26;
    /** Profiling timer expired. */
    public static final int SIGPROF = 27;
    /** Window size change. */
    public static final int SIGWINCH = 28;
    /** Bad system call. */
    public static final int SIGSYS = 31;

    /** Linux's NSIG: signal numbers run from 1 to 64 (the real-time ones end at 64). */
    private static final int NSIG = 65;

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
        if (signo <= 0 || signo >= NSIG) {
            return "signo " + signo + " is not a signal number";
        }
        if (signo == 32 || signo == 33) {
            // Between the standard signals and SIGRTMIN: glibc's and musl's threads use these
            // themselves, and sigaction refuses them (EINVAL).
            return "signal " + signo + " is reserved by the C library for its threads";
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
