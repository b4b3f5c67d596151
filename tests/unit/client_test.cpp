// read_message against a loopback peer that writes scripted answers, and
// Client::exchange against a server thread that counts its connections.
#include "client.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kit.h"
#include "unit/loopback.h"
#include "unit/sys_hosted.h"

using loopback::Listener;
using loopback::Pair;
using wisp::Client;
using wisp::Inbox;
using wisp::Message;
using wisp::read_message;
using wisp::Reply;
using wisp::Str;
using wisp::http::Framing;
namespace sys = wisp::sys;

namespace {

void reset_faults() { sys::hosted::faults = {}; }

bool write_all(int fd, Str bytes)
{
    while (bytes.len) {
        ssize_t n = ::send(fd, bytes.ptr, bytes.len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes = bytes.sub(size_t(n));
    }
    return true;
}

// Reads one request head byte by byte (so nothing after it is taken); false
// on EOF or timeout.
bool read_request(int fd)
{
    char window[4] = {};
    for (;;) {
        char c;
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        memmove(window, window + 1, 3);
        window[3] = c;
        if (memcmp(window, "\r\n\r\n", 4) == 0)
            return true;
    }
}

// True when the peer closes (EOF or reset) within five seconds with nothing sent.
bool closes_quietly(int fd)
{
    char c;
    ssize_t n = ::read(fd, &c, 1);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

struct Call {
    Str name;
    Str value;
};

struct Recorder {
    static constexpr int capacity = 16;
    Call calls[capacity];
    int count = 0;

    static void visit(void* context, Str name, Str value)
    {
        auto* self = static_cast<Recorder*>(context);
        if (name.empty())
            self->count = 0; // a new head begins
        else if (self->count < capacity)
            self->calls[self->count++] = {name, value};
    }
};

// A head framing `body_len` bytes, then the body ("abc..." repeating).
size_t length_message(char* out, size_t capacity, size_t body_len, const char* extra_headers = "")
{
    int n = snprintf(out, capacity, "HTTP/1.1 200 OK\r\n%sContent-Length: %zu\r\n\r\n", extra_headers, body_len);
    size_t len = size_t(n);
    for (size_t i = 0; i < body_len && len < capacity; ++i)
        out[len++] = char('a' + i % 26);
    return len;
}

// The same body in chunks of at most chunk_len bytes.
size_t chunked_message(char* out, size_t capacity, size_t body_len, size_t chunk_len)
{
    int n = snprintf(out, capacity, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    size_t len = size_t(n);
    for (size_t i = 0; i < body_len;) {
        size_t take = body_len - i < chunk_len ? body_len - i : chunk_len;
        len += size_t(snprintf(out + len, capacity - len, "%zx\r\n", take));
        for (size_t k = 0; k < take; ++k, ++i)
            out[len++] = char('a' + i % 26);
        out[len++] = '\r';
        out[len++] = '\n';
    }
    len += size_t(snprintf(out + len, capacity - len, "0\r\n\r\n"));
    return len;
}

bool is_pattern(Str body, size_t len)
{
    if (body.len != len)
        return false;
    for (size_t i = 0; i < len; ++i) {
        if (body.ptr[i] != char('a' + i % 26))
            return false;
    }
    return true;
}

size_t head_length(const char* message) { return size_t(strstr(message, "\r\n\r\n") - message) + 4; }

constexpr char next_answer[] = "HTTP/1.1 200 OK\r\n"
                               "Content-Type: application/json\r\n"
                               "Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
                               "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
                               "Content-Length: 16\r\n"
                               "\r\n"
                               "{\"hello\":\"you\"}\n";

} // namespace

// read_message ----------------------------------------------------------------

TEST(reads_a_content_length_body)
{
    Pair pair;
    REQUIRE(pair.open());
    REQUIRE(write_all(pair.peer, next_answer));
    char buffer[512];
    Recorder seen;
    Message m;
    REQUIRE(read_message(pair.connection, {buffer, sizeof buffer, Recorder::visit, &seen}, &m) == Reply::ok);
    CHECK_EQ(m.head.status, 200);
    CHECK_EQ(m.head.framing, Framing::length);
    CHECK_EQ(m.body, Str("{\"hello\":\"you\"}\n"));
    CHECK(m.body.ptr == buffer + m.head.length);
    CHECK(!m.too_large);
    REQUIRE(seen.count == 4);
    CHECK_EQ(seen.calls[1].name, Str("Lambda-Runtime-Aws-Request-Id"));
    CHECK_EQ(seen.calls[1].value, Str("8476a536-e9f4-11e8-9739-2dfe598c3fcd"));
    CHECK(seen.calls[1].value.ptr > buffer && seen.calls[1].value.ptr < buffer + m.head.length);
}

TEST(reads_a_chunked_body)
{
    Pair pair;
    REQUIRE(pair.open());
    REQUIRE(write_all(pair.peer,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "4\r\nWiki\r\n5;x=y\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: 1\r\n\r\n"));
    char buffer[512];
    Message m;
    REQUIRE(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m) == Reply::ok);
    CHECK_EQ(m.head.framing, Framing::chunked);
    CHECK_EQ(m.body, Str("Wikipedia in\r\n\r\nchunks."));
    CHECK(m.body.ptr == buffer + m.head.length);
    CHECK(!m.too_large);
}

TEST(reads_an_empty_and_an_unframed_body)
{
    Pair pair;
    REQUIRE(pair.open());
    char buffer[256];
    Message m;
    REQUIRE(write_all(pair.peer, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));
    REQUIRE(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m) == Reply::ok);
    CHECK_EQ(m.head.status, 202);
    CHECK_EQ(m.body.len, 0u);
    REQUIRE(write_all(pair.peer, "HTTP/1.1 204 No Content\r\n\r\n"));
    REQUIRE(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m) == Reply::ok);
    CHECK_EQ(m.head.status, 204);
    CHECK_EQ(m.body.len, 0u);
}

