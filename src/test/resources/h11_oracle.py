# h11 as an independent oracle for StrictParsingTest's table (see H11OracleTest).
#
# Reads lines "name<TAB>base64(request + canary)" from the file named by argv[1]; for each one,
# feeds the bytes at once to a fresh h11.Connection(our_role=h11.SERVER) and plays the server
# the table's evasync server is: each request read to its end is answered 200 (after a 100 if
# the client waits for one), then the next cycle starts, as long as h11 keeps the connection.
# Prints "name<TAB>answers<TAB>note" per case, where answers lists the statuses a client would
# get, comma-separated ("-" for none):
#   100   a 100 Continue, sent when h11 says the client waits for one after a request head;
#   200   a request read to its end (a Request, its body, EndOfMessage);
#   NNN   a RemoteProtocolError, with its error_status_hint; the connection ends there;
# and note says, for a person, what each answer was for and how the connection ended:
# "error: ..." (refused), "closes" (h11 keeps no connection after the last answer), or
# "waits" (h11 needs more bytes than were sent, and the client sends none; no EOF is given).
# Exits 3 with a message on stderr if h11 cannot be imported.
import base64
import sys

try:
    import h11
except ImportError as e:
    sys.stderr.write("h11 is missing for %s (%s): apt-get install python3-h11\n" % (sys.executable, e))
    sys.exit(3)


def run(data):
    conn = h11.Connection(our_role=h11.SERVER)
    conn.receive_data(data)
    answers, notes = [], []
    target = None
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as e:
            answers.append(str(e.error_status_hint))
            notes.append("error: %s" % e)
            break
        if event is h11.NEED_DATA:
            notes.append("waits")
            break
        if event is h11.PAUSED or isinstance(event, h11.ConnectionClosed):
            notes.append("closes")
            break
        if isinstance(event, h11.Request):
            target = "%s %s" % (event.method.decode("latin-1"), event.target.decode("latin-1"))
            if conn.they_are_waiting_for_100_continue:
                conn.send(h11.InformationalResponse(status_code=100, headers=[]))
                answers.append("100")
        elif isinstance(event, h11.EndOfMessage):
            conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
            conn.send(h11.EndOfMessage())
            answers.append("200")
            notes.append("200 for %r" % target)
            if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                conn.start_next_cycle()
            else:
                notes.append("closes")
                break
    return ",".join(answers) or "-", "; ".join(notes)


def main():
    out = []
    with open(sys.argv[1], "r", encoding="ascii") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            name, b64 = line.split("\t")
            answers, note = run(base64.b64decode(b64))
            out.append("%s\t%s\t%s" % (name, answers, note.replace("\t", " ").replace("\n", " ")))
    sys.stdout.write("\n".join(out) + "\n")


main()
