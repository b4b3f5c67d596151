// One view over the four HTTP-shaped event sources, and one response builder
// that answers each in the shape it expects:
//
//   HttpSource     event                                 response
//   rest_v1        API Gateway REST proxy (and HTTP API  headers; cookies in multiValueHeaders
//                  with payload format 1.0)
//   http_v2        API Gateway HTTP API, format 2.0      headers; cookies in "cookies"
//   alb            Application Load Balancer target      statusDescription too; headers, or
//                                                        multiValueHeaders only when the target
//                                                        group has multi-value headers on
//   function_url   Lambda function URL (the 2.0 shape)   as http_v2
//
//   json::Document event = json::Document::parse(invocation.body, arena);
//   events::HttpRequest request(event.root(), arena);
//   if (request.source() == events::HttpSource::none)
//       return failure("Function.InvalidEvent", "not an HTTP event");
//   events::HttpResponse response(request, out, "text/plain");
//   return response.send(200, request.query("name"));
//
// Detection (HttpRequest::detect), rule by rule, on an object event whose
// requestContext is an object: requestContext.elb an object is alb.
// "version":"2.0" with an object requestContext.http is none when the event
// has routeArn (an HTTP API authorizer event), function_url when the second
// label of requestContext.domainName is lambda-url
// (<url-id>.lambda-url.<region>.on.aws), else http_v2. httpMethod a string
// is rest_v1, unless the event has methodArn (a REST or HTTP API 1.0
// authorizer event) or requestContext.connectionId (a WebSocket event).
// Anything else is none.
#pragma once

#include <wisp/builder.h>
#include <wisp/events/view.h>
#include <wisp/handler.h>

namespace wisp::events {

enum class HttpSource : unsigned char { none, rest_v1, http_v2, alb, function_url };

// A JSON array of strings, or a single string seen as a list of one (the
// value of a header in a source without multi-value headers). Elements that
// are not strings read as Str{}; anything else is an empty list.
class StringList : public View {
public:
    using View::View;
    StringList(View view) : View(view) { }

    size_t size() const;
    Str operator[](size_t index) const; // Str{} past the end
    Str first() const { return (*this)[0]; }

    // Steps through the array once (no lookup from the front per element).
    class Iterator {
    public:
        Str operator*() const { return m_list->string_of(m_single.exists() ? m_single : *m_at); }
        Iterator& operator++()
        {
            ++m_at;
            ++m_index;
            m_single = {};
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_index != other.m_index; }

    private:
        friend class StringList;
        Iterator(const StringList* list, json::Value::Iterator at, json::Value single, size_t index)
            : m_list(list), m_at(at), m_single(single), m_index(index)
        {
        }
        const StringList* m_list;
        json::Value::Iterator m_at; // the array's elements (an empty range for a string)
        json::Value m_single;       // the string seen as a list of one, until stepped past
        size_t m_index;
    };
    Iterator begin() const
    {
        bool single = m_value.type() == json::Type::string;
        return Iterator(this, m_value.elements().begin(), single ? m_value : json::Value(), 0);
    }
    Iterator end() const { return Iterator(this, m_value.elements().end(), json::Value(), size()); }
};

// A JSON object whose values are lists of strings (multiValueHeaders,
// multiValueQueryStringParameters).
class MultiValueMap : public View {
public:
    using View::View;
    MultiValueMap(View view) : View(view) { }

    StringList get(Str key) const { return child(key); }
    StringList get_ignore_case(Str key) const;
    size_t size() const { return m_value.type() == json::Type::object ? m_value.size() : 0; }