TEST(reads_one_byte_at_a_time)
{
    Pair pair;
    REQUIRE(pair.open());
    static char message[4096];
    char buffer[1024];
    Message m;
    for (int chunked = 0; chunked < 2; ++chunked) {
        size_t len =
            chunked ? chunked_message(message, sizeof message, 700, 100) : length_message(message, sizeof message, 700);
        REQUIRE(write_all(pair.peer, {message, len}));
        sys::hosted::faults.max_io = 1;
        sys::hosted::faults.eintr_next = 5;
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        reset_faults();
        CHECK_EQ(r, Reply::ok);
        CHECK(is_pattern(m.body, 700));
        CHECK(!m.too_large);
    }
}

TEST(reads_a_body_written_in_pieces)
{
    Pair pair;
    REQUIRE(pair.open());
    static char message[4096];
    char buffer[2048];
    for (int chunked = 0; chunked < 2; ++chunked) {
        size_t len = chunked ? chunked_message(message, sizeof message, 1500, 333)
                             : length_message(message, sizeof message, 1500);
        struct Writer {
            int fd;
            Str bytes;
            static void* run(void* context)
            {
                auto* self = static_cast<Writer*>(context);
                for (size_t at = 0; at < self->bytes.len; at += 7) {
                    write_all(self->fd, self->bytes.sub(at, 7));
                    usleep(200);
                }
                return nullptr;
            }
        } writer{pair.peer, {message, len}};
        pthread_t thread;
        REQUIRE(pthread_create(&thread, nullptr, Writer::run, &writer) == 0);
        Message m;
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        pthread_join(thread, nullptr);
        CHECK_EQ(r, Reply::ok);
        CHECK(is_pattern(m.body, 1500));
    }
}

TEST(content_length_body_larger_than_the_buffer_is_drained)
{
    Pair pair;
    REQUIRE(pair.open());
    static char message[8192];
    char buffer[256];
    const size_t sizes[] = {257, 1000, 5000};
    for (size_t body_len : sizes) {
        size_t len = length_message(message, sizeof message, body_len);
        REQUIRE(write_all(pair.peer, {message, len}));
        Message m;
        sys::hosted::faults.max_io = 61; // drained over many reads
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        reset_faults();
        CHECK_EQ(r, Reply::ok);
        CHECK(m.too_large);
        CHECK_EQ(m.body.len, 0u);
        // The next answer on the same connection reads cleanly.
        REQUIRE(write_all(pair.peer, next_answer));
        r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        if (!CHECK_EQ(r, Reply::ok))
            fprintf(stderr, "    after a %zu-byte body\n", body_len);
        CHECK(!m.too_large);
        CHECK_EQ(m.body, Str("{\"hello\":\"you\"}\n"));
    }
}

