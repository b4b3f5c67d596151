// Test-only handler: {"size":N} -> a JSON string of exactly N bytes (quotes
// included) written into the Builder. Sizes past the Builder's capacity make
// it overflow, which the runtime must turn into Function.ResponseSizeTooLarge.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    long long size = 0;
    if (!event.ok() || !event.root()["size"].get_int(&size) || size < 2)
        return failure("Function.InvalidInput", "\"size\" must be an integer of at least 2");

    static const char filler[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    out.append('"');
    for (long long left = size - 2; left > 0 && !out.overflowed();) {
        size_t step = left < 64 ? static_cast<size_t>(left) : 64;
        out.append(Str(filler, step));
        left -= static_cast<long long>(step);
    }
    out.append('"');
    return success(out.view()); // overflowed or not: the runtime decides
}
