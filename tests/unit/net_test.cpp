// Endpoint parsing (the bytes of the sockaddr it builds) and one Connection
// against a real loopback listener, with the hosted layer's scripted faults.
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kit.h"
#include "unit/loopback.h"
#include "unit/sys_hosted.h"

using loopback::Listener;
using loopback::Pair;
using wisp::Str;
using wisp::net::Connection;
using wisp::net::Endpoint;
using wisp::net::Io;
using wisp::net::parse_endpoint;
namespace sys = wisp::sys;

namespace {

struct Accepted {
    const char* text;
    int family;
    unsigned port;
    unsigned char address[16]; // 4 bytes for IPv4
    Str authority;
    Str base_path;
};

const Accepted accepted[] = {
    {"127.0.0.1:9001", AF_INET, 9001, {127, 0, 0, 1}, "127.0.0.1:9001", ""},
    {"localhost:9001", AF_INET, 9001, {127, 0, 0, 1}, "localhost:9001", ""},
    {"LocalHost:1", AF_INET, 1, {127, 0, 0, 1}, "LocalHost:1", ""},
    {"0.0.0.0:65535", AF_INET, 65535, {0, 0, 0, 0}, "0.0.0.0:65535", ""},
    {"255.254.1.10:80", AF_INET, 80, {255, 254, 1, 10}, "255.254.1.10:80", ""},
    {"169.254.100.1:9001/", AF_INET, 9001, {169, 254, 100, 1}, "169.254.100.1:9001", ""},
    {"http://127.0.0.1:9001", AF_INET, 9001, {127, 0, 0, 1}, "127.0.0.1:9001", ""},
    {"127.0.0.1:9001/2018-06-01///", AF_INET, 9001, {127, 0, 0, 1}, "127.0.0.1:9001", "/2018-06-01"},
    {"[::1]:9001", AF_INET6, 9001, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "[::1]:9001", ""},
    {"[::]:9000", AF_INET6, 9000, {}, "[::]:9000", ""},
    {"[2001:db8::1]:80", AF_INET6, 80, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, "[2001:db8::1]:80",
        ""},
    {"[2001:DB8:0:0:0:0:0:Ab]:80", AF_INET6, 80, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab},
        "[2001:DB8:0:0:0:0:0:Ab]:80", ""},
    {"[1:2:3:4:5:6:7:8]:1", AF_INET6, 1, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8}, "[1:2:3:4:5:6:7:8]:1", ""},
    {"[1::]:2", AF_INET6, 2, {0, 1}, "[1::]:2", ""},
    {"[1:2:3:4:5:6:7::]:2", AF_INET6, 2, {0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0}, "[1:2:3:4:5:6:7::]:2", ""},
    {"[fe80::1:ffff]:3", AF_INET6, 3, {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff}, "[fe80::1:ffff]:3",
        ""},
    {"http://[::]:9000/.rt", AF_INET6, 9000, {}, "[::]:9000", "/.rt"},
    {"http://[::]:9000/.rt/", AF_INET6, 9000, {}, "[::]:9000", "/.rt"},
    {"http://[::]:9000/a/b//", AF_INET6, 9000, {}, "[::]:9000", "/a/b"},
};

const char* const rejected[] = {
    "",
    "http://",
    "127.0.0.1",
    "127.0.0.1:",
    "127.0.0.1:0",
    "127.0.0.1:65536",
    "127.0.0.1:99999",
    "127.0.0.1:123456",
    "127.0.0.1:90a1",
    "127.0.0.1:+80",
    "127.0.0.1:-1",
    "abc",
    "a.b.c.d:80",
    "256.1.1.1:80",
    "1.256.1.1:80",
    "1234.1.1.1:80",
    "1.2.3:80",
    "1.2.3.4.5:80",
    "1.2.3.:80",
    "1.2.3.4.:80",
    ".1.2.3:80",
    "1..2.3:80",
    "example.com:80",
    "localhost.localdomain:80",
    "my-host:9001",
    "https://127.0.0.1:9001",
    ":9001",
    "[]:1",
    "[::1]",
    "[::1]:",
    "::1:9001",
    "[::1:9001",
    "::1]:9001",
    "[1::2::3]:1",
    "[12345::]:1",
    "[1:2:3:4:5:6:7:8:9]:1",
    "[1:2:3:4:5:6:7]:1",
    "[1:2:3:4:5:6:7:8::]:1",
    "[::1:2:3:4:5:6:7:8]:1",
    "[:1]:1",
    "[1:]:1",
    "[1:::2]:1",
    "[:::]:1",
    "[::1::]:1",
    "[::1:]:1",
    "[1:2:3:4:5:6:7:8:]:1",
    "[1:2::3:4:5:6:7:8]:1",
    "[g::1]:1",
    "[::1%eth0]:1",
    "[1.2.3.4]:1",
    " 127.0.0.1:9001",
    "127.0.0.1:9001 ",
    "127.0.0.1: 9001",
    "127.0.0.1 :9001",
    "127.0.0.1:9001/a b",
    "127.0.0.1:9001\n",
    "127.0.0.1:9001\r",
    "127.0.0.1:9001/\t",
    "127.0.0.1:9001/\x7f",
    "127.0.0.1:9001/caf\xc3\xa9",
    "\x01",
};

