// One request/response exchange with the Runtime API over a kept-alive
// connection. A connection that closes before the answer is complete is
// reopened once and the whole exchange repeated.
#pragma once

#include "http.h"
#include "net.h"

namespace wisp {

struct Message {
    http::Head head;
    Str body;
    bool too_large = false; // the body did not fit: it was read and dropped
};

enum class Reply : unsigned char {
    ok,
    closed,  // the connection closed again after reconnecting
    failed,  // cannot connect, or a socket error other than a close
    invalid, // the answer is not HTTP we can read (the connection is dropped)
};

// Where an answer goes: buffer[0, capacity) holds the head, then the body
// (chunked bodies decoded in place, keeping 64 bytes free for their framing).
// A body that does not fit is drained and reported as too_large. Each header is handed to visit (when not null).
struct Inbox {
    char* buffer;
    size_t capacity;
    http::HeaderVisitor visit;
    void* context;
};

Reply read_message(net::Connection& connection, const Inbox& inbox, Message* out);

class Client {
public:
    explicit Client(const net::Endpoint& endpoint) : m_endpoint(endpoint) { }

    // iov is at most four buffers.
    Reply exchange(const sys::IoVec* iov, int count, const Inbox& inbox, Message* out);
    // The two halves of an exchange, for a request whose body goes out piece
    // by piece (a streamed response), with no retry: send() opens the
    // connection when it is closed; either closes it on failure, and
    // receive() also when the answer asks for that.
    Reply send(sys::IoVec* iov, int count);
    Reply receive(const Inbox& inbox, Message* out);
    void reset() { m_connection.close(); }
    const net::Endpoint& endpoint() const { return m_endpoint; }

private:
    net::Connection m_connection; // first: its address is the object's
    const net::Endpoint& m_endpoint;
};

} // namespace wisp
