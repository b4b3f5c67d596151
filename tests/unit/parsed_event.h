// A unit test's event, parsed into an arena of static storage: the arena
// and the document outlive the call, and each parse starts the arena afresh.
//   auto& p = parsed_event<CognitoEvent>(text); p.doc.ok(); p.event().user_name();
#pragma once

#include <wisp/arena.h>
#include <wisp/json.h>

template <class Event>
struct ParsedEvent {
    wisp::Arena arena;
    wisp::json::Document doc;
    Event event() { return Event(doc.root(), arena); }
};

template <class Event>
ParsedEvent<Event>& parsed_event(const char* text)
{
    alignas(16) static char memory[1 << 20];
    static ParsedEvent<Event> parsed{wisp::Arena(memory, sizeof memory), {}};
    parsed.arena.reset_to(0);
    parsed.doc = wisp::json::Document::parse(wisp::Str::from_cstr(text), parsed.arena);
    return parsed;
}
