// The cold-start yardstick for tools/bench.py: the least a Lambda runtime can
// do before it waits for its first event. It reads AWS_LAMBDA_RUNTIME_API
// (an IPv4 literal a.b.c.d:port, nothing else), connects, sends the
// GET .../invocation/next request head and blocks in read() until the peer
// closes; then it exits. No handler, no parsing of the answer, no memory map.
// Built with the same flags, linker script and arch layer as the bootstraps.
#include "sys.h"

#include <start.h>

namespace {

constexpr char variable[] = "AWS_LAMBDA_RUNTIME_API=";
constexpr char request_line[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: ";
constexpr size_t max_value = 64;

size_t length(const char* s)
{
    size_t n = 0;
    while (s[n])
        ++n;
    return n;
}

// The value of AWS_LAMBDA_RUNTIME_API, or null.
const char* find_api(char** envp)
{
    for (; *envp; ++envp) {
        const char* entry = *envp;
        size_t i = 0;
        while (variable[i] && entry[i] == variable[i])
            ++i;
        if (!variable[i])
            return entry + i;
    }
    return nullptr;
}

// a.b.c.d:port into a struct sockaddr_in (16 bytes); false when malformed.
bool parse(const char* s, unsigned char address[16])
{
    for (int i = 0; i < 16; ++i)
        address[i] = 0;
    address[0] = static_cast<unsigned char>(wisp::sys::af_inet); // sin_family, little-endian
    for (int part = 0; part < 5; ++part) {
        unsigned value = 0, digits = 0;
        for (; *s >= '0' && *s <= '9' && digits < 5; ++s, ++digits)
            value = value * 10 + static_cast<unsigned>(*s - '0');
        if (!digits)
            return false;
        if (part < 4) {
            if (value > 255 || *s++ != (part < 3 ? '.' : ':'))
                return false;
            address[4 + part] = static_cast<unsigned char>(value);
        } else {
            if (*s || !value || value > 65535)
                return false;
            address[2] = static_cast<unsigned char>(value >> 8); // sin_port, network order
            address[3] = static_cast<unsigned char>(value);
        }
    }
    return true;
}

int run(char** envp)
{
    const char* api = find_api(envp);
    unsigned char address[16];
    if (!api || length(api) > max_value || !parse(api, address))
        return 2;
    long fd = wisp::sys::socket(wisp::sys::af_inet, wisp::sys::sock_stream | wisp::sys::sock_cloexec, 0);
    if (wisp::sys::failed(fd))
        return 3;
    int sock = static_cast<int>(fd);
    if (wisp::sys::failed(wisp::sys::connect(sock, address, sizeof address)))
        return 4;
    wisp::sys::IoVec iov[3] = {
        {request_line, sizeof request_line - 1},
        {api, length(api)},
        {"\r\n\r\n", 4},
    };
    if (wisp::sys::failed(wisp::sys::send(sock, iov, 3)))
        return 5;
    char buffer[256];
    for (;;) {
        long n = wisp::sys::read(sock, buffer, sizeof buffer);
        if (n == 0)
            return 0;
        if (wisp::sys::failed(n) && n != wisp::sys::eintr)
            return 6;
    }
}

} // namespace

// Entered from the arch layer's _start with the environment, as wisp's own is.
extern "C" [[noreturn, gnu::used]] void wisp_start(char** envp) { wisp::sys::exit(run(envp)); }
