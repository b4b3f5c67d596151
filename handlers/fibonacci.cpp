// {"n":10} -> {"n":10,"fibonacci":55}. F(93) is the largest that fits in 64 bits.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    if (!event.ok())
        return failure("Function.InvalidInput", json::describe(event.error()));
    long long n = 0;
    if (!event.root()["n"].get_int(&n) || n < 0 || n > 93)
        return failure("Function.InvalidInput", "\"n\" must be an integer from 0 to 93");

    unsigned long long previous = 1, current = 0; // F(-1), F(0)
    for (long long i = 0; i < n; ++i) {
        unsigned long long next = previous + current;
        previous = current;
        current = next;
    }
    out.append(Str("{\"n\":")).append_int(n).append(Str(",\"fibonacci\":")).append_uint(current).append('}');
    return success(out.view());
}
