// The HTTP head parser and the chunked decoder. As picohttpparser's tests do,
// inputs are placed at the very end of a page followed by a PROT_NONE page, so
// reading one byte too far faults, and every prefix of a head is tried.
#include "http.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kit.h"

using wisp::Str;
using wisp::http::ChunkedDecoder;
using wisp::http::Framing;
using wisp::http::Head;
using wisp::http::is_header;
using wisp::http::Parse;
using wisp::http::parse_head;

namespace {

// A read-write page followed by an inaccessible one.
class GuardedPage {
public:
    GuardedPage()
    {
        m_size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
        void* p = mmap(nullptr, 2 * m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return;
        m_base = static_cast<char*>(p);
        if (mprotect(m_base + m_size, m_size, PROT_NONE) != 0) {
            munmap(m_base, 2 * m_size);
            m_base = nullptr;
        }
    }
    ~GuardedPage()
    {
        if (m_base)
            munmap(m_base, 2 * m_size);
    }
    GuardedPage(const GuardedPage&) = delete;
    GuardedPage& operator=(const GuardedPage&) = delete;

    bool ok() const { return m_base != nullptr; }
    size_t size() const { return m_size; }
    // Copies bytes so that their last byte is the last one before the guard.
    char* place(Str bytes)
    {
        char* at = m_base + m_size - bytes.len;
        if (bytes.len)
            memcpy(at, bytes.ptr, bytes.len);
        return at;
    }

private:
    char* m_base = nullptr;
    size_t m_size = 0;
};

struct Call {
    Str name;
    Str value;
};

// Remembers every visitor call, the "begin" call included.
struct Recorder {
    static constexpr int capacity = 32;
    Call calls[capacity];
    int count = 0;

