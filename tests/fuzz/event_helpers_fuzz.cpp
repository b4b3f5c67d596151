// Fuzz target: the decoders the event views share, each against a reference
// written here, over the whole input and, when the input is JSON, over every
// string of its top-level object or array. Every check traps
// (__builtin_trap) when it fails:
// - percent_decode, both modes: the reference's bytes, the text itself when
//   there is nothing to decode, Str{} only from an exhausted arena;
// - base64_decode: succeeds exactly on canonical text, and re-encoding gives
//   the text back; encoding any bytes then decoding gives them back;
// - Number: valid, integer, get_int, get_uint and get_scaled agree with
//   128-bit arithmetic on the digits;
// - StringMap: size and iteration agree, get, get_ignore_case and View's
//   string, number, boolean and child give the first member of the key;
//   List: size, iteration and [i] agree; a default View reads as absent.
#include <wisp/base64.h>
#include <wisp/events/view.h>

#include <initializer_list>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

using wisp::Arena;
using wisp::Builder;
using wisp::Str;
using wisp::events::List;
using wisp::events::Number;
using wisp::events::Plus;
using wisp::events::StringMap;
using wisp::events::View;
using wisp::json::Document;
using wisp::json::Member;
using wisp::json::Type;
using wisp::json::Value;

using fuzz::I128;
using fuzz::require;
using fuzz::U128;

