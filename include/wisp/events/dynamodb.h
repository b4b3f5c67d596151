// DynamoDB Streams: a batch of item changes, each with the item's key and,
// depending on the stream's view type, its image before and after, all as
// typed attribute values ({"S":"text"}, {"N":"12.5"}, {"M":{...}}, ...).
//
//   events::Dynamodb event(doc.root(), arena);
//   for (events::DynamodbRecord record : event.records()) {
//       events::AttributeValue id = record.dynamodb().keys().get("Id");
//       if (id.type() == events::AttributeType::number)
//           use(id.number().text); // all digits, as DynamoDB wrote them
//   }
//
// A record given on its own (a DynamoDB record delivered without the Records
// wrapper) is read with DynamodbRecord directly: every view is a View over
// any JSON value. Numbers (N, SequenceNumber) stay text: DynamoDB's have up
// to 38 digits and sequence numbers go far beyond 2^64.
#pragma once

#include <wisp/events/view.h>
#include <wisp/events/window.h>

namespace wisp::events {

// An attribute value's type, by its descriptor.
enum class AttributeType : unsigned char {
    missing,    // no value at all
    invalid,    // not an object of one known descriptor holding the JSON type it needs
    string,     // "S": a string
    number,     // "N": a number written as a string
    binary,     // "B": bytes, base64
    boolean,    // "BOOL": true or false
    null,       // "NULL": true
    map,        // "M": attribute name -> value
    list,       // "L": values of any type
    string_set, // "SS": strings
    number_set, // "NS": numbers as strings
    binary_set, // "BS": base64 strings
};

// Elements of the sets, each converting to what it holds:
// `for (Str s : value.string_set())`, `for (Number n : value.number_set())`,
// `for (Str bytes : value.binary_set())` (decoded into the arena; Str{} when
// an element is not base64).
using SetString = StringElement;

class SetNumber : public View {
public:
    using View::View;
    operator Number() const { return number_of(m_value); }
};

class SetBinary : public View {
public:
    using View::View;
    Str base64() const { return string_of(m_value); }
    operator Str() const { return base64_decode(base64(), arena()); }
};

class AttributeMap;

// One attribute value. Each accessor reads the value when the type is its
// own, and is empty otherwise (Str{}, Number{}, false, an empty map or list).
class AttributeValue : public View {
public:
    using View::View;
    AttributeValue(View view) : View(view) { }

    AttributeType type() const;

    Str string() const { return string_of(payload(AttributeType::string)); }
    // Number{} also when the text is no number.
    Number number() const { return number_of(payload(AttributeType::number)); }
    // The base64 text as sent, and the bytes it stands for, decoded into the
    // arena at each call (Str{} when the text is not base64).
    Str binary_base64() const { return string_of(payload(AttributeType::binary)); }
    Str binary() const { return base64_decode(binary_base64(), arena()); }
    bool boolean() const
    {
        bool value = false;
        return payload(AttributeType::boolean).get_bool(&value) && value;
    }
    bool is_null() const { return type() == AttributeType::null; }
    AttributeMap map() const;
    List<AttributeValue> list() const { return List<AttributeValue>(View(payload(AttributeType::list), arena())); }
    List<SetString> string_set() const { return List<SetString>(View(payload(AttributeType::string_set), arena())); }
    List<SetNumber> number_set() const { return List<SetNumber>(View(payload(AttributeType::number_set), arena())); }
    List<SetBinary> binary_set() const { return List<SetBinary>(View(payload(AttributeType::binary_set), arena())); }

    // What the descriptor holds when the type is `type` (neither missing nor
    // invalid), else a missing value.
    json::Value payload(AttributeType type) const;
};

// Attribute name -> value: an item's Keys, NewImage, OldImage, or an M value.
// A missing map is empty.
class AttributeMap : public View {
public:
    using View::View;
    AttributeMap(View view) : View(view) { }

    AttributeValue get(Str name) const { return {m_value[name], *m_arena}; }
    size_t size() const { return m_value.type() == json::Type::object ? m_value.size() : 0; }

    struct Entry {
        Str name;
        AttributeValue value;
    };
    class Iterator {
    public:
        Entry operator*() const
        {
            json::Member member = *m_at;
            return {m_map->string_of(member.key), AttributeValue(member.value, m_map->arena())};
        }
        Iterator& operator++()
        {
            ++m_at;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class AttributeMap;
        Iterator(json::Value::MemberIterator at, const AttributeMap* map) : m_at(at), m_map(map) { }
        json::Value::MemberIterator m_at;
        const AttributeMap* m_map;
    };
    Iterator begin() const { return Iterator(m_value.members().begin(), this); }
    Iterator end() const { return Iterator(m_value.members().end(), this); }
};

inline AttributeMap AttributeValue::map() const { return View(payload(AttributeType::map), arena()); }

// The "dynamodb" member of a record: what changed.
class DynamodbStreamRecord : public View {
public:
    using View::View;
    DynamodbStreamRecord(View view) : View(view) { }

    Number approximate_creation_date_time() const { return number("ApproximateCreationDateTime"); } // Unix seconds
    AttributeMap keys() const { return child("Keys"); }
    AttributeMap new_image() const { return child("NewImage"); } // absent unless the view type has it
    AttributeMap old_image() const { return child("OldImage"); }
    Number sequence_number() const { return number("SequenceNumber"); } // the batch item identifier
    Number size_bytes() const { return number("SizeBytes"); }
    Str stream_view_type() const { return string("StreamViewType"); } // KEYS_ONLY, NEW_IMAGE, ...
};

// userIdentity: set on the REMOVE records of items that Time to Live deleted
// (type Service, principalId dynamodb.amazonaws.com).
class DynamodbIdentity : public View {
public:
    using View::View;
    DynamodbIdentity(View view) : View(view) { }

    Str type() const { return string("type"); }
    Str principal_id() const { return string("principalId"); }
};

enum class DynamodbEventKind : unsigned char { other, insert, modify, remove };

class DynamodbRecord : public View {
public:
    using View::View;
    DynamodbRecord(View view) : View(view) { }

    Str event_id() const { return string("eventID"); }
    Str event_name() const { return string("eventName"); } // INSERT, MODIFY or REMOVE
    DynamodbEventKind event_kind() const;                  // the same as an enum
    Str event_version() const { return string("eventVersion"); }
    Str event_source() const { return string("eventSource"); } // aws:dynamodb
    Str aws_region() const { return string("awsRegion"); }
    Str event_source_arn() const { return string("eventSourceARN"); }
    DynamodbIdentity user_identity() const { return child("userIdentity"); }
    DynamodbStreamRecord dynamodb() const { return child("dynamodb"); }
    // Set on records that came through Kinesis Data Streams for DynamoDB.
    Str record_format() const { return string("recordFormat"); }
    Str table_name() const { return string("tableName"); }
};

// With a tumbling window, the window's fields too (window_start(), state(), ...).
class Dynamodb : public TumblingWindow {
public:
    using TumblingWindow::TumblingWindow;
    Dynamodb(View view) : TumblingWindow(view) { }

    List<DynamodbRecord> records() const { return List<DynamodbRecord>(child("Records")); }
    // A Records array (maybe empty) whose records all say eventSource aws:dynamodb.
    bool matches() const;
};

} // namespace wisp::events
