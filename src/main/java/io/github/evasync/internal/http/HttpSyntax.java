package io.github.evasync.internal.http;

/**
 * The character-level grammar the request parser checks against: tokens and delimiters
 * (RFC 9110 section 5.6.2), optional whitespace, field-value control characters, hex digits,
 * request targets, and the {@code uri-host [":" port]} of a Host field (RFC 3986). Kept apart
 * from {@link RequestParser} so that the parser reads as the state machine it is; the answer's
 * header names are checked here too ({@link Exchange}).
 */
final class HttpSyntax {
    /** The token delimiters of RFC 9110 section 5.6.2, besides CTLs, SP and non-ASCII. */
    private static final String DELIMITERS = "()<>@,;:\\\"/[]?={}";

    private HttpSyntax() {
    }

    /** Whether {@code c} is optional whitespace (OWS): SP or HTAB, nothing else. */
    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether {@code b[from..to)} holds a control character other than HTAB: 0x00 to 0x1F, or DEL. */
    static boolean hasControl(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            int c = b[k] & 0xff;
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The value of the hex digit {@code c}, or -1. */
    static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    /** Whether {@code s} is a token: one or more characters, none a delimiter, CTL, SP or non-ASCII. */
    static boolean isToken(String s) {
        for (int k = 0; k < s.length(); k++) {
            if (!isTokenChar(s.charAt(k))) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Whether {@code b[from..to)} is a token. */
    static boolean isToken(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isTokenChar((char) (b[k] & 0xff))) {
                return false;
            }
        }
        return to > from;
    }

    private static boolean isTokenChar(char c) {
        return c > 32 && c < 127 && DELIMITERS.indexOf(c) < 0;
    }

    /** Whether {@code b[from..to)} may be a request target: visible ASCII only. */
    static boolean validTarget(byte[] b, int from, int to) {
        for (int k = from; k < to; k++) {
            int c = b[k] & 0xff;
            if (c <= 32 || c >= 127) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code s} is {@code uri-host [ ":" port ]} of RFC 3986: an IP literal in brackets, or
     * a reg-name (which an IPv4 address also is) of unreserved characters, sub-delims and
     * percent-encodings, possibly empty; then digits after a colon.
     */
    static boolean validHost(String s) {
        int n = s.length();
        int k = 0;
        if (n > 0 && s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (k = 1; k < close; k++) {
                char c = s.charAt(k);
                if (!isUnreserved(c) && !isSubDelim(c) && c != ':') {
                    return false;
                }
            }
            k = close + 1;
        } else {
            while (k < n && s.charAt(k) != ':') {
                char c = s.charAt(k);
                if (c == '%') {
                    if (k + 2 >= n || !isHexDigit(s.charAt(k + 1)) || !isHexDigit(s.charAt(k + 2))) {
                        return false;
                    }
                    k += 3;
                } else if (isUnreserved(c) || isSubDelim(c)) {
                    k++;
                } else {
                    return false;
                }
            }
        }
        if (k == n) {
            return true;
        }
        if (s.charAt(k) != ':') {
            return false;
        }
        for (k++; k < n; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    }

    /** Whether the comma-separated {@code headerValue} (may be null) lists {@code token}, case-insensitively. */
    static boolean hasToken(String headerValue, String token) {
        if (headerValue == null) {
            return false;
        }
        int n = headerValue.length();
        int k = 0;
        while (k <= n) {
            int comma = headerValue.indexOf(',', k);
            int e = comma < 0 ? n : comma;
            int s = k;
            while (s < e && isOws(headerValue.charAt(s))) {
                s++;
            }
            int t = e;
            while (t > s && isOws(headerValue.charAt(t - 1))) {
                t--;
            }
            if (t - s == token.length() && headerValue.regionMatches(true, s, token, 0, t - s)) {
                return true;
            }
            k = e + 1;
        }
        return false;
    }
}
