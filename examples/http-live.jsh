// An HTTP server answered by jshell lambdas, fetched with the loop's own client:
// bin/evasync-jshell examples/http-live.jsh
var loop = EventLoop.start()
var hits = new java.util.concurrent.atomic.AtomicInteger()
HttpHandler hello = req -> req.respond(200, Map.of("Content-Type", "text/plain"), "hello #" + hits.incrementAndGet() + " for " + req.resource())
var server = loop.httpServer("127.0.0.1", 0, hello, null)
System.out.println("http server on port " + server.port())
var r1 = loop.http(HttpRequestSpec.get("http://127.0.0.1:" + server.port() + "/first")).get(5, java.util.concurrent.TimeUnit.SECONDS)
System.out.println(r1.status() + " " + r1.bodyText())
var r2 = loop.http(HttpRequestSpec.get("http://127.0.0.1:" + server.port() + "/second")).get(5, java.util.concurrent.TimeUnit.SECONDS)
System.out.println(r2.status() + " " + r2.bodyText())
loop.closeIdleHttpConnections()
server.close()
loop.close()
System.out.println("done")
/exit
