// Test-only handler: logs a probe at every level, hostile messages and long
// ones, so the tests can read the records back in either format. Answers with
// log_enabled for each level as "0"/"1"; the event "fail" makes it fail.
#include <wisp/wisp.h>

namespace {

// Split where a hex escape would otherwise swallow the next letters.
constexpr wisp::Str hostile = "quote\" backslash\\ lf\n cr\r crlf\r\n tab\t ctl\x01\x1f del\x7f"
                              " caf\xc3\xa9 globe \xf0\x9f\x8c\x8d end";
// Repeated into the long messages: every kind of byte the formats change.
constexpr wisp::Str pattern = "\xe2\x82\xac \"q\" \\ \xc3\xa9\n\t\x01 ";

wisp::Str repeat(wisp::Arena& arena, wisp::Str head, wisp::Str unit, size_t count)
{
    size_t len = head.len + unit.len * count;
    auto* bytes = static_cast<char*>(arena.alloc(len, 1));
    wisp::Builder text(bytes, len);
    text.append(head);
    while (count--)
        text.append(unit);
    return text.view();
}

} // namespace

wisp::Outcome wisp::init(Arena&)
{
    log(Level::info, "init: outside any invocation");
    return success({});
}

wisp::Outcome wisp::handle(const Invocation& invocation, Arena& arena, Builder& out)
{
    static constexpr Str names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    for (unsigned i = 0; i < 6; ++i) {
        auto level = static_cast<Level>(i);
        Str parts[] = {"probe ", names[i]};
        log_parts(level, parts, 2);
        out.append(log_enabled(level) ? '1' : '0');
    }
    Str parts[] = {"hostile: ", hostile, " | second part"};
    log_parts(Level::warn, parts, 3);
    log(Level::warn, repeat(arena, "long: ", pattern, 20 * 1024 / pattern.len));
    log(Level::warn, repeat(arena, "control: ", "\x01", 8 * 1024));
    log(Level::warn, repeat(arena, "huge: ", pattern, 200 * 1024 / pattern.len));
    // One run of three-byte characters, cut at three offsets: at least one
    // cut falls inside a character.
    static constexpr Str heads[] = {"wide: ", "wider: ", "widest: "};
    for (Str head : heads)
        log(Level::warn, repeat(arena, head, "\xe2\x82\xac", 70 * 1024));
    if (invocation.body == Str("\"fail\""))
        return failure("Function.Probe", "failing as asked");
    return success(out.view(), "text/plain");
}
