// Where the Runtime API is, and one TCP connection to it. The only place that
// turns errno into a decision: EINTR retries, EPIPE/ECONNRESET/EOF mean the
// peer closed, anything else is reported as a failure.
#pragma once

#include <wisp/str.h>

#include "sys.h"

namespace wisp::net {

struct Endpoint {
    alignas(8) unsigned char address[28] = {}; // sockaddr_in or sockaddr_in6; zeroed: main's is constinit
    unsigned address_len = 0;
    int family = 0;
    Str authority; // host[:port] as given: the Host header
    Str base_path; // "" or "/prefix" without a trailing slash
};

// Parses AWS_LAMBDA_RUNTIME_API: [http://]host:port[/base/path] where host is
// an IPv4 literal, "localhost" or a bracketed IPv6 literal; at most 1024 bytes
// of printable ASCII.
bool parse_endpoint(Str value, Endpoint* out);

enum class Io : unsigned char { ok, closed, failed };

class Connection {
public:
    Io open(const Endpoint& endpoint);
    // Sends every byte of iov, resuming after short writes and EINTR.
    Io send(sys::IoVec* iov, int count);
    // Reads what is available (> 0), 0 when the peer closed or reset, < 0 -errno.
    long receive(char* buffer, size_t capacity);
    void close();
    bool is_open() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

} // namespace wisp::net
