#include "net.h"

namespace wisp::net {

// Reads up to max_digits digits in base 10 or 16 from the front of s; returns
// how many it read.
static size_t read_number(Str s, unsigned base, size_t max_digits, unsigned* out)
{
    unsigned value = 0;
    size_t n = 0;
    for (; n < s.len && n < max_digits; ++n) {
        unsigned c = s.byte(n), digit = c - '0';
        if (digit > 9) {
            digit = (c | 0x20) - 'a' + 10;
            if (base == 10 || digit < 10 || digit > 15)
                break;
        }
        value = value * base + digit;
    }
    *out = value;
    return n;
}

static bool parse_ipv4(Str s, unsigned char out[4])
{
    for (int i = 0; i < 4; ++i) {
        unsigned value;
        size_t n = read_number(s, 10, 3, &value);
        if (!n || value > 255)
            return false;
        out[i] = static_cast<unsigned char>(value);
        s = s.sub(n);
        if (i < 3) {
            if (s.empty() || s.ptr[0] != '.')
                return false;
            s = s.sub(1);
        }
    }
    return s.empty();
}

// RFC 4291 text: hex groups, at most one "::" for a run of zero groups, and
// an optional dotted IPv4 tail.
static bool parse_ipv6(Str s, unsigned char out[16])
{
    unsigned char bytes[16];
    size_t count = 0, gap = 17; // gap: where "::" stands, 17 when there is none
    if (s.starts_with("::")) {
        gap = 0;
        s = s.sub(2);
    }
    while (!s.empty()) {
        if (count <= 12 && parse_ipv4(s, bytes + count)) {
            count += 4;
            break;
        }
        unsigned value;
        size_t n = read_number(s, 16, 4, &value);
        if (!n || count == 16)
            return false;
        bytes[count++] = static_cast<unsigned char>(value >> 8);
        bytes[count++] = static_cast<unsigned char>(value);
        s = s.sub(n);
        if (s.empty())
            break;
        if (s.ptr[0] != ':' || s.len == 1)
            return false;
        s = s.sub(1);
        if (s.ptr[0] == ':') {
            if (gap != 17)
                return false;
            gap = count;
            s = s.sub(1);
        }
    }
    if (gap == 17 ? count != 16 : count > 14)
        return false;
    size_t tail = gap == 17 ? 0 : count - gap;
    __builtin_memset(out, 0, 16);
    __builtin_memcpy(out, bytes, count - tail);
    __builtin_memcpy(out + 16 - tail, bytes + count - tail, tail);
    return true;
}

bool parse_endpoint(Str value, Endpoint* out)
{
    if (value.starts_with("http://"))
        value = value.sub(7);
    for (size_t i = 0; i < value.len; ++i) {
        if (value.byte(i) <= ' ' || value.byte(i) >= 0x7f)
            return false;
    }
    size_t slash = value.find('/');
    Str authority = value.sub(0, slash), path = value.sub(slash);
    while (!path.empty() && path.ptr[path.len - 1] == '/')
        --path.len;
    size_t colon = authority.len; // the last ':' ends the host, even an IPv6 one
    while (colon && authority.ptr[colon - 1] != ':')
        --colon;
    unsigned port;
    Str port_text = authority.sub(colon);
    if (!colon || value.len > 1024 || read_number(port_text, 10, 5, &port) != port_text.len || !port || port > 65535)
        return false;
    Str host = authority.sub(0, colon - 1);

    *out = Endpoint{};
    out->authority = authority;
    out->base_path = path;
    unsigned char* a = out->address;
    if (host.len > 2 && host.ptr[0] == '[' && host.ptr[host.len - 1] == ']') {
        out->family = sys::af_inet6;
        out->address_len = 28;
        if (!parse_ipv6(host.sub(1, host.len - 2), a + 8))
            return false;
    } else {
        out->family = sys::af_inet;
        out->address_len = 16;
        if (!parse_ipv4(equals_ignore_case(host, "localhost") ? Str("127.0.0.1") : host, a + 4))
            return false;
    }
    auto family = static_cast<unsigned short>(out->family); // sa_family: host order
    __builtin_memcpy(a, &family, 2);
    a[2] = static_cast<unsigned char>(port >> 8); // sin_port: network order
    a[3] = static_cast<unsigned char>(port);
    return true;
}

static bool peer_closed(long r) { return r == sys::epipe || r == sys::econnreset || r == sys::econnaborted || r == sys::enotconn; }

Io Connection::open(const Endpoint& endpoint)
{
    close();
    long fd = sys::socket(endpoint.family, sys::sock_stream | sys::sock_cloexec, 0);
    if (sys::failed(fd))
        return Io::failed;
    m_fd = static_cast<int>(fd);
    long r;
    do
        r = sys::connect(m_fd, endpoint.address, endpoint.address_len);
    while (r == sys::eintr);
    if (sys::failed(r)) {
        close();
        return Io::failed;
    }
    int on = 1;
    sys::setsockopt(m_fd, sys::ipproto_tcp, sys::tcp_nodelay, &on, sizeof on);
    return Io::ok;
}

Io Connection::send(sys::IoVec* iov, int count)
{
    while (count > 0) {
        long r = sys::send(m_fd, iov, count);
        if (r == sys::eintr || r == sys::eagain)
            continue;
        if (sys::failed(r))
            return peer_closed(r) ? Io::closed : Io::failed;
        auto sent = static_cast<size_t>(r);
        while (count > 0 && sent >= iov->len) {
            sent -= iov->len;
            ++iov;
            --count;
        }
        if (count > 0) {
            iov->base = static_cast<const char*>(iov->base) + sent;
            iov->len -= sent;
        }
    }
    return Io::ok;
}

long Connection::receive(char* buffer, size_t capacity)
{
    for (;;) {
        long r = sys::read(m_fd, buffer, capacity);
        if (r == sys::eintr || r == sys::eagain)
            continue;
        return peer_closed(r) ? 0 : r;
    }
}

void Connection::close()
{
    if (m_fd >= 0)
        sys::close(m_fd);
    m_fd = -1;
}

} // namespace wisp::net
