#include "net.h"

namespace wisp::net {

// What parse_groups reads: numbers of 1 to max_digits digits, one byte each
// (two, big-endian, when wide), between separators. A port is one number: no
// printable byte is its separator.
struct Kind {
    unsigned char base, max_digits, separator, wide;
};
constexpr Kind ipv4_byte{10, 3, '.', 0}, ipv6_group{16, 4, ':', 1}, port_number{10, 5, 0, 1};

// Stores the numbers of [p, end) at out and returns how many bytes that took
// (0 for an empty text), or more than 16 when the text is not such a list or
// needs more than 16 bytes.
static size_t parse_groups(const char* p, const char* end, unsigned char* out, const Kind* kind)
{
    size_t n = 0;
    if (p >= end)
        return 0;
    for (;;) {
        unsigned long long value;
        size_t digits = read_number({p, static_cast<size_t>(end - p)}, kind->base, kind->max_digits, &value);
        p += digits;
        unsigned wide = kind->wide;
        if (!digits || value >> (8 + 8 * wide))
            return 99;
        // The high byte first; a narrow number's low byte then takes its place.
        out[n] = static_cast<unsigned char>(value >> 8);
        n += wide;
        out[n++] = static_cast<unsigned char>(value);
        if (p == end)
            return n;
        if (n == 16 || *p++ != kind->separator)
            return 99;
    }
}

// "::" at p, both bytes read at once.
static bool is_double_colon(const char* p)
{
    unsigned short two;
    __builtin_memcpy(&two, p, 2);
    return two == (':' << 8 | ':');
}

// [p, end) is "localhost" in any case: all its bytes are letters, so setting
// the case bit of the text's byte decides.
static bool is_localhost(const char* p, const char* end)
{
    if (end - p != 9)
        return false;
    for (int i = 0; i < 9; ++i)
        if ((p[i] | 0x20) != "localhost"[i])
            return false;
    return true;
}

// Not cloned for main's one static Endpoint: absolute addresses make the copy bigger.
[[gnu::noclone]] bool parse_endpoint(Str value, Endpoint* out)
{
    const char* p = value.ptr;
    const char* end = value.end();
    if (value.starts_with("http://"))
        p += 7;
    if (end - p > 1024)
        return false;
    // One pass from the back: every byte printable, the first '/' and the
    // last ':' before it (the port's, even after an IPv6 literal).
    const char* slash = end;
    const char* colon = nullptr;
    for (const char* c = end; c-- > p;) {
        if (static_cast<unsigned char>(*c) <= ' ' || static_cast<unsigned char>(*c) >= 0x7f)
            return false;
        if (*c == '/') {
            if (c + 1 == end) // trailing slashes are not part of the base path
                end = c;
            slash = c;
            colon = nullptr;
        }
        if (*c == ':' && !colon)
            colon = c;
    }
    if (!colon)
        return false;

    *out = Endpoint{};
    out->authority = {p, static_cast<size_t>(slash - p)};
    out->base_path = {slash, static_cast<size_t>(end - slash)};
    unsigned char* a = out->address;
    unsigned short port; // sin_port: network order
    if (parse_groups(colon + 1, slash, a + 2, &port_number) != 2 || (__builtin_memcpy(&port, a + 2, 2), !port))
        return false;
    const char* host_end = colon;
    bool ipv6 = *p == '[' && host_end[-1] == ']';
    out->family = ipv6 ? sys::af_inet6 : sys::af_inet;
    out->address_len = ipv6 ? 28 : 16;
    auto family = static_cast<unsigned short>(out->family); // sa_family: host order
    __builtin_memcpy(a, &family, 2);
    if (ipv6) {
        // RFC 4291 text: the groups before the first "::" go to the front of
        // sin6_addr, those after it to the back, zeros between (at least one
        // group); without "::" there are eight. The dotted IPv4 tail form is
        // not accepted.
        const char* gap = ++p;
        --host_end;
        while (gap < host_end && !is_double_colon(gap)) // reads at most the ']'
            ++gap;
        unsigned char tail[16];
        size_t head_len = parse_groups(p, gap, a + 8, &ipv6_group);
        size_t tail_len = parse_groups(gap + 2, host_end, tail, &ipv6_group); // none without a gap
        if (gap < host_end ? head_len + tail_len > 14 : head_len != 16)
            return false;
        __builtin_memcpy(a + 24 - tail_len, tail, tail_len);
    } else {
        if (is_localhost(p, host_end)) {
            constexpr unsigned loopback = 127 | 1u << 24; // 127.0.0.1 on these little-endian CPUs
            __builtin_memcpy(a + 4, &loopback, 4);
        } else if (parse_groups(p, host_end, a + 4, &ipv4_byte) != 4) {
            return false;
        }
    }
    return true;
}

static bool peer_closed(long r)
{
    // ENOTCONN, ECONNRESET and ECONNABORTED are close together: one bit test.
    constexpr unsigned long near =
        1 | 1 << (sys::econnreset - sys::enotconn) | 1 << (sys::econnaborted - sys::enotconn);
    auto from = static_cast<unsigned long>(r - sys::enotconn);
    return r == sys::epipe || (from < 8 && (near >> from) & 1);
}

Io Connection::open(const Endpoint& endpoint)
{
    if (is_open()) // folds away where the caller checked
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
