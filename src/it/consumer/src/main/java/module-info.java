/** A user's module that needs evasync. */
module consumer {
    requires io.github.evasync;
}