TEST(content_length_bodies_around_the_buffer_size)
{
    Pair pair;
    REQUIRE(pair.open());
    static char message[1024];
    char buffer[256];
    size_t head = head_length(message + 0 * length_message(message, sizeof message, 256));
    size_t room = sizeof buffer - head;
    for (size_t body_len = room - 3; body_len <= room + 3; ++body_len) {
        size_t len = length_message(message, sizeof message, body_len);
        REQUIRE(head_length(message) == head);
        REQUIRE(write_all(pair.peer, {message, len}));
        Message m;
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        CHECK_EQ(r, Reply::ok);
        CHECK_EQ(m.too_large, body_len > room);
        if (body_len <= room)
            CHECK(is_pattern(m.body, body_len));
        REQUIRE(write_all(pair.peer, next_answer));
        CHECK_EQ(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m), Reply::ok);
        CHECK_EQ(m.body, Str("{\"hello\":\"you\"}\n"));
    }
}

TEST(chunked_body_larger_than_the_buffer_is_drained)
{
    static char message[8192];
    char buffer[256];
    // One big chunk, and many small ones.
    const size_t chunk_lens[] = {5000, 40};
    for (size_t chunk_len : chunk_lens) {
        Pair pair; // a fresh connection each time: a failure leaves bytes behind
        REQUIRE(pair.open());
        size_t len = chunked_message(message, sizeof message, 5000, chunk_len);
        REQUIRE(write_all(pair.peer, {message, len}));
        Message m;
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        if (!CHECK_EQ(r, Reply::ok) || !CHECK(m.too_large)) {
            fprintf(stderr, "    5000-byte chunked body in chunks of %zu, buffer %zu\n", chunk_len, sizeof buffer);
            continue;
        }
        CHECK_EQ(m.body.len, 0u);
        REQUIRE(write_all(pair.peer, next_answer));
        CHECK_EQ(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m), Reply::ok);
        CHECK_EQ(m.body, Str("{\"hello\":\"you\"}\n"));
    }
}

TEST(chunked_bodies_around_the_buffer_size)
{
    static char message[1024];
    char buffer[256];
    size_t head = head_length(message + 0 * chunked_message(message, sizeof message, 1, 1));
    size_t room = sizeof buffer - head - 64; // decoded data leaves 64 bytes for the framing
    for (size_t body_len = room - 8; body_len <= room + 3; ++body_len) {
        Pair pair; // a fresh connection each time: a failure leaves bytes behind
        REQUIRE(pair.open());
        size_t len = chunked_message(message, sizeof message, body_len, 1000);
        REQUIRE(write_all(pair.peer, {message, len}));
        Message m;
        Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
        bool ok = CHECK_EQ(r, Reply::ok) && CHECK_EQ(m.too_large, body_len > room);
        if (ok && body_len <= room)
            ok = CHECK(is_pattern(m.body, body_len));
        if (!ok)
            fprintf(stderr, "    one chunk of %zu bytes, %zu bytes of room after the head\n", body_len, room);
    }
}

TEST(head_larger_than_the_buffer_is_invalid)
{
    Pair pair;
    REQUIRE(pair.open());
    static char message[2048];
    size_t len = length_message(message, sizeof message, 4,
        "X-Padding: "
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n");
    REQUIRE(write_all(pair.peer, {message, len}));
    char buffer[100];
    Message m;
    CHECK_EQ(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m), Reply::invalid);
}

TEST(head_that_exactly_fills_the_buffer)
{
    static char message[512];
    size_t len = length_message(message, sizeof message, 5);
    size_t head = head_length(message);
    char buffer[256];
    REQUIRE(head <= sizeof buffer);
    {
        // No body: it all fits.
        Pair pair;
        REQUIRE(pair.open());
        size_t empty = length_message(message, sizeof message, 0, "X: 1\r\n");
        REQUIRE(write_all(pair.peer, {message, empty}));
        Message m;
        CHECK_EQ(read_message(pair.connection, {buffer, empty, nullptr, nullptr}, &m), Reply::ok);
    }
    // A body with no room left: too large (and drained) or invalid, but the
    // peer did not close.
    Pair pair;
    REQUIRE(pair.open());
    len = length_message(message, sizeof message, 5);
    REQUIRE(write_all(pair.peer, {message, len}));
    Message m;
    Reply r = read_message(pair.connection, {buffer, head, nullptr, nullptr}, &m);
    CHECK(r != Reply::closed);
    CHECK(r == Reply::invalid || (r == Reply::ok && m.too_large));
}

