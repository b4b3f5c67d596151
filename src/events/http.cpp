// The HTTP view's accessors that depend on the source, and the response
// writer. The response's headers object opens first; cookies, which some
// sources keep apart, follow it, so that one pass writes the document.
#include <wisp/base64.h>
#include <wisp/events/http.h>

namespace wisp::events {

namespace {

[[gnu::noinline]] bool is(json::Value value, json::Type type) { return value.type() == type; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

Str trim(Str text)
{
    while (text.len && is_blank(text.ptr[0]))
        text = text.sub(1);
    while (text.len && is_blank(text.ptr[text.len - 1]))
        --text.len;
    return text;
}

} // namespace

Str form_value(Str form, Str name, Arena& arena)
{
    while (form.len) {
        size_t end = form.find('&');
        Str pair = form.sub(0, end);
        form = form.sub(end + 1);
        size_t equals = pair.find('=');
        if (percent_decode(pair.sub(0, equals), arena, Plus::space) == name)
            return percent_decode(pair.sub(equals + 1), arena, Plus::space); // "" without '='
    }
    return {};
}

size_t StringList::size() const
{
    json::Type type = m_value.type();
    return type == json::Type::array ? m_value.size() : type == json::Type::string ? 1 : 0;
}

Str StringList::operator[](size_t index) const
{
    if (m_value.type() == json::Type::string)
        return index == 0 ? string_of(m_value) : Str{};
    return string_of(m_value[index]);
}

StringList MultiValueMap::get_ignore_case(Str key) const
{
    for (json::Member member : m_value.members()) {
        if (equals_ignore_case(string_of(member.key), key))
            return StringList(member.value, *m_arena);
    }
    return StringList(json::Value(), *m_arena);
}

HttpSource HttpRequest::detect(json::Value event)
{
    json::Value context = event["requestContext"];
    if (!is(context, json::Type::object))
        return HttpSource::none;
    if (is(context["elb"], json::Type::object))
        return HttpSource::alb;
    if (is(context["http"], json::Type::object) && event["version"].raw() == Str("2.0")) {
        if (!is(event["routeArn"], json::Type::missing))
            return HttpSource::none;
        // <url-id>.lambda-url.<region>.on.aws
        Str domain = context["domainName"].raw();
        return domain.sub(domain.find('.')).starts_with(".lambda-url.") ? HttpSource::function_url
                                                                        : HttpSource::http_v2;
    }
    if (!is(event["httpMethod"], json::Type::string) || !is(event["methodArn"], json::Type::missing) ||
        !is(context["connectionId"], json::Type::missing))
        return HttpSource::none;
    return HttpSource::rest_v1;
}

Str HttpRequest::query(Str name) const
{
    // Only REST and ALB events have the multi-value map.
    json::Value value = m_value["multiValueQueryStringParameters"][name][0];
    if (!value.exists())
        value = m_value["queryStringParameters"][name];
    Str text = string_of(value);
    return m_source == HttpSource::alb ? percent_decode(text, *m_arena, Plus::space) : text;
}

StringList HttpRequest::header_values(Str name) const
{
    StringList values = multi_value_headers().get_ignore_case(name);
    if (values.exists())
        return values;
    for (json::Member member : m_value["headers"].members()) {
        if (equals_ignore_case(string_of(member.key), name))
            return StringList(member.value, *m_arena);
    }
    return values;
}

Cookies HttpRequest::cookies() const
{
    StringList list = cookie_list();
    return Cookies(list.exists() ? list : header_values("cookie"));
}

Str HttpRequest::cookie(Str name) const
{
    for (Cookie c : cookies()) {
        if (c.name == name)
            return c.value;
    }
    return {};
}

Str HttpRequest::decoded_body() const { return is_base64_encoded() ? base64_decode(body(), *m_arena) : body(); }

Str HttpRequest::user_agent() const
{
    if (m_source == HttpSource::alb)
        return header("user-agent");
    return version_2() ? context().http().user_agent() : context().identity().user_agent();
}

void Cookies::Iterator::advance()
{
    while (m_at != m_end) {
        while (m_rest.len) {
            size_t end = m_rest.find(';');
            Str piece = trim(m_rest.sub(0, end));
            m_rest = m_rest.sub(end + 1);
            if (piece.len) {
                size_t equals = piece.find('=');
                bool named = equals < piece.len;
                m_cookie = {piece.sub(0, named ? equals : 0), piece.sub(named ? equals + 1 : 0)};
                return;
            }
        }
        if (++m_at != m_end)
            m_rest = *m_at;
    }
}

HttpResponse::HttpResponse(const HttpRequest& request, Builder& out, Str content_type)
    : m_out(out), m_source(request.source()), m_multi_value(request.multi_value())
{
    m_out.append(m_multi_value ? Str("{\"multiValueHeaders\":{") : Str("{\"headers\":{"));
    if (content_type.ptr) {
        m_out.append(m_multi_value ? Str("\"Content-Type\":[") : Str("\"Content-Type\":"))
            .append_json_string(content_type);
        if (m_multi_value)
            m_out.append(']');
        m_section = Section::headers;
    }
}

void HttpResponse::open_headers()
{
    if (m_section != Section::none)
        m_out.append(',');
    m_section = Section::headers;
}

HttpResponse& HttpResponse::header(Str name, Str value)
{
    m_misused |= m_section == Section::cookies; // the document is dropped then
    open_headers();
    m_out.append_json_string(name).append(m_multi_value ? Str(":[") : Str(":")).append_json_string(value);
    if (m_multi_value)
        m_out.append(']');
    return *this;
}

HttpResponse& HttpResponse::cookie(Str set_cookie)
{
    if (m_source == HttpSource::alb && !m_multi_value) {
        // One headers key per cookie: the case of letter i of "Set-Cookie"
        // flipped when bit i of the count is set.
        char name[] = "Set-Cookie";
        unsigned bits = m_cookies++;
        m_misused |= bits >= 512;
        for (char& c : name) {
            if (c != '-' && c) {
                if (bits & 1)
                    c = static_cast<char>(c ^ 0x20);
                bits >>= 1;
            }
        }
        open_headers();
        m_out.append_json_string(Str(name, 10)).append(':').append_json_string(set_cookie);
        return *this;
    }
    if (m_section != Section::cookies) {
        if (m_source == HttpSource::alb) {
            open_headers();
            m_out.append(Str("\"Set-Cookie\":["));
        } else {
            m_out.append(version_2() ? Str("},\"cookies\":[") : Str("},\"multiValueHeaders\":{\"Set-Cookie\":["));
        }
        m_section = Section::cookies;
    } else {
        m_out.append(',');
    }
    m_out.append_json_string(set_cookie);
    return *this;
}

void HttpResponse::open_body(HttpStatus status, bool base64)
{
    // The headers object is open, or the cookies array (inside an object but in 2.0).
    m_out.append(m_section != Section::cookies ? Str("}") : version_2() ? Str("]") : Str("]}"));
    m_out.append(Str(",\"statusCode\":")).append_int(status.code);
    if (m_source == HttpSource::alb) {
        m_out.append(Str(",\"statusDescription\":\"")).append_int(status.code).append(' ').append(status.reason);
        m_out.append('"');
    }
    m_out.append(base64 ? Str(",\"isBase64Encoded\":true,\"body\":") : Str(",\"isBase64Encoded\":false,\"body\":"));
}

Outcome HttpResponse::finish(bool overflowed)
{
    m_out.append('}');
    if (m_misused)
        return failure("Function.InvalidResponse", "HttpResponse: header() after cookie(), or 513 ALB cookies");
    if (overflowed || m_out.overflowed())
        return failure("Function.ResponseTooLarge", "the HTTP response is over the response buffer");
    return success(m_out.view());
}

Outcome HttpResponse::send(HttpStatus status, Str text)
{
    open_body(status, false);
    m_out.append_json_string(text);
    return finish();
}

Outcome HttpResponse::send(HttpStatus status, const Builder& text)
{
    open_body(status, false);
    m_out.append_json_string(text.view());
    return finish(text.overflowed());
}

Outcome HttpResponse::send_binary(HttpStatus status, Str bytes)
{
    open_body(status, true);
    base64::encode(m_out.append('"'), bytes).append('"');
    return finish();
}

} // namespace wisp::events
