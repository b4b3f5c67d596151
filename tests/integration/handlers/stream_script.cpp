// Test-only handler: streams what the event says, every string with its JSON
// escapes decoded.
//   "http": {"status": N, "headers": {name: value, ...}, "cookies": [...]}
//           opens an HTTP-integration stream; otherwise
//   "content_type" (default "text/plain") opens a plain one;
//   "twice": true opens it a second time right away;
//   "writes": [...] are written one by one (an empty one sends nothing);
//   "tail": the payload of the success returned at the end, or
//   "error": [type, message] of the failure returned instead.
// It answers {"writes": [true, false, ...]} as its log record: each write's result.
#include <wisp/stream.h>
#include <wisp/wisp.h>

namespace {

wisp::Str string(wisp::json::Value value, wisp::Arena& arena)
{
    wisp::Str text;
    value.get_string(arena, &text);
    return text;
}

wisp::HttpResponseHead http_head(wisp::json::Value http, wisp::Arena& arena)
{
    wisp::HttpResponseHead head;
    long long status = 200;
    http["status"].get_int(&status);
    head.status_code = static_cast<int>(status);
    head.header_count = http["headers"].size();
    auto* headers = arena.alloc_array<wisp::HttpHeader>(head.header_count);
    size_t i = 0;
    for (wisp::json::Member m : http["headers"].members())
        headers[i++] = {string(m.key, arena), string(m.value, arena)};
    head.headers = headers;
    head.cookie_count = http["cookies"].size();
    auto* cookies = arena.alloc_array<wisp::Str>(head.cookie_count);
    i = 0;
    for (wisp::json::Value cookie : http["cookies"].elements())
        cookies[i++] = string(cookie, arena);
    head.cookies = cookies;
    return head;
}

} // namespace

wisp::Outcome wisp::handle(const Invocation& inv, Arena& arena, Builder& out)
{
    json::Document document = json::Document::parse(inv.body, arena);
    if (!document.ok())
        return failure("Function.InvalidInput", json::describe(document.error()));
    json::Value event = document.root();
    json::Value http = event["http"];
    Str type = event["content_type"].exists() ? string(event["content_type"], arena) : "text/plain";
    Stream s = http.exists() ? stream_http(inv, http_head(http, arena)) : stream(inv, type);
    bool twice = false;
    if (event["twice"].get_bool(&twice) && twice)
        s = http.exists() ? stream_http(inv, {}) : stream(inv, "text/other");

    out.append("{\"writes\":[");
    for (json::Value w : event["writes"].elements())
        out.append(s.write(string(w, arena)) ? Str("true,") : Str("false,"));
    out.append("\"end\"]}");
    log(Level::info, out.view());
    if (event["error"].exists())
        return failure(string(event["error"][0], arena), string(event["error"][1], arena));
    return success(string(event["tail"], arena));
}
