#include <wisp/events/cognito.h>

namespace wisp::events {

namespace {

// The triggers' triggerSource prefixes in CognitoTrigger order (from
// pre_sign_up on), each ended by a NUL. "PreTokenGen" is an older spelling
// some test events use.
constexpr char trigger_names[] = "PreSignUp\0PostConfirmation\0PreAuthentication\0PostAuthentication\0"
                                 "DefineAuthChallenge\0CreateAuthChallenge\0VerifyAuthChallengeResponse\0"
                                 "TokenGeneration\0CustomMessage\0UserMigration\0CustomSMSSender\0"
                                 "CustomEmailSender\0InboundFederation\0PreTokenGen";

bool is_response(const View& event, json::Member member) { return event.string_of(member.key) == Str("response"); }

// The text of a member's value: a string's with its quotes.
Str span(json::Value value)
{
    Str text = value.raw();
    if (value.type() == json::Type::string)
        text = {text.ptr - 1, text.len + 2};
    return text;
}

// The event up to where the response value goes. False when the event is
// not an object.
bool write_head(const CognitoEvent& event, Builder& out)
{
    json::Value root = event.json();
    if (root.type() != json::Type::object)
        return false;
    Str text = root.raw();
    for (json::Member member : root.members()) {
        if (is_response(event, member)) {
            out.append(Str(text.ptr, static_cast<size_t>(span(member.value).ptr - text.ptr)));
            return true;
        }
    }
    out.append(text.sub(0, text.len - 1)).append(Str(",\"response\":").sub(root.size() ? 0 : 1));
    return true;
}

// The event after the response value, which out holds from start on. Any
// later "response" member (a duplicate key) gets the same value, so every
// reader sees the new response whichever duplicate it keeps.
void write_tail(const CognitoEvent& event, Builder& out, size_t start)
{
    json::Value root = event.json();
    Str text = root.raw();
    Str response = out.view().sub(start);
    const char* at = nullptr; // the end of the last response value written
    for (json::Member member : root.members()) {
        if (!is_response(event, member))
            continue;
        Str value = span(member.value);
        if (at)
            out.append(Str(at, static_cast<size_t>(value.ptr - at))).append(response);
        at = value.end();
    }
    if (!at) // the response was added before the closing brace
        at = text.end() - 1;
    out.append(Str(at, static_cast<size_t>(text.end() - at)));
}

Outcome finish_reply(Builder& out)
{
    if (out.overflowed())
        return failure(
            "Function.ResponseTooLarge", "the Cognito event and its response do not fit in the response buffer");
    return success(out.view());
}

constexpr Str not_an_object = "not a Cognito event: the event is not a JSON object";

} // namespace

CognitoTrigger cognito_trigger(Str trigger_source)
{
    Str prefix = trigger_source.sub(0, trigger_source.find('_'));
    constexpr unsigned last = static_cast<unsigned>(CognitoTrigger::inbound_federation);
    const char* name = trigger_names;
    for (unsigned index = 1; name < trigger_names + sizeof trigger_names; ++index) {
        Str candidate = Str::from_cstr(name);
        if (candidate == prefix)
            return index <= last ? static_cast<CognitoTrigger>(index) : CognitoTrigger::pre_token_generation;
        name += candidate.len + 1;
    }
    return CognitoTrigger::unknown;
}

bool CognitoRequest::attribute_true(Str name) const
{
    json::Value value = m_value["userAttributes"][name];
    bool flag = false;
    return string_of(value) == Str("true") || (value.get_bool(&flag) && flag);
}

bool CognitoEvent::matches() const
{
    return m_value.type() == json::Type::object && m_value["triggerSource"].type() == json::Type::string &&
        m_value["userPoolId"].type() == json::Type::string && m_value["request"].type() == json::Type::object;
}

CognitoReply::CognitoReply(const CognitoEvent& event, Builder& out) : m_out(out), m_event(event)
{
    if (write_head(m_event, m_out)) {
        m_start = m_out.size();
        m_out.append('{');
    } else {
        m_event = CognitoEvent();
    }
}

Builder& CognitoReply::member(Str name)
{
    if (m_members++)
        m_out.append(',');
    return m_out.append_json_string(name).append(':');
}

CognitoReply& CognitoReply::raw(Str name, Str json)
{
    member(name).append(json.empty() ? Str("null") : json);
    return *this;
}

CognitoReply& CognitoReply::boolean(Str name, bool value)
{
    member(name).append(value ? Str("true") : Str("false"));
    return *this;
}

CognitoReply& CognitoReply::string(Str name, Str value)
{
    member(name).append_json_string(value);
    return *this;
}

Outcome CognitoReply::finish()
{
    if (!m_event.exists())
        return failure("Function.InvalidInput", not_an_object);
    m_out.append('}');
    write_tail(m_event, m_out, m_start);
    return finish_reply(m_out);
}

Outcome respond(const CognitoEvent& event, Builder& out, Str response_json)
{
    if (!write_head(event, out))
        return failure("Function.InvalidInput", not_an_object);
    size_t start = out.size();
    out.append(response_json.empty() ? Str("{}") : response_json);
    write_tail(event, out, start);
    return finish_reply(out);
}

} // namespace wisp::events