    static void visit(void* context, Str name, Str value)
    {
        auto* self = static_cast<Recorder*>(context);
        if (self->count < capacity)
            self->calls[self->count] = {name, value};
        ++self->count;
    }
};

// Under a failed check: the input it was about, escaped.
void show_input(Str bytes)
{
    fprintf(stderr, "    input: ");
    kit::show(bytes);
    fputc('\n', stderr);
}

// A fresh parse of a whole head (a Head carries the state of one parse).
Parse parse(Str bytes, Head* head = nullptr)
{
    Head scratch;
    if (head)
        *head = Head{};
    return parse_head(bytes, head ? head : &scratch, nullptr, nullptr);
}

// Where `needle` first occurs in `hay`, or hay.len.
size_t offset_of(Str hay, Str needle)
{
    for (size_t i = 0; i + needle.len <= hay.len; ++i) {
        if (hay.sub(i, needle.len) == needle)
            return i;
    }
    return hay.len;
}

constexpr char next_head[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Lambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
    "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
    "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-2:123456789012:function:custom-runtime\r\n"
    "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\n"
    "Date: Fri, 16 Nov 2018 23:08:26 GMT\r\n"
    "Content-Length: 13\r\n"
    "\r\n";

const Call next_headers[] = {
    {"Content-Type", "application/json"},
    {"Lambda-Runtime-Aws-Request-Id", "8476a536-e9f4-11e8-9739-2dfe598c3fcd"},
    {"Lambda-Runtime-Deadline-Ms", "1542409706888"},
    {"Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-2:123456789012:function:custom-runtime"},
    {"Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"},
    {"Date", "Fri, 16 Nov 2018 23:08:26 GMT"},
    {"Content-Length", "13"},
};
constexpr int next_header_count = sizeof next_headers / sizeof next_headers[0];

// Heads that parse; every prefix of each is tried against the guard page.
const Str valid_heads[] = {
    next_head,
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 200\r\n\r\n",
    "HTTP/1.0 202 Accepted\r\nConnection: close\r\nContent-Length: 16\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Tab:\ta\tb\t\r\nX-Obs: caf\xc3\xa9\r\n\r\n",
    "HTTP/1.1 500 Internal: Server\tError\r\nX-Empty:\r\nX-Colon: a:b:c\r\n\r\n",
    "HTTP/1.1 200 OK\r\nInner Blank: v\r\nInner\tTab: v\r\n\r\n", // names are only ever compared to known ones
    "HTTP/1.1 200 OK\r\nX-Del: b\x7f\r\nA-Very-Long-Header-Name-Past-Eight-Bytes:  spaced  value \r\n\r\n",
};

// Complete heads (they end with a blank line) that must be rejected.
const Str invalid_heads[] = {
    // status lines
    "HTTP/2 200 OK\r\n\r\n",
    "HTTP/2.0 200 OK\r\n\r\n",
    "HTTP/1.2 200 OK\r\n\r\n",
    "HTTP/1.1 20\r\n\r\n",
    "HTTP/1.1 2000 OK\r\n\r\n",
    "HTTP/1.1 abc OK\r\n\r\n",
    "HTTP/1.1 2O0 OK\r\n\r\n",
    "HTTP/1.1  200 OK\r\n\r\n",
    "HTTP/1.1 099 OK\r\n\r\n",
    "HTTP/1.1 200OK\r\n\r\n",
    "http/1.1 200 OK\r\n\r\n",
    "ICY 200 OK\r\n\r\n",
    "HTTP/1.1 200 OK\n\r\n", // bare LF ends the status line
    "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
    "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n", // CR without LF
    "HTTP/1.1 200 O\x01K\r\n\r\n",
    "\r\n\r\n",
    // header lines
    "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
    "HTTP/1.1 200 OK\r\n: empty-name\r\n\r\n",
    "HTTP/1.1 200 OK\r\nName : v\r\n\r\n",
    "HTTP/1.1 200 OK\r\n Name: v\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\x01"
    "c\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\0c\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\nc\r\n\r\n",
    "HTTP/1.1 200 OK\r\nA: b\n\r\n",
    "HTTP/1.1 200 OK\r\nA\x01: b\r\n\r\n",
    // framing
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
};

} // namespace

TEST(guard_page_really_faults)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    char* at = guard.place("x");
    fflush(nullptr);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        FILE* quiet = freopen("/dev/null", "w", stderr); // the sanitizer's SEGV report is expected
        (void)quiet;
        volatile const char* p = at;
        _exit(p[1] == 'x' ? 3 : 4); // one past the end: must fault
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(!WIFEXITED(status) || (WEXITSTATUS(status) != 3 && WEXITSTATUS(status) != 4));
}

TEST(parses_a_real_next_head)
{
    Str bytes(next_head);
    Head head;
    Recorder seen;
    REQUIRE(parse_head(bytes, &head, Recorder::visit, &seen) == Parse::done);
    CHECK_EQ(head.status, 200);
    CHECK_EQ(head.length, bytes.len);
    CHECK_EQ(head.framing, Framing::length);
    CHECK_EQ(head.content_length, 13ull);
    CHECK(!head.close);

    REQUIRE(seen.count == next_header_count + 1);
    CHECK(seen.calls[0].name.empty()); // "a head begins"
    CHECK(seen.calls[0].value.empty());
    for (int i = 0; i < next_header_count; ++i) {
        const Call& got = seen.calls[i + 1];
        const Call& want = next_headers[i];
        CHECK_EQ(got.name, want.name);
        CHECK_EQ(got.value, want.value);
        // Views into the parsed bytes, not copies.
        size_t at = offset_of(bytes, want.name);
        CHECK(got.name.ptr == bytes.ptr + at);
        CHECK(got.value.ptr == bytes.ptr + at + want.name.len + 2);
        CHECK_EQ(got.value.ptr[got.value.len], '\r');
    }
}

TEST(visitor_is_optional_and_body_bytes_are_left_alone)
{
    char buffer[1024];
    Str head_bytes(next_head);
    memcpy(buffer, head_bytes.ptr, head_bytes.len);
    memcpy(buffer + head_bytes.len, "{\"key\":\"v\"}\r\n", 13);
    Head head;
    REQUIRE(parse_head({buffer, head_bytes.len + 13}, &head, nullptr, nullptr) == Parse::done);
    CHECK_EQ(head.length, head_bytes.len);
    CHECK_EQ(head.content_length, 13ull);
}

TEST(each_parse_begins_with_an_empty_call)
{
    Recorder seen;
    Head head;
    REQUIRE(parse_head("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n", &head, Recorder::visit, &seen) == Parse::done);
    head = Head{}; // a new message, as after a reconnect
    REQUIRE(parse_head("HTTP/1.1 200 OK\r\nB: 2\r\n\r\n", &head, Recorder::visit, &seen) == Parse::done);
    REQUIRE(seen.count == 4);
    CHECK(seen.calls[0].name.empty());
    CHECK_EQ(seen.calls[1].name, Str("A"));
    CHECK(seen.calls[2].name.empty());
    CHECK_EQ(seen.calls[3].name, Str("B"));
    CHECK_EQ(seen.calls[3].value, Str("2"));
}

TEST(status_line_variants)
{
    Head head;
    REQUIRE(parse("HTTP/1.1 200\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.status, 200);
    CHECK_EQ(head.length, 16u);
    CHECK_EQ(head.framing, Framing::none);
    REQUIRE(parse("HTTP/1.0 404 Not Found\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.status, 404);
    REQUIRE(parse("HTTP/1.1 100 Continue\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.status, 100);
    REQUIRE(parse("HTTP/1.1 599 \t\xff odd: reason\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.status, 599);
    REQUIRE(parse("HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 0\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.status, 413);
}

TEST(framing_headers_ignore_case)
{
    Head head;
    REQUIRE(parse("HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::length);
    CHECK_EQ(head.content_length, 7ull);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 8\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.content_length, 8ull);
    REQUIRE(parse("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::chunked);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: CHUNKED\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::chunked);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nconnection: Close\r\n\r\n", &head) == Parse::done);
    CHECK(head.close);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nCONNECTION: CLOSE\r\n\r\n", &head) == Parse::done);
    CHECK(head.close);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n", &head) == Parse::done);
    CHECK(!head.close);
    // A later keep-alive does not undo an earlier close.
    REQUIRE(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n", &head) == Parse::done);
    CHECK(head.close);
    // Lookalike names frame nothing.
    REQUIRE(parse("HTTP/1.1 200 OK\r\nContent-Lengths: 9\r\nX-Content-Length: 9\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::none);
    CHECK_EQ(head.content_length, 0ull);
}

TEST(optional_whitespace_is_trimmed)
{
    Head head;
    Recorder seen;
    Str bytes("HTTP/1.1 200 OK\r\n"
              "Content-Length: \t 42 \t\r\n"
              "X-Inner:  a  b  \r\n"
              "X-Empty:   \t \r\n"
              "X-None:\r\n"
              "X-Tight:v\r\n"
              "\r\n");
    REQUIRE(parse_head(bytes, &head, Recorder::visit, &seen) == Parse::done);
    CHECK_EQ(head.content_length, 42ull);
    REQUIRE(seen.count == 6);
    CHECK_EQ(seen.calls[1].value, Str("42"));
    CHECK(seen.calls[1].value.ptr == bytes.ptr + offset_of(bytes, "42"));
    CHECK_EQ(seen.calls[2].value, Str("a  b"));
    CHECK_EQ(seen.calls[3].name, Str("X-Empty"));
    CHECK_EQ(seen.calls[3].value.len, 0u);
    CHECK_EQ(seen.calls[4].value.len, 0u);
    CHECK_EQ(seen.calls[5].name, Str("X-Tight"));
    CHECK_EQ(seen.calls[5].value, Str("v"));
}

TEST(chunked_overrides_content_length_in_either_order)
{
    Head head;
    REQUIRE(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::chunked);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 10\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::chunked);
}

TEST(duplicate_content_length)
{
    Head head;
    REQUIRE(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::length);
    CHECK_EQ(head.content_length, 5ull);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), Parse::invalid);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nX: y\r\nContent-Length: 5\r\n\r\n"), Parse::invalid);
    CHECK_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n"), Parse::invalid);
}

TEST(bad_content_length_is_invalid)
{
    const Str values[] = {
        "-1", "+1", "1a", "a1", "0x10", "1 000", "1,1", "5, 5", "1.0", "",
        "18446744073709551616", // 2^64
        "99999999999999999999", // 20 digits
        "1000000000000000",     // 16 digits: over the parser's limit
        "\xd9\xa1",             // ARABIC-INDIC DIGIT ONE
    };
    for (Str value : values) {
        char text[128];
        int n =
            snprintf(text, sizeof text, "HTTP/1.1 200 OK\r\nContent-Length: %.*s\r\n\r\n", int(value.len), value.ptr);
        REQUIRE(n > 0 && size_t(n) < sizeof text);
        Head head;
        if (!CHECK_EQ(parse_head({text, size_t(n)}, &head, nullptr, nullptr), Parse::invalid))
            fprintf(stderr, "    Content-Length: %.*s\n", int(value.len), value.ptr);
    }
    Head head;
    REQUIRE(parse("HTTP/1.1 200 OK\r\nContent-Length: 999999999999999\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.content_length, 999999999999999ull);
    REQUIRE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", &head) == Parse::done);
    CHECK_EQ(head.framing, Framing::length);
    CHECK_EQ(head.content_length, 0ull);
}

TEST(invalid_heads_are_rejected)
{
    for (Str bytes : invalid_heads) {
        Head head;
        if (!CHECK_EQ(parse_head(bytes, &head, nullptr, nullptr), Parse::invalid))
            show_input(bytes);
    }
}

TEST(incomplete_heads_are_not_done)
{
    CHECK(parse("") != Parse::done);
    CHECK(parse("HTTP/1.1 200 OK") != Parse::done); // no CRLF at all
    CHECK(parse("HTTP/1.1 200 OK\r\n") != Parse::done);
    CHECK(parse("HTTP/1.1 200 OK\r\nA: b\r\n") != Parse::done);
    CHECK(parse("HTTP/1.1 200 OK\r\nA: b\r\n\r") != Parse::done);
}

// Bytes arrive in two reads split at every offset, and one byte at a time:
// the parser resumes where it stopped and ends with the same result and the
// same visitor calls as a single parse.
TEST(incremental_parse_resumes_at_every_split)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    for (Str full : valid_heads) {
        Head whole;
        Recorder once;
        REQUIRE(parse_head(full, &whole, Recorder::visit, &once) == Parse::done);
        char* at = guard.place(full);
        for (size_t split = 0; split < full.len; ++split) {
            Head head;
            Recorder seen;
            if (!CHECK_EQ(parse_head({at, split}, &head, Recorder::visit, &seen), Parse::partial))
                fprintf(stderr, "    split at %zu of %zu\n", split, full.len);
            CHECK_EQ(parse_head({at, full.len}, &head, Recorder::visit, &seen), Parse::done);
            CHECK_EQ(head.length, full.len);
            CHECK_EQ(head.status, whole.status);
            REQUIRE(seen.count == once.count);
            for (int i = 0; i < seen.count && i < Recorder::capacity; ++i) {
                CHECK_EQ(seen.calls[i].name, once.calls[i].name);
                CHECK_EQ(seen.calls[i].value, once.calls[i].value);
            }
        }
        Head head;
        Recorder seen;
        Parse p = Parse::partial;
        size_t len = 0;
        while (p == Parse::partial && len < full.len)
            p = parse_head({at, ++len}, &head, Recorder::visit, &seen);
        CHECK_EQ(p, Parse::done);
        CHECK_EQ(len, full.len);
        CHECK_EQ(seen.count, once.count);
    }
}

TEST(a_head_ends_at_the_first_blank_line)
{
    Head head;
    CHECK_EQ(parse_head("HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 500 X\r\n\r\n", &head, nullptr, nullptr), Parse::done);
    CHECK_EQ(head.length, 19u);
    CHECK_EQ(head.status, 200);
}

TEST(header_names_compare_eight_bytes_at_a_time)
{
    CHECK(is_header("Content-Length", "content-length"));
    CHECK(is_header("CONTENT-LENGTH", "content-length"));
    CHECK(is_header("lambda-runtime-", "lambda-runtime-"));
    CHECK(is_header("Lambda-Runtime-Aws-Request-Id", "lambda-runtime-aws-request-id"));
    CHECK(!is_header("Content-Lengt", "content-length"));
    CHECK(!is_header("Content_Length", "content-length"));
    CHECK(!is_header("Content-Lengthx", "content-length"));
    CHECK(!is_header("Lambda-Runtime-Aws-Request-Ix", "lambda-runtime-aws-request-id"));
    CHECK(!is_header("Xontent-Length", "content-length"));
    CHECK(is_header("", ""));
}

TEST(parse_head_never_reads_past_the_end)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    for (Str full : valid_heads) {
        for (size_t k = 0; k <= full.len; ++k) {
            char* at = guard.place(full.sub(0, k));
            Head head;
            Recorder seen;
            Parse p = parse_head({at, k}, &head, Recorder::visit, &seen);
            if (k < full.len) {
                if (!CHECK(p != Parse::done))
                    fprintf(stderr, "    prefix %zu of %zu parsed as done\n", k, full.len);
            } else {
                CHECK_EQ(p, Parse::done);
                CHECK_EQ(head.length, full.len);
            }
        }
    }
    for (Str full : invalid_heads) {
        for (size_t k = 0; k <= full.len; ++k) {
            char* at = guard.place(full.sub(0, k));
            Head head;
            Recorder seen;
            Parse p = parse_head({at, k}, &head, Recorder::visit, &seen);
            CHECK(p != Parse::done);
        }
    }
}

// Chunked bodies ---------------------------------------------------------------

namespace {

constexpr char wiki[] = "4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n";
constexpr char wiki_body[] = "Wikipedia in\r\n\r\nchunks.";

struct Decoded {
    Parse result;
    Str body;
    size_t consumed;
    bool too_large;
};

// Decodes `input` in one call, placed against the guard page.
Decoded decode_once(GuardedPage& guard, Str input, size_t limit)
{
    char* at = guard.place(input);
    ChunkedDecoder decoder;
    Parse p = decoder.decode(at, input.len, limit);
    return {p, {at, decoder.size()}, decoder.consumed(), decoder.too_large()};
}

// Each input, decoded alone against the guard page, is invalid.
template <size_t N>
void check_each_is_invalid(GuardedPage& guard, const Str (&inputs)[N])
{
    for (Str input : inputs) {
        if (!CHECK_EQ(decode_once(guard, input, 100).result, Parse::invalid))
            show_input(input);
    }
}

// Like a reader with a window of `capacity` bytes that takes at most `step`
// bytes per read: decode, compact when full, read more.
Decoded decode_through_window(Str message, char* buffer, size_t capacity, size_t step, size_t limit)
{
    ChunkedDecoder decoder;
    size_t have = 0, fed = 0;
    for (;;) {
        Parse p = decoder.decode(buffer, have, limit);
        if (p != Parse::partial || fed == message.len)
            return {p, {buffer, decoder.size()}, decoder.consumed(), decoder.too_large()};
        if (have == capacity)
            have = decoder.compact(buffer, have);
        if (have == capacity)
            return {Parse::invalid, {}, decoder.consumed(), decoder.too_large()};
        size_t n = capacity - have;
        n = n < step ? n : step;
        n = n < message.len - fed ? n : message.len - fed;
        memcpy(buffer + have, message.ptr + fed, n);
        have += n;
        fed += n;
    }
}

} // namespace

TEST(chunked_multi_chunk_body_decodes_in_place)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    Str input(wiki);
    Decoded d = decode_once(guard, input, 1 << 20);
    CHECK_EQ(d.result, Parse::done);
    CHECK_EQ(d.body, Str(wiki_body));
    CHECK_EQ(d.consumed, input.len);
    CHECK(!d.too_large);
}

TEST(chunked_stops_at_the_end_of_the_body)
{
    char buffer[128];
    Str input(wiki);
    memcpy(buffer, input.ptr, input.len);
    memcpy(buffer + input.len, "HTTP/1.1 200 OK\r\n", 17);
    ChunkedDecoder decoder;
    CHECK_EQ(decoder.decode(buffer, input.len + 17, sizeof buffer), Parse::done);
    CHECK_EQ(decoder.consumed(), input.len);
    CHECK_EQ(Str(buffer, decoder.size()), Str(wiki_body));
    CHECK_EQ(Str(buffer + input.len, 17), Str("HTTP/1.1 200 OK\r\n"));
}

TEST(chunked_one_byte_at_a_time)
{
    const Str inputs[] = {
        wiki,
        "5;name=value\r\nhello\r\n6;a=\"b c\"\r\n world\r\n0\r\nTrailer: x\r\n\r\n",
        "0\r\n\r\n",
    };
    const Str bodies[] = {wiki_body, "hello world", ""};
    GuardedPage guard;
    REQUIRE(guard.ok());
    for (size_t i = 0; i < 3; ++i) {
        Str input = inputs[i];
        char* at = guard.place(input);
        ChunkedDecoder decoder;
        for (size_t len = 1; len <= input.len; ++len) {
            Parse p = decoder.decode(at, len, 1 << 20);
            if (!CHECK_EQ(p, len == input.len ? Parse::done : Parse::partial))
                fprintf(stderr, "    input %zu, length %zu\n", i, len);
            CHECK(decoder.consumed() <= len);
        }
        CHECK_EQ(decoder.consumed(), input.len);
        CHECK_EQ(Str(at, decoder.size()), bodies[i]);
        // Every prefix alone, against the guard page: partial, no overread.
        for (size_t len = 0; len < input.len; ++len) {
            Decoded d = decode_once(guard, input.sub(0, len), 1 << 20);
            CHECK_EQ(d.result, Parse::partial);
        }
    }
}

TEST(chunk_extensions_are_skipped)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    Decoded d = decode_once(guard, "5;name=value\r\nhello\r\n6;a=\"b c\";d;\te\r\n world\r\n0;last=1\r\n\r\n", 100);
    CHECK_EQ(d.result, Parse::done);
    CHECK_EQ(d.body, Str("hello world"));
    CHECK_EQ(decode_once(guard, "5;a\nhello\r\n0\r\n\r\n", 100).result, Parse::invalid);
}

TEST(chunk_trailers_are_skipped)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    Str input("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:\t1\r\n\r\n");
    Decoded d = decode_once(guard, input, 100);
    CHECK_EQ(d.result, Parse::done);
    CHECK_EQ(d.body, Str("hello"));
    CHECK_EQ(d.consumed, input.len);
    CHECK_EQ(decode_once(guard, "5\r\nhello\r\n0\r\nX: a\n\r\n", 100).result, Parse::invalid);
    CHECK_EQ(decode_once(guard, "5\r\nhello\r\n0\n\r\n", 100).result, Parse::invalid);
    CHECK_EQ(decode_once(guard, "5\r\nhello\r\n0\r\n\n", 100).result, Parse::invalid);
    // A trailer section is over only at its blank line.
    CHECK(decode_once(guard, "5\r\nhello\r\n0\r\nX: a\r\n", 100).result != Parse::done);
    CHECK(decode_once(guard, "5\r\nhello\r\n0\r\nX: a\r\n\rX", 100).result != Parse::done);
}

TEST(chunk_sizes_in_upper_and_lower_hex)
{
    char input[512], body[256];
    size_t in = 0, out = 0;
    const char* sizes[] = {"a", "A", "1f", "1F", "0000000000b"};
    const size_t values[] = {10, 10, 31, 31, 11};
    for (size_t i = 0; i < 5; ++i) {
        in += size_t(snprintf(input + in, sizeof input - in, "%s\r\n", sizes[i]));
        for (size_t k = 0; k < values[i]; ++k) {
            char c = char('a' + (out % 26));
            body[out++] = c;
            input[in++] = c;
        }
        input[in++] = '\r';
        input[in++] = '\n';
    }
    memcpy(input + in, "0\r\n\r\n", 5);
    in += 5;
    GuardedPage guard;
    REQUIRE(guard.ok());
    Decoded d = decode_once(guard, {input, in}, 1000);
    CHECK_EQ(d.result, Parse::done);
    CHECK_EQ(d.body, Str(body, out));
    CHECK_EQ(d.consumed, in);
}

TEST(invalid_chunk_sizes)
{
    const Str inputs[] = {
        "\r\nhello\r\n0\r\n\r\n", // empty size
        "g\r\n", "5g\r\nhello\r\n0\r\n\r\n",
        "0000000000001\r\nx\r\n0\r\n\r\n", // 13 hex digits
        "1000000000000\r\n", " 5\r\nhello\r\n0\r\n\r\n", "5 \r\nhello\r\n0\r\n\r\n", "-5\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n", ";ext\r\nhello\r\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",  // bare LF
        "5\rXhello\r\n0\r\n\r\n", // CR without LF
    };
    GuardedPage guard;
    REQUIRE(guard.ok());
    check_each_is_invalid(guard, inputs);
    // Twelve digits is the most a size may have; this one still waits for data.
    Decoded d = decode_once(guard, "000000000005\r\nhello\r\n0\r\n\r\n", 100);
    CHECK_EQ(d.result, Parse::done);
    CHECK_EQ(d.body, Str("hello"));
    CHECK_EQ(decode_once(guard, "ffffffffffff\r\n", 100).result, Parse::partial);
}

TEST(missing_crlf_after_chunk_data)
{
    const Str inputs[] = {
        "5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\rX0\r\n\r\n", "5\r\nhello0\r\n\r\n",
        "4\r\nhello\r\n0\r\n\r\n", // size one short
    };
    GuardedPage guard;
    REQUIRE(guard.ok());
    check_each_is_invalid(guard, inputs);
}

TEST(too_large_drops_the_body_but_reaches_done)
{
    GuardedPage guard;
    REQUIRE(guard.ok());
    Str input(wiki);
    size_t body_len = Str(wiki_body).len;

    Decoded fits = decode_once(guard, input, body_len);
    CHECK_EQ(fits.result, Parse::done);
    CHECK(!fits.too_large);
    CHECK_EQ(fits.body, Str(wiki_body));

    const size_t limits[] = {0, 3, 4, 5, body_len - 1};
    for (size_t limit : limits) {
        Decoded d = decode_once(guard, input, limit);
        CHECK_EQ(d.result, Parse::done);
        CHECK(d.too_large);
        CHECK_EQ(d.body.len, 0u);
        CHECK_EQ(d.consumed, input.len);
    }

    // The same one byte at a time.
    char* at = guard.place(input);
    ChunkedDecoder decoder;
    Parse p = Parse::partial;
    for (size_t len = 1; len <= input.len; ++len)
        p = decoder.decode(at, len, 10);
    CHECK_EQ(p, Parse::done);
    CHECK(decoder.too_large());
    CHECK_EQ(decoder.size(), 0u);

    // An empty body never is too large.
    Decoded empty = decode_once(guard, "0\r\n\r\n", 0);
    CHECK_EQ(empty.result, Parse::done);
    CHECK(!empty.too_large);
}

TEST(compact_keeps_decoding_correct)
{
    Str input(wiki);
    size_t body_len = Str(wiki_body).len;
    char buffer[64];
    // Windows from barely enough to roomy, reads from one byte to many.
    for (size_t capacity = body_len + 4; capacity <= sizeof buffer; capacity += 5) {
        for (size_t step = 1; step <= 9; ++step) {
            Decoded d = decode_through_window(input, buffer, capacity, step, capacity);
            if (!CHECK_EQ(d.result, Parse::done) || !CHECK_EQ(d.body, Str(wiki_body)))
                fprintf(stderr, "    capacity %zu, step %zu\n", capacity, step);
        }
    }
    // A body larger than the window drains to done when over the limit.
    for (size_t step = 1; step <= 9; ++step) {
        Decoded d = decode_through_window(input, buffer, 16, step, 8);
        if (!CHECK_EQ(d.result, Parse::done) || !CHECK(d.too_large))
            fprintf(stderr, "    step %zu\n", step);
        CHECK_EQ(d.body.len, 0u);
    }
}

TEST(compact_moves_an_undecoded_tail)
{
    char buffer[128];
    Str input(wiki);
    memcpy(buffer, input.ptr, input.len);
    ChunkedDecoder decoder;
    // Decode only the first chunk; the rest is already in the buffer.
    CHECK_EQ(decoder.decode(buffer, 9, sizeof buffer), Parse::partial);
    CHECK_EQ(decoder.consumed(), 9u);
    CHECK_EQ(decoder.size(), 4u);
    size_t len = decoder.compact(buffer, input.len);
    CHECK_EQ(len, 4u + input.len - 9);
    CHECK_EQ(decoder.consumed(), 4u);
    CHECK_EQ(Str(buffer, 4), Str("Wiki"));
    CHECK_EQ(Str(buffer + 4, len - 4), Str(input.sub(9)));
    CHECK_EQ(decoder.decode(buffer, len, sizeof buffer), Parse::done);
    CHECK_EQ(Str(buffer, decoder.size()), Str(wiki_body));
    CHECK_EQ(decoder.consumed(), len);
}
