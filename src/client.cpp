#include "client.h"

namespace wisp {

// Decoded data leaves this much of the buffer free, so the chunk-size lines
// and trailers that follow the data always have room to arrive.
constexpr size_t framing_room = 64;

// One loop reads the head, then the body: buffer[0, len) holds what has
// arrived, and every read goes to buffer[len, min(end, capacity)).
Reply read_message(net::Connection& connection, const Inbox& inbox, Message* out)
{
    // Every member starts at 0; clearing whole words is shorter than member by member.
    __builtin_memset(static_cast<void*>(out), 0, sizeof *out);
    http::Head& head = out->head; // head.length stays 0 until the head is complete
    http::ChunkedDecoder decoder;
    size_t len = 0;
    unsigned long long end = ~0ull; // a body framed by length ends there
    for (;;) {
        if (len == inbox.capacity) // the head, or the undecoded tail of a chunked body, fills the buffer
            return Reply::invalid;
        long n = connection.receive(
            inbox.buffer + len, (end < inbox.capacity ? static_cast<size_t>(end) : inbox.capacity) - len);
        if (n <= 0)
            return n ? Reply::failed : Reply::closed;
        len += static_cast<size_t>(n);
        if (!head.length) {
            http::Parse p = http::parse_head({inbox.buffer, len}, &head, inbox.visit, inbox.context);
            if (p == http::Parse::invalid)
                return Reply::invalid;
            if (p == http::Parse::partial)
                continue;
            if (head.framing != http::Framing::chunked) { // an unframed body is empty
                end = head.length + head.content_length;
                out->too_large = end > inbox.capacity;
            }
        }
        char* body = inbox.buffer + head.length;
        size_t have = len - head.length;
        if (head.framing == http::Framing::chunked) {
            size_t room = inbox.capacity - head.length;
            http::Parse p = decoder.decode(body, have, room > framing_room ? room - framing_room : 0);
            if (p == http::Parse::invalid)
                return Reply::invalid;
            if (p == http::Parse::done) {
                out->too_large = decoder.too_large(); // then size() is 0
                out->body = {body, decoder.size()};
                return Reply::ok;
            }
            // When the buffer is full and compacting would free nothing, the
            // decoded data cannot fit.
            if (len == inbox.capacity && decoder.consumed() == decoder.size())
                decoder.drop();
            len = len - have + decoder.compact(body, have);
        } else {
            if (out->too_large) { // drained: what arrived is dropped
                end -= have;
                len = head.length;
            }
            if (len >= end) {
                out->body = {body, static_cast<size_t>(end - head.length)};
                return Reply::ok;
            }
        }
    }
}

// A failed send converts straight into the Reply.
static_assert(static_cast<int>(Reply::closed) == static_cast<int>(net::Io::closed) &&
    static_cast<int>(Reply::failed) == static_cast<int>(net::Io::failed));

Reply Client::exchange(const sys::IoVec* iov, int count, const Inbox& inbox, Message* out)
{
    for (bool retried = false;; retried = true) {
        if (!m_connection.is_open() && m_connection.open(m_endpoint) != net::Io::ok)
            return Reply::failed;
        sys::IoVec pending[4];
        for (int i = 0; i < count; ++i)
            pending[i] = iov[i];
        net::Io sent = m_connection.send(pending, count);
        Reply r = sent == net::Io::ok ? read_message(m_connection, inbox, out) : static_cast<Reply>(sent);
        if (r == Reply::ok && !out->head.close)
            return r;
        m_connection.close();
        if (r != Reply::closed || retried)
            return r;
    }
}

Reply Client::send(sys::IoVec* iov, int count)
{
    net::Io sent = m_connection.is_open() ? net::Io::ok : m_connection.open(m_endpoint);
    if (sent == net::Io::ok)
        sent = m_connection.send(iov, count);
    if (sent != net::Io::ok)
        m_connection.close();
    return static_cast<Reply>(sent);
}

Reply Client::receive(const Inbox& inbox, Message* out)
{
    Reply r = read_message(m_connection, inbox, out);
    if (r != Reply::ok || out->head.close)
        m_connection.close();
    return r;
}

} // namespace wisp
