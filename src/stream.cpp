// Response streaming (include/wisp/stream.h): a chunked POST of /response
// whose head goes out when the handler opens the stream, each write one chunk,
// and whose end finish_stream sends once the handler has returned.
#include <wisp/base64.h>
#include <wisp/stream.h>

#include "runtime.h"

namespace wisp {

namespace {

// The stream of the invocation running now. One at a time: the loop runs one
// handler at a time.
struct State {
    Loop* loop;     // the Loop whose invocation streams; null when none does
    bool broken;    // the connection failed: nothing more is sent
    Str fault_type; // set when the stream can only end in this failure
    Str fault_text;
};
constinit State g_stream{};

bool is_streaming(const Invocation& inv) { return g_stream.loop == &Loop::of(inv); }

// Sends data as one chunk (no chunk at all when it is empty), then `after`:
// one sendmsg of [size line][data][after], data never copied.
bool send_chunk(Loop& loop, Str data, Str after)
{
    char line[18]; // up to 16 hex digits, CRLF
    size_t at = 16;
    line[16] = '\r';
    line[17] = '\n';
    for (size_t n = data.len; n; n >>= 4)
        line[--at] = "0123456789abcdef"[n & 15];
    sys::IoVec iov[3] = {{line + at, sizeof line - at}, {data.ptr, data.len}, {after.ptr, after.len}};
    bool whole = !data.empty();
    if (loop.client.send(whole ? iov : iov + 2, whole ? 3 : 1) == Reply::ok)
        return true;
    g_stream.broken = true;
    log(Level::error, "response stream lost: later writes are dropped, the invocation stays unanswered");
    return false;
}

// The terminal chunk with the failure in its trailers.
bool send_failure(Loop& loop, Str type, Str text)
{
    char* requests = loop.requests();
    error_document(requests, type, text);
    // Bounded: a 256-byte type and the base64 of a document of at most
    // (8192 + 256) * 6 + 64 bytes fit in a quarter of the region.
    Builder end(requests + Layout::requests / 4, Layout::requests / 4);
    end.append("0\r\nLambda-Runtime-Function-Error-Type: ").append(type);
    base64::encode(end.append("\r\nLambda-Runtime-Function-Error-Body: "), text).append("\r\n\r\n");
    if (end.overflowed())
        cannot_happen();
    return send_chunk(loop, {}, end.view());
}

void set_fault(Str type, Str text)
{
    g_stream.fault_type = type;
    g_stream.fault_text = text;
}

} // namespace

bool Stream::ok() const { return is_streaming(*m_inv) && !g_stream.broken && g_stream.fault_type.empty(); }

bool Stream::write(Str bytes) const
{
    if (!ok())
        return false;
    return bytes.empty() || send_chunk(Loop::of(*m_inv), bytes, "\r\n");
}

Stream stream(const Invocation& inv, Str content_type)
{
    Loop& loop = Loop::of(inv);
    if (is_streaming(inv)) {
        log(Level::warn, "response stream already open");
        return Stream(inv);
    }
    g_stream = {&loop, false, {}, {}};
    // The head goes where post() builds its heads: in the second quarter of
    // the requests region.
    Builder head(loop.requests() + Layout::requests / 4, Layout::requests / 4);
    head.append("POST ").append(loop.client.endpoint().base_path).append("/2018-06-01/runtime/invocation/");
    head.append(inv.request_id).append("/response HTTP/1.1\r\nHost: ").append(loop.client.endpoint().authority);
    head.append("\r\nLambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n"
                "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body");
    if (is_header_value(content_type, 256))
        head.append("\r\nContent-Type: ").append(content_type);
    else
        set_fault("Runtime.InvalidContentType", "content type not 1-256 printable ASCII bytes");
    if (is_header_value(inv.invocation_id, 128)) // echoed back: never a broken header
        head.append("\r\nLambda-Runtime-Invocation-Id: ").append(inv.invocation_id);
    head.append("\r\n\r\n");
    if (head.overflowed()) // every part has a bound
        cannot_happen();
    send_chunk(loop, {}, head.view());
    return Stream(inv);
}

Stream stream_http(const Invocation& inv, const HttpResponseHead& head)
{
    bool opened = is_streaming(inv);
    Stream s = stream(inv, "application/vnd.awslambda.http-integration-response");
    if (opened || !s.ok())
        return s;
    // In the second half of the requests region, free until the stream ends.
    Builder prelude(Loop::of(inv).requests() + Layout::requests / 2, Layout::requests / 2);
    prelude.append("{\"statusCode\":").append_int(head.status_code).append(",\"headers\":{");
    for (size_t i = 0; i < head.header_count; ++i) {
        prelude.append(Str(",", i ? 1 : 0)).append_json_string(head.headers[i].name).append(':');
        prelude.append_json_string(head.headers[i].value);
    }
    prelude.append("},\"cookies\":[");
    for (size_t i = 0; i < head.cookie_count; ++i)
        prelude.append(Str(",", i ? 1 : 0)).append_json_string(head.cookies[i]);
    // The 8 NUL bytes end the prelude.
    prelude.append("]}").append(Str("\0\0\0\0\0\0\0\0", 8));
    if (prelude.overflowed())
        set_fault("Runtime.HttpPreludeTooLarge", "HTTP response prelude over 256 KiB");
    else
        s.write(prelude.view());
    return s;
}

// Ends the stream with the handler's outcome, then reads the API's answer.
// A broken stream ends nothing: the loop goes on to /next on a new connection.
int finish_stream(Loop& loop, const Outcome& outcome)
{
    if (g_stream.loop != &loop)
        return -1;
    g_stream.loop = nullptr;
    if (g_stream.broken)
        return static_cast<int>(Verdict::go_on);
    Outcome end = g_stream.fault_type.empty() ? outcome : failure(g_stream.fault_type, g_stream.fault_text);
    // A success ends with its payload as the last chunk and the terminal chunk ("0", no trailers).
    bool sent = end.status == Status::success
        ? send_chunk(loop, end.text, Str("\r\n0\r\n\r\n").sub(end.text.empty() ? 2 : 0))
        : send_failure(loop, end.type, end.text);
    if (!sent)
        return static_cast<int>(Verdict::go_on);
    Message& answer = loop.message;
    Reply reply = loop.client.receive({loop.answer(), Layout::answer, nullptr, nullptr}, &answer);
    if (reply == Reply::closed) { // as for a broken write: /next reconnects, or finds the API gone
        log(Level::error, "connection lost awaiting the answer to a stream");
        return static_cast<int>(Verdict::go_on);
    }
    Verdict verdict = judge(loop, reply, 202, "/response");
    return static_cast<int>(verdict == Verdict::stop ? Verdict::stop : Verdict::go_on);
}

} // namespace wisp