void check_sockaddr(const Endpoint& e, const Accepted& want)
{
    CHECK_EQ(e.family, want.family);
    CHECK_EQ(e.authority, want.authority);
    CHECK_EQ(e.base_path, want.base_path);
    // sa_family in host order, the port big-endian: as the kernel reads them.
    unsigned short family;
    memcpy(&family, e.address, 2);
    CHECK_EQ(int(family), want.family);
    CHECK_EQ(unsigned(e.address[2]), want.port >> 8);
    CHECK_EQ(unsigned(e.address[3]), want.port & 0xff);
    if (want.family == AF_INET) {
        CHECK_EQ(e.address_len, unsigned(sizeof(sockaddr_in)));
        sockaddr_in sin;
        memcpy(&sin, e.address, sizeof sin);
        CHECK_EQ(int(sin.sin_family), AF_INET);
        CHECK_EQ(unsigned(ntohs(sin.sin_port)), want.port);
        CHECK(memcmp(&sin.sin_addr, want.address, 4) == 0);
        for (size_t i = 8; i < 16; ++i) // sin_zero
            CHECK_EQ(unsigned(e.address[i]), 0u);
    } else {
        CHECK_EQ(e.address_len, unsigned(sizeof(sockaddr_in6)));
        sockaddr_in6 sin6;
        memcpy(&sin6, e.address, sizeof sin6);
        CHECK_EQ(int(sin6.sin6_family), AF_INET6);
        CHECK_EQ(unsigned(ntohs(sin6.sin6_port)), want.port);
        CHECK_EQ(sin6.sin6_flowinfo, 0u);
        CHECK(memcmp(&sin6.sin6_addr, want.address, 16) == 0);
        CHECK_EQ(sin6.sin6_scope_id, 0u);
    }
}

// Reads exactly len bytes; false on EOF, error or timeout.
bool read_exactly(int fd, char* buffer, size_t len)
{
    while (len) {
        ssize_t n = ::read(fd, buffer, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buffer += n;
        len -= size_t(n);
    }
    return true;
}

void reset_faults() { sys::hosted::faults = {}; }

void fill_pattern(char* buffer, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; ++i)
        buffer[i] = char((i * 131 + seed) % 251);
}

// Reads until EOF into a malloc'd buffer: the peer of a large send.
struct Sink {
    int fd;
    size_t capacity;
    char* bytes;
    size_t len;

    static void* run(void* context)
    {
        auto* self = static_cast<Sink*>(context);
        for (;;) {
            ssize_t n = ::read(self->fd, self->bytes + self->len, self->capacity - self->len);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            self->len += size_t(n);
        }
        return nullptr;
    }
};

} // namespace

TEST(accepts_endpoints)
{
    for (const Accepted& want : accepted) {
        Endpoint e;
        if (!CHECK(parse_endpoint(Str::from_cstr(want.text), &e))) {
            fprintf(stderr, "    rejected \"%s\"\n", want.text);
            continue;
        }
        int before = kit::state().failed_checks;
        check_sockaddr(e, want);
        if (kit::state().failed_checks != before)
            fprintf(stderr, "    for \"%s\"\n", want.text);
    }
}

// RFC 4291 2.2 form 3: an IPv4-mapped address with a dotted tail.
TEST(rejects_ipv6_with_a_dotted_ipv4_tail) // a form no Runtime API uses; not worth the bytes
{
    Endpoint e;
    CHECK(!parse_endpoint("[::ffff:1.2.3.4]:1", &e));
    CHECK(!parse_endpoint("[1:2:3:4:5:6:1.2.3.4]:1", &e));
}

