#include "net.h"

namespace wisp::net {

static bool parse_decimal(Str text, unsigned max, unsigned* out)
{
    unsigned value = 0;
    if (text.empty() || text.len > 5)
        return false;
    for (size_t i = 0; i < text.len; ++i) {
        unsigned digit = text.byte(i) - unsigned('0');
        if (digit > 9)
            return false;
        value = value * 10 + digit;
    }
    *out = value;
    return value <= max;
}

static bool parse_ipv4(Str text, unsigned char out[4])
{
    for (int part = 0; part < 4; ++part) {
        size_t dot = text.find('.');
        unsigned value;
        if ((part < 3) == (dot == text.len) || dot > 3 || !parse_decimal(text.sub(0, dot), 255, &value))
            return false;
        out[part] = static_cast<unsigned char>(value);
        text = text.sub(dot + 1);
    }
    return true;
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

// RFC 4291 text: hex groups, at most one "::" for a run of zero groups, and
// an optional dotted IPv4 tail.
static bool parse_ipv6(Str text, unsigned char out[16])
{
    unsigned char bytes[16];
    size_t count = 0; // bytes parsed
    size_t gap = 17;  // where "::" stands, 17 when there is none
    size_t i = 0;
    if (text.starts_with("::")) {
        gap = 0;
        i = 2;
    }
    while (i < text.len) {
        Str rest = text.sub(i);
        if (rest.find('.') < rest.find(':')) {
            if (count > 12 || !parse_ipv4(rest, bytes + count))
                return false;
            count += 4;
            break;
        }
        unsigned value = 0;
        size_t digits = 0;
        for (int d; i < text.len && (d = hex_digit(text.byte(i))) >= 0; ++i, ++digits)
            value = value * 16 + unsigned(d);
        if (digits == 0 || digits > 4 || count == 16)
            return false;
        bytes[count++] = static_cast<unsigned char>(value >> 8);
        bytes[count++] = static_cast<unsigned char>(value);
        if (i == text.len)
            break;
        if (text.ptr[i] != ':' || ++i == text.len)
            return false;
        if (text.ptr[i] == ':') {
            if (gap != 17)
                return false;
            gap = count;
            ++i;
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

static void store_u16(unsigned char* at, unsigned value, bool big_endian)
{
    unsigned short v = static_cast<unsigned short>(value);
    if (big_endian) {
        at[0] = static_cast<unsigned char>(v >> 8);
        at[1] = static_cast<unsigned char>(v);
    } else {
        __builtin_memcpy(at, &v, 2); // sa_family is in host order
    }
}

bool parse_endpoint(Str value, Endpoint* out, Str* why)
{
    if (value.starts_with("http://"))
        value = value.sub(7);
    else if (value.find(':') < value.len && value.sub(value.find(':')).starts_with("://")) {
        *why = "only http:// is supported";
        return false;
    }
    size_t slash = value.find('/');
    Str authority = value.sub(0, slash);
    Str path = value.sub(slash);
    while (!path.empty() && path.ptr[path.len - 1] == '/')
        --path.len;
    for (size_t i = 0; i < path.len; ++i) {
        if (path.byte(i) <= ' ' || path.byte(i) >= 0x7f) {
            *why = "the base path has spaces or control characters";
            return false;
        }
    }

    Str host = authority;
    Str port;
    if (host.starts_with("[")) {
        size_t close = host.find(']');
        if (close == host.len) {
            *why = "unclosed [ in the IPv6 address";
            return false;
        }
        port = host.sub(close + 1);
        host = host.sub(1, close - 1);
        if (!port.starts_with(":")) {
            *why = "missing :port";
            return false;
        }
        port = port.sub(1);
    } else {
        size_t colon = host.find(':');
        if (colon == host.len) {
            *why = "missing :port";
            return false;
        }
        port = host.sub(colon + 1);
        host = host.sub(0, colon);
    }
    unsigned port_number;
    if (!parse_decimal(port, 65535, &port_number) || port_number == 0) {
        *why = "the port is not a number from 1 to 65535";
        return false;
    }

    *out = Endpoint{};
    unsigned char* a = out->address;
    if (authority.starts_with("[")) {
        out->family = sys::af_inet6;
        out->address_len = 28;
        if (!parse_ipv6(host, a + 8)) {
            *why = "not an IPv6 address";
            return false;
        }
    } else {
        out->family = sys::af_inet;
        out->address_len = 16;
        if (equals_ignore_case(host, "localhost")) {
            host = "127.0.0.1";
        }
        if (!parse_ipv4(host, a + 4)) {
            *why = "the host is neither an IP address nor localhost (no DNS here)";
            return false;
        }
    }
    store_u16(a, unsigned(out->family), false);
    store_u16(a + 2, port_number, true);
    out->authority = authority;
    out->base_path = path;
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
