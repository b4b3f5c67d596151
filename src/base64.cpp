#include <wisp/base64.h>

namespace wisp::base64 {

static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Builder& encode(Builder& out, Str bytes)
{
    for (size_t i = 0; i < bytes.len; i += 3) {
        size_t left = bytes.len - i;
        unsigned group = unsigned{bytes.byte(i)} << 16;
        if (left > 1)
            group |= unsigned{bytes.byte(i + 1)} << 8;
        if (left > 2)
            group |= bytes.byte(i + 2);
        char quad[4] = {alphabet[group >> 18], alphabet[group >> 12 & 63], '=', '='};
        if (left > 1)
            quad[2] = alphabet[group >> 6 & 63];
        if (left > 2)
            quad[3] = alphabet[group & 63];
        out.append(Str(quad, 4));
    }
    return out;
}

// The six bits a character stands for; 64 for '=' and 65 for anything else.
static unsigned value_of(unsigned c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return c == '=' ? 64 : 65;
}

bool decode(Str text, char* out, size_t* len)
{
    if (text.len % 4)
        return false;
    size_t written = 0;
    // Each group is read whole before its bytes are written, and out never
    // gets ahead of text: in place is safe.
    for (size_t i = 0; i < text.len; i += 4) {
        unsigned v[4];
        for (int k = 0; k < 4; ++k)
            v[k] = value_of(text.byte(i + static_cast<size_t>(k)));
        bool last = i + 4 == text.len;
        // '=' may only end the last group: "xx==" or "xxx=".
        int pad = last ? (v[3] == 64) + (v[2] == 64) : 0;
        if (v[0] > 63 || v[1] > 63 || (v[2] > 63 && pad != 2) || (v[3] > 63 && pad < 1))
            return false;
        unsigned group = v[0] << 18 | v[1] << 12 | (v[2] & 63) << 6 | (v[3] & 63);
        if ((pad == 2 && (group & 0xffff)) || (pad == 1 && (group & 0xff)))
            return false; // bits under the padding must be zero
        out[written++] = static_cast<char>(group >> 16);
        if (pad < 2)
            out[written++] = static_cast<char>(group >> 8);
        if (pad < 1)
            out[written++] = static_cast<char>(group);
    }
    *len = written;
    return true;
}

} // namespace wisp::base64