    struct Entry {
        Str key;
        StringList values;
    };
    class Iterator {
    public:
        Entry operator*() const
        {
            json::Member member = *m_at;
            return {m_map->string_of(member.key), StringList(member.value, m_map->arena())};
        }
        Iterator& operator++()
        {
            ++m_at;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class MultiValueMap;
        Iterator(json::Value::MemberIterator at, const MultiValueMap* map) : m_at(at), m_map(map) { }
        json::Value::MemberIterator m_at;
        const MultiValueMap* m_map;
    };
    Iterator begin() const { return Iterator(m_value.members().begin(), this); }
    Iterator end() const { return Iterator(m_value.members().end(), this); }
};

// A client certificate of mutual TLS (REST: requestContext.identity.clientCert;
// HTTP API: requestContext.authentication.clientCert).
class ClientCert : public View {
public:
    using View::View;
    ClientCert(View view) : View(view) { }
    Str pem() const { return string("clientCertPem"); }
    Str subject_dn() const { return string("subjectDN"); }
    Str issuer_dn() const { return string("issuerDN"); }
    Str serial_number() const { return string("serialNumber"); }
    Str not_before() const { return child("validity").string("notBefore"); }
    Str not_after() const { return child("validity").string("notAfter"); }
};

// requestContext.identity of a REST (v1) event.
class HttpIdentity : public View {
public:
    using View::View;
    HttpIdentity(View view) : View(view) { }
    Str access_key() const { return string("accessKey"); }
    Str account_id() const { return string("accountId"); }
    Str api_key() const { return string("apiKey"); }
    Str api_key_id() const { return string("apiKeyId"); }
    Str caller() const { return string("caller"); }
    Str cognito_authentication_provider() const { return string("cognitoAuthenticationProvider"); }
    Str cognito_authentication_type() const { return string("cognitoAuthenticationType"); }
    Str cognito_identity_id() const { return string("cognitoIdentityId"); }
    Str cognito_identity_pool_id() const { return string("cognitoIdentityPoolId"); }
    Str principal_org_id() const { return string("principalOrgId"); }
    Str source_ip() const { return string("sourceIp"); }
    Str user() const { return string("user"); }
    Str user_agent() const { return string("userAgent"); }
    Str user_arn() const { return string("userArn"); }
    ClientCert client_cert() const { return child("clientCert"); }
};

// requestContext.authorizer.iam of an HTTP API or function URL event (IAM auth).
class IamAuthorizer : public View {
public:
    using View::View;
    IamAuthorizer(View view) : View(view) { }
    Str access_key() const { return string("accessKey"); }
    Str account_id() const { return string("accountId"); }
    Str caller_id() const { return string("callerId"); }
    Str principal_org_id() const { return string("principalOrgId"); }
    Str user_arn() const { return string("userArn"); }
    Str user_id() const { return string("userId"); }
    Str cognito_identity_id() const { return child("cognitoIdentity").string("identityId"); }
    Str cognito_identity_pool_id() const { return child("cognitoIdentity").string("identityPoolId"); }
    StringList cognito_amr() const { return child("cognitoIdentity").child("amr"); }
};

// requestContext.authorizer. REST (v1): principal_id(), the Cognito user
// pool's claims() and scopes(), and a Lambda authorizer's context as the
// other members, free-form: read them with string(), number(), boolean().
// HTTP API (v2): jwt_claims() and jwt_scopes(), iam(), or lambda(), the
// Lambda authorizer's context (free-form as well).
class HttpAuthorizer : public View {
public:
    using View::View;
    HttpAuthorizer(View view) : View(view) { }
    Str principal_id() const { return string("principalId"); }
    StringMap claims() const { return child("claims"); }
    StringList scopes() const { return child("scopes"); }
    StringMap jwt_claims() const { return child("jwt").child("claims"); }
    StringList jwt_scopes() const { return child("jwt").child("scopes"); }
    IamAuthorizer iam() const { return child("iam"); }
    View lambda() const { return child("lambda"); }
};

// requestContext.http of a 2.0 event.
class HttpDetails : public View {
public:
    using View::View;
    HttpDetails(View view) : View(view) { }
    Str method() const { return string("method"); }
    Str path() const { return string("path"); }
    Str protocol() const { return string("protocol"); }
    Str source_ip() const { return string("sourceIp"); }
    Str user_agent() const { return string("userAgent"); }
};

// requestContext, whatever the source; each accessor names the sources
// whose events have that field.
class HttpRequestContext : public View {
public:
    using View::View;
    HttpRequestContext(View view) : View(view) { }
    // REST, HTTP API, function URL
    Str account_id() const { return string("accountId"); }
    Str api_id() const { return string("apiId"); }
    Str domain_name() const { return string("domainName"); }
    Str domain_prefix() const { return string("domainPrefix"); }
    Str request_id() const { return string("requestId"); }
    Str stage() const { return string("stage"); }
    HttpAuthorizer authorizer() const { return child("authorizer"); }
    // REST
    Str extended_request_id() const { return string("extendedRequestId"); }
    Str http_method() const { return string("httpMethod"); }
    Str operation_name() const { return string("operationName"); }
    Str path() const { return string("path"); }
    Str protocol() const { return string("protocol"); }
    Str request_time() const { return string("requestTime"); }
    Number request_time_epoch() const { return number("requestTimeEpoch"); }
    Str resource_id() const { return string("resourceId"); }
    Str resource_path() const { return string("resourcePath"); }
    HttpIdentity identity() const { return child("identity"); }
    // HTTP API, function URL
    HttpDetails http() const { return child("http"); }
    Str route_key() const { return string("routeKey"); }
    Str time() const { return string("time"); }
    Number time_epoch() const { return number("timeEpoch"); }
    ClientCert client_cert() const { return child("authentication").child("clientCert"); }
    // ALB
    Str target_group_arn() const { return child("elb").string("targetGroupArn"); }
};

// One cookie of the request: the text before the first '=' and after it
// (a cookie without '=' has an empty name), as sent: not unquoted or decoded.
struct Cookie {
    Str name;
    Str value;
};

// The request's cookies: each string of `list` split at ';', blanks around
// each cookie trimmed, empty pieces skipped.
class Cookies {
public:
    class Iterator {
    public:
        Cookie operator*() const { return m_cookie; }
        Iterator& operator++()
        {
            advance();
            return *this;
        }
        bool operator!=(const Iterator& other) const { return m_at != other.m_at; }