TEST(invalid_answers_are_invalid)
{
    const Str answers[] = {
        "HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    };
    char buffer[256];
    for (Str answer : answers) {
        Pair pair;
        REQUIRE(pair.open());
        REQUIRE(write_all(pair.peer, answer));
        Message m;
        if (!CHECK_EQ(read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m), Reply::invalid)) {
            fprintf(stderr, "    answer: ");
            kit::show(answer);
            fputc('\n', stderr);
        }
    }
}

TEST(peer_closing_mid_message_is_closed)
{
    const Str partials[] = {
        "",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
    };
    char buffer[256];
    for (int abortive = 0; abortive < 2; ++abortive) {
        for (Str partial : partials) {
            Pair pair;
            REQUIRE(pair.open());
            REQUIRE(write_all(pair.peer, partial));
            if (abortive) { // RST after the bytes arrive
                usleep(10000);
                loopback::reset_on_close(pair.peer);
            }
            pair.close_peer();
            Message m;
            Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
            if (!CHECK_EQ(r, Reply::closed)) {
                fprintf(stderr, "    after ");
                kit::show(partial);
                fputc('\n', stderr);
            }
        }
    }
}

TEST(socket_errors_are_failed)
{
    Pair pair;
    REQUIRE(pair.open());
    REQUIRE(write_all(pair.peer, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"));
    char buffer[256];
    Message m;
    sys::hosted::faults.eintr_next = 2; // retried, then the read fails for good
    sys::hosted::faults.fail_next = -EIO;
    Reply r = read_message(pair.connection, {buffer, sizeof buffer, nullptr, nullptr}, &m);
    reset_faults();
    CHECK_EQ(r, Reply::failed);
}

// Client::exchange ------------------------------------------------------------

namespace {

constexpr char request[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

Str answer_text(int n)
{
    static const Str answers[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nthree",
    };
    return answers[n];
}

// A server thread running a script; counts connections and requests.
struct Server {
    Listener listener;
    int accepts = 0;
    int requests = 0;
    int extra_accepts = 0; // connections after the script ended
    bool reused = false;   // a request came on a connection answered with "Connection: close"
    bool script_ok = true;
    void (*script)(Server*) = nullptr;
    pthread_t thread{};
    bool running = false;

    Server() = default;
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server() { join(); } // even when a case stops early

    int accept_next()
    {
        int fd = listener.accept_one();
        if (fd >= 0)
            ++accepts;
        else
            script_ok = false;
        return fd;
    }
    bool request_on(int fd)
    {
        bool ok = read_request(fd);
        requests += ok;
        return ok;
    }
    // Accepts a connection and answers one request on it; returns the
    // connection, still open, or -1 when none came.
    int accept_and_answer(Str answer)
    {
        int fd = accept_next();
        if (fd >= 0)
            script_ok = script_ok && request_on(fd) && write_all(fd, answer);
        return fd;
    }
    // The same, then expects the client to close the connection without
    // sending more.
    void answer_and_expect_close(Str answer)
    {
        int fd = accept_and_answer(answer);
        if (fd < 0)
            return;
        script_ok = script_ok && closes_quietly(fd);
        ::close(fd);
    }
    // Counts connections that arrive within a short while, then returns.
    void count_stragglers()
    {
        for (int fd; (fd = listener.accept_one(200)) >= 0;) {
            ++extra_accepts;
            ::close(fd);
        }
    }
    static void* run(void* context)
    {
        auto* self = static_cast<Server*>(context);
        self->script(self);
        self->count_stragglers();
        return nullptr;
    }
    bool start(void (*s)(Server*))
    {
        script = s;
        running = listener.fd >= 0 && pthread_create(&thread, nullptr, run, this) == 0;
        return running;
    }
    void join()
    {
        if (running)
            pthread_join(thread, nullptr);
        running = false;
    }
};

Reply exchange(Client& client, Message* m, Recorder* seen = nullptr)
{
    static char buffer[1024];
    sys::IoVec iov[2] = {{request, 40}, {request + 40, sizeof request - 1 - 40}};
    Inbox inbox{buffer, sizeof buffer, seen ? Recorder::visit : nullptr, seen};
    return client.exchange(iov, 2, inbox, m);
}

// Once the client lets go and the script ends: the script went as written,
// with these many connections and requests, and no connection came after it.
void check_server(Client& client, Server& server, int accepts, int requests)
{
    client.reset();
    server.join();
    CHECK(server.script_ok);
    CHECK_EQ(server.accepts, accepts);
    CHECK_EQ(server.requests, requests);
    CHECK_EQ(server.extra_accepts, 0);
}

} // namespace

TEST(exchange_keeps_the_connection_alive)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        int fd = s->accept_next();
        if (fd < 0)
            return;
        for (int i = 0; i < 3; ++i)
            s->script_ok = s->script_ok && s->request_on(fd) && write_all(fd, answer_text(i));
        s->script_ok = s->script_ok && closes_quietly(fd);
        ::close(fd);
    }));
    Client client(server.listener.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("one"));
    sys::hosted::faults.max_io = 3; // short writes and reads change nothing
    CHECK_EQ(exchange(client, &m), Reply::ok);
    reset_faults();
    CHECK_EQ(m.body, Str("two"));
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("three"));
    check_server(client, server, 1, 3);
}

