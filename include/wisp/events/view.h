// The base of every event view: a JSON value inside the parsed event and the
// arena that strings are unescaped (or decoded) into. Views are a pair of
// pointers; building one costs nothing, and each accessor looks its field up
// when called. Nothing is copied unless it must be decoded.
//
// A field that is absent, null or of the wrong JSON type reads as Str{}
// (ptr == nullptr); a present but empty string has a non-null ptr. So
// `view.field().ptr` tells "absent" from "empty" when that matters.
#pragma once

#include <wisp/arena.h>
#include <wisp/json.h>
#include <wisp/str.h>

namespace wisp::events {

// A number as written: a JSON number, or a string holding one (DynamoDB's
// "N", Kinesis and DynamoDB sequence numbers). The text is kept, so digits
// beyond 2^53 (or 2^64) are never rounded; convert only when the value fits.
struct Number {
    Str text; // empty when the field is absent or not a number

    bool valid() const;   // text is a JSON number (sign, digits, fraction, exponent)
    bool integer() const; // valid, with no fraction and no exponent
    // False unless the value is an integer that fits.
    bool get_int(long long* out) const;
    bool get_uint(unsigned long long* out) const;
    // The value times 10^decimals as an exact integer ("12.5" with 2 gives
    // 1250): false when it has more fraction digits than that, an exponent,
    // or does not fit. No rounding ever happens.
    bool get_scaled(unsigned decimals, long long* out) const;
};

class View {
public:
    View() = default;
    View(json::Value value, Arena& arena) : m_value(value), m_arena(&arena) { }

    bool exists() const { return m_value.exists(); }
    // The JSON underneath, for fields without an accessor.
    json::Value json() const { return m_value; }
    // Only for a view made from a value and an arena (not View()).
    Arena& arena() const { return *m_arena; }
    Arena* arena_pointer() const { return m_arena; }

    // Member `key` of this object: its string (unescaped into the arena only
    // when it has a backslash), its number, boolean, or the member as a view.
    Str string(Str key) const { return string_of(m_value[key]); }
    Number number(Str key) const { return number_of(m_value[key]); }
    bool boolean(Str key, bool fallback = false) const;
    View child(Str key) const { return View(m_value[key], m_arena); }

    Str string_of(json::Value value) const;
    static Number number_of(json::Value value);

protected:
    View(json::Value value, Arena* arena) : m_value(value), m_arena(arena) { }

    json::Value m_value;
    Arena* m_arena = nullptr;
};

// The elements of a JSON array, each seen as a T (a View subclass).
// `for (events::SqsMessage m : sqs.records())`; a missing array is empty.
template <class T>
class List {
public:
    class Iterator {
    public:
        T operator*() const { return T(*m_at, *m_arena); }
        Iterator& operator++()
        {
            ++m_at;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class List;
        Iterator(json::Value::Iterator at, Arena* arena) : m_at(at), m_arena(arena) { }
        json::Value::Iterator m_at;
        Arena* m_arena;
    };

    List() = default;
    explicit List(View array) : m_array(array) { }
    size_t size() const { return m_array.json().type() == json::Type::array ? m_array.json().size() : 0; }
    bool empty() const { return size() == 0; }
    // An element past the end is absent (of a List() it is T()).
    T operator[](size_t index) const
    {
        Arena* arena = m_array.arena_pointer();
        return arena ? T(m_array.json()[index], *arena) : T();
    }
    Iterator begin() const { return Iterator(m_array.json().elements().begin(), m_array.arena_pointer()); }
    Iterator end() const { return Iterator(m_array.json().elements().end(), m_array.arena_pointer()); }

private:
    View m_array;
};

// An element of an array of strings (resources, scopes, subscription
// filters, DynamoDB string sets): converts to Str, so `for (Str s : list)`.
class StringElement : public View {
public:
    using View::View;
    StringElement(View view) : View(view) { }
    Str text() const { return string_of(m_value); }
    operator Str() const { return text(); }
};

// A JSON object of strings (headers, attributes, tags): values by key, exact
// or ASCII case-insensitive, and iteration over (key, value) pairs.
class StringMap : public View {
public:
    using View::View;
    StringMap(View view) : View(view) { }

    Str get(Str key) const { return string(key); }
    Str get_ignore_case(Str key) const;
    size_t size() const { return m_value.type() == json::Type::object ? m_value.size() : 0; }

    struct Entry {
        Str key;
        Str value; // Str{} when the value is not a string
    };
    class Iterator {
    public:
        Entry operator*() const;
        Iterator& operator++()
        {
            ++m_at;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class StringMap;
        Iterator(json::Value::MemberIterator at, const StringMap* map) : m_at(at), m_map(map) { }
        json::Value::MemberIterator m_at;
        const StringMap* m_map;
    };
    Iterator begin() const { return Iterator(m_value.members().begin(), this); }
    Iterator end() const { return Iterator(m_value.members().end(), this); }
};

// A JSON object whose members are all views of one kind (message attributes
// by name, say): get(name) and iteration over (name, value).
template <class T>
class Map : public View {
public:
    using View::View;
    Map(View view) : View(view) { }

    T get(Str name) const { return child(name); }
    size_t size() const { return m_value.type() == json::Type::object ? m_value.size() : 0; }

    struct Entry {
        Str name;
        T value;
    };
    class Iterator {
    public:
        Entry operator*() const
        {
            json::Member member = *m_at;
            return {m_map->string_of(member.key), T(member.value, m_map->arena())};
        }
        Iterator& operator++()
        {
            ++m_at;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class Map;
        Iterator(json::Value::MemberIterator at, const Map* map) : m_at(at), m_map(map) { }
        json::Value::MemberIterator m_at;
        const Map* m_map;
    };
    Iterator begin() const { return Iterator(m_value.members().begin(), this); }
    Iterator end() const { return Iterator(m_value.members().end(), this); }
};

// Decodes %XX escapes (and '+' as a space when plus == Plus::space, as S3
// keys and form bodies need) into the arena. Like Python's unquote_plus, a '%'
// not followed by two hex digits is kept as is. Returns text itself when it
// has nothing to decode; Str{} only when the arena is exhausted.
enum class Plus : unsigned char { literal, space };
Str percent_decode(Str text, Arena& arena, Plus plus);

// Base64 text (standard alphabet, padded) decoded into the arena; Str{} when
// text is absent, not canonical base64, or the arena is exhausted. An empty
// text decodes to an empty (non-null) Str.
Str base64_decode(Str text, Arena& arena);

} // namespace wisp::events
