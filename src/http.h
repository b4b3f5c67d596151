// HTTP/1.1 responses from the Runtime API, parsed in place: headers are views
// into the receive buffer. Parsers answer done / partial (need more bytes) /
// invalid, as picohttpparser does.
#pragma once

#include <wisp/str.h>

namespace wisp::http {

enum class Parse : unsigned char { done, partial, invalid };
enum class Framing : unsigned char { none, length, chunked };

struct Head {
    int status = 0;
    size_t length = 0; // bytes up to and including the blank line
    Framing framing = Framing::none;
    bool close = false; // Connection: close
    unsigned long long content_length = 0;
    size_t parsed = 0;   // whole lines parsed so far
    size_t searched = 0; // where the search for the next line's end goes on
};

// True when name equals lowercase_name, ignoring ASCII case. For header
// names only: lowercase_name must hold only lowercase letters, digits and
// '-', and name no control characters (parse_head guarantees that), which
// lets it compare eight bytes at a time. Against letters alone, name may hold
// any byte.
bool is_header(Str name, Str lowercase_name);

// Called for each header, in order, with views into the parsed bytes; first
// with an empty name, meaning a new head begins (forget earlier calls).
using HeaderVisitor = void (*)(void* context, Str name, Str value);

// Parses the lines of a head that have arrived in bytes, handing every header
// to visit (when not null) and keeping the ones that frame the body. On
// partial, call again once more bytes follow in the same buffer: it resumes
// where it stopped, so every byte is looked at once. Lines end with CRLF;
// header values may hold any other byte, so nothing from a head may reach a
// request line or header unchecked.
Parse parse_head(Str bytes, Head* head, HeaderVisitor visit, void* context);

// Decodes a chunked body in place: chunk data moves down to the start of the
// buffer, so the body ends up contiguous at [0, size()).
class ChunkedDecoder {
public:
    // Consumes bytes [consumed(), len) of buffer. Decoded bytes beyond `limit`
    // are dropped and too_large() is set, but decoding goes on to the end.
    Parse decode(char* buffer, size_t len, size_t limit);
    // Moves the undecoded tail down so the buffer can take more bytes; returns
    // the new length of the buffer's contents.
    size_t compact(char* buffer, size_t len);

    // Gives up on keeping the body (it cannot fit): decoding goes on, dropping data.
    void drop()
    {
        m_too_large = true;
        m_write = 0;
    }

    size_t size() const { return m_write; }
    size_t consumed() const { return m_read; }
    bool too_large() const { return m_too_large; }

private:
    enum class State : unsigned char { size, data_end, trailer };

    State m_state = State::size;
    size_t m_read = 0;
    size_t m_write = 0;
    unsigned long long m_left = 0; // bytes of the current chunk still to come
    bool m_too_large = false;
};

} // namespace wisp::http