namespace {

// Both absent, or the same bytes.
bool same_str(Str a, Str b) { return (a.ptr == nullptr) == (b.ptr == nullptr) && a == b; }

int hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void check_percent(Str text, Arena& arena, Plus plus)
{
    bool plus_space = plus == Plus::space;
    char* expected = static_cast<char*>(malloc(text.len + 1));
    size_t len = 0;
    bool allocates = false; // a '%' or, for Plus::space, a '+'
    for (size_t i = 0; i < text.len; ++i) {
        unsigned char c = text.byte(i);
        if (c == '+' && plus_space) {
            expected[len++] = ' ';
            allocates = true;
        } else if (c == '%' && i + 2 < text.len && hex(text.byte(i + 1)) >= 0 && hex(text.byte(i + 2)) >= 0) {
            expected[len++] = static_cast<char>(hex(text.byte(i + 1)) * 16 + hex(text.byte(i + 2)));
            i += 2;
            allocates = true;
        } else {
            expected[len++] = static_cast<char>(c);
            allocates = allocates || c == '%';
        }
    }
    size_t mark = arena.mark();
    Str out = wisp::events::percent_decode(text, arena, plus);
    require(out.ptr != nullptr && out == Str(expected, len) && out.len <= text.len);
    if (!allocates)
        require(out.ptr == text.ptr && arena.mark() == mark);

    char one[1];
    Arena empty(one, 0);
    out = wisp::events::percent_decode(text, empty, plus);
    require(allocates ? out.ptr == nullptr && empty.exhausted() : out.ptr == text.ptr && out.len == text.len);
    free(expected);
}

int sextet(unsigned char c)
{
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const void* at = c ? memchr(alphabet, c, 64) : nullptr;
    return at ? static_cast<int>(static_cast<const char*>(at) - alphabet) : -1;
}

// Canonical base64: groups of four alphabet characters, the last of which
// may end in "=" or "==" with zero bits under the padding.
bool canonical_base64(Str text)
{
    if (text.len % 4)
        return false;
    for (size_t i = 0; i < text.len; ++i) {
        size_t from_end = text.len - i;
        if (text.byte(i) == '=') {
            if (from_end > 2 || (from_end == 2 && text.byte(i + 1) != '='))
                return false;
        } else if (sextet(text.byte(i)) < 0) {
            return false;
        }
    }
    if (text.len && text.byte(text.len - 2) == '=')
        return (sextet(text.byte(text.len - 3)) & 0xf) == 0;
    if (text.len && text.byte(text.len - 1) == '=')
        return (sextet(text.byte(text.len - 2)) & 0x3) == 0;
    return true;
}

Str encode(Str bytes, char* buffer, size_t capacity)
{
    Builder out(buffer, capacity);
    wisp::base64::encode(out, bytes);
    require(!out.overflowed() && out.size() == wisp::base64::encoded_size(bytes.len));
    return out.view();
}

void check_base64(Str text, Arena& arena)
{
    size_t mark = arena.mark();
    Str decoded = wisp::events::base64_decode(text, arena);
    require((decoded.ptr != nullptr) == canonical_base64(text));
    if (decoded.ptr) {
        require(decoded.len <= wisp::base64::decoded_max(text.len));
        size_t capacity = wisp::base64::encoded_size(decoded.len);
        char* again = static_cast<char*>(malloc(capacity + 1));
        require(encode(decoded, again, capacity) == text);
        free(again);
    } else {
        require(arena.mark() == mark);
    }
    arena.release(mark);

    // Any bytes, encoded then decoded, come back.
    size_t capacity = wisp::base64::encoded_size(text.len);
    char* encoded = static_cast<char*>(malloc(capacity + 1));
    Str base64 = encode(text, encoded, capacity);
    require(canonical_base64(base64));
    decoded = wisp::events::base64_decode(base64, arena);
    require(decoded.ptr != nullptr && decoded == text);
    arena.release(mark);
    free(encoded);
}

// The reference reading of a number: 128-bit magnitudes, saturated.
struct Reference {
    bool valid = false;
    bool negative = false;
    bool exponent = false;
    size_t fraction_digits = 0;
    U128 whole = 0;    // saturated at 2^100
    U128 fraction = 0; // likewise
};

constexpr U128 saturated = static_cast<U128>(1) << 100;

void add_digit(U128* value, unsigned char c)
{
    if (*value < saturated)
        *value = *value * 10 + static_cast<unsigned>(c - '0');
}

Reference read_reference(Str text)
{
    Reference r;
    size_t i = 0;
    auto digit = [&] { return i < text.len && text.byte(i) >= '0' && text.byte(i) <= '9'; };
    if (i < text.len && text.byte(i) == '-') {
        r.negative = true;
        ++i;
    }
    if (!digit())
        return r;
    if (text.byte(i) == '0' && i + 1 < text.len && text.byte(i + 1) >= '0' && text.byte(i + 1) <= '9')
        return r; // a leading zero
    while (digit())
        add_digit(&r.whole, text.byte(i++));
    if (i < text.len && text.byte(i) == '.') {
        ++i;
        if (!digit())
            return r;
        while (digit()) {
            add_digit(&r.fraction, text.byte(i++));
            ++r.fraction_digits;
        }
    }
    if (i < text.len && (text.byte(i) | 0x20) == 'e') {
        r.exponent = true;
        ++i;
        if (i < text.len && (text.byte(i) == '+' || text.byte(i) == '-'))
            ++i;
        if (!digit())
            return r;
        while (digit())
            ++i;
    }
    r.valid = i == text.len;
    return r;
}

// The magnitude times 10^decimals, or saturated.
U128 scaled(const Reference& r, unsigned decimals)
{
    U128 value = r.whole;
    for (unsigned i = 0; i < decimals; ++i)
        value = value < saturated ? value * 10 : saturated;
    U128 fraction = r.fraction;
    for (size_t i = r.fraction_digits; i < decimals; ++i)
        fraction = fraction < saturated ? fraction * 10 : saturated;
    return value + fraction;
}

bool fits_signed(U128 magnitude, bool negative)
{
    return magnitude <= (static_cast<U128>(1) << 63) - (negative ? 0 : 1);
}

I128 signed_of(U128 magnitude, bool negative)
{
    return negative ? -static_cast<I128>(magnitude) : static_cast<I128>(magnitude);
}

void check_number(Str text)
{
    Number number{text};
    Reference r = read_reference(text);
    bool integer = r.valid && !r.exponent && r.fraction_digits == 0;
    require(number.valid() == r.valid && number.integer() == integer);

    long long value = 7;
    bool got = number.get_int(&value);
    require(got == (integer && fits_signed(r.whole, r.negative)));
    require(got ? static_cast<I128>(value) == signed_of(r.whole, r.negative) : value == 7);

    unsigned long long unsigned_value = 7;
    got = number.get_uint(&unsigned_value);
    require(got == (integer && !r.negative && r.whole <= ~0ull));
    require(got ? unsigned_value == r.whole : unsigned_value == 7);

    for (unsigned decimals : {0u, 1u, 2u, 3u, 6u, 9u, 18u, 19u, 20u, 40u}) {
        value = 7;
        got = number.get_scaled(decimals, &value);
        U128 magnitude = scaled(r, decimals);
        bool fits = r.valid && !r.exponent && r.fraction_digits <= decimals && fits_signed(magnitude, r.negative);
        require(got == fits);
        require(got ? static_cast<I128>(value) == signed_of(magnitude, r.negative) : value == 7);
    }
}

void check_text(Str text, Arena& arena)
{
    size_t mark = arena.mark();
    check_percent(text, arena, Plus::literal);
    check_percent(text, arena, Plus::space);
    check_base64(text, arena);
    check_number(text);
    arena.release(mark);
}

bool equal_ignoring_ascii_case(Str a, Str b)
{
    if (a.len != b.len)
        return false;
    for (size_t i = 0; i < a.len; ++i) {
        unsigned char x = a.byte(i), y = b.byte(i);
        if (x >= 'A' && x <= 'Z')
            x = static_cast<unsigned char>(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = static_cast<unsigned char>(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

// The first member whose key (decoded by View) matches, exactly or not.
Value first_member(const View& view, Str key, bool ignore_case)
{
    for (Member member : view.json().members()) {
        size_t mark = view.arena().mark();
        Str name = view.string_of(member.key);
        bool match = name.ptr && (ignore_case ? equal_ignoring_ascii_case(name, key) : name == key);
        view.arena().release(mark);
        if (match)
            return member.value;
    }
    return {};
}

void check_map(const StringMap& map, Arena& arena)
{
    size_t count = 0;
    size_t budget = 64; // keys checked: each check scans the whole object
    for (StringMap::Entry entry : map) {
        ++count;
        if (entry.value.ptr)
            check_text(entry.value, arena);
        if (!entry.key.ptr || budget == 0)
            continue;
        --budget;
        size_t mark = arena.mark();
        Value first = first_member(map, entry.key, false);
        require(first.exists());
        require(same_str(map.get(entry.key), map.string_of(first)));
        require(same_str(map.string(entry.key), map.string_of(first)));
        require(map.child(entry.key).json().raw().ptr == first.raw().ptr);

        Number number = map.number(entry.key);
        Type type = first.type();
        bool numeric = (type == Type::number || type == Type::string) && read_reference(first.raw()).valid;
        require(numeric ? number.text.ptr == first.raw().ptr && number.text.len == first.raw().len
                        : number.text.ptr == nullptr && number.text.len == 0);

        bool value = false;
        bool is_bool = first.get_bool(&value);
        require(map.boolean(entry.key, false) == (is_bool && value));
        require(map.boolean(entry.key, true) == (!is_bool || value));

        Value folded = first_member(map, entry.key, true);
        require(same_str(map.get_ignore_case(entry.key), map.string_of(folded)));
        char* upper = static_cast<char*>(malloc(entry.key.len + 1));
        for (size_t i = 0; i < entry.key.len; ++i) {
            unsigned char c = entry.key.byte(i);
            upper[i] = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
        }
        Str upper_key(upper, entry.key.len);
        require(same_str(map.get_ignore_case(upper_key), map.string_of(first_member(map, upper_key, true))));
        free(upper);
        arena.release(mark);
    }
    require(count == map.size() && count == map.json().size());
    require(!map.get("\x01 absent").ptr || first_member(map, "\x01 absent", false).exists());
}

void check_list(View array, Arena& arena)
{
    List<View> list(array);
    size_t count = 0;
    for (View element : list) {
        if (count < 32)
            require(list[count].json().raw().ptr == element.json().raw().ptr);
        Str s = array.string_of(element.json());
        if (s.ptr)
            check_text(s, arena);
        ++count;
    }
    require(count == list.size() && list.empty() == (count == 0) && !list[count].exists());
}

// A default View is absent: its reads give nothing (UBSan saw string_of bind
// its null arena before view.cpp checked for it).
void check_default_views(Str key)
{
    View view;
    StringMap map;
    require(!view.exists() && !view.string(key).ptr && !view.number(key).text.ptr && !view.boolean(key));
    require(view.boolean(key, true) && !view.string_of(view.json()).ptr);
    require(map.size() == 0 && !map.get(key).ptr && !map.get_ignore_case(key).ptr && !(map.begin() != map.end()));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // An empty input may come as a null pointer; the decoders take Str{} for absent.
    Str text(size ? reinterpret_cast<const char*>(data) : "", size);
    size_t capacity = 32 * size + 256;
    void* memory = malloc(capacity);
    Arena arena(memory, capacity);
    check_text(text, arena);
    check_default_views(text);

    Document doc = Document::parse(text, arena);
    View root(doc.root(), arena);
    StringMap map(root);
    if (root.json().type() == Type::object)
        check_map(map, arena);
    else
        require(map.size() == 0 && !(map.begin() != map.end()) && !map.get("a").ptr && !map.get_ignore_case("a").ptr);
    if (root.json().type() == Type::array)
        check_list(root, arena);
    else
        require(List<View>(root).size() == 0 && List<View>(root).empty());
    require(!arena.exhausted());
    free(memory);
    return 0;
}