TEST(endpoint_views_point_into_the_value)
{
    const char* text = "http://[::]:9000/.rt/";
    Endpoint e;
    REQUIRE(parse_endpoint(Str::from_cstr(text), &e));
    CHECK(e.authority.ptr == text + 7);
    CHECK(e.base_path.ptr == text + 16);
}

TEST(rejects_endpoints)
{
    for (const char* text : rejected) {
        Endpoint e;
        if (!CHECK(!parse_endpoint(Str::from_cstr(text), &e))) {
            fprintf(stderr, "    accepted ");
            kit::show(Str::from_cstr(text));
            fputc('\n', stderr);
        }
    }
    // Bytes a C string cannot hold.
    Endpoint e;
    CHECK(!parse_endpoint(Str("127.0.0.1:9001\0", 15), &e));
    CHECK(!parse_endpoint(Str("127.0.0.1\0:9001", 15), &e));
}

TEST(rejects_values_over_1024_bytes)
{
    char text[1100];
    const char prefix[] = "127.0.0.1:9001/";
    memcpy(text, prefix, sizeof prefix - 1);
    memset(text + sizeof prefix - 1, 'a', sizeof text - (sizeof prefix - 1));
    Endpoint e;
    REQUIRE(parse_endpoint({text, 1024}, &e));
    CHECK_EQ(e.base_path.len, 1024u - 14);
    CHECK(!parse_endpoint({text, 1025}, &e));
    CHECK(!parse_endpoint({text, sizeof text}, &e));
}

TEST(connection_opens_to_nothing_listening_fails)
{
    Listener nothing(AF_INET, loopback::bound_only);
    REQUIRE(nothing.fd >= 0);
    Connection c;
    CHECK_EQ(c.open(nothing.endpoint), Io::failed);
    CHECK(!c.is_open());
    c.close(); // harmless when closed
    CHECK(!c.is_open());
}

TEST(connection_sends_iovecs_through_short_writes_and_eintr)
{
    Pair pair;
    REQUIRE(pair.open());
    Connection& c = pair.connection;
    REQUIRE(c.is_open());

    static char big[1000];
    fill_pattern(big, sizeof big, 7);
    const Str parts[] = {"POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\n", "", {big, sizeof big}, "x",
        "Content-Length: 1000\r\n\r\n"};
    sys::IoVec iov[5];
    size_t total = 0;
    for (int i = 0; i < 5; ++i) {
        iov[i] = {parts[i].ptr, parts[i].len};
        total += parts[i].len;
    }
    sys::hosted::faults.max_io = 3;
    sys::hosted::faults.eintr_next = 2;
    Io r = c.send(iov, 5);
    int eintr_left = sys::hosted::faults.eintr_next;
    reset_faults();
    CHECK_EQ(r, Io::ok);
    CHECK_EQ(eintr_left, 0); // the EINTRs were met, and retried

    char got[2048];
    REQUIRE(total <= sizeof got);
    REQUIRE(read_exactly(pair.peer, got, total));
    size_t at = 0;
    for (const Str& part : parts) {
        CHECK_EQ(Str(got + at, part.len), part);
        at += part.len;
    }
    // Nothing more was sent.
    c.close();
    char extra;
    CHECK_EQ(::read(pair.peer, &extra, 1), 0l);
}

TEST(connection_sends_megabytes_while_the_peer_reads)
{
    Pair pair;
    REQUIRE(pair.open());
    Connection& c = pair.connection;

    const size_t a_len = 3 << 20, b_len = (1 << 20) + 17;
    char* a = static_cast<char*>(malloc(a_len));
    char* b = static_cast<char*>(malloc(b_len));
    Sink sink{pair.peer, a_len + b_len + 1 + 16, static_cast<char*>(malloc(a_len + b_len + 1 + 16)), 0};
    REQUIRE(a && b && sink.bytes);
    fill_pattern(a, a_len, 1);
    fill_pattern(b, b_len, 2);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, nullptr, Sink::run, &sink) == 0);
    sys::IoVec iov[3] = {{a, a_len}, {"|", 1}, {b, b_len}};
    sys::hosted::faults.eintr_next = 1;
    CHECK_EQ(c.send(iov, 3), Io::ok);
    reset_faults();
    c.close();
    pthread_join(thread, nullptr);
    CHECK_EQ(sink.len, a_len + 1 + b_len);
    CHECK(memcmp(sink.bytes, a, a_len) == 0);
    CHECK_EQ(sink.bytes[a_len], '|');
    CHECK(memcmp(sink.bytes + a_len + 1, b, b_len) == 0);
    free(a);
    free(b);
    free(sink.bytes);
}

