// Streams a response of any length in constant memory: 50 MiB by default,
// generated on the fly and written 64 KiB at a time. Each 16-byte line is its
// own index in hex, so a reader can check every byte: "000000000000000\n",
// "000000000000001\n", ...
// The event may set
//   "size": bytes to send (default 52428800),
//   "fail_after": fail with Function.StreamFailed once this many bytes are out.
#include <wisp/stream.h>
#include <wisp/wisp.h>

constexpr long long chunk = 64 << 10;
static char buffer[chunk];

// The bytes at [offset, offset + len) of the endless text of numbered lines.
static void generate(char* out, size_t len, unsigned long long offset)
{
    for (size_t i = 0; i < len; ++i, ++offset) {
        unsigned column = offset & 15;
        out[i] = column == 15 ? '\n' : "0123456789abcdef"[(offset >> 4) >> (4 * (14 - column)) & 15];
    }
}

wisp::Outcome wisp::handle(const Invocation& inv, Arena& arena, Builder&)
{
    // Fields that are absent, or not of their type, keep their defaults.
    json::Document document = json::Document::parse(inv.body, arena);
    json::Value event = document.root();
    long long size = 50 << 20, fail_after = -1;
    event["size"].get_int(&size);
    event["fail_after"].get_int(&fail_after);
    if (size < 0)
        return failure("Function.InvalidInput", "negative size");
    bool fail = fail_after >= 0 && fail_after < size;
    if (fail)
        size = fail_after;

    Stream out = stream(inv, "text/plain");
    for (long long sent = 0; sent < size;) {
        auto len = static_cast<size_t>(size - sent < chunk ? size - sent : chunk);
        generate(buffer, len, static_cast<unsigned long long>(sent));
        if (!out.write(Str(buffer, len)))
            break; // the connection is lost: the rest would be dropped
        sent += static_cast<long long>(len);
    }
    if (fail)
        return failure("Function.StreamFailed", "failed on purpose mid-stream");
    return success({});
}
