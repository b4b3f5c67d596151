// The accessors every event view is made of, and the decoders they share.
#include <wisp/base64.h>
#include <wisp/events/view.h>

namespace wisp::events {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Splits a JSON number into its parts: false unless text is one.
struct Parts {
    bool negative = false;
    Str whole;    // integer digits
    Str fraction; // digits after '.', empty when none
    bool exponent = false;
};

bool split(Str text, Parts* parts)
{
    size_t at = 0;
    parts->negative = text.len && text.ptr[0] == '-';
    at = parts->negative ? 1 : 0;
    size_t from = at;
    while (at < text.len && is_digit(text.ptr[at]))
        ++at;
    if (at == from || (text.ptr[from] == '0' && at > from + 1))
        return false;
    parts->whole = text.sub(from, at - from);
    if (at < text.len && text.ptr[at] == '.') {
        from = ++at;
        while (at < text.len && is_digit(text.ptr[at]))
            ++at;
        if (at == from)
            return false;
        parts->fraction = text.sub(from, at - from);
    }
    if (at < text.len && (text.ptr[at] == 'e' || text.ptr[at] == 'E')) {
        parts->exponent = true;
        if (++at < text.len && (text.ptr[at] == '+' || text.ptr[at] == '-'))
            ++at;
        from = at;
        while (at < text.len && is_digit(text.ptr[at]))
            ++at;
        if (at == from)
            return false;
    }
    return at == text.len;
}

// Appends digits to *value unless that overflows limit.
bool accumulate(Str digits, unsigned long long limit, unsigned long long* value)
{
    for (char c : digits) {
        unsigned digit = static_cast<unsigned>(c - '0');
        if (*value > (limit - digit) / 10)
            return false;
        *value = *value * 10 + digit;
    }
    return true;
}

// The magnitude times 10^decimals, at most limit; negative numbers only when allowed.
bool magnitude(
    Str text, unsigned decimals, unsigned long long limit, bool allow_negative, unsigned long long* out, bool* negative)
{
    Parts parts;
    if (!split(text, &parts) || parts.exponent || parts.fraction.len > decimals)
        return false;
    if (parts.negative && !allow_negative)
        return false;
    unsigned long long value = 0;
    if (!accumulate(parts.whole, limit, &value) || !accumulate(parts.fraction, limit, &value))
        return false;
    for (size_t i = parts.fraction.len; i < decimals; ++i) {
        if (value > limit / 10)
            return false;
        value *= 10;
    }
    *out = value;
    *negative = parts.negative;
    return true;
}

bool signed_value(Str text, unsigned decimals, long long* out)
{
    unsigned long long value = 0;
    bool negative = false;
    if (!magnitude(text, decimals, 0x8000000000000000ull, true, &value, &negative))
        return false;
    if (!negative && value > 0x7fffffffffffffffull)
        return false;
    *out = static_cast<long long>(negative ? 0 - value : value);
    return true;
}

int hex_digit(char c)
{
    unsigned u = static_cast<unsigned char>(c);
    if (u - '0' < 10)
        return static_cast<int>(u - '0');
    u = (u | 0x20) - 'a';
    return u < 6 ? static_cast<int>(u + 10) : -1;
}

} // namespace

bool Number::valid() const
{
    Parts parts;
    return split(text, &parts);
}

bool Number::integer() const
{
    Parts parts;
    return split(text, &parts) && parts.fraction.empty() && !parts.exponent;
}

bool Number::get_int(long long* out) const { return signed_value(text, 0, out); }

bool Number::get_scaled(unsigned decimals, long long* out) const { return signed_value(text, decimals, out); }

bool Number::get_uint(unsigned long long* out) const
{
    bool negative = false;
    unsigned long long value = 0;
    if (!magnitude(text, 0, ~0ull, false, &value, &negative))
        return false;
    *out = value;
    return true;
}

Str View::string_of(json::Value value) const
{
    Str out;
    // A default View (absent, no arena) reads as absent too.
    if (!m_arena || !value.get_string(*m_arena, &out))
        return {};
    return out;
}

Number View::number_of(json::Value value)
{
    json::Type type = value.type();
    if (type != json::Type::number && type != json::Type::string)
        return {};
    Number number{value.raw()};
    return number.valid() ? number : Number{};
}

bool View::boolean(Str key, bool fallback) const
{
    bool value = fallback;
    return m_value[key].get_bool(&value) ? value : fallback;
}

Str StringMap::get_ignore_case(Str key) const
{
    for (json::Member member : m_value.members()) {
        if (equals_ignore_case(string_of(member.key), key))
            return string_of(member.value);
    }
    return {};
}

StringMap::Entry StringMap::Iterator::operator*() const
{
    json::Member member = *m_at;
    return {m_map->string_of(member.key), m_map->string_of(member.value)};
}

Str percent_decode(Str text, Arena& arena, Plus plus)
{
    size_t i = 0;
    while (i < text.len && text.ptr[i] != '%' && !(plus == Plus::space && text.ptr[i] == '+'))
        ++i;
    if (i == text.len)
        return text;
    char* bytes = static_cast<char*>(arena.alloc(text.len, 1));
    if (!bytes)
        return {};
    size_t len = 0;
    for (i = 0; i < text.len; ++i) {
        char c = text.ptr[i];
        int high = 0, low = 0;
        if (c == '+' && plus == Plus::space) {
            c = ' ';
        } else if (c == '%' && text.len - i > 2 && (high = hex_digit(text.ptr[i + 1])) >= 0 &&
            (low = hex_digit(text.ptr[i + 2])) >= 0) {
            c = static_cast<char>(high << 4 | low);
            i += 2;
        }
        bytes[len++] = c;
    }
    return {bytes, len};
}

Str base64_decode(Str text, Arena& arena)
{
    if (!text.ptr)
        return {};
    size_t mark = arena.mark();
    char* bytes = static_cast<char*>(arena.alloc(base64::decoded_max(text.len) + 1, 1));
    size_t len = 0;
    if (!bytes || !base64::decode(text, bytes, &len)) {
        arena.release(mark);
        return {};
    }
    return {bytes, len};
}

} // namespace wisp::events
