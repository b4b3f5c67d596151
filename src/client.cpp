#include "client.h"

namespace wisp {

static Reply read_more(net::Connection& connection, char* at, size_t room, size_t* len)
{
    long n = connection.receive(at, room);
    if (n == 0)
        return Reply::closed;
    if (n < 0)
        return Reply::failed;
    *len += static_cast<size_t>(n);
    return Reply::ok;
}

static Reply read_length_body(net::Connection& connection, char* body, size_t have, size_t room, Message* out)
{
    unsigned long long length = out->head.content_length;
    if (length <= room) {
        while (have < length) {
            Reply r = read_more(connection, body + have, static_cast<size_t>(length) - have, &have);
            if (r != Reply::ok)
                return r;
        }
        out->body = {body, static_cast<size_t>(length)};
        return Reply::ok;
    }
    out->too_large = true;
    if (!room) // the head filled the buffer: nowhere to drain into
        return Reply::invalid;
    for (unsigned long long left = length - (have < length ? have : length); left;) {
        size_t got = 0;
        Reply r = read_more(connection, body, left < room ? static_cast<size_t>(left) : room, &got);
        if (r != Reply::ok)
            return r;
        left -= got;
    }
    return Reply::ok;
}

// Decoded data leaves this much of the buffer free, so the chunk-size lines
// and trailers that follow the data always have room to arrive.
constexpr size_t framing_room = 64;

static Reply read_chunked_body(net::Connection& connection, char* body, size_t have, size_t room, Message* out)
{
    http::ChunkedDecoder decoder;
    for (;;) {
        http::Parse p = decoder.decode(body, have, room > framing_room ? room - framing_room : 0);
        if (p == http::Parse::done)
            break;
        if (p == http::Parse::invalid)
            return Reply::invalid;
        if (have == room)
            have = decoder.compact(body, have);
        if (have == room && !decoder.too_large()) { // decoded data fills the buffer: it cannot fit
            decoder.drop();
            have = decoder.compact(body, have);
        }
        if (have == room) // the undecoded tail alone fills the buffer
            return Reply::invalid;
        Reply r = read_more(connection, body + have, room - have, &have);
        if (r != Reply::ok)
            return r;
    }
    out->too_large = decoder.too_large();
    out->body = out->too_large ? Str() : Str(body, decoder.size());
    return Reply::ok;
}

Reply read_message(net::Connection& connection, const Inbox& inbox, Message* out)
{
    char* buffer = inbox.buffer;
    size_t capacity = inbox.capacity;
    *out = Message{};
    size_t len = 0;
    for (;;) {
        if (len == capacity)
            return Reply::invalid; // a head larger than the whole buffer
        Reply r = read_more(connection, buffer + len, capacity - len, &len);
        if (r != Reply::ok)
            return r;
        http::Parse p = http::parse_head({buffer, len}, &out->head, inbox.visit, inbox.context);
        if (p == http::Parse::invalid)
            return Reply::invalid;
        if (p == http::Parse::done)
            break;
    }
    size_t head_end = out->head.length;
    char* body = buffer + head_end;
    size_t have = len - head_end, room = capacity - head_end;
    switch (out->head.framing) {
    case http::Framing::length: return read_length_body(connection, body, have, room, out);
    case http::Framing::chunked: return read_chunked_body(connection, body, have, room, out);
    case http::Framing::none: break; // the Runtime API frames every body; treat an unframed one as empty
    }
    return Reply::ok;
}

Reply Client::exchange(const sys::IoVec* iov, int count, const Inbox& inbox, Message* out)
{
    Reply r = Reply::closed;
    for (int attempt = 0; attempt < 2 && r == Reply::closed; ++attempt) {
        if (!m_connection.is_open() && m_connection.open(m_endpoint) != net::Io::ok)
            return Reply::failed;
        sys::IoVec pending[4];
        for (int i = 0; i < count; ++i)
            pending[i] = iov[i];
        net::Io sent = m_connection.send(pending, count);
        if (sent == net::Io::failed)
            r = Reply::failed;
        else
            r = sent == net::Io::closed ? Reply::closed : read_message(m_connection, inbox, out);
        if (r != Reply::ok || out->head.close)
            m_connection.close();
    }
    return r;
}

} // namespace wisp
