#include "net.h"

namespace wisp::net {

// A number of 1 to max_digits digits at *p, at most limit; advances *p.
static bool take_number(const char** p, const char* end, unsigned base, size_t max_digits, unsigned long long limit,
    unsigned long long* out)
{
    size_t n = read_number({*p, static_cast<size_t>(end - *p)}, base, max_digits, out);
    *p += n;
    return n && *out <= limit;
}

static bool parse_ipv4(const char* p, const char* end, unsigned char out[4])
{
    for (int i = 0; i < 4; ++i) {
        unsigned long long value;
        if ((i && (p == end || *p++ != '.')) || !take_number(&p, end, 10, 3, 255, &value))
            return false;
        out[i] = static_cast<unsigned char>(value);
    }
    return p == end;
}

// RFC 4291 text: hex groups, at most one "::" for a run of zero groups (the
// dotted IPv4 tail form is not accepted).
static bool parse_ipv6(const char* p, const char* end, unsigned char out[16])
{
    unsigned char bytes[16];
    size_t count = 0, gap = 17; // gap: where "::" stands, 17 when there is none
    if (end - p >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 0;
        p += 2;
    }
    while (p < end) {
        unsigned long long value;
        if (count == 16 || !take_number(&p, end, 16, 4, 0xffff, &value))
            return false;
        bytes[count++] = static_cast<unsigned char>(value >> 8);
        bytes[count++] = static_cast<unsigned char>(value);
        if (p == end)
            break;
        if (*p++ != ':' || p == end)
            return false;
        if (*p == ':') {
            if (gap != 17)
                return false;
            gap = count;
            ++p;
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
    const char* p = value.ptr;
    const char* end = value.end();
    if (value.starts_with("http://"))
        p += 7;
    if (end - p > 1024)
        return false;
    for (const char* c = p; c < end; ++c) {
        if (static_cast<unsigned char>(*c) <= ' ' || static_cast<unsigned char>(*c) >= 0x7f)
            return false;
    }
    const char* slash = p;
    while (slash < end && *slash != '/')
        ++slash;
    while (end > slash && end[-1] == '/')
        --end;
    const char* port_at = slash; // after the last ':' of the authority, even an IPv6 one
    while (port_at > p && port_at[-1] != ':')
        --port_at;
    const char* q = port_at;
    unsigned long long port;
    if (port_at == p || !take_number(&q, slash, 10, 5, 65535, &port) || q != slash || !port)
        return false;

    *out = Endpoint{};
    out->authority = {p, static_cast<size_t>(slash - p)};
    out->base_path = {slash, static_cast<size_t>(end - slash)};
    const char* host_end = port_at - 1;
    unsigned char* a = out->address;
    if (host_end - p > 2 && *p == '[' && host_end[-1] == ']') {
        out->family = sys::af_inet6;
        out->address_len = 28;
        if (!parse_ipv6(p + 1, host_end - 1, a + 8))
            return false;
    } else {
        out->family = sys::af_inet;
        out->address_len = 16;
        if (equals_ignore_case({p, static_cast<size_t>(host_end - p)}, "localhost")) {
            a[4] = 127;
            a[7] = 1;
        } else if (!parse_ipv4(p, host_end, a + 4)) {
            return false;
        }
    }
    auto family = static_cast<unsigned short>(out->family); // sa_family: host order
    __builtin_memcpy(a, &family, 2);
    a[2] = static_cast<unsigned char>(port >> 8); // sin_port: network order
    a[3] = static_cast<unsigned char>(port);
    return true;
}

static bool peer_closed(long r)
{
    return r == sys::epipe || r == sys::econnreset || r == sys::econnaborted || r == sys::enotconn;
}

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
