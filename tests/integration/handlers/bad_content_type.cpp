// Test-only handler: answers "{}" with the content type the event names in
// "content_type" (JSON escapes decoded), by default one carrying CR LF and an
// injected header. The runtime must refuse unusable ones with
// Runtime.InvalidContentType instead of writing them into a request head.
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder&)
{
    Str type = "text/plain\r\nX-Injected: yes";
    json::Document event = json::Document::parse(invocation.body, arena);
    if (event.ok()) {
        Str chosen;
        if (event.root()["content_type"].get_string(arena, &chosen))
            type = chosen;
    }
    return success("{}", type);
}
