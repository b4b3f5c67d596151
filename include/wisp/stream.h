// Response streaming: the answer goes out while the handler produces it, in
// constant memory however long it runs (Lambda caps a stream at 200 MB). The
// caller must invoke the function in streaming mode: InvokeWithResponseStream,
// a Function URL with invoke mode RESPONSE_STREAM, or an API Gateway streaming
// integration.
//
//   wisp::Outcome wisp::handle(const Invocation& inv, Arena&, Builder&)
//   {
//       wisp::Stream s = wisp::stream(inv, "text/plain");
//       s.write("hello, ");
//       s.write("world\n");
//       return success({}); // ends the stream
//   }
//
// The Outcome the handler returns ends the stream. Success sends its payload,
// when there is one, as the last chunk (its content type is checked as for
// any success, but not sent: the stream's went first). Failure ends the stream with the trailers
// Lambda-Runtime-Function-Error-Type and Lambda-Runtime-Function-Error-Body
// (the base64 of {"errorMessage","errorType","stackTrace":[]}); what was
// written before stays delivered. A handler that never calls stream() or
// stream_http() answers as usual, and only a handler that calls one of them
// links the code behind this header.
#pragma once

#include <wisp/handler.h>

namespace wisp {

// A handle on the invocation's response stream; copies share the stream.
class Stream {
public:
    // Sends bytes as one chunk at once, without copying them (empty bytes send
    // nothing). False when the stream is broken: the connection to the Runtime
    // API failed, which is logged once; from then on every write is dropped and
    // returns false, and the invocation stays unanswered (Lambda reports it).
    // Also false, sending nothing, when the stream can only fail (see below),
    // and after the handler returned.
    bool write(Str bytes) const;
    // False once a write would be dropped.
    bool ok() const;

private:
    friend Stream stream(const Invocation&, Str);
    explicit Stream(const Invocation& inv) : m_inv(&inv) { }
    const Invocation* m_inv;
};

// Starts streaming the response to inv with the given content type (1-256
// printable ASCII bytes; another one fails the stream at its end with
// Runtime.InvalidContentType and drops the writes). Called again during the
// same invocation, it returns the stream already open and sends nothing.
Stream stream(const Invocation& inv, Str content_type = "application/octet-stream");

// HTTP integrations (Function URL RESPONSE_STREAM, API Gateway streaming):
// the status, headers and cookies the client receives.
struct HttpHeader {
    Str name;
    Str value;
};
struct HttpResponseHead {
    int status_code = 200;
    const HttpHeader* headers = nullptr;
    size_t header_count = 0;
    const Str* cookies = nullptr; // Set-Cookie values
    size_t cookie_count = 0;
};

// Starts the stream of an HTTP integration: content type
// application/vnd.awslambda.http-integration-response, then the JSON prelude
// {"statusCode":N,"headers":{...},"cookies":[...]} and 8 NUL bytes, after
// which every write is the body the client receives. A prelude over 256 KiB
// fails the stream with Runtime.HttpPreludeTooLarge and drops the writes.
//
//   wisp::HttpHeader headers[] = {{"content-type", "text/html"}};
//   wisp::Stream s = wisp::stream_http(inv, {.status_code = 200, .headers = headers, .header_count = 1});
//   s.write("<p>hello</p>");
Stream stream_http(const Invocation& inv, const HttpResponseHead& head);

} // namespace wisp
