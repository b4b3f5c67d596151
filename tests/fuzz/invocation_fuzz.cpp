// Fuzz target: the whole invocation loop, wisp::run, with the Runtime API's
// side played from the input. A stand-in for the kernel's sockets
// (sys_hosted.h's Peer) serves the input's bytes as everything the API sends,
// and records everything wisp sends. Every check traps (__builtin_trap) when
// it fails.
//
// The input: one flags byte, then the API's bytes, split into connections by
// two markers. "\0\xff" "C" ends a connection cleanly (reads then give 0),
// "\0\xff" "R" with a reset (reads then give ECONNRESET); the last connection
// ends cleanly. Once every connection was used, connecting is refused and the
// loop must end. Flags:
// - bits 0-2 pick the size of each read: 1, 2, 3, 7, 64 or 4096 bytes, all
//   that is left, or pseudo-random sizes seeded from the input;
// - bit 3: the first send on every other connection fails with EPIPE;
// - bit 4: JSON logs instead of Text;
// - bit 5: the endpoint has a scheme and a base path.
//
// The handler echoes the event with the event's own content type, except
// that an event starting with '!' fails with the rest up to the first space
// as the error type, and one starting with '?' answers with the rest as its
// content type (so the guards on what reaches a header see hostile types).
//
// The checks, on what wisp sends:
// - every request is well-formed HTTP/1.1: "GET" or "POST", a target of
//   printable ASCII under the base path; GET only
//   .../runtime/invocation/next, POST only .../invocation/ID/response and
//   .../invocation/ID/error with ID [A-Za-z0-9-]{1,128}; header lines of a
//   token, ": " and printable ASCII, each name once, Host first; a GET has
//   no body, a POST a Content-Length with exactly that many bytes after the
//   head; an error post carries Lambda-Runtime-Function-Error-Type, and its
//   body is a JSON object whose errorType is that type (or the type was
//   unsafe and the header says Runtime.Unknown);
// - no bytes are left after the last request of a connection;
// - every ID posted to was sent by the API in a Lambda-Runtime-Aws-Request-Id
//   header, and every post follows a GET /next made since the previous post,
//   except the same post repeated first thing on a new connection (the
//   client's one retry after the connection closed);
// - every log write is exactly one line;
// - run() returns 1.
#include "runtime.h"
#include "sys_hosted.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <wisp/json.h>

#include "env.h"
#include "log_context.h"
#include "net.h"
#include "support.h"

using fuzz::require;
using wisp::Str;

namespace {

constexpr long econnrefused = -111;
constexpr int first_fd = 100;

bool is_token_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || strchr("!#$%&'*+-.^_`|~", c);
}

bool is_safe_id(Str id)
{
    if (id.len < 1 || id.len > 128)
        return false;
    for (size_t i = 0; i < id.len; ++i) {
        unsigned char c = id.byte(i);
        if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-'))
            return false;
    }
    return true;
}

bool starts_with(Str text, Str prefix) { return text.len >= prefix.len && !memcmp(text.ptr, prefix.ptr, prefix.len); }

// Index of the first `needle` in `text`, or text.len.
size_t find(Str text, Str needle)
{
    const void* at = memmem(text.ptr, text.len, needle.ptr, needle.len);
    return at ? static_cast<size_t>(static_cast<const char*>(at) - text.ptr) : text.len;
}

bool ends_with(Str text, Str suffix)
{
    return text.len >= suffix.len && !memcmp(text.ptr + text.len - suffix.len, suffix.ptr, suffix.len);
}

// Whether `id` follows a Lambda-Runtime-Aws-Request-Id field name (any case)
// somewhere in the API's bytes.
bool was_sent(const uint8_t* data, size_t size, Str id)
{
    constexpr Str name = "lambda-runtime-aws-request-id:";
    for (size_t at = 0; at + name.len <= size; ++at) {
        if (strncasecmp(reinterpret_cast<const char*>(data + at), name.ptr, name.len) != 0)
            continue;
        size_t value = at + name.len;
        while (value < size && (data[value] == ' ' || data[value] == '\t'))
            ++value;
        if (value + id.len <= size && !memcmp(data + value, id.ptr, id.len))
            return true;
    }
    return false;
}

struct Connection {
    const uint8_t* data;
    size_t size;
    bool reset; // at the end, rather than a clean close
    size_t served = 0;
    bool send_fails = false;
    char* sent = nullptr; // what wisp sent on it
    size_t sent_len = 0;
};

constexpr size_t max_connections = 64;

struct Api final : wisp::sys::hosted::Peer {
    Connection connections[max_connections];
    size_t count = 0;
    size_t opened = 0;
    int open_fd = -1;
    unsigned read_mode = 0;
    fuzz::Random random{0};

    Connection* of(int fd)
    {
        require(fd == open_fd && fd >= first_fd); // only the one open socket is used
        return &connections[fd - first_fd];
    }

