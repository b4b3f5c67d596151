// Reading JSON without copying: the text is tokenised by jsmn into an array
// in the arena; values are views of those tokens over the original text.
// Strings are unescaped (into the arena) only when they contain a backslash.
#pragma once

#include <wisp/arena.h>
#include <wisp/str.h>

namespace wisp::json {

enum class Type : unsigned char { missing, object, array, string, number, boolean, null };

enum class Error : unsigned char {
    none,
    malformed, // not JSON (or more than one value)
    truncated, // the text ends inside a value
    too_large, // the arena could not hold the tokens, or the text exceeds INT_MAX bytes
};

class Document;
class Member;

// A value inside a Document. A lookup that fails gives a value whose type is
// Type::missing; every lookup on a missing value is missing again, so chains
// like doc.root()["a"]["b"][0] need one check at the end.
class Value {
public:
    Value() = default;

    Type type() const;
    bool exists() const { return type() != Type::missing; }
    bool is_null() const { return type() == Type::null; }

    Value operator[](Str key) const;      // object member (first match), else missing
    Value operator[](size_t index) const; // array element, else missing
    Value operator[](int index) const { return (*this)[static_cast<size_t>(index)]; }
    size_t size() const; // elements of an array, members of an object, else 0

    // The token's text: strings without quotes and with escapes as written,
    // numbers/booleans/null as written, objects and arrays whole.
    Str raw() const;

    // Each is false unless the value has that type and fits. get_string
    // unescapes into the arena only when the text has a backslash (\uXXXX to
    // UTF-8, a surrogate pair to one 4-byte sequence); a lone or mismatched
    // surrogate gives false.
    bool get_string(Arena& arena, Str* out) const;
    bool get_int(long long* out) const; // integers only, overflow detected
    bool get_bool(bool* out) const;

    // Iteration: `for (Value v : array.elements())`, `for (Member m : object.members())`.
    // Anything else (including a missing value) gives an empty range.
    class Iterator;
    class MemberIterator;
    struct Elements;
    struct Members;
    Elements elements() const;
    Members members() const;

private:
    friend class Document;
    friend class Member;
    friend class Iterator;
    friend class MemberIterator;
    Value(const Document* doc, int index) : m_doc(doc), m_index(index) { }
    int next_sibling() const;
    const void* token() const; // the jsmntok_t, nullptr when missing

    const Document* m_doc = nullptr;
    int m_index = -1;
};

class Member {
public:
    Value key; // a string value
    Value value;
};

// Steps over the children of an array (or the keys of an object), skipping
// each one's subtree; m_remaining counts the children not yet visited.
class Value::Iterator {
public:
    Value operator*() const { return Value(m_doc, m_index); }
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return m_remaining != other.m_remaining; }

private:
    friend class Value;
    friend class MemberIterator;
    Iterator(const Document* doc, int index, size_t remaining) : m_doc(doc), m_index(index), m_remaining(remaining) { }
    const Document* m_doc;
    int m_index;
    size_t m_remaining;
};

// Walks an object's keys; each key token is followed by its value token.
class Value::MemberIterator {
public:
    Member operator*() const { return {Value(m_keys.m_doc, m_keys.m_index), Value(m_keys.m_doc, m_keys.m_index + 1)}; }
    MemberIterator& operator++()
    {
        ++m_keys;
        return *this;
    }
    bool operator!=(const MemberIterator& other) const { return m_keys != other.m_keys; }

private:
    friend class Value;
    explicit MemberIterator(Iterator keys) : m_keys(keys) { }
    Iterator m_keys;
};

struct Value::Elements {
    Iterator first;
    Iterator last;
    Iterator begin() const { return first; }
    Iterator end() const { return last; }
};

struct Value::Members {
    MemberIterator first;
    MemberIterator last;
    MemberIterator begin() const { return first; }
    MemberIterator end() const { return last; }
};

class Document {
public:
    // Tokenises `text` into the arena: jsmn counts the tokens first, then
    // fills exactly that many. The text must be exactly one JSON value (RFC
    // 8259 grammar, bytes >= 0x80 not checked as UTF-8). On error root() is
    // missing and the arena is back where it was.
    static Document parse(Str text, Arena& arena);

    Error error() const { return m_error; }
    bool ok() const { return m_error == Error::none; }
    Value root() const;
    Str text() const { return m_text; }

private:
    friend class Value;
    friend class Value::Iterator;
    Str m_text;
    const void* m_tokens = nullptr; // jsmntok_t[m_count]
    int m_count = 0;
    Error m_error = Error::none;
};

// Human-readable reason for an error, for failure() messages.
Str describe(Error error);

} // namespace wisp::json
