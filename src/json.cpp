// jsmn tokenises; everything jsmn's strict mode still lets through (bad
// primitives, missing or extra commas and colons, control bytes in strings,
// a second top-level value) is rejected by one pass over the tokens.
#include <wisp/json.h>

#include <jsmn.h>

namespace wisp::json {

namespace {

const jsmntok_t* as_token(const void* token) { return static_cast<const jsmntok_t*>(token); }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Advances *at over digits; false when there was none.
bool skip_digits(Str s, size_t* at)
{
    size_t from = *at;
    while (*at < s.len && is_digit(s.ptr[*at]))
        ++*at;
    return *at > from;
}

// Checks a primitive's text, never empty: jsmn takes any printable run that
// starts with [-0-9tfn] for one.
bool valid_primitive(Str s)
{
    switch (s.ptr[0]) {
    case 't': return s == Str("true");
    case 'f': return s == Str("false");
    case 'n': return s == Str("null");
    default: break;
    }
    size_t at = s.ptr[0] == '-' ? 1 : 0;
    size_t integer = at;
    if (!skip_digits(s, &at) || (s.ptr[integer] == '0' && at > integer + 1))
        return false;
    if (at < s.len && s.ptr[at] == '.') {
        ++at;
        if (!skip_digits(s, &at))
            return false;
    }
    if (at < s.len && (s.ptr[at] == 'e' || s.ptr[at] == 'E')) {
        ++at;
        if (at < s.len && (s.ptr[at] == '+' || s.ptr[at] == '-'))
            ++at;
        if (!skip_digits(s, &at))
            return false;
    }
    return at == s.len;
}

// What may stand between two tokens besides whitespace.
enum class Gap : unsigned char {
    blank, // nothing: before the root or an open container's first child
    colon, // between a key and its value
    comma, // between siblings, after the closing brackets of the previous one
    end,   // after the last token: closing brackets only
};

bool gap_ok(Str text, size_t from, size_t to, Gap gap)
{
    bool closes = gap == Gap::comma || gap == Gap::end;
    char separator = gap == Gap::colon ? ':' : gap == Gap::comma ? ',' : 0;
    for (; from < to; ++from) {
        char c = text.ptr[from];
        if (is_space(c) || (closes && (c == ']' || c == '}')))
            continue;
        if (!separator || c != separator)
            return false;
        separator = 0;
        closes = false;
    }
    return !separator;
}

// jsmn matched the brackets and checked escapes; this checks the rest of the
// grammar, token by token in document order.
bool well_formed(Str text, const jsmntok_t* tokens, int count)
{
    size_t pos = 0; // just past the previous token (past the bracket for a container)
    for (int i = 0; i < count; ++i) {
        const jsmntok_t& token = tokens[i];
        Gap gap = Gap::blank;
        if (token.parent < 0) {
            if (i != 0)
                return false; // a second top-level value
        } else {
            const jsmntok_t& parent = tokens[token.parent];
            if (parent.type == JSMN_STRING) {
                // A key's one value: the key must sit in an object.
                if (i != token.parent + 1 || parent.parent < 0 || tokens[parent.parent].type != JSMN_OBJECT)
                    return false;
                gap = Gap::colon;
            } else if (parent.type == JSMN_PRIMITIVE) {
                return false;
            } else {
                if (parent.type == JSMN_OBJECT && (token.type != JSMN_STRING || token.size != 1))
                    return false; // a key without exactly one value
                gap = i == token.parent + 1 ? Gap::blank : Gap::comma;
            }
        }
        size_t start = static_cast<size_t>(token.start);
        size_t end = static_cast<size_t>(token.end);
        if (token.type == JSMN_STRING)
            --start; // the opening quote
        if (!gap_ok(text, pos, start, gap))
            return false;
        if (token.type == JSMN_PRIMITIVE && !valid_primitive(text.sub(start, end - start)))
            return false;
        if (token.type == JSMN_STRING) {
            for (size_t at = start + 1; at < end; ++at) {
                if (static_cast<unsigned char>(text.ptr[at]) < 0x20)
                    return false;
            }
            ++end; // the closing quote
        }
        pos = (token.type == JSMN_OBJECT || token.type == JSMN_ARRAY) ? start + 1 : end;
    }
    return gap_ok(text, pos, text.len, Gap::end);
}

Error error_from(int jsmn_result)
{
    if (jsmn_result == JSMN_ERROR_PART)
        return Error::truncated;
    if (jsmn_result == JSMN_ERROR_NOMEM)
        return Error::too_large;
    return Error::malformed;
}

Error tokenize(Str text, Arena& arena, const jsmntok_t** out, int* count)
{
    if (text.len > static_cast<size_t>(__INT_MAX__))
        return Error::too_large; // jsmn's offsets are ints
    size_t first = 0;
    while (first < text.len && is_space(text.ptr[first]))
        ++first;
    if (first == text.len)
        return Error::malformed;
    char c = text.ptr[first];
    if (c != '{' && c != '[' && c != '"') {
        // Strict jsmn wants a delimiter after every primitive, so it calls a
        // bare top-level number or literal truncated; it gets its token here.
        size_t last = text.len;
        while (is_space(text.ptr[last - 1]))
            --last;
        if (!valid_primitive(text.sub(first, last - first)))
            return Error::malformed;
        jsmntok_t* token = arena.alloc_array<jsmntok_t>(1);
        if (!token)
            return Error::too_large;
        *token = {JSMN_PRIMITIVE, static_cast<int>(first), static_cast<int>(last), 0, -1};
        *out = token;
        *count = 1;
        return Error::none;
    }
    jsmn_parser parser;
    jsmn_init(&parser);
    int n = jsmn_parse(&parser, text.ptr, text.len, nullptr, 0);
    if (n <= 0)
        return error_from(n);
    jsmntok_t* tokens = arena.alloc_array<jsmntok_t>(static_cast<size_t>(n));
    if (!tokens)
        return Error::too_large;
    jsmn_init(&parser);
    n = jsmn_parse(&parser, text.ptr, text.len, tokens, static_cast<unsigned>(n));
    if (n <= 0)
        return error_from(n);
    if (!well_formed(text, tokens, n))
        return Error::malformed;
    *out = tokens;
    *count = n;
    return Error::none;
}

unsigned hex4(const char* digits)
{
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
        unsigned c = static_cast<unsigned char>(digits[i]);
        value = value << 4 | (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return value;
}

// Decodes the character at s[*pos] (a byte, or an escape jsmn has checked)
// into out; returns the bytes written (at most those consumed), 0 for a lone
// or mismatched surrogate.
size_t decode(Str s, size_t* pos, char* out)
{
    char c = s.ptr[(*pos)++];
    if (c != '\\') {
        *out = c;
        return 1;
    }
    c = s.ptr[(*pos)++];
    switch (c) {
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    default: break; // ", \ and / stand for themselves
    }
    if (c != 'u') {
        *out = c;
        return 1;
    }
    unsigned code = hex4(s.ptr + *pos);
    *pos += 4;
    if (code >= 0xdc00 && code <= 0xdfff)
        return 0;
    if (code >= 0xd800 && code <= 0xdbff) {
        if (s.len - *pos < 6 || s.ptr[*pos] != '\\' || s.ptr[*pos + 1] != 'u')
            return 0;
        unsigned low = hex4(s.ptr + *pos + 2);
        if (low < 0xdc00 || low > 0xdfff)
            return 0;
        *pos += 6;
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    }
    if (code < 0x80) {
        *out = static_cast<char>(code);
        return 1;
    }
    size_t n = code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (size_t i = n - 1; i > 0; --i, code >>= 6)
        out[i] = static_cast<char>(0x80 | (code & 0x3f));
    out[0] = static_cast<char>((0xf00u >> n) | code); // 110xxxxx, 1110xxxx, 11110xxx
    return n;
}

// Compares a key as written with `key`, unescaping on the fly when needed.
bool key_equals(Str raw, Str key)
{
    if (raw.find('\\') == raw.len)
        return raw == key;
    size_t matched = 0;
    for (size_t pos = 0; pos < raw.len;) {
        char bytes[4];
        size_t n = decode(raw, &pos, bytes);
        if (n == 0 || n > key.len - matched || __builtin_memcmp(bytes, key.ptr + matched, n) != 0)
            return false;
        matched += n;
    }
    return matched == key.len;
}

} // namespace

Document Document::parse(Str text, Arena& arena)
{
    Document doc;
    doc.m_text = text;
    size_t mark = arena.mark();
    const jsmntok_t* tokens = nullptr;
    int count = 0;
    doc.m_error = tokenize(text, arena, &tokens, &count);
    if (doc.m_error == Error::none) {
        doc.m_tokens = tokens;
        doc.m_count = count;
    } else {
        arena.release(mark);
    }
    return doc;
}

Value Document::root() const { return m_count > 0 ? Value(this, 0) : Value(); }

const void* Value::token() const
{
    if (!m_doc || m_index < 0 || m_index >= m_doc->m_count)
        return nullptr;
    return as_token(m_doc->m_tokens) + m_index;
}

Type Value::type() const
{
    const jsmntok_t* token = as_token(this->token());
    if (!token)
        return Type::missing;
    switch (token->type) {
    case JSMN_OBJECT: return Type::object;
    case JSMN_ARRAY: return Type::array;
    case JSMN_STRING: return Type::string;
    default: break;
    }
    char c = m_doc->m_text.ptr[token->start];
    return c == 't' || c == 'f' ? Type::boolean : c == 'n' ? Type::null : Type::number;
}

Str Value::raw() const
{
    const jsmntok_t* token = as_token(this->token());
    if (!token)
        return {};
    size_t start = static_cast<size_t>(token->start);
    return m_doc->m_text.sub(start, static_cast<size_t>(token->end) - start);
}

size_t Value::size() const
{
    Type t = type();
    return t == Type::object || t == Type::array ? static_cast<size_t>(as_token(token())->size) : 0;
}

// The first token past this one's subtree; a key's subtree includes its value.
int Value::next_sibling() const
{
    const jsmntok_t* tokens = as_token(m_doc->m_tokens);
    int i = m_index;
    if (tokens[i].type == JSMN_STRING && tokens[i].size)
        ++i;
    int end = tokens[i].end;
    int next = i + 1;
    while (next < m_doc->m_count && tokens[next].start < end)
        ++next;
    return next;
}

Value::Iterator& Value::Iterator::operator++()
{
    // Stepping past the last child would scan on for nothing.
    if (m_remaining && --m_remaining)
        m_index = Value(m_doc, m_index).next_sibling();
    return *this;
}

Value::Elements Value::elements() const
{
    size_t n = type() == Type::array ? size() : 0;
    return {Iterator(m_doc, m_index + 1, n), Iterator(m_doc, m_index + 1, 0)};
}

Value::Members Value::members() const
{
    size_t n = type() == Type::object ? size() : 0;
    Iterator first(m_doc, m_index + 1, n), last(m_doc, m_index + 1, 0);
    return {MemberIterator(first), MemberIterator(last)};
}

Value Value::operator[](Str key) const
{
    for (Member member : members()) {
        if (key_equals(member.key.raw(), key))
            return member.value;
    }
    return {};
}

Value Value::operator[](size_t index) const
{
    if (index >= size() || type() != Type::array)
        return {};
    Iterator it = elements().first;
    while (index--)
        ++it;
    return *it;
}

bool Value::get_string(Arena& arena, Str* out) const
{
    if (type() != Type::string)
        return false;
    Str text = raw();
    if (text.find('\\') == text.len) {
        *out = text;
        return true;
    }
    size_t mark = arena.mark();
    char* bytes = static_cast<char*>(arena.alloc(text.len, 1));
    if (!bytes)
        return false;
    size_t len = 0;
    for (size_t pos = 0; pos < text.len;) {
        size_t n = decode(text, &pos, bytes + len);
        if (n == 0) {
            arena.release(mark);
            return false;
        }
        len += n;
    }
    *out = {bytes, len};
    return true;
}

bool Value::get_int(long long* out) const
{
    if (type() != Type::number)
        return false;
    Str text = raw();
    bool negative = text.ptr[0] == '-';
    unsigned long long limit = negative ? 0x8000000000000000ull : 0x7fffffffffffffffull;
    unsigned long long value = 0;
    for (size_t i = negative ? 1 : 0; i < text.len; ++i) {
        if (!is_digit(text.ptr[i]))
            return false; // a fraction or an exponent
        unsigned digit = static_cast<unsigned>(text.ptr[i] - '0');
        if (value > (limit - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    // Converting to signed wraps (C++20), so 2^63 negated is LLONG_MIN.
    *out = static_cast<long long>(negative ? 0 - value : value);
    return true;
}

bool Value::get_bool(bool* out) const
{
    if (type() != Type::boolean)
        return false;
    *out = raw().ptr[0] == 't';
    return true;
}

Str describe(Error error)
{
    switch (error) {
    case Error::none: return "no error";
    case Error::malformed: return "malformed JSON";
    case Error::truncated: return "truncated JSON";
    case Error::too_large: return "JSON too large for the arena";
    }
    return "unknown JSON error";
}

} // namespace wisp::json
