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
    invalid, // the answer is not HTTP we can read (the connection is dropped)
    failed,  // cannot connect, or a socket error other than a close
};

// Reads one response into buffer[0, capacity): the head, then the body moved
// to follow it (chunked bodies are decoded in place). Bodies over body_limit
// bytes are drained and reported as too_large.
Reply read_message(net::Connection& connection, char* buffer, size_t capacity, size_t body_limit, Message* out);

class Client {
public:
    explicit Client(const net::Endpoint& endpoint) : m_endpoint(endpoint) {}

    // iov is at most four buffers.
    Reply exchange(const sys::IoVec* iov, int count, char* buffer, size_t capacity, size_t body_limit, Message* out);
    void reset() { m_connection.close(); }
    const net::Endpoint& endpoint() const { return m_endpoint; }

private:
    const net::Endpoint& m_endpoint;
    net::Connection m_connection;
};

} // namespace wisp
