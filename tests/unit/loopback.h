// Real TCP sockets on the loopback interface for the hosted unit tests: a
// listener whose port the kernel chooses, and a Connection joined to the
// socket it accepted.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

namespace loopback {

enum Mode {
    listening,
    bound_only, // never listens: connecting to it is refused
};

// A TCP socket on 127.0.0.1 or [::1], port chosen by the kernel, and its
// endpoint as the parser reads it; fd is -1 when any step failed.
struct Listener {
    int fd = -1;
    char text[64] = {};
    wisp::net::Endpoint endpoint;

    explicit Listener(int family = AF_INET, Mode mode = listening)
    {
        fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return;
        sockaddr_storage address{};
        socklen_t len;
        if (family == AF_INET) {
            auto* sin = reinterpret_cast<sockaddr_in*>(&address);
            sin->sin_family = AF_INET;
            sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            len = sizeof *sin;
        } else {
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(&address);
            sin6->sin6_family = AF_INET6;
            sin6->sin6_addr = in6addr_loopback;
            len = sizeof *sin6;
        }
        if (bind(fd, reinterpret_cast<sockaddr*>(&address), len) != 0 || (mode == listening && listen(fd, 8) != 0) ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) {
            close_fd();
            return;
        }
        unsigned port = family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port)
                                          : ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
        snprintf(text, sizeof text, family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u", port);
        if (!wisp::net::parse_endpoint(wisp::Str::from_cstr(text), &endpoint))
            close_fd();
    }
    ~Listener() { close_fd(); }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // The next connection (reads on it time out after five seconds), or -1
    // when none comes within timeout_ms.
    int accept_one(int timeout_ms = 5000) const
    {
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) != 1)
            return -1;
        int peer = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (peer >= 0) {
            timeval timeout{5, 0};
            setsockopt(peer, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        }
        return peer;
    }

private:
    void close_fd()
    {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
};

// A Connection opened to a fresh listener, and the socket accepted at the
// other end (the peer); both are closed on destruction.
struct Pair {
    Listener listener;
    wisp::net::Connection connection;
    int peer = -1;

    explicit Pair(int family = AF_INET) : listener(family) { }
    Pair(const Pair&) = delete;
    Pair& operator=(const Pair&) = delete;
    ~Pair()
    {
        connection.close();
        if (peer >= 0)
            ::close(peer);
    }

    // False when the listener, the connect or the accept failed.
    bool open()
    {
        if (listener.fd < 0 || connection.open(listener.endpoint) != wisp::net::Io::ok)
            return false;
        peer = listener.accept_one();
        return peer >= 0;
    }
    void close_peer()
    {
        ::close(peer);
        peer = -1;
    }
};

// Makes closing fd send RST rather than FIN.
inline bool reset_on_close(int fd)
{
    linger abort_on_close{1, 0};
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) == 0;
}

} // namespace loopback