    long socket() override
    {
        require(open_fd < 0); // never two connections at once
        if (opened == count)
            return -24; // EMFILE: then nothing more to serve
        open_fd = first_fd + static_cast<int>(opened++);
        return open_fd;
    }
    long connect(int fd) override
    {
        of(fd);
        return fd - first_fd < static_cast<int>(count) ? 0 : econnrefused;
    }
    long read(int fd, void* buffer, size_t len) override
    {
        Connection* c = of(fd);
        require(len > 0);
        size_t left = c->size - c->served;
        if (!left)
            return c->reset ? wisp::sys::econnreset : 0;
        static constexpr size_t sizes[] = {1, 2, 3, 7, 64, 4096, ~size_t{0}};
        size_t n = read_mode < 7 ? sizes[read_mode] : 1 + random.next() % 300;
        n = n < left ? n : left;
        n = n < len ? n : len;
        memcpy(buffer, c->data + c->served, n);
        c->served += n;
        return static_cast<long>(n);
    }
    long send(int fd, const wisp::sys::IoVec* iov, int buffers) override
    {
        Connection* c = of(fd);
        if (c->send_fails) {
            c->send_fails = false;
            return wisp::sys::epipe;
        }
        size_t total = 0;
        for (int i = 0; i < buffers; ++i)
            total += iov[i].len;
        c->sent = static_cast<char*>(realloc(c->sent, c->sent_len + total + 1));
        for (int i = 0; i < buffers; ++i) {
            if (iov[i].len)
                memcpy(c->sent + c->sent_len, iov[i].base, iov[i].len);
            c->sent_len += iov[i].len;
        }
        return static_cast<long>(total);
    }
    long write(int fd, const void* buffer, size_t len) override
    {
        require(fd == 2); // only the logs are written
        auto* line = static_cast<const char*>(buffer);
        require(len > 0 && line[len - 1] == '\n');
        for (size_t i = 0; i + 1 < len; ++i)
            require(line[i] != '\n' && line[i] != '\r');
        return static_cast<long>(len);
    }
    long close(int fd) override
    {
        of(fd);
        open_fd = -1;
        return 0;
    }
};

struct Field {
    Str name;
    Str value;
};

// One request, parsed strictly as wisp writes it.
struct Request {
    Str method;
    Str target;
    Field fields[8];
    size_t field_count = 0;
    Str body;

    Str field(Str name) const
    {
        for (size_t i = 0; i < field_count; ++i) {
            if (fields[i].name == name)
                return fields[i].value;
        }
        return {};
    }
};

// Reads one request from bytes[*at, len); false when none starts there.
bool next_request(const char* bytes, size_t len, size_t* at, Request* out)
{
    Str rest(bytes + *at, len - *at);
    size_t end = find(rest, " HTTP/1.1\r\n");
    require(end < rest.len); // every request has a request line
    Str line = rest.sub(0, end);
    size_t space = line.find(' ');
    require(space < line.len);
    out->method = line.sub(0, space);
    out->target = line.sub(space + 1);
    require(out->method == "GET" || out->method == "POST");
    require(!out->target.empty());
    for (size_t i = 0; i < out->target.len; ++i)
        require(out->target.byte(i) > 0x20 && out->target.byte(i) < 0x7f);
    size_t pos = end + 11;
    for (;;) {
        Str tail = rest.sub(pos);
        size_t eol = find(tail, "\r\n");
        require(eol < tail.len);
        if (eol == 0) {
            pos += 2;
            break;
        }
        Str header = tail.sub(0, eol);
        size_t colon = find(header, ": ");
        require(colon > 0 && colon < header.len);
        Field f{header.sub(0, colon), header.sub(colon + 2)};
        for (size_t i = 0; i < f.name.len; ++i)
            require(is_token_byte(f.name.byte(i)));
        for (size_t i = 0; i < f.value.len; ++i)
            require(f.value.byte(i) >= 0x20 && f.value.byte(i) < 0x7f);
        for (size_t i = 0; i < out->field_count; ++i)
            require(!(out->fields[i].name == f.name));
        require(out->field_count < 8);
        out->fields[out->field_count++] = f;
        pos += eol + 2;
    }
    require(out->field_count > 0 && out->fields[0].name == "Host");
    Str length = out->field("Content-Length");
    unsigned long long n = 0;
    if (out->method == "POST") {
        require(!length.empty() && length.len <= 8);
        for (size_t i = 0; i < length.len; ++i) {
            require(length.byte(i) >= '0' && length.byte(i) <= '9');
            n = n * 10 + (length.byte(i) - '0');
        }
    } else {
        require(length.empty());
    }
    require(n <= rest.len - pos);
    out->body = rest.sub(pos, static_cast<size_t>(n));
    *at += pos + static_cast<size_t>(n);
    return true;
}

