// Routes by method and path over any HTTP source (API Gateway REST or HTTP
// API, ALB, function URL) and answers JSON in the shape that source expects:
//
//   GET  /hello?name=Ada   200 {"hello":"Ada"} (the name defaults to world)
//   POST /echo             200 {"echo":<the body>} when the body is JSON (decoded
//                          first when isBase64Encoded), else 400 {"error":"Bad Request"}
//   GET  /items/ID         200 {"id":"ID"}
//
// Any other path is 404 {"error":"Not Found"}; a known path with another
// method 405 {"error":"Method Not Allowed"}, with Allow. An event that is not
// JSON, or from no HTTP source, fails with Function.InvalidEvent.
#include <wisp/events/http.h>
#include <wisp/wisp.h>

using namespace wisp;

Outcome wisp::handle(const Invocation& invocation, Arena& arena, Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    events::HttpRequest request(event.root(), arena); // a failed parse has no root: no source
    if (request.source() == events::HttpSource::none)
        return failure("Function.InvalidEvent",
            event.ok() ? Str("not an API Gateway, ALB or function URL request") : json::describe(event.error()));

    // The route, by path: its method, or Str{} when no route has this path.
    Str path = request.path();
    Str id = path.sub(7);
    enum class Route : unsigned char { none, hello, echo, item } route = Route::none;
    if (path == Str("/hello"))
        route = Route::hello;
    else if (path == Str("/echo"))
        route = Route::echo;
    else if (path.starts_with("/items/") && id.len && id.find('/') == id.len)
        route = Route::item;
    Str allow = route == Route::echo ? Str("POST") : route != Route::none ? Str("GET") : Str{};

    // The JSON answer is put together first, then sent as the response's body.
    size_t capacity = out.capacity();
    char* bytes = static_cast<char*>(arena.alloc(capacity, 1));
    Builder body(bytes, bytes ? capacity : 0);
    events::HttpStatus status = 200;
    if (route == Route::none) {
        status = 404;
    } else if (request.method() != allow) {
        status = 405;
    } else if (route == Route::hello) {
        Str name = request.query("name");
        body.append(Str("{\"hello\":")).append_json_string(name.ptr ? name : Str("world"));
    } else if (route == Route::echo) {
        Str text = request.decoded_body();
        json::Document parsed = json::Document::parse(text, arena);
        if (parsed.ok())
            body.append(Str("{\"echo\":")).append(text);
        else
            status = 400;
    } else {
        body.append(Str("{\"id\":")).append_json_string(id);
    }
    if (status.code != 200)
        body.append(Str("{\"error\":")).append_json_string(status.reason);
    body.append('}');

    events::HttpResponse response(request, out, "application/json");
    if (status.code == 405)
        response.header("Allow", allow);
    return response.send(status, body); // Function.ResponseTooLarge if body overflowed
}