TEST(connection_receives_then_zero_when_the_peer_closes)
{
    Pair pair;
    REQUIRE(pair.open());
    Connection& c = pair.connection;
    REQUIRE(::write(pair.peer, "hello", 5) == 5);
    pair.close_peer();

    char buffer[64];
    sys::hosted::faults.eintr_next = 3;
    long n = c.receive(buffer, sizeof buffer);
    reset_faults();
    REQUIRE(n == 5);
    CHECK_EQ(Str(buffer, 5), Str("hello"));
    CHECK_EQ(c.receive(buffer, sizeof buffer), 0l);
    CHECK_EQ(c.receive(buffer, sizeof buffer), 0l);
}

TEST(connection_receive_after_a_reset_is_zero)
{
    Pair pair;
    REQUIRE(pair.open());
    REQUIRE(loopback::reset_on_close(pair.peer));
    pair.close_peer();
    char buffer[16];
    CHECK_EQ(pair.connection.receive(buffer, sizeof buffer), 0l);
}

TEST(connection_maps_errno)
{
    Pair pair;
    REQUIRE(pair.open());
    Connection& c = pair.connection;
    char buffer[16];
    sys::IoVec iov[1];
    const long closes[] = {sys::epipe, sys::econnreset, sys::econnaborted, sys::enotconn};
    for (long e : closes) {
        sys::hosted::faults.fail_next = e;
        CHECK_EQ(c.receive(buffer, sizeof buffer), 0l);
        sys::hosted::faults.fail_next = e;
        iov[0] = {"x", 1};
        CHECK_EQ(c.send(iov, 1), Io::closed);
    }
    sys::hosted::faults.fail_next = -EBADF;
    CHECK_EQ(c.receive(buffer, sizeof buffer), long(-EBADF));
    sys::hosted::faults.fail_next = -ENOBUFS;
    iov[0] = {"x", 1};
    CHECK_EQ(c.send(iov, 1), Io::failed);
    // EAGAIN is retried like EINTR: the byte still goes out and comes back.
    sys::hosted::faults.fail_next = sys::eagain;
    iov[0] = {"y", 1};
    CHECK_EQ(c.send(iov, 1), Io::ok);
    reset_faults();
    char got = 0;
    CHECK(read_exactly(pair.peer, &got, 1));
    CHECK_EQ(got, 'y');
    REQUIRE(::write(pair.peer, "z", 1) == 1);
    sys::hosted::faults.fail_next = sys::eagain;
    CHECK_EQ(c.receive(buffer, sizeof buffer), 1l);
    reset_faults();
    CHECK_EQ(buffer[0], 'z');
}

TEST(connection_send_to_a_closed_peer_is_closed_not_sigpipe)
{
    signal(SIGPIPE, SIG_DFL); // a send without MSG_NOSIGNAL would end the process
    for (int abortive = 0; abortive < 2; ++abortive) {
        Pair pair;
        REQUIRE(pair.open());
        if (abortive)
            loopback::reset_on_close(pair.peer);
        pair.close_peer();
        Connection& c = pair.connection;
        static char chunk[4096];
        Io r = Io::ok;
        for (int i = 0; i < 200 && r == Io::ok; ++i) {
            sys::IoVec iov[2] = {{chunk, sizeof chunk}, {"end", 3}};
            r = c.send(iov, 2);
            if (r == Io::ok)
                usleep(5000); // let the peer's RST arrive
        }
        CHECK_EQ(r, Io::closed);
    }
}

TEST(connection_over_ipv6_loopback)
{
    Pair pair(AF_INET6);
    if (pair.listener.fd < 0) {
        printf("  (no IPv6 loopback here; skipped)\n");
        return;
    }
    REQUIRE(pair.open());
    sys::IoVec iov[2] = {{"ping", 4}, {"!", 1}};
    CHECK_EQ(pair.connection.send(iov, 2), Io::ok);
    char got[5];
    REQUIRE(read_exactly(pair.peer, got, 5));
    CHECK_EQ(Str(got, 5), Str("ping!"));
}
