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
};

// Called for each header, in order, with views into the parsed bytes; first
// with an empty name, meaning a new head begins (forget earlier calls).
using HeaderVisitor = void (*)(void* context, Str name, Str value);

// Offset just past the first "\r\n\r\n" at or after `from`, or 0 when there is
// none yet. Lets a reader rescan only the bytes that arrived since last time.
size_t find_head_end(Str bytes, size_t from);

// Parses a complete head (bytes end with the blank line), handing every
// header to visit (when not null) and keeping the ones that frame the body.
Parse parse_head(Str bytes, Head* out, HeaderVisitor visit, void* context);

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
