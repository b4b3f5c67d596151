// {"name":"Ada"} -> {"message":"Hello, Ada!"}; no usable name -> "Hello, world!".
#include <wisp/wisp.h>

wisp::Outcome wisp::handle(const wisp::Invocation& invocation, wisp::Arena& arena, wisp::Builder& out)
{
    json::Document event = json::Document::parse(invocation.body, arena);
    if (!event.ok())
        return failure("Function.InvalidInput", json::describe(event.error()));
    Str name;
    if (!event.root()["name"].get_string(arena, &name))
        name = "world";

    // The whole greeting is one JSON string, so it is put together first and escaped once.
    Str hello = "Hello, ";
    size_t len = hello.len + name.len + 1;
    char* bytes = static_cast<char*>(arena.alloc(len, 1));
    if (!bytes)
        return failure("Function.ResponseTooLarge", "the name does not fit in the arena");
    Builder message(bytes, len);
    message.append(hello).append(name).append('!');

    out.append(Str("{\"message\":")).append_json_string(message.view()).append('}');
    if (out.overflowed())
        return failure("Function.ResponseTooLarge", "the greeting does not fit in the response buffer");
    return success(out.view());
}