TEST(exchange_reconnects_once_when_the_server_closes_before_answering)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        int fd = s->accept_and_answer(answer_text(0));
        if (fd < 0)
            return;
        s->script_ok = s->script_ok && s->request_on(fd); // the second request arrives...
        ::close(fd);                                      // ...and is never answered
        s->answer_and_expect_close(answer_text(1));
    }));
    Client client(server.listener.endpoint);
    Message m;
    Recorder seen;
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("one"));
    CHECK_EQ(exchange(client, &m, &seen), Reply::ok);
    CHECK_EQ(m.body, Str("two"));
    CHECK_EQ(seen.count, 1);
    CHECK_EQ(seen.calls[0].value, Str("3"));
    check_server(client, server, 2, 3);
}

TEST(exchange_reconnects_once_when_an_idle_connection_was_closed)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        int fd = s->accept_and_answer(answer_text(0));
        if (fd < 0)
            return;
        ::close(fd); // while the client is idle
        s->answer_and_expect_close(answer_text(1));
    }));
    Client client(server.listener.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("one"));
    usleep(50000); // the FIN arrives
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("two"));
    check_server(client, server, 2, 2);
}

TEST(exchange_gives_up_when_closed_twice)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        for (int i = 0; i < 2; ++i) {
            int fd = s->accept_next();
            if (fd < 0)
                return;
            s->script_ok = s->script_ok && s->request_on(fd);
            ::close(fd);
        }
    }));
    Client client(server.listener.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::closed);
    check_server(client, server, 2, 2); // exactly one retry
}

TEST(exchange_with_nothing_listening_fails)
{
    Listener nothing(AF_INET, loopback::bound_only);
    REQUIRE(nothing.fd >= 0);
    Client client(nothing.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::failed);
    CHECK_EQ(exchange(client, &m), Reply::failed);
}

TEST(exchange_after_connection_close_uses_a_new_connection)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        int fd = s->accept_and_answer("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\none");
        if (fd < 0)
            return;
        // The client must close this connection rather than send on it.
        char c;
        s->reused = ::read(fd, &c, 1) > 0;
        ::close(fd);
        s->answer_and_expect_close(answer_text(1));
    }));
    Client client(server.listener.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK(m.head.close);
    CHECK_EQ(m.body, Str("one"));
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK(!m.head.close);
    CHECK_EQ(m.body, Str("two"));
    check_server(client, server, 2, 2);
    CHECK(!server.reused);
}

TEST(exchange_invalid_answer_drops_the_connection)
{
    Server server;
    REQUIRE(server.start([](Server* s) {
        s->answer_and_expect_close("HTTP/9 nonsense\r\n\r\n");
        s->answer_and_expect_close(answer_text(0));
    }));
    Client client(server.listener.endpoint);
    Message m;
    CHECK_EQ(exchange(client, &m), Reply::invalid);
    CHECK_EQ(exchange(client, &m), Reply::ok);
    CHECK_EQ(m.body, Str("one"));
    check_server(client, server, 2, 2); // an invalid answer is not retried
}
