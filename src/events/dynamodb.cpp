// The parts of the DynamoDB Streams view that are more than a lookup.
#include <wisp/events/dynamodb.h>

namespace wisp::events {

namespace {

// A descriptor of up to four bytes as one number, its bytes big-endian: one
// to one for names whose first byte is not NUL.
constexpr unsigned pack(Str name)
{
    unsigned code = 0;
    for (char c : name)
        code = code << 8 | static_cast<unsigned char>(c);
    return code;
}

// Each descriptor and the JSON type it holds, in AttributeType's order from
// AttributeType::string on.
constexpr unsigned descriptors[] = {pack("S"), pack("N"), pack("B"), pack("BOOL"), pack("NULL"), pack("M"), pack("L"),
    pack("SS"), pack("NS"), pack("BS")};
constexpr json::Type holds[] = {json::Type::string, json::Type::string, json::Type::string, json::Type::boolean,
    json::Type::boolean, json::Type::object, json::Type::array, json::Type::array, json::Type::array,
    json::Type::array};

} // namespace

AttributeType AttributeValue::type() const
{
    if (!m_value.exists())
        return AttributeType::missing;
    if (m_value.type() != json::Type::object || m_value.size() != 1)
        return AttributeType::invalid;
    json::Member member = *m_value.members().begin();
    Str key = string_of(member.key);
    unsigned code = key.len - 1 < 4 && key.ptr[0] ? pack(key) : 0;
    for (size_t i = 0; i < sizeof descriptors / sizeof *descriptors; ++i) {
        if (code == descriptors[i] && member.value.type() == holds[i])
            return static_cast<AttributeType>(i + static_cast<size_t>(AttributeType::string));
    }
    return AttributeType::invalid;
}

json::Value AttributeValue::payload(AttributeType wanted) const
{
    AttributeType type = this->type();
    if (type != wanted || type <= AttributeType::invalid)
        return {};
    return (*m_value.members().begin()).value;
}

DynamodbEventKind DynamodbRecord::event_kind() const
{
    Str name = event_name();
    if (name == Str("INSERT"))
        return DynamodbEventKind::insert;
    if (name == Str("MODIFY"))
        return DynamodbEventKind::modify;
    if (name == Str("REMOVE"))
        return DynamodbEventKind::remove;
    return DynamodbEventKind::other;
}

bool Dynamodb::matches() const
{
    json::Value records = m_value["Records"];
    if (records.type() != json::Type::array)
        return false;
    for (json::Value record : records.elements()) {
        if (string_of(record["eventSource"]) != Str("aws:dynamodb"))
            return false;
    }
    return true;
}

} // namespace wisp::events