    private:
        friend class Cookies;
        Iterator(StringList::Iterator at, StringList::Iterator end) : m_at(at), m_end(end) { }
        void advance(); // to the next cookie, or m_at = m_end
        StringList::Iterator m_at;
        StringList::Iterator m_end;
        Str m_rest; // what is left of *m_at
        Cookie m_cookie;
    };

    explicit Cookies(StringList list) : m_list(list) { }
    // The Cookies must outlive its iterators (as in a range-for).
    Iterator begin() const
    {
        Iterator it(m_list.begin(), m_list.end());
        if (it.m_at != it.m_end)
            it.m_rest = *it.m_at;
        it.advance();
        return it;
    }
    Iterator end() const { return Iterator(m_list.end(), m_list.end()); }

private:
    StringList m_list;
};

class HttpRequest : public View {
public:
    HttpRequest() = default;
    // The event's root value; the source is detected once, here.
    HttpRequest(json::Value event, Arena& arena) : View(event, arena), m_source(detect(event)) { }
    static HttpSource detect(json::Value event);

    HttpSource source() const { return m_source; }
    // The 2.0 payload shape: HTTP API and function URLs.
    bool version_2() const { return m_source == HttpSource::http_v2 || m_source == HttpSource::function_url; }
    // The target group of an ALB event has multi-value headers turned on.
    bool multi_value() const
    {
        return m_source == HttpSource::alb && m_value["multiValueHeaders"].type() == json::Type::object;
    }

    Str method() const
    {
        return string_of(version_2() ? m_value["requestContext"]["http"]["method"] : m_value["httpMethod"]);
    }
    // As the source gives it: rawPath (2.0), path (REST, ALB).
    Str path() const { return string(version_2() ? Str("rawPath") : Str("path")); }
    // The query string as sent, without '?' (2.0 only; Str{} elsewhere).
    Str query_string() const { return string("rawQueryString"); }

    // Query parameter `name`, decoded. REST: the first of its
    // multiValueQueryStringParameters, else its queryStringParameters value
    // (API Gateway decodes both); ALB: the same, decoded here (%XX, '+' as a
    // space), as ALB passes them on encoded; 2.0: queryStringParameters,
    // where API Gateway joins repeated values with commas ("a=1&a=2" gives
    // "1,2"): form_value(query_string(), name, arena) gives the first one
    // exactly. Str{} when absent.
    Str query(Str name) const;
    StringMap query_parameters() const { return child("queryStringParameters"); }
    MultiValueMap multi_value_query_parameters() const { return child("multiValueQueryStringParameters"); }

    // Every value of header `name` (ASCII case-insensitive): its
    // multiValueHeaders list when the event has one for it, else its headers
    // value as a list of one (2.0 joins repeated headers with commas).
    StringList header_values(Str name) const;
    // The first of those.
    Str header(Str name) const { return header_values(name).first(); }
    StringMap headers() const { return child("headers"); }
    MultiValueMap multi_value_headers() const { return child("multiValueHeaders"); }

    // Cookies: the 2.0 cookies array when the event has one, else every
    // Cookie header's value.
    Cookies cookies() const;
    Str cookie(Str name) const; // the first cookie of that name (exact), Str{} when none
    StringList cookie_list() const { return child("cookies"); } // 2.0 only, as sent

    // The body as the event holds it (base64 text when is_base64_encoded()).
    Str body() const { return string("body"); }
    bool is_base64_encoded() const { return boolean("isBase64Encoded"); }
    // The body's bytes: base64-decoded into the arena when flagged. Str{} when
    // absent, or flagged but not canonical base64 (body().ptr is then set).
    Str decoded_body() const;