// An error post's body: {"errorMessage": "...", "errorType": TYPE, ...}.
void check_error_body(Str body, Str type_header)
{
    static char space[256 * 1024];
    wisp::Arena arena(space, sizeof space);
    wisp::json::Document doc = wisp::json::Document::parse(body, arena);
    require(doc.ok() && doc.root().type() == wisp::json::Type::object);
    Str message, type;
    require(doc.root()["errorMessage"].get_string(arena, &message));
    require(doc.root()["errorType"].get_string(arena, &type));
    require(doc.root()["stackTrace"].type() == wisp::json::Type::array);
    // An unsafe type is posted as Runtime.Unknown (the body keeps it, clipped).
    require(type == type_header || type_header == "Runtime.Unknown");
}

} // namespace

wisp::Outcome wisp::handle(const Invocation& inv, Arena&, Builder&)
{
    Str event = inv.body;
    if (!event.empty() && (event.byte(0) == '!' || event.byte(0) == '?')) {
        Str rest = event.sub(1);
        if (event.byte(0) == '?')
            return success("{}", rest);
        size_t space = rest.find(' ');
        return failure(rest.sub(0, space), rest.sub(space < rest.len ? space + 1 : rest.len));
    }
    return success(event, inv.content_type.empty() ? Str("application/json") : inv.content_type);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static char* memory = static_cast<char*>(
        mmap(nullptr, wisp::Layout::total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    require(memory != MAP_FAILED);
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    ++data;
    --size;

    static Api api;
    api = Api();
    api.read_mode = flags & 7;
    api.random.state = fuzz::hash(data, size);
    for (size_t at = 0;;) {
        size_t end = at;
        while (end + 3 <= size &&
            !(data[end] == 0 && data[end + 1] == 0xff && (data[end + 2] == 'C' || data[end + 2] == 'R')))
            ++end;
        bool last = end + 3 > size || api.count + 1 == max_connections;
        if (last)
            end = size;
        Connection& c = api.connections[api.count++];
        c.data = data + at;
        c.size = end - at;
        c.reset = !last && data[end + 2] == 'R';
        c.send_fails = (flags & 8) && api.count % 2 == 0;
        if (last)
            break;
        at = end + 3;
    }

    // The environment, as the kernel lays it out: argv's null, then envp.
    static char json_format[] = "AWS_LAMBDA_LOG_FORMAT=JSON";
    static char* slots[4];
    slots[0] = nullptr;
    slots[1] = (flags & 16) ? json_format : nullptr;
    slots[2] = slots[3] = nullptr;
    wisp::set_environment(slots + 1);
    wisp::configure_log();

    Str value = (flags & 32) ? Str("http://[::1]:9001/base/path") : Str("127.0.0.1:9001");
    static wisp::net::Endpoint endpoint;
    endpoint = wisp::net::Endpoint{};
    require(wisp::net::parse_endpoint(value, &endpoint));
    Str base = endpoint.base_path;

    wisp::sys::hosted::peer = &api;
    int status = wisp::run(endpoint, memory);
    wisp::sys::hosted::peer = nullptr;
    require(status == 1);
    require(api.open_fd < 0 || api.open_fd == first_fd + static_cast<int>(api.opened) - 1);

    // What wisp sent, connection by connection.
    bool may_post = false; // a GET /next came since the last post
    Str last_post;         // the whole of the last post, for the retry
    for (size_t i = 0; i < api.opened && i < api.count; ++i) {
        Connection& c = api.connections[i];
        size_t at = 0;
        bool first = true;
        Request r;
        while (at < c.sent_len) {
            r = Request{};
            size_t start = at;
            require(next_request(c.sent, c.sent_len, &at, &r));
            Str whole(c.sent + start, at - start);
            require(starts_with(r.target, base));
            Str route = r.target.sub(base.len);
            if (r.method == "GET") {
                require(route == "/2018-06-01/runtime/invocation/next");
                may_post = true;
            } else {
                constexpr Str prefix = "/2018-06-01/runtime/invocation/";
                require(starts_with(route, prefix));
                bool error = ends_with(route, "/error");
                require(error || ends_with(route, "/response"));
                Str id = route.sub(prefix.len, route.len - prefix.len - (error ? 6 : 9));
                require(is_safe_id(id));
                require(was_sent(data, size, id));
                require(may_post || (first && whole == last_post));
                may_post = false;
                last_post = whole;
                Str type = r.field("Lambda-Runtime-Function-Error-Type");
                require(error == !type.empty());
                if (error)
                    check_error_body(r.body, type);
                else
                    require(!r.field("Content-Type").empty());
            }
            first = false;
        }
        require(at == c.sent_len);
    }
    for (size_t i = 0; i < api.count; ++i)
        free(api.connections[i].sent);
    return 0;
}