    HttpRequestContext context() const { return child("requestContext"); }
    StringMap path_parameters() const { return child("pathParameters"); }
    StringMap stage_variables() const { return child("stageVariables"); }
    Str version() const { return string("version"); }    // "2.0"; "1.0" in HTTP API 1.0 events
    Str resource() const { return string("resource"); }  // REST
    Str route_key() const { return string("routeKey"); } // 2.0

    // requestContext fields that several sources have, each from where its
    // source keeps it; Str{} (or Number{}) where the source has none (ALB has
    // no request id, stage, domain, source IP, time or account).
    Str request_id() const { return context().request_id(); }
    Str stage() const { return context().stage(); }
    Str domain_name() const { return context().domain_name(); }
    Str account_id() const { return context().account_id(); }
    Str api_id() const { return context().api_id(); }
    Str source_ip() const { return version_2() ? context().http().source_ip() : context().identity().source_ip(); }
    // ALB: the User-Agent header.
    Str user_agent() const;
    Number time_epoch() const { return version_2() ? context().time_epoch() : context().request_time_epoch(); }
    HttpAuthorizer authorizer() const { return context().authorizer(); }

private:
    HttpSource m_source = HttpSource::none;
};

// The first value of `name` in form-encoded text ("a=1&b=x+y%21": a 2.0
// rawQueryString, a form body), both sides decoded (%XX, '+' as a space)
// into the arena. Str{} when absent; "" for "name" or "name=".
Str form_value(Str form, Str name, Arena& arena);

// The reason phrase of a status code ("Not Found"), or of its class ("Client
// Error") for codes without one here.
constexpr Str http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: break;
    }
    switch (status / 100) {
    case 1: return "Informational";
    case 2: return "Success";
    case 3: return "Redirection";
    case 4: return "Client Error";
    case 5: return "Server Error";
    default: return "Unknown";
    }
}

// A status code and its reason phrase, which ALB sends in its status line
// (statusDescription "404 Not Found"). A constant code converts at compile
// time, so a handler links the phrases of the codes it uses and no table:
// send(404, ...). A code known only at run time takes its phrase explicitly:
// HttpStatus(code, http_reason(code)). A phrase of one's own is written as
// given: printable ASCII without a quote or a backslash.
struct HttpStatus {
    int code;
    Str reason;
    consteval HttpStatus(int status) : code(status), reason(http_reason(status)) { }
    constexpr HttpStatus(int status, Str phrase) : code(status), reason(phrase) { }
};

// The response document for the source of `request`, written into out in one
// pass: construct (with the Content-Type, usually), add headers, then
// cookies, then send. Write each header name once (join repeated values
// with ", "). Set-Cookie goes through cookie(): 2.0 sends it in "cookies",
// REST in multiValueHeaders, an ALB with multi-value headers in its
// multiValueHeaders, and an ALB without them as headers whose names are case
// variants of Set-Cookie (Set-Cookie, set-Cookie, SEt-Cookie, ...: distinct
// JSON keys, one HTTP header name; at most 512), since its headers map holds
// one value per key. An event of no HTTP source is answered in the REST shape.
class HttpResponse {
public:
    // out must be empty. Starts with a Content-Type header when content_type is given.
    HttpResponse(const HttpRequest& request, Builder& out, Str content_type = {});

    HttpResponse& header(Str name, Str value);
    HttpResponse& cookie(Str set_cookie);

    // Finishes the document with statusCode, statusDescription for ALB,
    // isBase64Encoded and the body: text as a JSON string, or bytes
    // base64-encoded. success() with the document, or a failure when it
    // overflowed out (Function.ResponseTooLarge) or the builder was misused
    // (Function.InvalidResponse: a header after a cookie, or a 513th cookie
    // for an ALB without multi-value headers).
    Outcome send(HttpStatus status, Str text);
    Outcome send_binary(HttpStatus status, Str bytes);
    // The text a Builder holds; Function.ResponseTooLarge if it overflowed.
    Outcome send(HttpStatus status, const Builder& text);

private:
    enum class Section : unsigned char { none, headers, cookies };
    bool version_2() const { return m_source == HttpSource::http_v2 || m_source == HttpSource::function_url; }
    void open_headers();
    void open_body(HttpStatus status, bool base64);
    Outcome finish(bool overflowed = false);

    Builder& m_out;
    HttpSource m_source;
    bool m_multi_value;
    Section m_section = Section::none;
    bool m_misused = false;
    unsigned m_cookies = 0;
};

} // namespace wisp::events
